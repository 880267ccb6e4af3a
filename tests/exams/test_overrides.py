"""Issue 11 item 5: trainer overrides per person and department (extra time, extra attempts,
an own window), reopening a closed attempt, overriding a mark. Through the real routes: the
effective settings follow the rule, every action is audited and the trainee reads it."""

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import signals
from lms.auth.models import Department, User, utcnow
from lms.exams import exam_service, grading, overrides
from lms.exams.models import (
    Attempt,
    AttemptState,
    Exam,
    ExamAssignment,
    ExamOverride,
    ExamOverrideAudit,
    MarkOverride,
)
from lms.extensions import db
from tests.conftest import Auth, csrf_token
from tests.exams.conftest import Taker
from tests.exams.factories import make_exam, option_ids, single_choice, store
from tests.factories import make_user

REASON = "Sick leave on exam day; doctor's note seen"
SHANGHAI = timedelta(hours=8)  # the site's zone (BABEL_DEFAULT_TIMEZONE) is UTC+8


@pytest.fixture
def trainer_client(app):
    """A second browser: a signed-in trainer called Trainer Wang."""
    client = app.test_client()
    Auth(client, app).as_role("trainer", locale="en", name="Trainer Wang")
    return client


def _post(client, path, data):
    token = csrf_token(client, "/account/password")
    return client.post(path, data={**data, "csrf_token": token})


def _exam(app, *users, department=None, **settings):
    """An exam of two questions assigned to ``users`` (and a department); (id, slug, ids)."""
    with app.app_context():
        first = store(single_choice("ov-one", right="Call back", wrong=("Ignore",)))
        store(single_choice("ov-two", right="Apologise", wrong=("Argue",)))
        people = [db.session.get(User, user_id) for user_id in users]
        exam = make_exam(["ov-one", "ov-two"], user=people[0] if people else None,
                         department=department, **settings)
        for person in people[1:]:
            exam.assignments.append(ExamAssignment(user_id=person.id))
        db.session.commit()
        return exam.id, exam.slug, option_ids(first)


def _second_trainee(app, **fields):
    """Another trainee with their own signed-in client: (user id, Taker)."""
    client = app.test_client()
    user_id = Auth(client, app).as_role("trainee", locale="en", **fields)
    return user_id, Taker(client)


def _local_input(utc_value):
    """What a trainer in the site's zone types into a datetime box for ``utc_value``."""
    return (utc_value + SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _override_form(target, **fields):
    data = {"target": target, "extra_minutes": "", "extra_attempts": "", "opens_at": "",
            "closes_at": "", "reason": REASON}
    data.update(fields)
    return data


# --- the rule -----------------------------------------------------------------------------
def test_effective_settings_personal_wins_over_department_value_by_value(app_ctx):
    trainer = make_user(roles=["trainer"])
    dept_member = make_user(department="Hotline East")
    personal = make_user(department="Hotline East")
    elsewhere = make_user(department="Hotline West")
    store(single_choice("rule-q"))
    exam = make_exam(["rule-q"], department="Hotline East", time_limit_minutes=30,
                     attempts_allowed=1)
    exam.assignments.append(ExamAssignment(user_id=elsewhere.id))
    db.session.commit()
    east = db.session.scalar(select(Department).where(Department.name == "Hotline East"))
    own_close = utcnow() + timedelta(days=3)
    overrides.set_override(exam, overrides.OverrideValues(extra_minutes=15, extra_attempts=2),
                           "Team on night shift", trainer.id, department_id=east.id)
    overrides.set_override(exam, overrides.OverrideValues(extra_minutes=0, closes_at=own_close),
                           REASON, trainer.id, user_id=personal.id)

    member = exam_service.effective_settings(exam, dept_member.id)
    assert (member.time_limit_minutes, member.attempts_allowed) == (45, 3)
    mine = exam_service.effective_settings(exam, personal.id)
    # personal 0 extra minutes wins over the department's 15; attempts come from the department
    assert (mine.time_limit_minutes, mine.attempts_allowed, mine.closes_at) == (30, 3, own_close)
    other = exam_service.effective_settings(exam, elsewhere.id)
    assert (other.time_limit_minutes, other.attempts_allowed, other.closes_at) == (30, 1, None)
    assert not other.overridden and mine.overridden

    exam.time_limit_minutes, exam.attempts_allowed = None, 0  # untimed, unlimited
    db.session.commit()
    member = exam_service.effective_settings(exam, dept_member.id)
    assert (member.time_limit_minutes, member.attempts_allowed) == (None, 0)


# --- window, attempts, minutes ------------------------------------------------------------
def test_a_personal_window_lets_that_person_start_outside_the_exam_window_and_nobody_else(
        app, client, auth, taker, trainer_client):
    trainee_id = auth.as_role("trainee", locale="en", name="Trainee Li")
    other_id, other = _second_trainee(app)
    closed_at = utcnow() - timedelta(days=1)
    exam_id, slug, _ = _exam(app, trainee_id, other_id, closes_at=closed_at,
                             opens_at=closed_at - timedelta(days=7))
    own_opens = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
    own_closes = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    reply = _post(trainer_client, f"/exams/manage/{exam_id}/overrides", _override_form(
        f"user:{trainee_id}", opens_at=_local_input(own_opens),
        closes_at=_local_input(own_closes)))
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    with app.app_context():
        row = db.session.scalar(select(ExamOverride))
        assert (row.opens_at, row.closes_at) == (own_opens, own_closes)  # typed local, UTC

    attempt_id = taker.start(slug)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.user_id == trainee_id and attempt.deadline == own_closes
    token = csrf_token(other.client, "/exams/mine")
    refused = other.client.post(f"/exams/{slug}/start", data={"csrf_token": token},
                                follow_redirects=True)
    assert "This exam is not open now." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Attempt.id)).where(
            Attempt.user_id == other_id)) == 0


