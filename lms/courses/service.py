"""What other features may ask the courses feature about its subjects (by id), without
importing its models: titles for certificates, and the list of certificate subjects."""

from __future__ import annotations

from sqlalchemy import select

from lms.courses.models import Course, LearningPath
from lms.extensions import db


def course_title(course_id: int) -> dict | None:
    """The course's title ({zh, en}), or None when there is no such course."""
    course = db.session.get(Course, course_id)
    return dict(course.title) if course is not None else None


def path_title(path_id: int) -> dict | None:
    """The learning path's title ({zh, en}), or None when there is no such path."""
    path = db.session.get(LearningPath, path_id)
    return dict(path.title) if path is not None else None


def certificate_subjects() -> list[tuple[str, int, dict]]:
    """Every learning path, then every course: ``(kind, id, title)`` in title order."""
    paths = db.session.scalars(select(LearningPath).order_by(LearningPath.slug)).all()
    courses = db.session.scalars(select(Course).order_by(Course.slug)).all()
    return ([("path", p.id, dict(p.title)) for p in paths]
            + [("course", c.id, dict(c.title)) for c in courses])
