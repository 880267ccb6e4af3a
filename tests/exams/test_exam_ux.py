"""Issue 11 item 7 (exams): an attempt past its deadline is never offered to continue; the
review shows the right answer where the review options allow and says which questions were
not answered; the attempt page carries what the page needs to check numbers and name the
unanswered questions before submitting."""

import html
import json
import re
from datetime import timedelta

from sqlalchemy import select

from lms.auth.models import User, utcnow
from lms.exams.models import Attempt, AttemptState
from lms.extensions import db
from tests.exams.factories import make_exam, option_ids, single_choice, store

PARTS = ("score", "correctness", "feedback", "right_answer")


def _review(**moments):
    matrix = {m: dict.fromkeys(PARTS, False) for m in ("during", "immediately", "later",
                                                       "after_close")}
    for moment, parts in moments.items():
        matrix[moment].update(dict.fromkeys(parts, True))
    return matrix


def _setup(app, user_id, **settings):
    with app.app_context():
        first = store(single_choice("ux-one", right="Call back in 24 hours",
                                    wrong=("Never call back",)))
        store(single_choice("ux-two", right="First responder", wrong=("Anyone",)))
        store({"key": "ux-three", "type": "numerical", "difficulty": "easy",
               "category": "service-standards/targets", "curriculum": "service_standards",
               "text": {"zh": "回访时限是多少小时？", "en": "How many hours to call back?"},
               "unit": {"zh": "小时", "en": "hours"},
               "answers": [{"value": 24, "fraction": 1}]})
        exam = make_exam(["ux-one", "ux-two", "ux-three"], user=db.session.get(User, user_id),
                         questions_per_page=5, **settings)
        return exam.slug, option_ids(first)


def _slots(app, attempt_id):
    with app.app_context():
        return {s.version.question.key: s.id for s in db.session.get(
            Attempt, attempt_id).questions}


def test_an_attempt_past_its_deadline_is_not_offered_to_continue(app, client, auth, taker):
    user_id = auth.as_role("trainee", locale="en")
    slug, _ = _setup(app, user_id, time_limit_minutes=10, attempts_allowed=1)
    attempt_id = taker.start(slug)
    assert "Continue attempt" in client.get("/").get_data(as_text=True)
    with app.app_context():  # the time ran out while nobody had the page open
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    for path in ("/", "/exams/mine", f"/exams/mine/{slug}"):
        page = client.get(path).get_data(as_text=True)
        assert "Continue attempt" not in page, path
        assert f"/exams/attempts/{attempt_id}\"" not in page, path
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).state == AttemptState.CLOSED_BY_TIMER
    listing = client.get("/exams/mine").get_data(as_text=True)
    assert "Review attempt 1" in listing and "Start attempt" not in listing  # none left


def test_an_expired_attempt_does_not_block_a_new_one(app, client, auth, taker):
    user_id = auth.as_role("trainee", locale="en")
    slug, _ = _setup(app, user_id, time_limit_minutes=10, attempts_allowed=2)
    first = taker.start(slug)
    with app.app_context():
        attempt = db.session.get(Attempt, first)
        attempt.deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    widget = client.get("/").get_data(as_text=True)
    assert "Continue attempt" not in widget and "Ready to start" in widget
    second = taker.start(slug)
    assert second != first
    with app.app_context():
        assert db.session.get(Attempt, first).state == AttemptState.CLOSED_BY_TIMER
        assert db.session.scalar(select(Attempt.number).where(Attempt.id == second)) == 2


def test_the_review_shows_right_answers_as_allowed_and_marks_unanswered(app, client, auth,
                                                                       taker):
    user_id = auth.as_role("trainee", locale="en")
    slug, ids = _setup(app, user_id, attempts_allowed=2,
                       review=_review(immediately=PARTS, later=("score", "correctness")))
    attempt_id = taker.start(slug)
    taker.save(attempt_id, _slots(app, attempt_id)["ux-one"], ids["Never call back"])
    taker.submit(attempt_id)
    page = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    sections = dict(re.findall(r'<section class="question card" id="q(\d)">(.*?)</section>',
                               page, flags=re.S))
    assert "Right answer" in sections["1"] and "Call back in 24 hours" in sections["1"]
    assert "Incorrect" in sections["1"] and "Not answered" not in sections["1"]
    for blank in ("2", "3"):
        assert "Not answered" in sections[blank] and "Incorrect" not in sections[blank]
        assert "Right answer" in sections[blank]
    assert "24 hours" in sections["3"]  # the numerical key with its unit
    assert re.search(r'id="not-answered">Questions 2, 3<', page)

    with app.app_context():  # later, the options allow neither right answers nor feedback
        attempt = db.session.get(Attempt, attempt_id)
        attempt.submitted_at -= timedelta(hours=1)
        attempt.review_revealed_at = None
        db.session.commit()
    later = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "right-answer" not in later and "Right answer" not in later
    assert "Call back in 24 hours" not in later.split('id="q1"')[1].split("</section>")[0] \
        .replace('<span>Call back in 24 hours</span>', "")
    assert later.count("Not answered") >= 3  # the summary and both blank questions


def test_a_cleared_answer_counts_as_not_answered_on_the_question_map(app, client, auth, taker):
    user_id = auth.as_role("trainee", locale="en")
    slug, ids = _setup(app, user_id)
    attempt_id = taker.start(slug)
    slot = _slots(app, attempt_id)["ux-one"]
    taker.save(attempt_id, slot, ids["Never call back"])
    taker.save(attempt_id, slot, None)  # the trainee took the answer back
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    link = re.search(rf'<a [^>]*data-map-slot="{slot}"[^>]*>', page).group(0)
    assert 'class="open' in link and 'data-number="' in link


def test_the_attempt_page_carries_the_number_check_and_the_submit_dialog(app, client, auth,
                                                                        taker):
    user_id = auth.as_role("trainee", locale="en")
    slug, _ = _setup(app, user_id)
    attempt_id = taker.start(slug)
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    box = re.search(r'<input type="text" inputmode="decimal"[^>]*>', page).group(0)
    units = json.loads(html.unescape(re.search(r'data-units="([^"]*)"', box).group(1)))
    assert "data-number" in box and units == ["小时", "hours"]  # either unit is accepted
    assert 'id="submit-dialog"' in page and "Not answered yet: question __LIST__." in page
    assert "Type a number here" in page