def test_extra_attempts_let_the_person_try_again(app, client, auth, taker, trainer_client):
    trainee_id = auth.as_role("trainee", locale="en")
    exam_id, slug, ids = _exam(app, trainee_id, attempts_allowed=1)
    first = taker.start(slug)
    taker.submit(first)
    token = csrf_token(client, "/exams/mine")
    refused = client.post(f"/exams/{slug}/start", data={"csrf_token": token},
                          follow_redirects=True)
    assert "You have used every attempt at this exam." in refused.get_data(as_text=True)
    assert _post(trainer_client, f"/exams/manage/{exam_id}/overrides", _override_form(
        f"user:{trainee_id}", extra_attempts="1")).status_code == 302
    second = taker.start(slug)
    assert second != first
    with app.app_context():
        assert db.session.get(Attempt, second).number == 2
    taker.submit(second)
    again = client.post(f"/exams/{slug}/start", data={"csrf_token": token},
                        follow_redirects=True)
    assert "You have used every attempt at this exam." in again.get_data(as_text=True)


def test_extra_minutes_lengthen_the_time_limit_at_start(app, client, auth, taker,
                                                       trainer_client):
    trainee_id = auth.as_role("trainee", locale="en", department="Night Shift")
    other_id, other = _second_trainee(app, department="Day Shift")
    exam_id, slug, _ = _exam(app, trainee_id, other_id, time_limit_minutes=20)
    with app.app_context():
        night = db.session.scalar(select(Department).where(Department.name == "Night Shift"))
        exam = db.session.get(Exam, exam_id)
        exam.assignments.append(ExamAssignment(department_id=night.id))
        db.session.commit()
        night_id = night.id
    assert _post(trainer_client, f"/exams/manage/{exam_id}/overrides", _override_form(
        f"department:{night_id}", extra_minutes="10")).status_code == 302
    mine, theirs = taker.start(slug), other.start(slug)
    with app.app_context():
        attempt = db.session.get(Attempt, mine)
        assert attempt.deadline - attempt.started_at == timedelta(minutes=30)
        attempt = db.session.get(Attempt, theirs)
        assert attempt.deadline - attempt.started_at == timedelta(minutes=20)
    page = client.get(f"/exams/attempts/{mine}").get_data(as_text=True)
    assert 'data-remaining="17' in page or 'data-remaining="18' in page or \
        'data-remaining="179' in page


