"""Issue 11 item 7: the home widgets count what the database holds. Each test writes the real
rows through the services (exams assigned and open, essays submitted, role-plays scored) and
reads the numbers a person sees on their home page."""

import re
from datetime import timedelta

from lms.auth.models import User, utcnow
from lms.exams import attempts
from lms.exams.models import Attempt
from lms.extensions import db
from tests.exams.factories import essay, make_exam, single_choice, store
from tests.factories import make_user
from tests.roleplay.factories import levels_at, make_performance, score


def _widget(page: str, element_id: str) -> str:
    found = re.search(rf'<(section|div) class="[^"]*" id="{element_id}">(.*?)</\1>', page,
                      flags=re.S)
    assert found, f"no #{element_id} on the home page"
    return found.group(2)


def test_the_trainee_sees_every_exam_waiting(app, client, auth):
    user_id = auth.as_role("trainee", locale="en")
    with app.app_context():
        store(single_choice("home-q"))
        user = db.session.get(User, user_id)
        for n in range(4):
            make_exam(["home-q"], user=user, slug=f"open-{n}")
        make_exam(["home-q"], user=user, slug="closed-window",
                  closes_at=utcnow() - timedelta(days=1))
        used_up = make_exam(["home-q"], user=user, slug="used-up", attempts_allowed=1)
        attempts.submit(attempts.start_attempt(used_up, user).id, user_id)
        make_exam(["home-q"], user=make_user(roles=["trainee"]), slug="someone-elses")
    widget = _widget(client.get("/").get_data(as_text=True), "exam-widget")
    assert "4 exams are waiting for you." in widget
    assert widget.count("Ready to start") == 4
    assert "No exam is waiting" not in widget
    for slug in ("closed-window", "used-up", "someone-elses"):
        assert f"/exams/mine/{slug}" not in widget


def test_the_trainer_sees_every_essay_waiting(app, client, auth):
    auth.as_role("trainer", locale="en")
    with app.app_context():
        store(essay("home-essay"))
        for _ in range(5):
            trainee = make_user(roles=["trainee"])
            exam = make_exam(["home-essay"], user=trainee)
            attempt = attempts.start_attempt(exam, trainee)
            attempts.save_answer(attempt.id, trainee.id, attempt.questions[0].id,
                                 "Listen first, then apologise.")
            attempts.submit(attempt.id, trainee.id)
        assert db.session.query(Attempt).filter(Attempt.needs_grading.is_(True)).count() == 5
    widget = _widget(client.get("/").get_data(as_text=True), "essay-widget")
    assert "5 essays wait for grading." in widget and "No essay waits" not in widget


def test_the_trainee_sees_their_scored_role_plays(app, client, auth):
    user_id = auth.as_role("trainee", locale="en")
    with app.app_context():
        trainee = db.session.get(User, user_id)
        for rank in (1, 2):
            performance = make_performance(trainee)
            score(performance, make_user(roles=["trainer"]), levels_at(performance, rank))
        make_performance(trainee)  # planned, not scored yet
        make_performance()  # someone else's
    widget = _widget(client.get("/").get_data(as_text=True), "roleplay-widget")
    assert "2 scored, 1 waiting for scores." in widget
    assert "No role-play yet" not in widget
    assert widget.count("%") == 2 and "not scored yet" in widget
