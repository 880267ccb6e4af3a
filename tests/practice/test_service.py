"""Practice rules without HTTP: sessions in local time, capacity, attendance, hours, sign-off."""

import threading
import time as clock
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden

from lms import activities
from lms.auth.models import User, utcnow
from lms.courses.models_progress import ActivityResult
from lms.extensions import db
from lms.practice import checklists, service
from lms.practice.models import AuditEntry, Enrolment, PracticeSession
from lms.practice.service import Refused, SessionInput
from lms.signals import activity_result
from tests.factories import make_user
from tests.practice.factories import make_session, observe_all, onsite_course, trainees


def _input(course, trainer, **changes) -> SessionInput:
    start = utcnow() + timedelta(days=3)
    values = {"course_id": course.id, "lesson_id": None, "trainer_id": trainer.id,
              "starts_at": start, "ends_at": start + timedelta(hours=2), "place": "Desk 4",
              "capacity": 6}
    values.update(changes)
    return SessionInput(**values)


def test_a_session_entered_in_shanghai_time_is_stored_in_utc(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    starts = service.local_to_utc(date(2026, 12, 7), time(9, 0))
    ends = service.local_to_utc(date(2026, 12, 7), time(17, 0))
    assert (starts, ends) == (datetime(2026, 12, 7, 1, 0), datetime(2026, 12, 7, 9, 0))
    practice = service.create_session(_input(course, trainer, starts_at=starts, ends_at=ends),
                                      trainer)
    db.session.commit()
    assert practice.hours == 8
    assert service.to_local(practice.starts_at) == datetime(2026, 12, 7, 9, 0)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "session_created"))
    assert entry.actor_id == trainer.id and entry.details["place"] == "Desk 4"


@pytest.mark.parametrize(("changes", "field"), [
    ({"capacity": 0}, "capacity"),
    ({"place": "   "}, "place"),
    ({"ends_at": "start"}, "end_time"),
    ({"lesson_id": "other-course"}, "lesson_id"),
    ({"trainer_id": "trainee"}, "trainer_id"),
])
def test_bad_session_input_is_refused_naming_the_field(app_ctx, changes, field):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    from tests.courses.factories import make_course

    other = make_course("callback-basics")
    replacements = {"start": None, "other-course": other.lessons[0].id,
                    "trainee": make_user(roles=["trainee"]).id}
    values = {key: replacements.get(value, value) for key, value in changes.items()}
    if values.get("ends_at", 1) is None:
        values["ends_at"] = utcnow() + timedelta(days=3)
        values["starts_at"] = values["ends_at"] + timedelta(minutes=30)
    with pytest.raises(Refused) as refused:
        service.create_session(_input(course, trainer, **values), trainer)
    assert refused.value.field == field and refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(PracticeSession.id))) == 0