# --- marks --------------------------------------------------------------------------------
def test_a_mark_override_changes_the_result_and_is_announced(app, client, auth, taker,
                                                            trainer_client):
    trainee_id = auth.as_role("trainee", locale="en")
    exam_id, slug, ids = _exam(app, trainee_id)
    attempt_id = taker.start(slug)
    with app.app_context():
        slots = {s.version.question.key: s.id for s in db.session.get(
            Attempt, attempt_id).questions}
    taker.save(attempt_id, slots["ov-one"], ids["Ignore"])
    taker.submit(attempt_id)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).score == 0.0
    announced = []
    with signals.activity_result.connected_to(lambda sender, **kw: announced.append(kw)):
        reply = _post(trainer_client, f"/exams/manage/attempts/{attempt_id}/mark",
                      {"score": "80", "reason": "Oral re-check passed"})
    assert reply.status_code == 302, reply.get_data(as_text=True)[:1500]
    assert len(announced) == 1 and announced[0]["passed"] is True
    assert announced[0]["score"] == pytest.approx(0.8) and announced[0]["ref"] == f"exam:{slug}"
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.score == pytest.approx(0.8) and attempt.passed is True
        row = db.session.scalar(select(MarkOverride))
        assert row.original == 0.0 and row.value == pytest.approx(0.8)  # the original stays
        assert grading.exam_result(attempt.exam, trainee_id) == (pytest.approx(0.8), True)

    # A later question override recomputes the score from the questions (newest wins).
    with signals.activity_result.connected_to(lambda sender, **kw: announced.append(kw)):
        reply = _post(trainer_client, f"/exams/manage/attempts/{attempt_id}/mark",
                      {"score": "50", "reason": "Half right in substance",
                       "question": str(slots["ov-one"])})
    assert reply.status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.score == pytest.approx(0.25) and attempt.passed is False
    assert announced[-1]["passed"] is False and announced[-1]["score"] == pytest.approx(0.25)
    review = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Half right in substance" in review and "Trainer Wang" in review
    desk = trainer_client.get(f"/exams/manage/attempts/{attempt_id}").get_data(as_text=True)
    assert "Set the score of this attempt" in desk and "Change the marks of this question" in desk
    assert 'id="attempt-audit"' in desk and "Oral re-check passed" in desk
    page = html.unescape(client.get(f"/exams/mine/{slug}").get_data(as_text=True))
    assert "Attempt 1: your trainer (Trainer Wang) set the score to 80 %: Oral re-check" in page
    assert "Attempt 1, question 1: your trainer (Trainer Wang) set the marks to 50 %" in page


def test_a_submitted_attempt_reopens_only_by_the_trainers_explicit_action(
        app, client, auth, taker, trainer_client):
    trainee_id = auth.as_role("trainee", locale="en")
    exam_id, slug, ids = _exam(app, trainee_id, time_limit_minutes=30,
                               review={m: dict.fromkeys(
                                   ("score", "correctness", "feedback", "right_answer"), False)
                                   for m in ("during", "immediately", "later", "after_close")})
    attempt_id = taker.start(slug)
    taker.submit(attempt_id)
    extend = _post(trainer_client, f"/exams/manage/attempts/{attempt_id}/extend",
                   {"minutes": "10", "reason": "outage"})
    assert extend.status_code == 409  # extra time never reopens a submitted attempt
    reply = _post(trainer_client, f"/exams/manage/attempts/{attempt_id}/reopen",
                  {"minutes": "15", "reason": "Submitted by mistake on a broken tablet"})
    assert reply.status_code == 302, reply.get_data(as_text=True)[:1500]
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.state == AttemptState.IN_PROGRESS and attempt.score is None
        assert timedelta(minutes=14) < attempt.deadline - utcnow() <= timedelta(minutes=15)
        slot = attempt.questions[0].id
    assert taker.save(attempt_id, slot, ids["Call back"]).status_code == 200
    page = client.get(f"/exams/mine/{slug}").get_data(as_text=True)
    assert "Attempt 1 was reopened by your trainer (Trainer Wang) until" in page
    assert "Submitted by mistake on a broken tablet" in page


def test_an_attempt_whose_marking_was_seen_is_not_reopened(app, client, auth, taker,
                                                          trainer_client):
    trainee_id = auth.as_role("trainee", locale="en")
    exam_id, slug, _ = _exam(app, trainee_id)  # default review shows correctness at once
    attempt_id = taker.start(slug)
    taker.submit(attempt_id)
    client.get(f"/exams/attempts/{attempt_id}/review")  # the trainee saw the marking
    reply = _post(trainer_client, f"/exams/manage/attempts/{attempt_id}/reopen",
                  {"minutes": "15", "reason": "please"})
    assert reply.status_code == 409
    assert "has seen how this attempt was marked" in reply.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).state == AttemptState.SUBMITTED
        assert db.session.scalar(select(func.count(ExamOverrideAudit.id))) == 0


