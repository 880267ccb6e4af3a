"""Practice test objects: the shipped on-site course, trainees assigned to it, sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from lms.auth.models import utcnow
from lms.courses import content_service
from lms.courses.bundle import CONTENT_DIR
from lms.courses.models import Course
from lms.extensions import db
from lms.practice import checklists, service
from tests.courses.factories import assign_to
from tests.factories import make_user

ONSITE = "onsite-practice"


def onsite_course() -> Course:
    """The shipped on-site practice course (four lessons with checklists), published."""
    content_service.load_content(CONTENT_DIR / ONSITE)
    return db.session.scalar(select(Course).where(Course.slug == ONSITE))


def trainees(course: Course, count: int, **fields) -> list:
    """``count`` new trainees with ``course`` assigned."""
    people = [make_user(roles=["trainee"], **fields) for _ in range(count)]
    assign_to(course, *people)
    return people


def make_session(course: Course, trainer, *, starts_in: timedelta = timedelta(days=2),
                 hours: float = 8, capacity: int = 8, lesson=None,
                 starts_at: datetime | None = None):
    """A committed session of ``course`` run by ``trainer``."""
    start = starts_at or (utcnow() + starts_in).replace(second=0, microsecond=0)
    practice = service.create_session(service.SessionInput(
        course_id=course.id, lesson_id=lesson.id if lesson else None, trainer_id=trainer.id,
        starts_at=start, ends_at=start + timedelta(hours=hours), place="Training room 3",
        capacity=capacity), trainer)
    db.session.commit()
    return practice


def observe_all(course: Course, trainee, trainer, but: int = 0) -> None:
    """Mark every checklist item observed (except the last ``but`` ones) and commit."""
    items = checklists.items_of(course)
    for item in items[: len(items) - but]:
        checklists.mark_item(course, trainee, item.lesson.id, item.index, True, "ok", trainer)
    db.session.commit()
