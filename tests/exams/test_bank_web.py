"""The question bank pages: import with preview and errors, edit as versions, export, filters."""

import io

from sqlalchemy import select

from lms.exams.models import Question, QuestionVersion
from lms.extensions import db
from tests.conftest import csrf_token
from tests.exams.factories import single_choice, store

GIFT = """$CATEGORY: $course$/top/imported/gift

// [id:first-response] [tag:process]
::first-response::Who owns a case the customer first reports? {
=The person who took the call#Right: first responder
~The technician#No
}

::pick-two::Which are channels? {~%50%Phone ~%50%Email ~%-100%Fax to the CEO}

::tf-rule::Callbacks are optional. {F}

::width::Name the rule. {=first responder =首问负责制}

::num::How many hours for a callback? {#24:2}
"""

BROKEN = """::ok::Fine question {=yes ~no}

::bad::Broken question {=yes ~no
"""


def _upload(client, content: str, name: str, file_format: str, language: str = "en"):
    token = csrf_token(client, "/exams/manage/import")
    return client.post("/exams/manage/import", data={
        "csrf_token": token, "format": file_format, "language": language,
        "category": "imported", "file": (io.BytesIO(content.encode("utf-8")), name)},
        content_type="multipart/form-data")


def test_a_gift_file_is_previewed_then_imported(app, client, auth):
    auth.as_role("trainer")
    preview = _upload(client, GIFT, "standards.gift", "gift")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "first-response" in page and "pick-two" in page
    with app.app_context():
        assert db.session.scalar(select(Question)) is None  # nothing before confirming
    token = page.split("/exams/manage/import/")[1].split('"')[0]
    confirm = client.post(f"/exams/manage/import/{token}",
                          data={"csrf_token": csrf_token(client, "/exams/manage/import")})
    assert confirm.status_code == 302
    with app.app_context():
        keys = set(db.session.scalars(select(Question.key)))
        assert {"first-response", "pick-two", "tf-rule", "width", "num"} <= keys
        question = db.session.scalar(select(Question).where(Question.key == "pick-two"))
        assert question.category.path == "imported/gift" and question.type == "multiple_choice"
    again = _upload(client, GIFT, "standards.gift", "gift").get_data(as_text=True)
    assert "new version of an existing question" in again or "已有题目的新版本" in again


def test_a_broken_file_names_file_and_line_and_imports_nothing(app, client, auth):
    auth.as_role("trainer")
    response = _upload(client, BROKEN, "broken.gift", "gift")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<td>broken.gift</td><td>3</td>" in page
    assert "/exams/manage/import/" not in page.split("</form>", 1)[1]  # no import button
    with app.app_context():
        assert db.session.scalar(select(Question)) is None


def test_a_broken_yaml_file_is_refused_with_its_line(app, client, auth):
    auth.as_role("trainer")
    text = "curriculum: service_standards\nquestions:\n  - key: x\n    type: nonsense\n"
    page = _upload(client, text, "bank.yaml", "yaml").get_data(as_text=True)
    assert "<td>bank.yaml</td><td>4</td>" in page