# --- audit and what the trainee sees ------------------------------------------------------
def test_every_override_is_audited_and_the_trainee_reads_it(app, client, auth, taker,
                                                           trainer_client):
    trainee_id = auth.as_role("trainee", locale="en", department="Hotline East")
    exam_id, slug, _ = _exam(app, trainee_id, department="Hotline East",
                             time_limit_minutes=20, attempts_allowed=1)
    with app.app_context():
        east_id = db.session.scalar(select(Department.id).where(
            Department.name == "Hotline East"))
        trainer_id = db.session.scalar(select(User.id).where(User.name == "Trainer Wang"))
    path = f"/exams/manage/{exam_id}/overrides"
    assert _post(trainer_client, path, _override_form(
        f"user:{trainee_id}", extra_minutes="10")).status_code == 302
    assert _post(trainer_client, path, _override_form(
        f"department:{east_id}", extra_attempts="1", reason="Team retake week")
    ).status_code == 302
    assert _post(trainer_client, path, _override_form(
        f"user:{trainee_id}", extra_minutes="15", reason=REASON + " (more)")).status_code == 302

    page = html.unescape(client.get(f"/exams/mine/{slug}").get_data(as_text=True))
    assert "Your trainer (Trainer Wang) gave you 15 extra minutes: " + REASON + " (more)" in page
    assert "Your department (Hotline East) has one extra attempt" in page
    assert "Team retake week" in page
    assert "35 minutes" in page  # 20 + 15: the time limit the trainee will get
    listing = client.get("/exams/mine").get_data(as_text=True)
    assert "Changed for you by your trainer" in listing

    with app.app_context():
        row = db.session.scalar(select(ExamOverride).where(ExamOverride.user_id == trainee_id))
        override_id = row.id
    assert _post(trainer_client, f"/exams/manage/overrides/{override_id}/remove",
                 {"reason": "Back from leave"}).status_code == 302
    with app.app_context():
        audit = db.session.scalars(select(ExamOverrideAudit).order_by(
            ExamOverrideAudit.id)).all()
        assert [a.action for a in audit] == ["settings", "settings", "settings",
                                             "settings_removed"]
        assert all(a.actor_id == trainer_id and a.at is not None for a in audit)
        assert audit[2].details["before"]["extra_minutes"] == 10
        assert audit[2].details["after"]["extra_minutes"] == 15
        assert audit[3].reason == "Back from leave" and audit[1].department_id == east_id
        assert exam_service.effective_settings(db.session.get(Exam, exam_id),
                                               trainee_id).time_limit_minutes == 20
    log = trainer_client.get(path).get_data(as_text=True)
    assert 'id="override-audit"' in log and "Back from leave" in log and "Trainer Wang" in log
    page = client.get(f"/exams/mine/{slug}").get_data(as_text=True)
    assert "gave you 15 extra minutes" not in page and "Team retake week" in page


@pytest.mark.parametrize("role", ["trainee", "planner"])
def test_only_trainers_and_admins_override(app, client, auth, taker, role):
    owner = auth.as_role("trainee", locale="en")
    exam_id, slug, _ = _exam(app, owner)
    attempt_id = taker.start(slug)
    taker.submit(attempt_id)
    outsider = app.test_client()
    Auth(outsider, app).as_role(role, locale="en")
    for who in (outsider, client):
        assert who.get(f"/exams/manage/{exam_id}/overrides").status_code == 403
        for path, data in (
                (f"/exams/manage/{exam_id}/overrides",
                 _override_form(f"user:{owner}", extra_attempts="5")),
                (f"/exams/manage/attempts/{attempt_id}/mark", {"score": "100", "reason": "me"}),
                (f"/exams/manage/attempts/{attempt_id}/reopen",
                 {"minutes": "60", "reason": "me"})):
            assert _post(who, path, data).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(ExamOverride.id))) == 0
        assert db.session.scalar(select(func.count(MarkOverride.id))) == 0
        assert db.session.get(Attempt, attempt_id).state == AttemptState.SUBMITTED


