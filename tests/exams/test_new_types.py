"""Issue 16 point 5 on the web: cloze, calculated and description items are written with
their forms, previewed and answered, taken in an exam and reviewed; a Moodle file with a
multiple-response question at 2 x 100 % previews with a notice and imports."""

import io
import re

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.exams import bank_service
from lms.exams.models import Attempt, Question
from lms.extensions import db
from question_bank import qtypes
from tests.conftest import csrf_token
from tests.exams.factories import make_exam, store

COMMON = {"category": "service-standards/forms", "curriculum": "service_standards",
          "difficulty": "easy", "tags": "forms, callback"}


def _text(name: str, zh: str, en: str) -> dict:
    return {f"{name}-zh": zh, f"{name}-en": en}


def new_type_fields(kind: str) -> dict:
    """The form post of a valid question of one of the new types (text included)."""
    if kind == "cloze":
        return {"points": "2",
                **_text("text", "首问负责人在 [[1]] 小时内通过 [[2]] 回访，并记录 [[3]]。",
                        "The owner calls back within [[1]] hours by [[2]] and logs the [[3]]."),
                "gaps-0-kind": "numerical", "gaps-0-marks": "1",
                "gaps-0-answers-0-value": "24", "gaps-0-answers-0-tolerance": "0",
                "gaps-0-answers-0-fraction": "100",
                "gaps-0-answers-1-value": "48", "gaps-0-answers-1-fraction": "50",
                **_text("gaps-0-answers-1-feedback", "太慢了", "Too slow"),
                "gaps-1-kind": "choice", "gaps-1-marks": "2", "gaps-1-display": "dropdown",
                **_text("gaps-1-answers-0-text", "电话", "phone"),
                "gaps-1-answers-0-fraction": "100",
                **_text("gaps-1-answers-1-text", "传真", "fax"),
                "gaps-1-answers-1-fraction": "0",
                **_text("gaps-1-answers-1-feedback", "没人用传真", "Nobody faxes"),
                "gaps-2-kind": "short_answer", "gaps-2-marks": "1",
                **_text("gaps-2-answers-0-text", "工单号", "ticket number"),
                "gaps-2-answers-0-fraction": "100"}
    if kind == "calculated":
        return {"points": "1",
                **_text("text", "退还 {price} 元的 {rate}%，应退多少元？",
                        "Refund {rate} % of {price} yuan: how much?"),
                "formula": "{price} * {rate} / 100",
                "wildcards-0-name": "price", "wildcards-0-values": "200, 350, 80",
                "wildcards-1-name": "rate", "wildcards-1-values": "10, 20, 50",
                "tolerance": "0.01", "tolerance_type": "relative",
                "answer_format": "decimals", "decimals": "2", **_text("unit", "元", "yuan")}
    if kind == "description":
        return _text("text", "以下三题都关于回访制度。",
                     "The next three questions are about callbacks.")
    raise ValueError(kind)


def new_type_payload(kind: str, key: str, token: str) -> dict:
    """A whole valid post of the form of one of the new types."""
    return {"csrf_token": token, "key": key, **COMMON,
            **_text("general_feedback", "因为制度这样规定。", "Because the policy says so."),
            **new_type_fields(kind)}


def _create(app, client, kind: str, key: str):
    token = csrf_token(client, f"/exams/manage/questions/new/{kind}")
    created = client.post(f"/exams/manage/questions/new/{kind}",
                          data=new_type_payload(kind, key, token))
    assert created.status_code == 302, created.get_data(as_text=True)[-2500:]
    with app.app_context():
        row = db.session.scalar(select(Question).where(Question.key == key))
        return row.id, bank_service.definition_of(row.latest), token


