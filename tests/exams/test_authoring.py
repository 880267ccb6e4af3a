"""Every question type is written and edited with its own form, and its preview answers."""

import pytest
from sqlalchemy import select

from lms.exams import bank_service
from lms.exams.models import Question
from lms.extensions import db
from question_bank.model import QuestionType
from tests.conftest import csrf_token
from tests.exams.authoring_payloads import payload

#: Types whose form the shared payloads fill; cloze, calculated and description have their own
#: tests (tests/exams/test_new_types.py: a cloze needs gap markers in its text).
TYPES = [t.value for t in QuestionType if t.value not in ("cloze", "calculated", "description")]


@pytest.mark.parametrize("kind", TYPES)
def test_each_type_is_created_with_its_form_and_edited_again(app, client, auth, kind):
    auth.as_role("trainer")
    page = client.get(f"/exams/manage/questions/new/{kind}")
    assert page.status_code == 200
    token = csrf_token(client, f"/exams/manage/questions/new/{kind}")
    key = f"form-{kind.replace('_', '-')}"
    created = client.post(f"/exams/manage/questions/new/{kind}", data=payload(kind, key, token))
    assert created.status_code == 302, created.get_data(as_text=True)[-2500:]
    with app.app_context():
        row = db.session.scalar(select(Question).where(Question.key == key))
        definition = bank_service.definition_of(row.latest)
        assert definition.text.zh == f"题目 {kind}" and definition.text.en == f"Question {kind}"
        assert row.tags == ["forms", "callback"]
        question_id = row.id
    form = client.get(f"/exams/manage/questions/{question_id}/form").get_data(as_text=True)
    assert f"题目 {kind}" in form
    # Saving the form unchanged makes no new version: the form reads back what it wrote.
    again = client.post(f"/exams/manage/questions/{question_id}/form",
                        data=payload(kind, key, token))
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(Question, question_id).latest_number == 1
    changed = payload(kind, key, token) | {"text-en": f"Question {kind}, reworded"}
    assert client.post(f"/exams/manage/questions/{question_id}/form",
                       data=changed).status_code == 302
    with app.app_context():
        assert db.session.get(Question, question_id).latest_number == 2


def test_the_form_names_the_field_of_each_problem(app, client, auth):
    auth.as_role("trainer")
    token = csrf_token(client, "/exams/manage/questions/new/single_choice")
    data = payload("single_choice", "form-broken", token)
    data["options-1-fraction"] = "100"  # two full-credit options
    data["options-2-fraction"] = "abc"
    bad = client.post("/exams/manage/questions/new/single_choice", data=data,
                      headers={"Accept-Language": "en"})
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "Options, row 3, Credit (%)" in text
    data["options-2-fraction"] = ""
    bad = client.post("/exams/manage/questions/new/single_choice", data=data)
    assert bad.status_code == 400 and "form-errors" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Question)) is None


def test_a_case_grows_a_sub_question_without_saving(app, client, auth):
    auth.as_role("trainer")
    token = csrf_token(client, "/exams/manage/questions/new/case")
    data = payload("case", "form-case-grow", token)
    grown = client.post("/exams/manage/questions/new/case",
                        data={**data, "add_sub": "1", "add_type": "numerical"})
    assert grown.status_code == 200
    html = grown.get_data(as_text=True)
    assert 'data-sub-type="numerical"' in html and 'value="case-form-a"' in html
    removed = client.post("/exams/manage/questions/new/case",
                          data={**data, "regrow": "1", "sub_1-remove": "y"})
    assert 'data-sub-type="essay"' not in removed.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Question)) is None


def test_the_preview_grades_an_answer_and_shows_its_feedback(app, client, auth):
    auth.as_role("trainer")
    token = csrf_token(client, "/exams/manage/questions/new/single_choice")
    client.post("/exams/manage/questions/new/single_choice",
                data=payload("single_choice", "form-preview", token))
    with app.app_context():
        row = db.session.scalar(select(Question).where(Question.key == "form-preview"))
        definition = bank_service.definition_of(row.latest)
        wrong = definition.option_id(1)
        question_id = row.id
    page = client.get(f"/exams/manage/questions/{question_id}").get_data(as_text=True)
    assert 'id="preview-form"' in page
    answered = client.post(f"/exams/manage/questions/{question_id}/preview",
                           data={"csrf_token": token, "preview": wrong},
                           headers={"Accept-Language": "en"})
    text = answered.get_data(as_text=True)
    assert answered.status_code == 200 and 'id="preview-result"' in text
    assert "Too slow" in text and "Because the policy says so." in text
    assert "Incorrect" in text
    forged = client.post(f"/exams/manage/questions/{question_id}/preview",
                         data={"csrf_token": token, "preview": "o-forged"})
    assert forged.status_code == 302