def test_enrolment_stays_within_capacity_and_a_withdrawal_frees_the_place(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    first, second, third = trainees(course, 3)
    practice = make_session(course, trainer, capacity=2)
    service.enrol(practice, first, first)
    service.enrol(practice, second, trainer)
    db.session.commit()
    with pytest.raises(Refused) as full:
        service.enrol(practice, third, third)
    assert "满员" in full.value.message and "2" in full.value.message
    db.session.rollback()
    with pytest.raises(Refused):
        service.enrol(practice, first, first)  # already on the list
    db.session.rollback()
    service.withdraw(service.enrolment_of(practice, first.id), first)
    service.enrol(practice, third, third)
    db.session.commit()
    assert service.seats_taken(practice.id) == 2


def test_parallel_enrolment_cannot_overbook(app, monkeypatch):
    """Eight people press "enrol" at once for two places: exactly two get in.

    Counting is slowed down so that, without the session lock, every thread would count the
    seats before any of them wrote its enrolment.
    """
    with app.app_context():
        course, trainer = onsite_course(), make_user(roles=["trainer"])
        people = [p.id for p in trainees(course, 8)]
        session_id = make_session(course, trainer, capacity=2).id
    counted = service.seats_taken

    def slow_count(session):
        taken = counted(session)
        clock.sleep(0.15)
        return taken

    monkeypatch.setattr(service, "seats_taken", slow_count)
    start, outcomes = threading.Barrier(len(people)), []

    def press(user_id):
        with app.app_context():
            practice, person = db.session.get(PracticeSession, session_id), db.session.get(
                User, user_id)
            start.wait()
            try:
                service.enrol(practice, person, person)
                db.session.commit()
                outcomes.append("in")
            except Refused:
                db.session.rollback()
                outcomes.append("full")

    threads = [threading.Thread(target=press, args=(user_id,)) for user_id in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["full"] * 6 + ["in"] * 2
    with app.app_context():
        assert db.session.scalar(select(func.count(Enrolment.id)).where(
            Enrolment.status == "enrolled")) == 2


def test_only_people_assigned_the_course_can_be_enrolled(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    stranger = make_user(roles=["trainee"], name="Not Assigned")
    practice = make_session(course, trainer)
    for actor in (stranger, trainer):
        with pytest.raises(Refused) as refused:
            service.enrol(practice, stranger, actor)
        assert "Not Assigned" in refused.value.message
        db.session.rollback()


def test_trainees_enrol_until_the_start_trainers_also_afterwards(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    late_comer, recorded = trainees(course, 2)
    started = make_session(course, trainer, starts_in=timedelta(minutes=-30))
    with pytest.raises(Refused) as closed:
        service.enrol(started, late_comer, late_comer)
    assert closed.value.field == "session"
    db.session.rollback()
    service.enrol(started, recorded, trainer)
    db.session.commit()
    other_trainer = make_user(roles=["trainer"])
    with pytest.raises(Forbidden):
        service.enrol(started, late_comer, other_trainer)


def test_each_attendance_tap_is_stored_with_its_time_and_audited(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    person = trainees(course, 1)[0]
    practice = make_session(course, trainer, starts_in=timedelta(minutes=20))
    enrolment = service.enrol(practice, person, person)
    db.session.commit()
    first = utcnow()
    service.mark_attendance(enrolment, "present", trainer, now=first)
    db.session.commit()
    service.mark_attendance(enrolment, "late", trainer, now=first + timedelta(minutes=1))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Enrolment, enrolment.id)
    assert stored.attendance == "late" and stored.attendance_by_id == trainer.id
    assert stored.attendance_at == first + timedelta(minutes=1)
    taps = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "attendance")
                              .order_by(AuditEntry.id)).all()
    assert [(t.details["before"], t.details["after"]) for t in taps] == [
        (None, "present"), ("present", "late")]
    with pytest.raises(Refused) as unknown:
        service.mark_attendance(stored, "sleeping", trainer)
    assert "sleeping" in unknown.value.message
    with pytest.raises(Forbidden):
        service.mark_attendance(stored, "present", make_user(roles=["trainer"]))


def test_attendance_does_not_open_long_before_the_start(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    person = trainees(course, 1)[0]
    practice = make_session(course, trainer, starts_in=timedelta(hours=5))
    enrolment = service.enrol(practice, person, person)
    with pytest.raises(Refused) as early:
        service.mark_attendance(enrolment, "present", trainer)
    assert early.value.field == "status"


def test_attended_hours_count_present_and_late_sessions_only(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    from tests.courses.factories import make_course

    other = make_course("callback-basics")
    person = make_user(roles=["trainee"])
    from tests.courses.factories import assign_to

    assign_to(course, person)
    assign_to(other, person)
    when = utcnow() - timedelta(days=3)
    outcomes = [(course, 8, "present"), (course, 7, "late"), (course, 4, "absent"),
                (course, 2, None), (other, 1.5, "present")]
    for offset, (which, hours, status) in enumerate(outcomes):
        practice = make_session(which, trainer, hours=hours,
                                starts_at=when - timedelta(days=offset))
        enrolment = service.enrol(practice, person, trainer)
        if status:
            service.mark_attendance(enrolment, status, trainer)
    db.session.commit()
    assert service.attended_hours(person.id, course.id) == 15.0
    assert service.attended_hours(person.id) == 16.5
    assert service.attended_hours(person.id, other.id) == 1.5
    assert service.attended_hours(make_user().id) == 0.0


def test_checklist_items_are_the_lesson_checklists_of_the_course(app_ctx):
    course = onsite_course()
    items = checklists.items_of(course)
    assert len(items) == sum(len(lesson.checklist["en"]) for lesson in course.lessons) == 22
    assert items[0].text == {"zh": "跟听至少 30 通电话或在线会话",
                             "en": "Listen to at least 30 calls or chat sessions"}
    assert items[0].lesson.slug == "call-shadowing" and items[-1].index == 4


def _assessed_trainee(course, trainer):
    person = trainees(course, 1)[0]
    practice = make_session(course, trainer, starts_in=timedelta(minutes=-60), hours=8)
    enrolment = service.enrol(practice, person, trainer)
    service.mark_attendance(enrolment, "present", trainer)
    db.session.commit()
    return person


def test_a_sign_off_needs_every_item_observed(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    person = _assessed_trainee(course, trainer)
    observe_all(course, person, trainer, but=1)
    with pytest.raises(Refused) as refused:
        checklists.sign_off(course, person, trainer)
    assert "1" in refused.value.message and "Write your personal" not in refused.value.message
    assert "填写个人改进计划" in refused.value.message
    db.session.rollback()
    assert not checklists.view(course, person).signed_off


def test_sign_off_announces_the_practice_result_with_the_course_ref(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    person = _assessed_trainee(course, trainer)
    observe_all(course, person, trainer)
    heard = []

    def listen(sender, **kw):
        heard.append((sender, kw))

    activity_result.connect(listen)
    try:
        checklists.sign_off(course, person, trainer)
        db.session.commit()
    finally:
        activity_result.disconnect(listen)
    assert len(heard) == 1
    sender, kw = heard[0]
    assert sender == "practice" and kw["ref"] == "practice:onsite-practice"
    assert (kw["user_id"], kw["passed"], kw["score"]) == (person.id, True, 1.0)
    stored = db.session.scalar(select(ActivityResult).where(ActivityResult.user_id == person.id))
    assert (stored.kind, stored.ref, stored.passed) == ("practice", "practice:onsite-practice",
                                                        True)
    view = checklists.view(course, person)
    assert view.signed_off and view.checklist.signed_off_by_id == trainer.id
    with pytest.raises(Refused):
        checklists.mark_item(course, person, view.rows[0].item.lesson.id, 0, False, "", trainer)


def test_withdrawing_a_sign_off_needs_a_reason_and_announces_not_passed(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    person = _assessed_trainee(course, trainer)
    observe_all(course, person, trainer)
    checklists.sign_off(course, person, trainer)
    db.session.commit()
    with pytest.raises(Refused) as no_reason:
        checklists.withdraw_sign_off(course, person, trainer, "  ")
    assert no_reason.value.field == "reason"
    heard = []

    def listen(sender, **kw):
        heard.append(kw)

    activity_result.connect(listen)
    try:
        checklists.withdraw_sign_off(course, person, trainer, "Signed the wrong trainee")
        db.session.commit()
    finally:
        activity_result.disconnect(listen)
    assert [(h["ref"], h["passed"]) for h in heard] == [("practice:onsite-practice", False)]
    view = checklists.view(course, person)
    assert not view.signed_off and view.checklist.withdrawal_reason == "Signed the wrong trainee"
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_id == person.id).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["signed_off", "sign_off_withdrawn"]
    assert actions.count("item_marked") == 22


def test_a_trainer_assesses_only_trainees_of_their_own_sessions(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    person = _assessed_trainee(course, trainer)
    stranger = make_user(roles=["trainer"])
    item = checklists.items_of(course)[0]
    with pytest.raises(Forbidden):
        checklists.mark_item(course, person, item.lesson.id, 0, True, "", stranger)
    with pytest.raises(Forbidden):
        checklists.sign_off(course, person, stranger)
    admin = make_user(roles=["admin"])
    checklists.mark_item(course, person, item.lesson.id, 0, True, "seen by the admin", admin)
    with pytest.raises(Refused) as unknown:
        checklists.mark_item(course, person, item.lesson.id, 99, True, "", trainer)
    assert unknown.value.field == "item"


def test_the_practice_prefix_resolves_courses_with_checklists(app_ctx):
    onsite_course()
    kind = activities.kinds()["practice"]
    assert kind.activity_kind == "practice"
    assert kind.has("onsite-practice") and not kind.has("no-such-course")
    assert kind.choices()["onsite-practice"]["en"] == "Shadowing and on-site practice"
    assert activities.problem("practice:onsite-practice") is None
    assert activities.problem("practice:nothing-here") == "not_found"
    with app_ctx.test_request_context():
        assert activities.url_for_reference("practice:onsite-practice") == \
            "/practice/my/onsite-practice"


def test_demo_schedules_two_sessions_next_week_once(app_ctx):
    from lms import demo

    demo.load_demo()
    sessions = db.session.scalars(select(PracticeSession)).all()
    assert len(sessions) == 2
    assert {s.trainer.username for s in sessions} == {"trainer"}
    assert all(s.course.slug == "onsite-practice" for s in sessions)
    today = date.today()
    next_monday = today + timedelta(days=7 - today.weekday())
    days = sorted(service.to_local(s.starts_at).date() for s in sessions)
    assert days == [next_monday, next_monday + timedelta(days=2)]
    names = {e.user.username for s in sessions for e in s.active_enrolments}
    assert {"trainee", "e1002", "e1003"} <= names
    demo.load_demo()
    assert db.session.scalar(select(func.count(PracticeSession.id))) == 2


def test_changing_a_session_keeps_capacity_above_the_enrolled_and_is_audited(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    people = trainees(course, 3)
    practice = make_session(course, trainer, capacity=4)
    for person in people:
        service.enrol(practice, person, person)
    db.session.commit()
    data = _input(course, trainer, starts_at=practice.starts_at, ends_at=practice.ends_at,
                  place="Room 5", capacity=2)
    with pytest.raises(Refused) as refused:
        service.update_session(practice, data, trainer)
    assert refused.value.field == "capacity" and "3" in refused.value.message
    db.session.rollback()
    changes = service.update_session(practice, _input(
        course, trainer, starts_at=practice.starts_at, ends_at=practice.ends_at,
        place="Room 5", capacity=3), trainer)
    db.session.commit()
    assert changes == {"place": ["Training room 3", "Room 5"], "capacity": [4, 3]}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "session_updated"))
    assert entry.details["changes"]["capacity"] == [4, 3]


def test_a_cancelled_session_is_closed_and_its_hours_do_not_count(app_ctx):
    course, trainer = onsite_course(), make_user(roles=["trainer"])
    first, second = trainees(course, 2)
    practice = make_session(course, trainer)
    service.enrol(practice, first, first)
    service.cancel_session(practice, trainer, "Trainer ill")
    db.session.commit()
    assert practice.cancelled and practice.cancel_reason == "Trainer ill"
    with pytest.raises(Refused):
        service.enrol(practice, second, second)
    db.session.rollback()
    with pytest.raises(Refused):
        service.cancel_session(practice, trainer)
    db.session.rollback()
    held = make_session(course, trainer, starts_in=timedelta(minutes=-90), hours=1)
    enrolment = service.enrol(held, second, trainer)
    service.mark_attendance(enrolment, "present", trainer)
    db.session.commit()
    with pytest.raises(Refused) as taken:
        service.cancel_session(held, trainer)
    assert taken.value.field == "status"
