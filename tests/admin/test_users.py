"""Administrators create, edit, deactivate and reset users; others may not."""

from sqlalchemy import select

from lms.auth.models import User
from lms.auth.service import hash_password
from lms.extensions import db
from tests.factories import make_user


def _user(app, username):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return None if user is None else (user.id, user.active, sorted(user.roles),
                                          user.department.name if user.department else None)


def test_admin_creates_a_user_with_several_roles(client, auth, app):
    auth.as_role("admin")
    response = auth.post("/admin/users/new", {
        "username": "Chen", "employee_no": "E7001", "name": "陈晨", "department": "Hotline West",
        "roles": ["trainer", "planner"], "active": "y", "locale": "zh",
    }, form_page="/admin/users/new")
    assert response.status_code == 302
    flash = client.get("/admin/users").get_data(as_text=True)
    assert "Temporary password" in flash or "临时密码" in flash
    assert _user(app, "chen")[2:] == (["planner", "trainer"], "Hotline West")


def test_new_user_must_change_the_temporary_password(client, auth, app):
    auth.as_role("admin")
    auth.post("/admin/users/new", {"username": "newbie", "employee_no": "E7002",
                                   "name": "New", "roles": ["trainee"], "active": "y"},
              form_page="/admin/users/new")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "newbie"))
        user.password_hash = hash_password("temp-pass-123")
        db.session.commit()
    auth.post("/logout")
    response = auth.login("newbie", "temp-pass-123")
    assert response.location == "/account/password"
    assert client.get("/").location == "/account/password"


def test_duplicate_employee_number_is_refused_beside_the_field(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        make_user(username="first", employee_no="E8000")
    response = auth.post("/admin/users/new", {"username": "second", "employee_no": "E8000",
                                              "name": "Dup", "roles": ["trainee"]},
                         form_page="/admin/users/new")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="employee_no-error"' in body
    assert _user(app, "second") is None


def test_user_without_roles_is_refused(client, auth, app):
    auth.as_role("admin")
    response = auth.post("/admin/users/new", {"username": "norole", "employee_no": "E8001",
                                              "name": "No role"}, form_page="/admin/users/new")
    assert 'id="roles-error"' in response.get_data(as_text=True)
    assert _user(app, "norole") is None


def test_admin_edits_roles_and_department(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        target = make_user(username="edit-me", roles=["trainee"])
        target_id = target.id
    response = auth.post(f"/admin/users/{target_id}/edit", {
        "username": "edit-me", "employee_no": target.employee_no, "name": "Edited",
        "department": "Field Service North", "roles": ["trainee", "trainer"], "active": "y",
    }, form_page=f"/admin/users/{target_id}/edit")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert _user(app, "edit-me")[2:] == (["trainee", "trainer"], "Field Service North")


def test_deactivated_user_is_locked_out(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        target_id = make_user(username="leaver").id
    assert auth.post(f"/admin/users/{target_id}/active").status_code == 302
    assert _user(app, "leaver")[1] is False
    auth.post("/logout")
    body = auth.login("leaver").get_data(as_text=True)
    assert "deactivated" in body or "已被停用" in body


def test_admin_cannot_deactivate_self(client, auth, app):
    admin_id = auth.as_role("admin", username="boss")
    auth.post(f"/admin/users/{admin_id}/active")
    assert _user(app, "boss")[1] is True


def test_reset_password_forces_a_change(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        target_id = make_user(username="forgot").id
    auth.post(f"/admin/users/{target_id}/reset-password")
    with app.app_context():
        user = db.session.get(User, target_id)
        assert user.must_change_password is True
    auth.post("/logout")
    assert auth.login("forgot").status_code == 401


def test_trainee_opening_admin_pages_gets_403(client, auth, app):
    auth.as_role("trainee")
    with app.app_context():
        other_id = make_user(username="victim").id
    for path in ("/admin/users", "/admin/users/new", "/admin/users/import",
                 f"/admin/users/{other_id}/edit"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Not allowed" in response.get_data(as_text=True) or "无权访问" in \
            response.get_data(as_text=True)
    assert auth.post(f"/admin/users/{other_id}/active").status_code == 403
    assert _user(app, "victim")[1] is True


def test_user_list_filters_by_role_and_search(client, auth, app):
    auth.as_role("admin", username="root")
    with app.app_context():
        make_user(username="plan1", roles=["planner"], name="Planner Pan")
        make_user(username="learn1", roles=["trainee"], name="Learner Lu")
    body = client.get("/admin/users?role=planner").get_data(as_text=True)
    assert "Planner Pan" in body and "Learner Lu" not in body
    body = client.get("/admin/users?q=lu").get_data(as_text=True)
    assert "Learner Lu" in body and "Planner Pan" not in body
