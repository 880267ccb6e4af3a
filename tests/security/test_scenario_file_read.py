"""Scenario text is only ever parsed, never opened as a file (issue 10, item 1 — critical).

A planner once posted ``/etc/passwd`` or the instance secret key's path as the scenario YAML;
the loader opened the file and the error message printed its content. These tests post file
names through the real forms (test client and real HTTP) and check that no file content
comes back, and that error messages quote only a short excerpt of what was typed.
"""

import re
from pathlib import Path

import pytest
import requests

import scenarios
from lms.planning import scenario_store
from tests.factories import DEFAULT_PASSWORD, make_user

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "secret_key"
    path.write_text("id: leaked\ntitle: TOP-SECRET-KEY-CONTENT\n")
    return path


def _paths(app, secret_file) -> list[str]:
    return ["/etc/passwd", str(secret_file), str(Path(app.instance_path) / "secret_key"),
            "normal_weekday", "../scenarios/library/typhoon.yaml"]


def _leaks(body: str, secret_file: Path) -> bool:
    return "root:x:" in body or "TOP-SECRET-KEY-CONTENT" in body or "leaked" in body


def test_the_loader_never_opens_text_as_a_path(secret_file):
    for text in ("/etc/passwd", str(secret_file), "normal_weekday"):
        with pytest.raises(scenarios.ScenarioError) as raised:
            scenarios.validate(text)
        assert not _leaks(str(raised.value), secret_file)
        with pytest.raises(scenarios.ScenarioError):
            scenarios.parse_scenario(text)
    # Reading files stays possible, but only by name, for the CLI and the library.
    assert scenarios.load_scenario_file(scenarios.LIBRARY_DIR / "typhoon.yaml").id == "typhoon"
    assert scenarios.library_scenario("typhoon").id == "typhoon"
    with pytest.raises(scenarios.ScenarioError):
        scenarios.library_scenario("../../etc/passwd")


def test_planner_posting_file_names_as_yaml_sees_no_file(client, auth, app, secret_file):
    auth.as_role("planner")
    for text in _paths(app, secret_file):
        response = auth.post("/planning/scenarios/new", {"name": "probe", "yaml_text": text},
                             form_page="/planning/scenarios/new")
        body = response.get_data(as_text=True)
        assert response.status_code == 400, text
        assert not _leaks(body, secret_file), text
        assert "root:x:" not in body


def test_yaml_edit_form_does_not_read_files_either(client, auth, app, secret_file):
    user_id = auth.as_role("planner")
    with app.app_context():
        from lms.auth.models import User
        from lms.extensions import db

        owner = db.session.get(User, user_id)
        stored = scenario_store.copy_from_library(owner, "normal_weekday", "en")
        db.session.commit()
        stored_id = stored.id
    page = f"/planning/scenarios/{stored_id}/yaml"
    for text in _paths(app, secret_file):
        response = auth.post(page, {"name": "probe", "yaml_text": text}, form_page=page)
        assert response.status_code == 400
        assert not _leaks(response.get_data(as_text=True), secret_file)


def test_error_messages_quote_only_a_short_excerpt(app_ctx):
    long_value = "Z" * 5000
    with pytest.raises(scenario_store.ScenarioInvalid) as raised:
        scenario_store.check(f"id: {long_value}\ntitle: [{long_value}]\n", "en")
    for message in raised.value.errors.values():
        assert "Z" * 61 not in message
        assert len(message) < 400


def test_over_real_http_a_file_name_is_just_bad_yaml(live_server, app, secret_file):
    with app.app_context():
        make_user(username="http-planner", roles=["planner"])
    browser = requests.Session()
    token = TOKEN.search(browser.get(f"{live_server}/login", timeout=10).text).group(1)
    browser.post(f"{live_server}/login", timeout=10, data={
        "username": "http-planner", "password": DEFAULT_PASSWORD, "csrf_token": token})
    form = browser.get(f"{live_server}/planning/scenarios/new", timeout=10)
    token = TOKEN.search(form.text).group(1)
    for text in _paths(app, secret_file):
        response = browser.post(f"{live_server}/planning/scenarios/new", timeout=10,
                                data={"name": "probe", "yaml_text": text, "csrf_token": token})
        assert response.status_code == 400
        assert not _leaks(response.text, secret_file)
