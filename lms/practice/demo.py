"""Practice demo data: two sessions of the on-site course next week, run by the demo trainer.

The demo trainees the course is assigned to (Hotline East, through the onboarding path) are
enrolled in both. Idempotent: nothing is added once the demo trainer has a session of the
on-site course.
"""

from datetime import date, time, timedelta

from sqlalchemy import select

from lms.auth.models import User
from lms.courses.models import Course
from lms.extensions import db
from lms.practice import service
from lms.practice.models import PracticeSession

COURSE_SLUG = "onsite-practice"
#: (weekday of next week, lesson slug, start, end, place)
DEMO_SESSIONS = (
    (0, "call-shadowing", time(9, 0), time(17, 0), "热线东区服务台 Hotline East service desk"),
    (2, "scenario-simulation", time(9, 0), time(16, 0), "培训中心 3 号教室 Training Center room 3"),
)
CAPACITY = 8


def _next_week(weekday: int, today: date | None = None) -> date:
    today = today or date.today()
    monday = today + timedelta(days=7 - today.weekday())
    return monday + timedelta(days=weekday)


def load() -> list:
    """Schedule the demo sessions and enrol the demo trainees; returns what was added."""
    course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
    trainer = db.session.scalar(select(User).where(User.username == "trainer"))
    if course is None or trainer is None:
        return []
    exists = db.session.scalar(select(PracticeSession.id).where(
        PracticeSession.course_id == course.id, PracticeSession.trainer_id == trainer.id)
        .limit(1))
    if exists is not None:
        return []
    lessons = {lesson.slug: lesson for lesson in course.lessons}
    people = service.assigned_trainees(course)
    added = []
    for weekday, lesson_slug, start, end, place in DEMO_SESSIONS:
        day = _next_week(weekday)
        lesson = lessons.get(lesson_slug)
        practice = service.create_session(service.SessionInput(
            course_id=course.id, lesson_id=lesson.id if lesson else None,
            trainer_id=trainer.id, starts_at=service.local_to_utc(day, start),
            ends_at=service.local_to_utc(day, end), place=place, capacity=CAPACITY), trainer)
        for person in people[:CAPACITY]:
            service.enrol(practice, person, trainer)
        added.append(f"practice-session:{day.isoformat()}:{len(people[:CAPACITY])}")
    db.session.commit()
    return added