def test_duplicates_are_flagged_in_the_preview(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        store(single_choice("existing-one", right="Phone", wrong=("Fax",)))
    gift = "::copy::Question existing-one {=Phone ~Fax}\n"
    page = _upload(client, gift, "copy.gift", "gift").get_data(as_text=True)
    assert "existing-one" in page


def test_editing_makes_a_new_version_and_keeps_the_old(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        question_id = store(single_choice("edit-me", right="Right")).id
    form_page = client.get(f"/exams/manage/questions/{question_id}/edit").get_data(as_text=True)
    assert "edit-me" in form_page
    with app.app_context():
        definition = db.session.get(Question, question_id).latest.definition
    import yaml

    changed = dict(definition, text={"zh": "新的题干", "en": "New stem"})
    token = csrf_token(client, f"/exams/manage/questions/{question_id}/edit")
    response = client.post(f"/exams/manage/questions/{question_id}/edit", data={
        "csrf_token": token, "definition": yaml.safe_dump(changed, allow_unicode=True),
        "note": "clearer stem"})
    assert response.status_code == 302
    bad = client.post(f"/exams/manage/questions/{question_id}/edit", data={
        "csrf_token": token, "definition": "key: edit-me\ntype: single_choice\n"})
    assert bad.status_code == 400
    with app.app_context():
        versions = db.session.scalars(select(QuestionVersion).where(
            QuestionVersion.question_id == question_id).order_by(QuestionVersion.number)).all()
        assert [v.number for v in versions] == [1, 2]
        assert versions[0].definition["text"]["en"] == "Question edit-me"
        assert versions[1].note == "clearer stem"
    preview = client.get(f"/exams/manage/questions/{question_id}").get_data(as_text=True)
    assert "新的题干" in preview


def test_a_trainers_html_is_sanitised(app, client, auth):
    auth.as_role("trainer")
    gift = "::xss::[html]<p>Hi<script>alert(1)</script><img src=x onerror=alert(2)></p> {=a ~b}\n"
    page = _upload(client, gift, "x.gift", "gift").get_data(as_text=True)
    token = page.split("/exams/manage/import/")[1].split('"')[0]
    client.post(f"/exams/manage/import/{token}",
                data={"csrf_token": csrf_token(client, "/exams/manage/import")})
    with app.app_context():
        question_id = db.session.scalar(select(Question.id).where(Question.key == "xss"))
    preview = client.get(f"/exams/manage/questions/{question_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in preview and "onerror" not in preview


def test_export_and_filters(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        store(single_choice("exp-one", right="Phone"))
        store(single_choice("exp-two", right="Email", difficulty="hard",
                            category="technical-skills/appliances"))
    gift = client.get("/exams/manage/export?format=gift&category=service-standards&lang=en")
    assert gift.status_code == 200 and "exp-one" in gift.get_data(as_text=True)
    assert "exp-two" not in gift.get_data(as_text=True)
    xml = client.get("/exams/manage/export?format=xml&category=&lang=en").get_data(as_text=True)
    assert "<quiz>" in xml and "exp-two" in xml
    yaml_text = client.get("/exams/manage/export?format=yaml&category=").get_data(as_text=True)
    assert "exp-one" in yaml_text
    listing = client.get("/exams/manage/questions?difficulty=hard").get_data(as_text=True)
    assert "exp-two" in listing and "exp-one" not in listing


def test_loading_the_shipped_banks_is_idempotent(app, runner):
    first = runner.invoke(args=["questions", "load"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        count = db.session.query(Question).count()
    assert count >= 200
    second = runner.invoke(args=["questions", "load"])
    assert "0 questions stored" in second.output
    with app.app_context():
        assert db.session.query(QuestionVersion).count() == count


def _confirm(client, page: str):
    token = page.split("/exams/manage/import/")[1].split('"')[0]
    return client.post(f"/exams/manage/import/{token}",
                       data={"csrf_token": csrf_token(client, "/exams/manage/import")})


def test_csv_and_moodle_xml_imports_through_the_web(app, client, auth):
    auth.as_role("trainer")
    csv_text = ("key,text,option_a,option_b,correct,general_feedback\n"
                "csv-one,多久内回访？,24 小时,一周,A,制度要求 24 小时内回访。\n")
    page = _upload(client, csv_text, "choices.csv", "csv", "zh").get_data(as_text=True)
    assert "csv-one" in page
    assert _confirm(client, page).status_code == 302
    exported = client.get("/exams/manage/export?format=xml&category=imported&lang=zh")
    xml_text = exported.get_data(as_text=True).replace("csv-one", "xml-copy")
    preview = _upload(client, xml_text, "copy.xml", "xml", "zh").get_data(as_text=True)
    assert "xml-copy" in preview and "csv-one" in preview  # flagged as a duplicate of csv-one
    bad = _upload(client, "<quiz><question type=", "bad.xml", "xml", "zh")
    assert bad.status_code == 400 and "bad.xml" in bad.get_data(as_text=True)
    with app.app_context():
        assert set(db.session.scalars(select(Question.key))) == {"csv-one"}


def _choice_payload(token: str, **changes) -> dict:
    payload = {"csrf_token": token, "key": "form-q", "type": "single_choice",
               "category": "service-standards/process", "curriculum": "service_standards",
               "difficulty": "easy", "tags": "callback", "text_zh": "多久内回访？",
               "text_en": "Call back within?", "feedback_zh": "制度规定。",
               "feedback_en": "The policy says so.",
               "options-0-text_zh": "24 小时", "options-0-text_en": "24 hours",
               "options-0-percent": "100",
               "options-1-text_zh": "一周", "options-1-text_en": "A week",
               "options-1-percent": "0", "options-1-feedback_zh": "太慢了",
               "options-1-feedback_en": "Too slow"}
    payload.update(changes)
    return payload


def test_a_choice_question_is_written_and_edited_with_the_form(app, client, auth):
    auth.as_role("trainer")
    token = csrf_token(client, "/exams/manage/questions/new/choice")
    bad = client.post("/exams/manage/questions/new/choice",
                      data=_choice_payload(token, **{"options-1-text_zh": "24 小时",
                                                     "options-1-text_en": "24 hours"}))
    assert bad.status_code == 400  # two equal options: the bank's own rule
    with app.app_context():
        assert db.session.scalar(select(Question)) is None
    created = client.post("/exams/manage/questions/new/choice", data=_choice_payload(token))
    assert created.status_code == 302
    with app.app_context():
        question = db.session.scalar(select(Question))
        question_id = question.id
        assert question.tags == ["callback"] and question.latest_number == 1
    form_page = client.get(f"/exams/manage/questions/{question_id}/choice").get_data(
        as_text=True)
    assert 'value="一周"' in form_page and 'value="太慢了"' in form_page
    edited = client.post(f"/exams/manage/questions/{question_id}/choice",
                         data=_choice_payload(token, text_en="Call back within how long?"))
    assert edited.status_code == 302
    with app.app_context():
        assert db.session.get(Question, question_id).latest_number == 2
