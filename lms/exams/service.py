"""The service functions other features may call (the rest of the package is internal).

- ``assign_user(ref, user_id)``: put an exam (``"exam:<slug>"`` or a slug) on a person's list,
  e.g. when a course holding that exam activity is assigned to them. Idempotent.
- ``exam_title(ref)``: the exam's {zh, en} title, or None.
- ``result_for(ref, user_id)``: ``(score 0..1, passed)`` by the exam's grading method.
- ``due_for_recertification(user_id)``: ``[(subject kind, subject id, {zh, en} title,
  expires_at)]`` for certificates expiring within 30 days (course lists show them again).
Nothing here commits; the caller's request commits.
"""

from __future__ import annotations

from sqlalchemy import select

from lms.exams import certificates, exam_service, grading
from lms.exams.models import ExamAssignment
from lms.extensions import db


def _slug(ref: str) -> str:
    return ref.split(":", 1)[1] if ref.startswith("exam:") else ref


def assign_user(ref: str, user_id: int) -> bool:
    """Assign the exam to the person; False when no such exam exists."""
    exam = exam_service.exam_by_slug(_slug(ref))
    if exam is None:
        return False
    exists = db.session.scalar(select(ExamAssignment).where(
        ExamAssignment.exam_id == exam.id, ExamAssignment.user_id == user_id))
    if exists is None:
        db.session.add(ExamAssignment(exam_id=exam.id, user_id=user_id))
        db.session.flush()
    return True


def exam_title(ref: str) -> dict | None:
    """The exam's title, or None when the reference names no exam."""
    exam = exam_service.exam_by_slug(_slug(ref))
    return dict(exam.title) if exam else None


def result_for(ref: str, user_id: int) -> tuple[float | None, bool | None]:
    """The person's exam result by the exam's grading method; (None, None) before any."""
    exam = exam_service.exam_by_slug(_slug(ref))
    return grading.exam_result(exam, user_id) if exam else (None, None)


def due_for_recertification(user_id: int) -> list[tuple[str, int, dict, object]]:
    """Subjects whose certificate expires within 30 days and is not yet renewed."""
    return [(r.certificate.subject_kind, r.certificate.subject_id, r.certificate.subject_title,
             r.certificate.expires_at) for r in certificates.due_for_recertification(user_id)]


def _on_activities_assigned(sender, user_id: int, refs=(), **_extra) -> None:
    """A course or path assignment puts its exams on the person's exam list."""
    for ref in refs:
        if ref.startswith("exam:"):
            assign_user(ref, user_id)


def connect() -> None:
    """Listen to course assignments (blinker keeps one connection per receiver)."""
    from lms import signals

    signals.activities_assigned.connect(_on_activities_assigned)
