"""Issue 10 item 16: an outage comes out of the trainee's time limit, so trainers give extra
time. Through the real app: the deadline moves, answers are accepted past the old deadline,
every extension is audited, the sweep respects it, and only trainers may give it."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.auth.models import User, utcnow
from lms.exams import grading
from lms.exams.models import Attempt, AttemptExtension, AttemptState, Exam
from lms.extensions import db
from tests.conftest import Auth, csrf_token
from tests.exams.conftest import Taker
from tests.exams.factories import make_exam, option_ids, single_choice, store
from tests.factories import make_user

REASON = "Network outage 10:05-10:25"


@pytest.fixture
def taker(client):
    """The trainee's attempt driver (signed in through ``auth``)."""
    return Taker(client)


@pytest.fixture
def trainer_client(app):
    """A second browser: a signed-in trainer."""
    client = app.test_client()
    Auth(client, app).as_role("trainer", name="Trainer Wang")
    return client


def _timed_exam(app, *user_ids, minutes=10, **settings):
    with app.app_context():
        question = store(single_choice("ext-q", right="Call back", wrong=("Ignore",)))
        users = [db.session.get(User, user_id) for user_id in user_ids]
        exam = make_exam(["ext-q"], user=users[0], time_limit_minutes=minutes, **settings)
        for user in users[1:]:
            exam.assignments.append(type(exam.assignments[0])(user_id=user.id))
        db.session.commit()
        return exam.id, exam.slug, option_ids(question)