@pytest.mark.parametrize(("fields", "message"), [
    ({"extra_minutes": "-5"}, "Extra minutes on the time limit"),
    ({"extra_minutes": "100000"}, "Extra minutes on the time limit"),
    ({"extra_attempts": "abc"}, "Extra attempts"),
    ({}, "Give extra minutes, extra attempts or an own opening or closing time."),
    ({"opens_at": "2026-12-05T10:00", "closes_at": "2026-12-05T09:00"},
     "Own closing time: it must come after the opening time."),
    ({"closes_at": "0001-01-01T00:00"}, "give a date between 2000 and 2100"),
    ({"closes_at": "tomorrow"}, "Own closing time"),
    ({"extra_minutes": "5", "reason": ""}, "Reason"),
    ({"extra_minutes": "5", "target": "user:999999"}, "choose a person or department"),
    ({"extra_minutes": "5", "target": "department:abc"}, "choose a person or department"),
])
def test_bad_override_input_is_refused_naming_the_field(app, auth, trainer_client, fields,
                                                        message):
    trainee_id = make_trainee(app)
    exam_id, _, _ = _exam(app, trainee_id)
    form = _override_form(fields.pop("target", f"user:{trainee_id}"), **fields)
    reply = _post(trainer_client, f"/exams/manage/{exam_id}/overrides", form)
    assert reply.status_code == 400, reply.get_data(as_text=True)[:800]
    assert message in reply.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ExamOverride.id))) == 0
        assert db.session.scalar(select(func.count(ExamOverrideAudit.id))) == 0


def make_trainee(app) -> int:
    """A trainee (not signed in anywhere); their id."""
    with app.app_context():
        return make_user(roles=["trainee"]).id


def test_an_override_for_someone_not_assigned_is_refused(app, trainer_client):
    assigned, stranger = make_trainee(app), make_trainee(app)
    exam_id, _, _ = _exam(app, assigned)
    reply = _post(trainer_client, f"/exams/manage/{exam_id}/overrides",
                  _override_form(f"user:{stranger}", extra_attempts="1"))
    assert reply.status_code == 400
    assert "choose a person or department this exam is assigned to" in reply.get_data(
        as_text=True)
    assert _post(trainer_client, "/exams/manage/999999/overrides",
                 _override_form(f"user:{assigned}", extra_attempts="1")).status_code == 404


@pytest.mark.parametrize(("data", "status", "message"), [
    ({"score": "150", "reason": "x"}, 400, "Score (%)"),
    ({"score": "abc", "reason": "x"}, 400, "Score (%)"),
    ({"score": "nan", "reason": "x"}, 400, "Score (%)"),
    ({"score": "1e400", "reason": "x"}, 400, "Score (%)"),
    ({"score": "50", "reason": ""}, 400, "Reason"),
    ({"score": "50", "reason": "x", "question": "999999"}, 404,
     "This question is not part of the attempt."),
    ({"score": "50", "reason": "x", "question": "1;drop"}, 400,
     "This question is not part of the attempt."),
])
def test_bad_mark_input_is_refused_and_nothing_changes(app, client, auth, taker, trainer_client,
                                                       data, status, message):
    trainee_id = auth.as_role("trainee", locale="en")
    _, slug, _ = _exam(app, trainee_id)
    attempt_id = taker.start(slug)
    taker.submit(attempt_id)
    reply = _post(trainer_client, f"/exams/manage/attempts/{attempt_id}/mark", data)
    assert reply.status_code == status, reply.get_data(as_text=True)[:800]
    assert message in reply.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(MarkOverride.id))) == 0
        assert db.session.get(Attempt, attempt_id).score == 0.0


def test_a_running_attempt_cannot_have_its_mark_overridden_or_be_reopened(
        app, client, auth, taker, trainer_client):
    trainee_id = auth.as_role("trainee", locale="en")
    _, slug, _ = _exam(app, trainee_id, time_limit_minutes=30)
    attempt_id = taker.start(slug)
    for path, data in ((f"/exams/manage/attempts/{attempt_id}/mark",
                        {"score": "90", "reason": "x"}),
                       (f"/exams/manage/attempts/{attempt_id}/reopen",
                        {"minutes": "5", "reason": "x"})):
        reply = _post(trainer_client, path, data)
        assert reply.status_code == 409
        assert "still in progress" in reply.get_data(as_text=True)


def test_a_regrade_keeps_the_trainers_mark(app, client, auth, taker, trainer_client):
    trainee_id = auth.as_role("trainee", locale="en")
    exam_id, slug, ids = _exam(app, trainee_id)
    attempt_id = taker.start(slug)
    taker.submit(attempt_id)
    reply = _post(trainer_client, f"/exams/manage/attempts/{attempt_id}/mark",
                  {"score": "80", "reason": "Oral re-check passed"})
    assert reply.status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        grading.grade_attempt(attempt)  # what a regrade does to every attempt
        db.session.commit()
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.score == pytest.approx(0.8) and attempt.passed is True
