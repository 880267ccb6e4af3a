"""Alias bombs and 10,000-deep nesting posted through the real pages (issue 10, item 6): the
question import, the question YAML editor, the course zip import and the scenario YAML editor
answer 400 with the importer's message naming the line, quickly, and store nothing.
"""

from __future__ import annotations

import html
import io

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.extensions import db
from tests.conftest import csrf_token
from tests.courses.helpers import make_zip, valid_course_files
from tests.planning.factories import make_scenario
from tests.security.test_yaml_bombs import BOMB, DEEP, deadline

BANK_BOMB = "curriculum: service_standards\n" + BOMB  # the bomb's alias run ends on line 7
BANK_DEEP = "curriculum: service_standards\n" + DEEP  # the nesting starts on line 4


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _body(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(("text", "needle"), [
    (BANK_BOMB, "<td>bank.yaml</td><td>7</td>"),
    (BANK_DEEP, "<td>bank.yaml</td><td>4</td>")])
def test_question_import_page_refuses_with_the_line(app, client, auth, text, needle):
    from lms.exams.models import Question

    auth.as_role("trainer")
    token = csrf_token(client, "/exams/manage/import")
    with deadline(5):
        response = client.post("/exams/manage/import", data={
            "csrf_token": token, "format": "yaml", "language": "zh", "category": "imported",
            "file": (io.BytesIO(text.encode()), "bank.yaml")}, content_type="multipart/form-data")
    body = _body(response)
    assert response.status_code == 400
    assert needle in body
    assert "展开后超过 10000 个取值" in body or "嵌套超过 50 层" in body
    assert "/exams/manage/import/" not in body  # no confirm button for a refused file
    assert _count(app, Question) == 0


@pytest.mark.parametrize("text", [BOMB, DEEP, "key: [unclosed\n"])
def test_question_yaml_editor_refuses_with_a_message(app, client, auth, text):
    from lms.exams.models import Question

    auth.as_role("trainer")
    with deadline(5):
        response = auth.post("/exams/manage/questions/new", {"definition": text},
                             form_page="/exams/manage/questions/new")
    body = _body(response)
    assert response.status_code == 400
    assert "definition.yaml:" in body
    assert _count(app, Question) == 0


@pytest.mark.parametrize(("text", "needle", "zh"), [
    (BOMB, "course.yaml:6", "展开后超过 10000 个取值"), (DEEP, "course.yaml:3", "嵌套超过 50 层")])
def test_course_zip_import_refuses_with_the_line(app, client, auth, text, needle, zh):
    from lms.courses.models import Course

    auth.as_role("trainer")
    data = make_zip({**valid_course_files(), "course.yaml": text.encode()})
    with deadline(5):
        response = auth.post("/courses/manage/import", {
            "file": (io.BytesIO(data), "bomb.zip")}, form_page="/courses/manage/import",
            content_type="multipart/form-data")
    body = _body(response)
    assert response.status_code == 400
    assert needle in body and zh in body
    assert _count(app, Course) == 0


@pytest.mark.parametrize(("text", "line", "zh"), [
    (BOMB, 6, "展开后超过 10000 个取值"), (DEEP, 3, "嵌套超过 50 层")])
def test_scenario_yaml_pages_refuse_with_the_line(app, client, auth, text, line, zh):
    from lms.planning.models import PlanningScenario

    user_id = auth.as_role("planner")
    with app.app_context():
        stored = make_scenario(db.session.get(User, user_id))
        scenario_id, before = stored.id, stored.yaml_text
    for path in (f"/planning/scenarios/{scenario_id}/yaml", "/planning/scenarios/new"):
        with deadline(5):
            response = auth.post(path, {"name": "bomb", "yaml_text": text}, form_page=path)
        body = _body(response)
        assert response.status_code == 400, path
        assert zh in body and f"(line {line})" in body, path
    with app.app_context():
        assert db.session.get(PlanningScenario, scenario_id).yaml_text == before
    assert _count(app, PlanningScenario) == 1
