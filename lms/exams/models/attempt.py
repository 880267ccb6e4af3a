"""Attempts: the questions (versions) one trainee drew, every answer saved, and grades.

An attempt's ``deadline`` is set by the server at start (time limit, capped by the exam's
close date) and is the only clock that counts. Each save overwrites the ``Answer`` of one
attempt question and appends an ``AnswerEvent``, so the history of confirmed writes is kept.
Grades live on ``AttemptQuestion``; ``regraded_version_id`` records a corrected key used
instead of the version the trainee saw (``version_id`` never changes).
A trainer's extra time (an outage ate part of the time limit) moves ``deadline`` and leaves an
``AttemptExtension`` row: who gave how many minutes, when, why, and the deadline before/after.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User, utcnow
from lms.exams.models.bank import QuestionVersion
from lms.exams.models.exam import Exam
from lms.extensions import db


class AttemptState(StrEnum):
    """Where an attempt stands."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    CLOSED_BY_TIMER = "closed_by_timer"


class Attempt(db.Model):
    """One sitting of one exam by one trainee."""

    __tablename__ = "exam_attempts"
    __table_args__ = (
        UniqueConstraint("exam_id", "user_id", "number", name="uq_exam_attempts_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam_exams.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: 1 for the first attempt of this person at this exam, then 2, 3...
    number: Mapped[int]
    #: Seeds the draw and the option order, so a reload shows the same page.
    seed: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the server closes the attempt; None = no limit at all.
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(16), default=AttemptState.IN_PROGRESS.value,
                                       index=True)
    #: Share of the marks earned, 0..1 (None until graded).
    score: Mapped[float | None]
    points: Mapped[float | None]
    max_points: Mapped[float | None]
    #: None while an essay waits for a trainer.
    passed: Mapped[bool | None]
    #: True while a trainer still has to grade something.
    needs_grading: Mapped[bool] = mapped_column(default=False)
    #: Set once the final result was announced (``activity_result``).
    announced_at: Mapped[datetime | None]
    #: When the trainee was first shown correctness, feedback or right answers of this
    #: closed attempt; an attempt with such a review is never reopened.
    review_revealed_at: Mapped[datetime | None]

    exam: Mapped[Exam] = relationship()
    user: Mapped[User] = relationship()
    questions: Mapped[list["AttemptQuestion"]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position")
    extensions: Mapped[list["AttemptExtension"]] = relationship(
        back_populates="attempt", order_by="AttemptExtension.id")

    @property
    def is_open(self) -> bool:
        """True while answers may still be saved."""
        return self.state == AttemptState.IN_PROGRESS


class AttemptExtension(db.Model):
    """Extra minutes a trainer gave one attempt, with the reason: the audit of a deadline move."""

    __tablename__ = "exam_attempt_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id"), index=True)
    minutes: Mapped[int]
    #: Why (an outage, a fire alarm...), as the trainer wrote it.
    reason: Mapped[str] = mapped_column(String(500))
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    old_deadline: Mapped[datetime]
    new_deadline: Mapped[datetime]
    #: True when the extension reopened an attempt the timer had closed.
    reopened: Mapped[bool] = mapped_column(default=False)
    #: True when given to every running attempt of the exam at once.
    whole_exam: Mapped[bool] = mapped_column(default=False)

    attempt: Mapped[Attempt] = relationship(back_populates="extensions")
    granted_by: Mapped[User] = relationship()


class AttemptQuestion(db.Model):
    """One question (a precise version) in one attempt, where it sits, and its grade."""

    __tablename__ = "exam_attempt_questions"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position", name="uq_exam_attempt_questions_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("exam_question_versions.id"), index=True)
    #: A corrected version whose key grades this question (after an applied regrade).
    regraded_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("exam_question_versions.id"))
    position: Mapped[int]
    page: Mapped[int]
    #: Seed of the option order shown to this trainee.
    option_seed: Mapped[int]
    #: Points this question is worth in this attempt, fixed at start from the exam slot's
    #: mark (None = the question's own points).
    mark: Mapped[float | None]
    #: The trainee marked it to come back to (shown in the question map and the summary).
    flagged: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: ``graded``/``pending``/``unanswered`` once graded; None before.
    grade_state: Mapped[str | None] = mapped_column(String(12))
    fraction: Mapped[float | None]
    #: ``Grade.to_dict()`` of the last grading.
    grade: Mapped[dict | None] = mapped_column(JSON)

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    version: Mapped[QuestionVersion] = relationship(foreign_keys=[version_id])
    regraded_version: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[regraded_version_id])
    answer: Mapped["Answer | None"] = relationship(back_populates="attempt_question",
                                                   uselist=False)
    manual_grade: Mapped["ManualGrade | None"] = relationship(uselist=False)

    @property
    def key_version(self) -> QuestionVersion:
        """The version whose key grades this question."""
        return self.regraded_version or self.version


class Answer(db.Model):
    """The latest saved response to one attempt question."""

    __tablename__ = "exam_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_question_id: Mapped[int] = mapped_column(
        ForeignKey("exam_attempt_questions.id"), unique=True)
    #: The response in the question type's shape (JSON).
    response: Mapped[dict | list | str | float | bool | None] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: How many times it was saved.
    revision: Mapped[int] = mapped_column(default=1)

    attempt_question: Mapped[AttemptQuestion] = relationship(back_populates="answer")


class AnswerEvent(db.Model):
    """One confirmed save, kept forever: the answer history of an attempt."""

    __tablename__ = "exam_answer_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_question_id: Mapped[int] = mapped_column(
        ForeignKey("exam_attempt_questions.id"), index=True)
    response: Mapped[dict | list | str | float | bool | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ManualGrade(db.Model):
    """A trainer's grade for an essay (or a case holding essays), with rubric and comment."""

    __tablename__ = "exam_manual_grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_question_id: Mapped[int] = mapped_column(
        ForeignKey("exam_attempt_questions.id"), unique=True)
    #: What ``question_bank.qtypes.grade(manual=...)`` takes: a fraction, or {sub key: fraction}.
    manual: Mapped[float | dict] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
    grader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime] = mapped_column(default=utcnow)


class RegradeRun(db.Model):
    """Audit of a regrade after a key correction: the dry-run diff and whether it was applied."""

    __tablename__ = "exam_regrade_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("exam_questions.id"), index=True)
    #: The corrected version whose key is applied.
    to_version_id: Mapped[int] = mapped_column(ForeignKey("exam_question_versions.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: One row per affected attempt: old/new score and pass.
    diff: Mapped[list] = mapped_column(JSON, default=list)
    applied_at: Mapped[datetime | None]
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
