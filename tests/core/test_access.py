"""Every route states who may use it; the home page shows one panel per role."""

import pytest


def test_every_route_declares_its_access_rule(app):
    undeclared = [
        rule.rule for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and not getattr(app.view_functions[rule.endpoint], "access_rule", None)
    ]
    assert undeclared == []


@pytest.mark.parametrize("role, visible, hidden", [
    ("trainee", ["panel-trainee"], ["panel-admin", "/admin/users"]),
    ("trainer", ["panel-trainer"], ["panel-admin", "panel-trainee"]),
    ("planner", ["panel-planner"], ["panel-admin", "panel-trainer"]),
    ("admin", ["panel-admin", "/admin/users"], ["panel-trainee"]),
])
def test_home_page_and_navigation_follow_the_role(client, auth, role, visible, hidden):
    auth.as_role(role)
    body = client.get("/").get_data(as_text=True)
    for marker in visible:
        assert marker in body
    for marker in hidden:
        assert marker not in body


def test_a_user_with_two_roles_sees_both_panels(client, auth):
    auth.as_role("trainer", "planner")
    body = client.get("/").get_data(as_text=True)
    assert "panel-trainer" in body and "panel-planner" in body


def test_responses_carry_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
