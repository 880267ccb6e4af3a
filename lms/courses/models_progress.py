"""Who must learn what, and how far they got: assignments, lesson views, results, completions.

An `Assignment` gives one user one course or one learning path with a due date; assigning to a
department or to "all new hires" creates one row per person at that moment and also keeps a
`StandingAssignment`, which reaches people who join the department or are hired later, until
its due date passes (see `lms.courses.standing`). Progress is never stored as a number: it is
computed
from `LessonView` and `ActivityResult` rows, so it cannot drift.

A `CourseCompletion` / `PathCompletion` row is the person's completion state for one course or
path, kept through its whole life: when the rule was met, the cycle it belongs to, when it
reopens for renewal, and when and why it was withdrawn (a result it rested on changed). Every
change of that state is a `CompletionEvent` (the audit record the trainee sees), see
`lms.courses.completion`.
"""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import Department, User, utcnow
from lms.courses.models import Course, LearningPath
from lms.extensions import db

ASSIGNMENT_SOURCES = ("users", "department", "new_hires")


class Assignment(db.Model):
    """One course or one learning path assigned to one user, due on a date."""

    __tablename__ = "course_assignments"
    __table_args__ = (
        CheckConstraint("(course_id IS NULL) <> (path_id IS NULL)", name="course_or_path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    path_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="CASCADE"))
    due_on: Mapped[date | None]
    #: How the trainer chose the people: ``users``, ``department`` or ``new_hires``.
    source: Mapped[str] = mapped_column(String(16), default="users")
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])
    course: Mapped[Course | None] = relationship()
    path: Mapped[LearningPath | None] = relationship()


class StandingAssignment(db.Model):
    """A course or path assigned to a department or to all new hires, kept for later joiners.

    People are resolved from the target whenever progress is computed; each person reached
    gets an ordinary `Assignment` (source = target). It stops reaching people after ``due_on``.
    """

    __tablename__ = "course_standing_assignments"
    __table_args__ = (
        CheckConstraint("(course_id IS NULL) <> (path_id IS NULL)", name="course_or_path"),
        CheckConstraint("target IN ('department', 'new_hires')", name="known_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    path_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="CASCADE"))
    #: ``department`` or ``new_hires``.
    target: Mapped[str] = mapped_column(String(16))
    #: The department, for target ``department``.
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"))
    due_on: Mapped[date | None]
    #: People whose assignment a trainer withdrew: the standing rule must not bring it back.
    excluded_user_ids: Mapped[list] = mapped_column(JSON, default=list)
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course | None] = relationship()
    path: Mapped[LearningPath | None] = relationship()
    department: Mapped[Department | None] = relationship()


class LessonView(db.Model):
    """A user opened a lesson: when first and when last."""

    __tablename__ = "course_lesson_views"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("course_lessons.id", ondelete="CASCADE"), primary_key=True)
    first_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActivityResult(db.Model):
    """The outcome of an exam, drill or survey, received through the ``activity_result`` signal."""

    __tablename__ = "course_activity_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The activity kind that sent it (``exam``, ``roleplay``, ``emergency_drill``, ``survey``).
    kind: Mapped[str] = mapped_column(String(20))
    #: The activity's reference key, e.g. ``exam:service-standards-final``.
    ref: Mapped[str] = mapped_column(String(120), index=True)
    passed: Mapped[bool | None]
    #: 0..1, or None when the activity gives no score.
    score: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: What produced it on the person's behalf (``regrade:12``, ``override:3``,
    #: ``rescore:7``); None when the person's own attempt, performance or drill did.
    cause: Mapped[str | None] = mapped_column(String(40))
    #: The course it was done for, when the activity is done per course (the post-course
    #: survey is answered for one course); None when it counts for every course naming it.
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True)


class CompletionCycle:
    """Columns shared by course and path completions: the cycle, renewal and withdrawal."""

    #: When the rule was met in the current cycle (first completion, again, or renewal).
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Start of the cycle this completion belongs to: None for the first one; for a renewal,
    #: the moment renewal opened (only results after it counted).
    cycle_started_at: Mapped[datetime | None]
    #: When the next cycle opens (from the certificate: its renewal window); None = never.
    renewal_opens_at: Mapped[datetime | None]
    #: When the certificate of this completion expires; None = never or no certificate.
    valid_until: Mapped[datetime | None]
    #: When the completion stopped holding (None while it holds).
    withdrawn_at: Mapped[datetime | None]
    #: Why, in short English for staff (``exam:x not passed (regrade:12)``).
    withdrawn_reason: Mapped[str | None] = mapped_column(String(200))

    @property
    def holds(self) -> bool:
        """Whether the completion currently stands (not withdrawn)."""
        return self.withdrawn_at is None


class CourseCompletion(CompletionCycle, db.Model):
    """A user's completion of a course, kept when withdrawn and recorded again later."""

    __tablename__ = "course_completions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)


class PathCompletion(CompletionCycle, db.Model):
    """A user's completion of every course of a learning path."""

    __tablename__ = "learning_path_completions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    path_id: Mapped[int] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="CASCADE"), primary_key=True)


#: What a `CompletionEvent` records.
COMPLETION_CHANGES = ("completed", "withdrawn", "completed_again", "renewed")


class CompletionEvent(db.Model):
    """One change of a person's course or path completion, with what caused it (audit).

    Never changed once written. The trainee sees these on the course page
    (``courses/_completion_notice.html``).
    """

    __tablename__ = "course_completion_events"
    __table_args__ = (
        CheckConstraint("subject_kind IN ('course', 'path')", name="known_subject"),
        CheckConstraint("change IN ('completed', 'withdrawn', 'completed_again', 'renewed')",
                        name="known_change"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: ``course`` or ``path``.
    subject_kind: Mapped[str] = mapped_column(String(8))
    subject_id: Mapped[int]
    #: One of `COMPLETION_CHANGES`.
    change: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: What caused it: ``result`` (the person's own result), ``lesson``, ``course`` (a course
    #: of the path changed), or a `lms.signals.Cause` label (``regrade:12``, ``override:3``,
    #: ``rescore:7``).
    cause: Mapped[str] = mapped_column(String(40))
    #: Who applied the cause (the trainer who applied a regrade, overrode or re-scored).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The activity whose result changed (``exam:x``), or ``course:<slug>`` for a path.
    ref: Mapped[str | None] = mapped_column(String(120))
    #: The activity's new result.
    passed: Mapped[bool | None]
    score: Mapped[float | None] = mapped_column(Float)
    #: What the certificates feature did: ``[{"code": ..., "action": "revoked"}]``.
    certificates: Mapped[list] = mapped_column(JSON, default=list)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    @property
    def cause_kind(self) -> str:
        """The cause without its id (``regrade``, ``override``, ``rescore``, ``result``...)."""
        return self.cause.split(":", 1)[0]
