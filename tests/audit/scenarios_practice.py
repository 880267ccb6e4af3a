"""Audit scenarios for the practice routes: sessions, enrolment, attendance, checklists.

Each scenario signs in, builds what the route needs, and returns ``(path, data, form_page)``
for a POST with valid data (see ``tests/audit/test_post_routes.py``).
"""

from __future__ import annotations

from datetime import timedelta

from lms.auth.models import User
from lms.extensions import db
from tests.courses.factories import assign_to
from tests.factories import make_user
from tests.practice.factories import make_session, observe_all, onsite_course, trainees

NEW = "/practice/sessions/new"
SLUG = "onsite-practice"


def _form(course_id: int, trainer_id: int, **changes) -> dict:
    return {"course_id": str(course_id), "lesson_id": "0", "trainer_id": str(trainer_id),
            "day": "2026-12-14", "start_time": "09:00", "end_time": "17:00",
            "place": "热线东区服务台", "capacity": "6", **changes}


def _session(auth, app, *, starts_in=timedelta(days=2)) -> tuple[int, int, int]:
    """(course id, trainer id, session id): a session run by the signed-in trainer."""
    trainer_id = auth.as_role("trainer")
    with app.app_context():
        course = onsite_course()
        practice = make_session(course, db.session.get(User, trainer_id), starts_in=starts_in)
        return course.id, trainer_id, practice.id


def _enrolled(app, session_id: int, *, present: bool = False) -> tuple[int, int]:
    """(trainee id, enrolment id) of a new trainee assigned and enrolled in the session."""
    from lms.practice import service
    from lms.practice.models import PracticeSession

    with app.app_context():
        practice = db.session.get(PracticeSession, session_id)
        person = trainees(practice.course, 1)[0]
        enrolment = service.enrol(practice, person, practice.trainer)
        if present:
            service.mark_attendance(enrolment, "present", practice.trainer)
        db.session.commit()
        return person.id, enrolment.id


def _new_session(auth, app):
    trainer_id = auth.as_role("trainer")
    with app.app_context():
        course_id = onsite_course().id
    return NEW, _form(course_id, trainer_id), NEW


def _edit_session(auth, app):
    from lms.practice import service
    from lms.practice.models import PracticeSession

    course_id, trainer_id, session_id = _session(auth, app)
    with app.app_context():
        day = service.to_local(db.session.get(PracticeSession, session_id).starts_at)
    edit = f"/practice/sessions/{session_id}/edit"
    return edit, _form(course_id, trainer_id, day=day.strftime("%Y-%m-%d"),
                       start_time="09:00", end_time="12:00", place="Training room 4"), edit


def _cancel_session(auth, app):
    _course_id, _trainer_id, session_id = _session(auth, app)
    return f"/practice/sessions/{session_id}/cancel", {"reason": "培训师生病"}, \
        f"/practice/sessions/{session_id}"


def _trainee_session(auth, app) -> tuple[int, int]:
    """(session id, trainee id): a trainee assigned to the course of another's session."""
    from lms.practice.models import PracticeSession

    with app.app_context():
        course = onsite_course()
        trainer = make_user(roles=["trainer"], name="Coach Li")
        session_id = make_session(course, trainer).id
    me = auth.as_role("trainee")
    with app.app_context():
        assign_to(db.session.get(PracticeSession, session_id).course, db.session.get(User, me))
    return session_id, me


def _enrol(auth, app):
    session_id, _me = _trainee_session(auth, app)
    return f"/practice/sessions/{session_id}/enrol", {}, "/practice/my"


def _withdraw(auth, app):
    from lms.practice import service
    from lms.practice.models import PracticeSession

    session_id, me_id = _trainee_session(auth, app)
    with app.app_context():
        me = db.session.get(User, me_id)
        service.enrol(db.session.get(PracticeSession, session_id), me, me)
        db.session.commit()
    return f"/practice/sessions/{session_id}/withdraw", {}, "/practice/my"


def _enrol_person(auth, app):
    from lms.practice.models import PracticeSession

    _course_id, _trainer_id, session_id = _session(auth, app)
    with app.app_context():
        person = trainees(db.session.get(PracticeSession, session_id).course, 1)[0]
        person_id = person.id
    return f"/practice/sessions/{session_id}/enrolments", {"user_id": str(person_id)}, \
        f"/practice/sessions/{session_id}"


def _withdraw_person(auth, app):
    _course_id, _trainer_id, session_id = _session(auth, app)
    _person, enrolment_id = _enrolled(app, session_id)
    return f"/practice/enrolments/{enrolment_id}/withdraw", {"reason": "double booked"}, \
        f"/practice/sessions/{session_id}"


def _mark_attendance(auth, app):
    _course_id, _trainer_id, session_id = _session(auth, app,
                                                   starts_in=timedelta(minutes=10))
    _person, enrolment_id = _enrolled(app, session_id)
    return f"/practice/enrolments/{enrolment_id}/attendance", {"status": "present"}, \
        f"/practice/sessions/{session_id}/attendance"


def _checklist(auth, app, but: int) -> int:
    """The trainee id of an attendee with all checklist items observed but ``but``."""
    _course_id, trainer_id, session_id = _session(auth, app,
                                                  starts_in=timedelta(minutes=-30))
    person_id, _enrolment = _enrolled(app, session_id, present=True)
    with app.app_context():
        observe_all(onsite_course(), db.session.get(User, person_id),
                    db.session.get(User, trainer_id), but=but)
    return person_id


def _mark_item(auth, app):
    from lms.practice import checklists

    person_id = _checklist(auth, app, but=1)
    with app.app_context():
        last = checklists.items_of(onsite_course())[-1]
        lesson_id, index = last.lesson.id, last.index
    base = f"/practice/checklists/{SLUG}/{person_id}"
    return f"{base}/items", {"lesson_id": str(lesson_id), "index": str(index),
                             "observed": "observed", "comment": "good plan"}, base


def _sign_off(auth, app):
    base = f"/practice/checklists/{SLUG}/{_checklist(auth, app, but=0)}"
    return f"{base}/sign-off", {}, base


def _withdraw_sign_off(auth, app):
    person_id = _checklist(auth, app, but=0)
    base = f"/practice/checklists/{SLUG}/{person_id}"
    assert auth.post(f"{base}/sign-off", form_page=base).status_code == 302
    return f"{base}/withdraw", {"reason": "wrong person"}, base


PRACTICE_SCENARIOS = {
    "practice.new_session": _new_session, "practice.edit_session": _edit_session,
    "practice.cancel_session": _cancel_session, "practice.enrol": _enrol,
    "practice.withdraw": _withdraw, "practice.enrol_person": _enrol_person,
    "practice.withdraw_person": _withdraw_person, "practice.mark_attendance": _mark_attendance,
    "practice.mark_item": _mark_item, "practice.sign_off": _sign_off,
    "practice.withdraw_sign_off": _withdraw_sign_off,
}
