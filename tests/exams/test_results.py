"""Results pages: per exam (distribution), item analysis in words, transcript, exports."""

import io

from openpyxl import load_workbook

from lms.exams import attempts
from tests.exams.factories import make_exam, option_ids, single_choice, store
from tests.factories import make_user


def _cohort(app, answers_by_person):
    """An exam of two questions taken by one trainee per entry of ``answers_by_person``."""
    with app.app_context():
        q1 = store(single_choice("ia-one", right="R1", wrong=("W1", "Never")))
        q2 = store(single_choice("ia-two", right="R2", wrong=("W2",)))
        ids = {"ia-one": option_ids(q1), "ia-two": option_ids(q2)}
        exam = make_exam(["ia-one", "ia-two"], department="Hotline East", slug="ia-exam")
        for number, answers in enumerate(answers_by_person):
            person = make_user(roles=["trainee"], name=f"学员{number}")
            attempt = attempts.start_attempt(exam, person)
            for slot in attempt.questions:
                key = slot.version.question.key
                attempts.save_answer(attempt.id, person.id, slot.id, ids[key][answers[key]])
            attempts.submit(attempt.id, person.id)
        return exam.id


def test_item_analysis_page_explains_flags_in_words(app, client, auth):
    # ia-two is answered right only by those who get ia-one wrong: negative discrimination.
    pattern = [{"ia-one": "R1", "ia-two": "W2"}] * 4 + [{"ia-one": "W1", "ia-two": "R2"}] * 2
    exam_id = _cohort(app, pattern)
    auth.as_role("trainer")
    page = client.get(f"/exams/manage/{exam_id}/items").get_data(as_text=True)
    assert "ia-two" in page and "ia-one" in page
    assert "负区分度" in page  # negative discrimination explained in words
    assert "有干扰项无人选择" in page and "“Never”" in page  # named by its text
    assert "作答人数少于 20" in page  # few attempts warning
    assert "0.67" in page  # facility of ia-one = 4/6


def test_exam_results_show_the_distribution_and_export(app, client, auth):
    exam_id = _cohort(app, [{"ia-one": "R1", "ia-two": "R2"}, {"ia-one": "W1", "ia-two": "R2"}])
    auth.as_role("trainer")
    page = client.get(f"/exams/manage/{exam_id}").get_data(as_text=True)
    assert "<svg" in page and "学员0" in page and "50.0 %" in page
    csv_text = client.get(f"/exams/manage/{exam_id}/results.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffemployee_no") and "学员1" in csv_text
    assert ",100.0,yes" in csv_text and ",50.0,no" in csv_text
    xlsx = client.get(f"/exams/manage/{exam_id}/results.xlsx").data
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet.max_row == 3 and sheet.cell(1, 1).value == "employee_no"


def test_transcripts_for_the_trainee_and_the_trainer(app, client, auth):
    _cohort(app, [{"ia-one": "R1", "ia-two": "R2"}])
    user_id = auth.as_role("trainer")
    with app.app_context():
        from sqlalchemy import select

        from lms.auth.models import User
        from lms.extensions import db

        person_id = db.session.scalar(select(User.id).where(User.name == "学员0"))
    page = client.get(f"/exams/manage/people/{person_id}").get_data(as_text=True)
    assert "学员0" in page and "100.0 %" in page
    assert user_id != person_id


def test_pre_and_post_tests_show_the_training_gain(app, client, auth):
    with app.app_context():
        q = store(single_choice("gain-q", right="R", wrong=("W",)))
        ids = option_ids(q)
        person = make_user(roles=["trainee"])
        pre = make_exam(["gain-q"], user=person, test_kind="pre_test", pairing_key="basics")
        post = make_exam(["gain-q"], user=person, test_kind="post_test", pairing_key="basics")
        for exam, choice in ((pre, "W"), (post, "R")):
            attempt = attempts.start_attempt(exam, person)
            attempts.save_answer(attempt.id, person.id, attempt.questions[0].id, ids[choice])
            attempts.submit(attempt.id, person.id)
        post_id = post.id
    auth.as_role("trainer")
    page = client.get(f"/exams/manage/{post_id}").get_data(as_text=True)
    assert "+100.0" in page and "0.0 %" in page
