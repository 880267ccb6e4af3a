"""Trainer overrides of one exam: settings per person or department, marks, and their audit.

``ExamOverride`` holds what is in force for one person (``user_id``) or one department
(``department_id``): extra minutes on the time limit, extra attempts, an own open and/or close
time. A column left None does not override. ``MarkOverride`` is a trainer's score for a whole
attempt or one question of it, keeping the value it replaced. ``ExamOverrideAudit`` records
every trainer action on overrides (who, when, what before and after, why) and is never changed.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import Department, User, utcnow
from lms.exams.models.attempt import Attempt, AttemptQuestion
from lms.exams.models.exam import Exam
from lms.extensions import db


class ExamOverride(db.Model):
    """One person's or one department's own settings of one exam (None = the exam's)."""

    __tablename__ = "exam_overrides"
    __table_args__ = (
        UniqueConstraint("exam_id", "user_id", name="uq_exam_overrides_user"),
        UniqueConstraint("exam_id", "department_id", name="uq_exam_overrides_department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam_exams.id"), index=True)
    #: Exactly one of ``user_id`` and ``department_id`` is set.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    #: Minutes added to the exam's time limit of attempts started from now on.
    extra_minutes: Mapped[int | None]
    #: Attempts added to the exam's allowance (an unlimited exam stays unlimited).
    extra_attempts: Mapped[int | None]
    #: Own window in UTC, replacing the exam's open and/or close time.
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    #: Why, as the trainer wrote it; the trainee reads it on their exam page.
    reason: Mapped[str] = mapped_column(String(500))
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)

    exam: Mapped[Exam] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    department: Mapped[Department | None] = relationship()
    set_by: Mapped[User] = relationship(foreign_keys=[set_by_id])


class MarkOverride(db.Model):
    """A trainer's score for an attempt (``attempt_question_id`` None) or for one question."""

    __tablename__ = "exam_mark_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id"), index=True)
    attempt_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("exam_attempt_questions.id"))
    #: The share (0..1) in force before: the attempt's score or the question's fraction.
    original: Mapped[float | None]
    #: The trainer's share, 0..1.
    value: Mapped[float]
    reason: Mapped[str] = mapped_column(String(500))
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempt: Mapped[Attempt] = relationship()
    attempt_question: Mapped[AttemptQuestion | None] = relationship()
    set_by: Mapped[User] = relationship()


class ExamOverrideAudit(db.Model):
    """One trainer action on an exam's overrides: settings set or removed, a reopen, a mark."""

    __tablename__ = "exam_override_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam_exams.id"), index=True)
    #: ``settings``, ``settings_removed``, ``reopen`` or ``mark``.
    action: Mapped[str] = mapped_column(String(20))
    #: The person concerned (None for a department's settings).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("exam_attempts.id"))
    #: What changed: ``{"before": {...}, "after": {...}}`` (times as ISO UTC strings).
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    department: Mapped[Department | None] = relationship()
    attempt: Mapped[Attempt | None] = relationship()
    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
