"""Exams: their settings, the questions they hold or draw, and who must take them.

An exam's ``items`` are fixed questions and/or random draws (a count from a category
subtree, optionally narrowed by difficulty and tags). ``review`` is the review-options
matrix: for each moment (``during``, ``immediately``, ``later``, ``after_close``) which of
``score``, ``correctness``, ``feedback`` and ``right_answer`` a trainee sees.
Pre-tests and post-tests share a ``pairing_key`` so training gains can be measured.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import utcnow
from lms.extensions import db

REVIEW_MOMENTS = ("during", "immediately", "later", "after_close")
REVIEW_PARTS = ("score", "correctness", "feedback", "right_answer")


class GradingMethod(StrEnum):
    """How several attempts make one exam result."""

    HIGHEST = "highest"
    LAST = "last"
    AVERAGE = "average"


class TestKind(StrEnum):
    """What the exam measures."""

    EXAM = "exam"
    PRE_TEST = "pre_test"
    POST_TEST = "post_test"


def default_review() -> dict:
    """Moodle-like defaults: nothing during, score and correctness after, all after close."""
    return {
        "during": dict.fromkeys(REVIEW_PARTS, False),
        "immediately": {"score": True, "correctness": True, "feedback": True,
                        "right_answer": False},
        "later": {"score": True, "correctness": True, "feedback": True, "right_answer": False},
        "after_close": dict.fromkeys(REVIEW_PARTS, True),
    }


class Exam(db.Model):
    """An exam or quiz trainees take."""

    __tablename__ = "exam_exams"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Reference key: courses link to it as ``exam:<slug>``.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Share of the marks needed to pass, 0..1.
    pass_mark: Mapped[float] = mapped_column(default=0.6)
    #: Minutes from the start; None = untimed (the close date still ends the attempt).
    time_limit_minutes: Mapped[int | None]
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    #: 0 = unlimited.
    attempts_allowed: Mapped[int] = mapped_column(default=1)
    grading_method: Mapped[str] = mapped_column(String(8), default=GradingMethod.HIGHEST.value)
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    questions_per_page: Mapped[int] = mapped_column(default=5)
    test_kind: Mapped[str] = mapped_column(String(10), default=TestKind.EXAM.value)
    #: Pre-test and post-test of one training share this key.
    pairing_key: Mapped[str | None] = mapped_column(String(80), index=True)
    review: Mapped[dict] = mapped_column(JSON, default=default_review)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    items: Mapped[list["ExamItem"]] = relationship(
        back_populates="exam", order_by="ExamItem.position", cascade="all, delete-orphan")
    assignments: Mapped[list["ExamAssignment"]] = relationship(
        back_populates="exam", cascade="all, delete-orphan")

    @property
    def ref(self) -> str:
        """The activity reference other features use."""
        return f"exam:{self.slug}"


class ExamItem(db.Model):
    """One slot of an exam: a fixed question, or a random draw of ``draw_count`` questions."""

    __tablename__ = "exam_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam_exams.id"), index=True)
    position: Mapped[int]
    #: Set for a fixed question (its latest version is drawn at attempt start).
    question_id: Mapped[int | None] = mapped_column(ForeignKey("exam_questions.id"))
    #: Random draw: how many, from which category subtree, which difficulty and tags.
    draw_count: Mapped[int] = mapped_column(default=0)
    draw_category: Mapped[str | None] = mapped_column(String(200))
    draw_difficulty: Mapped[str | None] = mapped_column(String(8))
    draw_tags: Mapped[list] = mapped_column(JSON, default=list)
    #: Points each question of this slot is worth in this exam (None = the question's own
    #: points). Fixed per slot, so every paper weighs each topic the same.
    mark: Mapped[float | None]

    exam: Mapped[Exam] = relationship(back_populates="items")


class ExamAssignment(db.Model):
    """Who must take an exam: one person, or everyone in a department."""

    __tablename__ = "exam_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam_exams.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    exam: Mapped[Exam] = relationship(back_populates="assignments")