def _move_deadline(app, attempt_id, minutes_from_now):
    """As if the clock ran on: the attempt's deadline is now ``minutes_from_now`` away."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline = utcnow() + timedelta(minutes=minutes_from_now)
        db.session.commit()


def _post(client, path, data):
    token = csrf_token(client, "/exams/manage")
    return client.post(path, data={**data, "csrf_token": token})


def _slot(app, attempt_id):
    with app.app_context():
        return db.session.get(Attempt, attempt_id).questions[0].id


def test_an_extension_moves_the_deadline_and_answers_count_past_the_old_one(
        app, client, auth, taker, trainer_client):
    trainee_id = auth.as_role("trainee", name="Trainee Li")
    exam_id, slug, ids = _timed_exam(app, trainee_id)
    attempt_id = taker.start(slug)
    _move_deadline(app, attempt_id, -2)  # the outage ran past the deadline; nobody touched it

    reply = _post(trainer_client, f"/exams/manage/attempts/{attempt_id}/extend",
                  {"minutes": "20", "reason": REASON})
    assert reply.status_code == 302

    saved = taker.save(attempt_id, _slot(app, attempt_id), ids["Call back"])
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert 17 * 60 <= saved.json["remaining"] <= 18 * 60
    status = client.get(f"/exams/attempts/{attempt_id}/status").json
    assert status["open"] and 17 * 60 <= status["remaining"] <= 18 * 60
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert REASON in page  # the trainee sees why the time grew

    with app.app_context():
        extension = db.session.scalar(select(AttemptExtension))
        trainer = db.session.scalar(select(User).where(User.name == "Trainer Wang"))
        assert (extension.minutes, extension.reason, extension.granted_by_id) == (
            20, REASON, trainer.id)
        assert extension.new_deadline - extension.old_deadline == timedelta(minutes=20)
        assert not extension.reopened and abs(utcnow() - extension.granted_at) < timedelta(
            minutes=1)
    log = trainer_client.get(f"/exams/manage/{exam_id}").get_data(as_text=True)
    assert 'id="extension-log"' in log and REASON in log and "Trainer Wang" in log


def test_the_sweep_closes_at_the_extended_deadline_only(app, client, auth, trainer_client,
                                                         runner):
    first = auth.as_role("trainee")
    with app.app_context():
        second = make_user(roles=["trainee"]).id
    _, slug, _ = _timed_exam(app, first, second)
    extended = Taker(client).start(slug)
    other_client = app.test_client()
    with app.app_context():
        username = db.session.get(User, second).username
    Auth(other_client, app).login(username)
    not_extended = Taker(other_client).start(slug)
    _move_deadline(app, extended, 1)
    _move_deadline(app, not_extended, -1)
    assert _post(trainer_client, f"/exams/manage/attempts/{extended}/extend",
                 {"minutes": "15", "reason": REASON}).status_code == 302
    _move_deadline(app, extended, -1)  # past the old deadline (+1 min) ...
    with app.app_context():  # ... but the stored deadline is what the trainer set, so
        attempt = db.session.get(Attempt, extended)  # put it back 15 minutes on
        attempt.deadline += timedelta(minutes=15)
        db.session.commit()

    result = runner.invoke(args=["exams", "sweep"])
    assert result.exit_code == 0 and "1 attempts closed" in result.output
    with app.app_context():
        assert db.session.get(Attempt, extended).state == AttemptState.IN_PROGRESS
        assert db.session.get(Attempt, not_extended).state == AttemptState.CLOSED_BY_TIMER


@pytest.mark.parametrize("role", ["trainee", "planner"])
def test_only_trainers_and_admins_give_extra_time(app, client, auth, taker, role):
    owner = auth.as_role("trainee")
    exam_id, slug, _ = _timed_exam(app, owner)
    attempt_id = taker.start(slug)
    outsider = app.test_client()
    Auth(outsider, app).as_role(role)
    for path in (f"/exams/manage/attempts/{attempt_id}/extend",
                 f"/exams/manage/{exam_id}/extend"):
        assert _post(outsider, path, {"minutes": "60", "reason": "me"}).status_code == 403
        assert _post(client, path, {"minutes": "60", "reason": "me"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(AttemptExtension.id))) == 0
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.deadline - attempt.started_at == timedelta(minutes=10)


def test_an_admin_may_extend(app, auth, taker):
    owner = auth.as_role("trainee")
    _, slug, _ = _timed_exam(app, owner)
    attempt_id = taker.start(slug)
    admin = app.test_client()
    Auth(admin, app).as_role("admin")
    assert _post(admin, f"/exams/manage/attempts/{attempt_id}/extend",
                 {"minutes": "5", "reason": REASON}).status_code == 302


@pytest.mark.parametrize("data, field", [
    ({"minutes": "0", "reason": REASON}, "minutes"),
    ({"minutes": "601", "reason": REASON}, "minutes"),
    ({"minutes": "abc", "reason": REASON}, "minutes"),
    ({"minutes": str(10**20), "reason": REASON}, "minutes"),
    ({"reason": REASON}, "minutes"),
    ({"minutes": "10"}, "reason"),
    ({"minutes": "10", "reason": "x" * 501}, "reason"),
    ({"minutes": "10", "reason": "   "}, "reason"),
])
def test_bad_extension_input_is_refused_and_named(app, auth, taker, trainer_client, data,
                                                  field):
    owner = auth.as_role("trainee")
    _, slug, _ = _timed_exam(app, owner)
    attempt_id = taker.start(slug)
    reply = _post(trainer_client, f"/exams/manage/attempts/{attempt_id}/extend", data)
    body = reply.get_data(as_text=True)
    assert reply.status_code == 400 and 'id="extension-errors"' in body
    label = {"minutes": "加时（分钟）", "reason": "原因"}[field]
    assert label in body.split('id="extension-errors"')[1].split("</div>")[0]
    with app.app_context():
        assert db.session.scalar(select(func.count(AttemptExtension.id))) == 0


def test_extending_every_running_attempt_after_a_classroom_outage(app, auth, trainer_client):
    people = [auth.as_role("trainee")]
    with app.app_context():
        people += [make_user(roles=["trainee"]).id for _ in range(3)]
    exam_id, slug, _ = _timed_exam(app, *people)
    attempts = []
    for person in people:
        browser = app.test_client()
        with app.app_context():
            Auth(browser, app).login(db.session.get(User, person).username)
        attempts.append((browser, Taker(browser).start(slug)))
    running, cut_by_outage, submitted, long_gone = (a for _, a in attempts)
    _move_deadline(app, running, 3)
    _move_deadline(app, cut_by_outage, -5)  # its deadline fell inside the 20-minute outage
    Taker(attempts[2][0]).submit(submitted)
    _move_deadline(app, long_gone, -90)
    with app.app_context():
        closed = db.session.get(Attempt, cut_by_outage)
        from lms.exams.attempts import close_if_expired

        assert close_if_expired(closed)
        before = {a.id: a.deadline for a in db.session.scalars(select(Attempt))}

    reply = _post(trainer_client, f"/exams/manage/{exam_id}/extend",
                  {"minutes": "20", "reason": REASON})
    assert reply.status_code == 302
    page = trainer_client.get(f"/exams/manage/{exam_id}").get_data(as_text=True)
    assert "2 个答卷" in page or "2 attempts" in page
    assert "至少" in page or "at least" in page  # the one long gone is named with why
    with app.app_context():
        after = {a.id: a for a in db.session.scalars(select(Attempt))}
        assert after[running].deadline - before[running] == timedelta(minutes=20)
        assert after[cut_by_outage].state == AttemptState.IN_PROGRESS
        assert after[cut_by_outage].deadline - before[cut_by_outage] == timedelta(minutes=20)
        assert after[submitted].state == AttemptState.SUBMITTED
        assert after[long_gone].deadline == before[long_gone]
        rows = db.session.scalars(select(AttemptExtension)).all()
        assert {r.attempt_id for r in rows} == {running, cut_by_outage}
        assert all(r.whole_exam for r in rows)
        assert [r.reopened for r in sorted(rows, key=lambda r: r.attempt_id)] == [False, True]


def test_a_closed_attempt_whose_marking_was_seen_is_not_reopened(app, client, auth, taker,
                                                                  trainer_client):
    owner = auth.as_role("trainee")
    _, slug, _ = _timed_exam(app, owner)
    attempt_id = taker.start(slug)
    _move_deadline(app, attempt_id, -1)
    review = client.get(f"/exams/attempts/{attempt_id}/review")  # closes it; shows marking
    assert review.status_code == 200
    reply = _post(trainer_client, f"/exams/manage/attempts/{attempt_id}/extend",
                  {"minutes": "30", "reason": REASON})
    assert reply.status_code == 409
    assert "已看到" in reply.get_data(as_text=True) or "has seen" in reply.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).state == AttemptState.CLOSED_BY_TIMER


def test_a_submitted_or_untimed_attempt_gets_no_extra_time(app, auth, taker, trainer_client):
    owner = auth.as_role("trainee")
    _, slug, _ = _timed_exam(app, owner, attempts_allowed=2)
    submitted = taker.start(slug)
    taker.submit(submitted)
    reply = _post(trainer_client, f"/exams/manage/attempts/{submitted}/extend",
                  {"minutes": "30", "reason": REASON})
    assert reply.status_code == 409
    with app.app_context():
        exam = db.session.scalar(select(Exam))
        exam.time_limit_minutes = None
        db.session.commit()
    untimed = taker.start(slug)
    reply = _post(trainer_client, f"/exams/manage/attempts/{untimed}/extend",
                  {"minutes": "30", "reason": REASON})
    assert reply.status_code == 409
    with app.app_context():
        assert db.session.get(Attempt, submitted).state == AttemptState.SUBMITTED
        assert db.session.scalar(select(func.count(AttemptExtension.id))) == 0


def test_right_answers_wait_while_an_extended_attempt_runs_past_the_close(app, auth, taker,
                                                                          trainer_client):
    owner = auth.as_role("trainee")
    with app.app_context():
        other = make_user(roles=["trainee"]).id
    _, slug, _ = _timed_exam(app, owner, other, closes_at=utcnow() + timedelta(minutes=5))
    finished = taker.start(slug)
    taker.submit(finished)
    other_client = app.test_client()
    with app.app_context():
        Auth(other_client, app).login(db.session.get(User, other).username)
    late = Taker(other_client).start(slug)
    assert _post(trainer_client, f"/exams/manage/attempts/{late}/extend",
                 {"minutes": "30", "reason": REASON}).status_code == 302
    with app.app_context():
        exam = db.session.scalar(select(Exam))
        exam.closes_at = utcnow() - timedelta(minutes=1)  # the close date has passed
        db.session.commit()
        done = db.session.get(Attempt, finished)
        assert grading.review_moment(exam, done) != "after_close"  # someone still answers
        running = db.session.get(Attempt, late)
        running.state = AttemptState.SUBMITTED.value
        db.session.commit()
        assert grading.review_moment(exam, done) == "after_close"
