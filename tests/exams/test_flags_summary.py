"""Attempt: flag a question to come back to, and the summary page before submitting."""

from lms.exams.models import Attempt
from lms.extensions import db
from tests.conftest import csrf_token
from tests.exams.factories import make_exam, option_ids, single_choice, store
from tests.factories import make_user


def _exam(app, user_id):
    with app.app_context():
        first = store(single_choice("flag-one"))
        store(single_choice("flag-two"))
        store(single_choice("flag-three"))
        from lms.auth.models import User

        exam = make_exam(["flag-one", "flag-two", "flag-three"],
                         user=db.session.get(User, user_id), questions_per_page=2,
                         time_limit_minutes=20)
        return exam.slug, option_ids(first)


def _slots(app, attempt_id):
    with app.app_context():
        return [s.id for s in db.session.get(Attempt, attempt_id).questions]


def test_a_flag_is_saved_shown_in_the_map_and_in_the_summary(app, client, auth, taker):
    user_id = auth.as_role("trainee", locale="en")
    slug, ids = _exam(app, user_id)
    attempt_id = taker.start(slug)
    slots = _slots(app, attempt_id)
    taker.save(attempt_id, slots[0], ids["Right"])
    token = csrf_token(client, f"/exams/attempts/{attempt_id}")
    reply = client.post(f"/exams/attempts/{attempt_id}/flag", json={"slot": slots[2],
                                                                    "flagged": True},
                        headers={"X-CSRFToken": token})
    assert reply.status_code == 200 and reply.get_json() == {"flagged": True}
    page = client.get(f"/exams/attempts/{attempt_id}?page=1").get_data(as_text=True)
    assert 'class="open flagged"' in page or "flagged" in page.split('data-map-slot')[3]
    assert 'id="attempt-bar"' in page and 'id="exam-timer"' in page
    summary = client.get(f"/exams/attempts/{attempt_id}/summary").get_data(as_text=True)
    assert "Questions 2, 3" in summary.split('id="summary-open"')[1].split("</dd>")[0]
    assert "Questions 3" in summary.split('id="summary-flagged"')[1].split("</dd>")[0]
    assert 'id="exam-timer"' in summary
    # Without JavaScript the flag button posts the page (answers saved) and toggles the flag.
    plain = client.post(f"/exams/attempts/{attempt_id}/page", data={
        "csrf_token": token, "page": 1, "flag": str(slots[2])})
    assert plain.status_code == 302 and plain.headers["Location"].endswith("#q3")
    with app.app_context():
        assert not db.session.get(Attempt, attempt_id).questions[2].flagged
    to_summary = client.post(f"/exams/attempts/{attempt_id}/page", data={
        "csrf_token": token, "page": 0, "summary": "1"})
    assert to_summary.headers["Location"].endswith(f"/exams/attempts/{attempt_id}/summary")
    submitted = client.post(f"/exams/attempts/{attempt_id}/submit", data={"csrf_token": token})
    assert submitted.status_code == 302
    closed = client.post(f"/exams/attempts/{attempt_id}/flag", json={"slot": slots[0],
                                                                     "flagged": True},
                         headers={"X-CSRFToken": token})
    assert closed.status_code == 409
    assert client.get(f"/exams/attempts/{attempt_id}/summary").status_code == 302


def test_flags_refuse_bad_requests_and_other_peoples_attempts(app, client, auth, taker):
    user_id = auth.as_role("trainee")
    slug, _ids = _exam(app, user_id)
    attempt_id = taker.start(slug)
    slots = _slots(app, attempt_id)
    token = csrf_token(client, f"/exams/attempts/{attempt_id}")
    for body in ({"slot": slots[0], "flagged": "yes"}, {"slot": True, "flagged": True}, [1]):
        reply = client.post(f"/exams/attempts/{attempt_id}/flag", json=body,
                            headers={"X-CSRFToken": token})
        assert reply.status_code == 400
    wrong_slot = client.post(f"/exams/attempts/{attempt_id}/flag",
                             json={"slot": 999999, "flagged": True},
                             headers={"X-CSRFToken": token})
    assert wrong_slot.status_code == 404
    with app.app_context():
        from sqlalchemy import select

        from lms.exams import attempts
        from lms.exams.models import Exam

        other = make_user(roles=["trainee"])
        exam = db.session.scalar(select(Exam).where(Exam.slug == slug))
        exam_items = [i.question_id for i in exam.items]
        assert exam_items
        foreign = make_exam(["flag-one"], user=other)
        theirs = attempts.start_attempt(foreign, other)
        their_id, their_slot = theirs.id, theirs.questions[0].id
    assert client.post(f"/exams/attempts/{their_id}/flag", json={"slot": their_slot,
                                                                 "flagged": True},
                       headers={"X-CSRFToken": token}).status_code == 404
    assert client.get(f"/exams/attempts/{their_id}/summary").status_code == 404
