"""Issue 10 item 11 (exam forms and parameters): the exam create/edit form re-renders with the
error for a missing or over-long field (never 500, nothing saved); grading and certificate
parameters that no value can satisfy get a 4xx. (A NUL byte in any parameter is refused before
any view by ``lms.web.refuse_nul_bytes``; ``test_routes_fuzz`` covers it.)"""

import pytest
from sqlalchemy import func, select

from lms.exams import attempts
from lms.exams.models import Exam
from lms.extensions import db
from tests.conftest import csrf_token
from tests.exams.factories import essay, make_exam, single_choice, store
from tests.factories import make_user

NEW = "/exams/manage/new"


def _complete_form(token: str) -> dict:
    """Every field the exam form posts, as the browser sends it."""
    return {"csrf_token": token, "slug": "shift-basics", "title_zh": "班组基础",
            "title_en": "Shift basics", "pass_mark": "60", "time_limit_minutes": "30",
            "opens_at": "", "closes_at": "", "attempts_allowed": "1",
            "grading_method": "highest", "test_kind": "exam", "pairing_key": "",
            "questions_per_page": "5", "shuffle_options": "y", "fixed_keys": "form-q",
            "draws": "", "departments": "", "employees": ""}


@pytest.fixture
def trainer(app, auth):
    """A signed-in trainer and one bank question the form can name."""
    auth.as_role("trainer")
    with app.app_context():
        store(single_choice("form-q"))


def _exams(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Exam.id)))


def test_an_exam_without_a_pairing_key_field_is_created(app, client, trainer):
    data = _complete_form(csrf_token(client, NEW))
    del data["pairing_key"]  # a form (or script) that does not send the optional field
    reply = client.post(NEW, data=data)
    assert reply.status_code == 302, reply.get_data(as_text=True)[:300]
    with app.app_context():
        assert db.session.scalar(select(Exam.pairing_key)) is None


# A missing number with a default (pass mark, attempts, questions per page) takes the default.
@pytest.mark.parametrize("missing", ["slug", "title_zh", "title_en", "grading_method",
                                     "test_kind"])
def test_a_missing_field_re_renders_the_form_with_its_error(app, client, trainer, missing):
    data = _complete_form(csrf_token(client, NEW))
    del data[missing]
    reply = client.post(NEW, data=data)
    body = reply.get_data(as_text=True)
    assert reply.status_code == 400 and 'method="post"' in body  # the form, with the error
    assert "Nothing was saved" in body or "未保存" in body or "没有保存" in body
    assert _exams(app) == 0


@pytest.mark.parametrize("name, value", [
    ("slug", "shift-basics\n"), ("fixed_keys", "form-q\n" * 4000),
    ("draws", "1 * easy\n" * 3000), ("departments", "A," * 11000), ("employees", "E1," * 7000),
])
def test_an_over_long_or_malformed_field_is_refused_and_named(app, client, trainer, name,
                                                              value):
    data = {**_complete_form(csrf_token(client, NEW)), name: value}
    reply = client.post(NEW, data=data)
    body = reply.get_data(as_text=True)
    assert reply.status_code == 400 and 'class="error"' in body
    assert _exams(app) == 0


def test_an_error_message_quotes_at_most_a_short_excerpt(app, client, trainer):
    data = {**_complete_form(csrf_token(client, NEW)), "fixed_keys": "k" * 75 + "SECRET-TAIL"}
    body = client.post(NEW, data=data).get_data(as_text=True)
    assert "k" * 50 in body.split('role="alert"')[1] and "SECRET-TAIL" not in body.split(
        'role="alert"')[1].split("</div>")[0]


def test_grading_comment_and_fraction_that_cannot_be_stored_are_refused(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        store(essay("nul-essay"))
        trainee = make_user(roles=["trainee"])
        exam = make_exam(["nul-essay"], user=trainee)
        attempt = attempts.start_attempt(exam, trainee)
        slot_id = attempt.questions[0].id
        attempts.save_answer(attempt.id, trainee.id, slot_id, "I listen.")
        attempts.submit(attempt.id, trainee.id)
    page = f"/exams/manage/grading/{slot_id}"
    for data in ({"fraction": "80", "comment": "ok\x00"}, {"fraction": "nan", "comment": ""},
                 {"fraction": "inf", "comment": ""}, {"fraction": "1e400", "comment": ""},
                 {"comment": "no fraction"}, {"fraction": "80", "comment": "x" * 4001}):
        reply = client.post(page, data={**data, "csrf_token": csrf_token(client, page)})
        assert reply.status_code == 400, data
    with app.app_context():
        from lms.exams.models import ManualGrade

        assert db.session.scalar(select(func.count(ManualGrade.id))) == 0


def test_the_cohort_download_of_an_impossible_department_is_no_server_error(client, auth):
    auth.as_role("trainer")
    reply = client.get("/exams/manage/certificates/cohort.zip?department=99999999999999999999")
    # A number no column can hold reads as "no department given" (lms.web.BoundedParameters).
    assert reply.status_code in (200, 404)


def test_a_validity_period_for_an_impossible_course_number_is_refused(client, auth):
    auth.as_role("trainer")
    page = "/exams/manage/certificates"
    reply = client.post(page, data={"csrf_token": csrf_token(client, page),
                                    "subject": f"course:{10**20}",
                                    "validity_days": "365"})
    assert reply.status_code in (200, 400) and reply.status_code != 500
    assert "Validity period saved" not in reply.get_data(as_text=True)


def test_the_public_check_quotes_at_most_a_short_excerpt_of_a_code(client):
    for path in ("/verify/" + "A" * 500, "/verify?code=" + "A" * 500):
        reply = client.get(path)
        page = reply.get_data(as_text=True).split("<main", 1)[1]  # the header repeats the URL
        assert reply.status_code == 404 and "A" * 50 in page and "A" * 61 not in page
