"""``exam:<slug>``: exams as course activities (keys are exam slugs, ``Exam.ref``).

What an exam reports through ``activity_result`` is ``Exam.ref`` (``grading.announce_standing``),
the same string a course names, so a result always reaches its course step.
"""

from flask import url_for
from sqlalchemy import select

from lms.activities import ActivityKind, register
from lms.extensions import db


def exam_titles() -> dict[str, dict]:
    """``{slug: {zh, en}}`` of every exam, by slug."""
    from lms.exams.models import Exam

    return {slug: dict(title) for slug, title in db.session.execute(
        select(Exam.slug, Exam.title).order_by(Exam.slug))}


def exam_exists(slug: str) -> bool:
    """Whether an exam with ``slug`` exists."""
    from lms.exams.exam_service import exam_by_slug

    return exam_by_slug(slug) is not None


def exam_url(slug: str) -> str:
    """The trainee's page of one exam, where an attempt is started or continued."""
    return url_for("exams.my_exam", slug=slug)


register(ActivityKind(prefix="exam", activity_kind="exam", choices=exam_titles,
                      exists=exam_exists, url_for_key=exam_url))