@pytest.mark.parametrize("kind", ["cloze", "calculated", "description"])
def test_each_new_type_is_written_with_its_form_and_saved_again_unchanged(app, client, auth,
                                                                           kind):
    auth.as_role("trainer")
    page = client.get(f"/exams/manage/questions/new/{kind}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    if kind == "description":
        assert 'name="points"' not in html
    else:
        assert {"cloze": 'name="gaps-0-answers-0-value"',
                "calculated": 'name="wildcards-0-values"'}[kind] in html
    key = f"form-{kind}"
    question_id, definition, token = _create(app, client, kind, key)
    assert definition.type.value == kind
    form = client.get(f"/exams/manage/questions/{question_id}/form").get_data(as_text=True)
    assert "Because the policy says so." in form
    again = client.post(f"/exams/manage/questions/{question_id}/form",
                        data=new_type_payload(kind, key, token))
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(Question, question_id).latest_number == 1


def test_a_bad_formula_is_refused_by_the_form_naming_the_field(app, client, auth):
    auth.as_role("trainer")
    token = csrf_token(client, "/exams/manage/questions/new/calculated")
    data = new_type_payload("calculated", "form-bad-formula", token)
    data["formula"] = "__import__('os').system('ls')"
    refused = client.post("/exams/manage/questions/new/calculated", data=data,
                          headers={"Accept-Language": "en"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Answer formula: &#39;__import__&#39; at character 1" in page
    data = new_type_payload("cloze", "form-bad-cloze", token) | {"text-en": "Only [[1]]."}
    refused = client.post("/exams/manage/questions/new/cloze", data=data,
                          headers={"Accept-Language": "en"})
    assert refused.status_code == 400 and "Missing: [[2]], [[3]]" in refused.get_data(
        as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Question)) is None


def test_the_cloze_preview_grades_each_gap(app, client, auth):
    auth.as_role("trainer")
    question_id, definition, token = _create(app, client, "cloze", "form-cloze-preview")
    page = client.get(f"/exams/manage/questions/{question_id}",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'name="preview-g1"' in page and 'name="preview-g2"' in page
    assert "ticket number" not in page.split('id="preview-form"')[1].split("</form>")[0]
    fax = re.search(r'<option value="(o[0-9a-f]+)"\s*>fax</option>', page).group(1)
    answered = client.post(f"/exams/manage/questions/{question_id}/preview",
                           data={"csrf_token": token, "preview-g1": "48", "preview-g2": fax,
                                 "preview-g3": "Ticket Number"},
                           headers={"Accept-Language": "en"})
    text = answered.get_data(as_text=True)
    assert answered.status_code == 200 and 'id="preview-result"' in text
    assert "Partially correct" in text and "Too slow" in text and "Nobody faxes" in text
    assert "Marks: 0.75 out of 2" in text  # (0.5 * 1 + 0 * 2 + 1 * 1) / 4 of 2 points


def test_the_calculated_preview_shows_values_and_grades_the_formula(app, client, auth):
    auth.as_role("trainer")
    question_id, definition, token = _create(app, client, "calculated", "form-calc-preview")
    page = client.get(f"/exams/manage/questions/{question_id}",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    preview_form = page.split('id="preview-form"')[1].split("</form>")[0]
    item = re.search(r'name="preview-item" value="(d[0-9a-f]+)"', preview_form).group(1)
    shown = re.search(r"Refund (\d+) % of (\d+) yuan", preview_form)
    answer = int(shown.group(1)) * int(shown.group(2)) / 100
    answered = client.post(f"/exams/manage/questions/{question_id}/preview",
                           data={"csrf_token": token, "preview": f"{answer:g} yuan",
                                 "preview-item": item}, headers={"Accept-Language": "en"})
    text = answered.get_data(as_text=True)
    assert "Correct" in text and f"{answer:.2f} yuan" in text
    forged = client.post(f"/exams/manage/questions/{question_id}/preview",
                         data={"csrf_token": token, "preview": "1", "preview-item": "d-forged"})
    assert forged.status_code == 302


CLOZE = {"key": "ex-cloze", "type": "cloze", "difficulty": "easy", "curriculum":
         "service_standards", "category": "service-standards/process",
         "text": {"zh": "在 [[1]] 小时内通过 [[2]] 回访。",
                  "en": "Call back within [[1]] hours by [[2]]."},
         "general_feedback": {"zh": "制度。", "en": "The rule."},
         "gaps": [{"kind": "numerical", "answers": [{"value": 24, "fraction": 1}]},
                  {"kind": "choice", "display": "vertical", "answers": [
                      {"text": {"zh": "电话", "en": "phone"}, "fraction": 1},
                      {"text": {"zh": "传真", "en": "fax"}, "fraction": 0}]}]}
CALCULATED = {"key": "ex-calc", "type": "calculated", "difficulty": "easy",
              "curriculum": "service_standards", "category": "service-standards/process",
              "text": {"zh": "{a} 加 {b} 等于？", "en": "What is {a} plus {b}?"},
              "formula": "{a} + {b}", "wildcards": [{"name": "a", "values": [1, 2, 3, 4]},
                                                    {"name": "b", "values": [10, 20, 30, 40]}]}
DESCRIPTION = {"key": "ex-intro", "type": "description", "difficulty": "easy",
               "curriculum": "service_standards", "category": "service-standards/process",
               "text": {"zh": "请先阅读回访制度。", "en": "Read the callback rule first."}}


def test_a_trainee_takes_an_exam_with_the_new_types_and_reviews_it(app, client, auth, taker):
    user_id = auth.as_role("trainee")
    with app.app_context():
        for data in (DESCRIPTION, CLOZE, CALCULATED):
            store(data)
        exam = make_exam(["ex-intro", "ex-cloze", "ex-calc"],
                         user=db.session.get(User, user_id), questions_per_page=5)
        slug = exam.slug
    attempt_id = taker.start(slug)
    page = client.get(f"/exams/attempts/{attempt_id}",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Read the callback rule first." in page
    assert "fraction" not in page and "draws" not in page
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        slots = {aq.version.question.key: aq.id for aq in attempt.questions}
    phone = re.search(r'value="(o[0-9a-f]+)" data-part="2"\s*>\s*<span>phone', page).group(1)
    item = re.search(rf'name="q-{slots["ex-calc"]}-item" value="(d[0-9a-f]+)"', page).group(1)
    a, b = re.search(r"What is (\d+) plus (\d+)\?", page).groups()
    assert taker.save(attempt_id, slots["ex-cloze"], {"1": "24", "2": phone}).status_code == 200
    assert taker.save(attempt_id, slots["ex-calc"],
                      {"item": item, "answer": str(int(a) + int(b))}).status_code == 200
    forged = taker.save(attempt_id, slots["ex-calc"], {"item": "d-forged", "answer": "1"})
    assert forged.status_code == 400
    again = client.get(f"/exams/attempts/{attempt_id}",
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"What is {a} plus {b}?" in again  # the same item on every page load
    assert f'value="{phone}" data-part="2" checked' in again
    assert taker.submit(attempt_id).status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.score == 1.0 and attempt.max_points == 2
    review = client.get(f"/exams/attempts/{attempt_id}/review",
                        headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"What is {a} plus {b}?" in review and "Read the callback rule first." in review


def test_the_same_seed_draws_the_same_item_for_the_page_and_the_grade(app, client, auth, taker):
    user_id = auth.as_role("trainee")
    with app.app_context():
        store(CALCULATED)
        exam = make_exam(["ex-calc"], user=db.session.get(User, user_id))
        slug = exam.slug
    attempt_id = taker.start(slug)
    with app.app_context():
        from lms.exams import attempts as attempt_service

        attempt = db.session.get(Attempt, attempt_id)
        slot = attempt.questions[0]
        shown = attempt_service.arranged_view(attempt, slot, "en")
        question = bank_service.definition_of(slot.version)
        direct = qtypes.public_view(question, "en", attempt_service.question_rng(attempt, slot))
        assert shown["item"] == direct["item"] and "draws" not in shown


def test_an_item_of_the_question_not_drawn_for_this_attempt_is_refused(app, client, auth,
                                                                        taker):
    """A trainee cannot answer the values seen in another attempt (or a colleague's)."""
    user_id = auth.as_role("trainee")
    with app.app_context():
        store(CALCULATED)
        slug = make_exam(["ex-calc"], user=db.session.get(User, user_id)).slug
    attempt_id = taker.start(slug)
    with app.app_context():
        from lms.exams import attempts as attempt_service

        attempt = db.session.get(Attempt, attempt_id)
        slot = attempt.questions[0]
        drawn = attempt_service.arranged_view(attempt, slot, "en")["item"]
        question = bank_service.definition_of(slot.version)
        other = next(i for i in qtypes.kind_of(question).item_ids(question) if i != drawn)
        slot_id = slot.id
    assert taker.save(attempt_id, slot_id, {"item": other, "answer": "11"}).status_code == 400
    assert taker.save(attempt_id, slot_id, {"item": drawn, "answer": "11"}).status_code == 200


MULTI_100 = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>channels</text></name>
    <questiontext format="html"><text>Which channels count?</text></questiontext>
    <single>false</single>
    <answer fraction="100"><text>Phone</text></answer>
    <answer fraction="100"><text>Email</text></answer>
    <answer fraction="-100"><text>Fax to the CEO</text></answer>
  </question>
</quiz>
"""


def test_a_moodle_multiple_response_at_two_hundred_percent_previews_with_a_notice(app, client,
                                                                                 auth):
    auth.as_role("trainer")
    token = csrf_token(client, "/exams/manage/import")
    preview = client.post("/exams/manage/import", data={
        "csrf_token": token, "format": "xml", "language": "en", "category": "imported",
        "file": (io.BytesIO(MULTI_100.encode()), "multi.xml")},
        content_type="multipart/form-data", headers={"Accept-Language": "en"})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page[-2000:]
    assert "flash-warning" in page and "add up to 200%" in page and "channels" in page
    confirm_token = page.split("/exams/manage/import/")[1].split('"')[0]
    confirmed = client.post(f"/exams/manage/import/{confirm_token}",
                            data={"csrf_token": csrf_token(client, "/exams/manage/import")})
    assert confirmed.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(Question).where(Question.key == "channels"))
        definition = bank_service.definition_of(row.latest)
        assert [o.fraction for o in definition.options] == [0.5, 0.5, -1.0]


def test_a_description_is_not_a_question_to_answer_nor_worth_marks(app, client, auth, taker):
    user_id = auth.as_role("trainee")
    with app.app_context():
        store(DESCRIPTION)
        store(CALCULATED)
        slug = make_exam(["ex-intro", "ex-calc"], user=db.session.get(User, user_id)).slug
    attempt_id = taker.start(slug)
    with app.app_context():
        from lms.exams import attempts as attempt_service
        from lms.exams import grading

        attempt = db.session.get(Attempt, attempt_id)
        rows = attempt_service.summary(attempt)
        intro = next(s for s in attempt.questions if s.version.question.key == "ex-intro")
        intro.mark = 5.0  # a draw rule's mark per slot must not make text worth marks
        assert grading.slot_points(intro) == 0.0
        db.session.rollback()
    assert len(rows) == 1  # only the calculated question is listed to answer
    page = client.get(f"/exams/attempts/{attempt_id}",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert page.count("Marks:") == 1
