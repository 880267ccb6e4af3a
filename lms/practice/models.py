"""Offline practice: sessions, enrolments with attendance, assessment checklists, audit trail.

What is modelled: a trainer runs a practice session of a course (optionally of one lesson) at a
place, from ``starts_at`` to ``ends_at`` (stored as naive UTC, entered and shown in local
time), for at most ``capacity`` people. A person's `Enrolment` records who put them on the
list, a withdrawal, and the attendance the trainer tapped (present / late / absent, with when
and by whom). Per trainee and course there is one `Checklist`: one `ChecklistMark` per item of
the course's lesson checklists (observed or not yet, with a comment), and the trainer's
sign-off of the whole list. Every change is kept as an `AuditEntry` (who, when, what).
"""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User, utcnow
from lms.courses.models import Course, Lesson
from lms.extensions import db

SESSION_STATUSES = ("scheduled", "cancelled")
ENROLMENT_STATUSES = ("enrolled", "withdrawn")
#: Attendance a trainer can tap; present and late count as attended hours.
ATTENDANCE = ("present", "late", "absent")
ATTENDED = ("present", "late")


class PracticeSession(db.Model):
    """One offline practice session of a course, run by a trainer at a place."""

    __tablename__ = "practice_sessions"
    __table_args__ = (
        CheckConstraint("status IN ('scheduled', 'cancelled')", name="known_status"),
        CheckConstraint("capacity >= 1", name="positive_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    #: The lesson practised, or None for the course as a whole.
    lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_lessons.id", ondelete="SET NULL"))
    #: The trainer who runs the session, takes attendance and assesses.
    trainer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Start and end, naive UTC.
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    #: Where it takes place (a room, a service desk, a station).
    place: Mapped[str] = mapped_column(String(200))
    #: Most people who may be enrolled at once.
    capacity: Mapped[int]
    #: ``scheduled`` or ``cancelled``; a cancelled session keeps its records.
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    cancelled_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship()
    lesson: Mapped[Lesson | None] = relationship()
    trainer: Mapped[User] = relationship(foreign_keys=[trainer_id])
    enrolments: Mapped[list["Enrolment"]] = relationship(
        back_populates="session", order_by="Enrolment.id", cascade="all, delete-orphan")

    @property
    def hours(self) -> float:
        """The session's length in hours."""
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    @property
    def cancelled(self) -> bool:
        """Whether the session was cancelled."""
        return self.status == "cancelled"

    @property
    def active_enrolments(self) -> list["Enrolment"]:
        """Enrolments not withdrawn, in the order people enrolled."""
        return [e for e in self.enrolments if e.status == "enrolled"]


class Enrolment(db.Model):
    """One person on one session's list, and their attendance."""

    __tablename__ = "practice_enrolments"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint("status IN ('enrolled', 'withdrawn')", name="known_status"),
        CheckConstraint("attendance IS NULL OR attendance IN ('present', 'late', 'absent')",
                        name="known_attendance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: ``enrolled`` or ``withdrawn`` (the row stays so the history does).
    status: Mapped[str] = mapped_column(String(16), default="enrolled")
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who put the person on the list (themselves or a trainer).
    enrolled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None]
    #: ``present``, ``late``, ``absent`` or None while not taken.
    attendance: Mapped[str | None] = mapped_column(String(8))
    #: When the last attendance tap was saved, and by whom.
    attendance_at: Mapped[datetime | None]
    attendance_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    session: Mapped[PracticeSession] = relationship(back_populates="enrolments")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Checklist(db.Model):
    """A trainee's practical assessment checklist for one course, and its sign-off."""

    __tablename__ = "practice_checklists"
    __table_args__ = (UniqueConstraint("course_id", "trainee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    #: When and by whom the whole checklist was signed off (None: not signed off).
    signed_off_at: Mapped[datetime | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    #: The last withdrawal of a sign-off: when, by whom and why.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    withdrawal_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()
    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    marks: Mapped[list["ChecklistMark"]] = relationship(
        back_populates="checklist", cascade="all, delete-orphan")

    @property
    def signed_off(self) -> bool:
        """Whether the checklist is signed off now."""
        return self.signed_off_at is not None


class ChecklistMark(db.Model):
    """The assessment of one checklist item: observed or not yet, with a comment."""

    __tablename__ = "practice_checklist_marks"
    __table_args__ = (UniqueConstraint("checklist_id", "lesson_id", "item_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(
        ForeignKey("practice_checklists.id", ondelete="CASCADE"), index=True)
    #: The item is step ``item_index`` (0-based) of this lesson's checklist.
    lesson_id: Mapped[int] = mapped_column(ForeignKey("course_lessons.id", ondelete="CASCADE"))
    item_index: Mapped[int]
    #: The item's text ``{zh, en}`` when it was assessed (the lesson may change later).
    item_text: Mapped[dict] = mapped_column(JSON)
    observed: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    checklist: Mapped[Checklist] = relationship(back_populates="marks")
    marked_by: Mapped[User | None] = relationship()


class AuditEntry(db.Model):
    """Who did what to practice records, and when."""

    __tablename__ = "practice_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: ``session_created``, ``session_updated``, ``session_cancelled``, ``enrolled``,
    #: ``withdrawn``, ``attendance``, ``item_marked``, ``signed_off``, ``sign_off_withdrawn``.
    action: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="SET NULL"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    #: The trainee the entry is about, if any.
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: What changed: plain data (before/after values, the item, the reason).
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])
