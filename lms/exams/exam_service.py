"""Exams: who must take which, whether one is open, how many attempts are left, the draw.

A trainee sees an exam when it is assigned to them or to their department. The draw for an
attempt takes each fixed question's latest version and, for each random slot, ``draw_count``
questions from the category subtree that match the slot's difficulty and tags, never the
same question twice in one attempt. The attempt's seed makes the draw repeatable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from lms.auth.models import User
from lms.exams.models import (
    Attempt,
    AttemptState,
    Exam,
    ExamAssignment,
    Question,
    QuestionCategory,
    QuestionVersion,
)
from lms.extensions import db


def assigned_exams(user: User) -> list[Exam]:
    """Exams assigned to ``user`` directly or through their department, newest first."""
    conditions = [ExamAssignment.user_id == user.id]
    if user.department_id:
        conditions.append(ExamAssignment.department_id == user.department_id)
    exam_ids = select(ExamAssignment.exam_id).where(or_(*conditions))
    return list(db.session.scalars(
        select(Exam).where(Exam.id.in_(exam_ids)).order_by(Exam.created_at.desc(), Exam.id)))


def is_assigned(exam: Exam, user: User) -> bool:
    """Whether ``user`` must (and so may) take ``exam``."""
    return any(candidate.id == exam.id for candidate in assigned_exams(user))


def attempts_of(exam: Exam, user_id: int) -> list[Attempt]:
    """The attempts of one person at one exam, first to last."""
    return list(db.session.scalars(select(Attempt).where(
        Attempt.exam_id == exam.id, Attempt.user_id == user_id).order_by(Attempt.number)))


@dataclass
class ExamStatus:
    """What the trainee's exam list shows for one exam."""

    exam: Exam
    attempts: list[Attempt]
    open_now: bool
    attempts_left: int | None  # None = unlimited
    in_progress: Attempt | None

    @property
    def can_start(self) -> bool:
        """True when a new attempt may start now."""
        return self.open_now and self.in_progress is None and (
            self.attempts_left is None or self.attempts_left > 0)


def window_open(exam: Exam, now: datetime) -> bool:
    """Whether ``now`` lies inside the exam's open/close window."""
    return (exam.opens_at is None or exam.opens_at <= now) and (
        exam.closes_at is None or now < exam.closes_at)


def status_for(exam: Exam, user_id: int, now: datetime) -> ExamStatus:
    """The list entry for ``exam``: window, attempts used and left, the open attempt."""
    attempts = attempts_of(exam, user_id)
    left = None if not exam.attempts_allowed else max(0, exam.attempts_allowed - len(attempts))
    running = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    return ExamStatus(exam, attempts, window_open(exam, now), left, running)


def exam_by_slug(slug: str) -> Exam | None:
    """The exam with ``slug``, if any (a key no exam can have is not looked up)."""
    if not slug or len(slug) > 80 or "\x00" in slug:
        return None
    return db.session.scalar(select(Exam).where(Exam.slug == slug))


def _candidates(item) -> list[Question]:
    query = select(Question).join(QuestionCategory).order_by(Question.key)
    if item.draw_category:
        query = query.where(or_(QuestionCategory.path == item.draw_category,
                                QuestionCategory.path.like(item.draw_category + "/%")))
    if item.draw_difficulty:
        query = query.where(Question.difficulty == item.draw_difficulty)
    rows = db.session.scalars(query).all()
    wanted = set(item.draw_tags or [])
    return [row for row in rows if wanted <= set(row.tags or [])]


def draw(exam: Exam, rng: random.Random) -> list[QuestionVersion]:
    """The question versions of a new attempt, in the order they will be shown."""
    chosen: list[Question] = []
    for item in exam.items:
        if item.question_id:
            question = db.session.get(Question, item.question_id)
            if question is not None and question not in chosen:
                chosen.append(question)
            continue
        pool = [row for row in _candidates(item) if row not in chosen]
        chosen += rng.sample(pool, min(item.draw_count, len(pool)))
    if exam.shuffle_questions:
        rng.shuffle(chosen)
    return [question.latest for question in chosen]


def draw_shortfall(exam: Exam) -> list[str]:
    """Random slots whose pool holds fewer questions than they draw (for the trainer)."""
    problems = []
    for item in exam.items:
        if not item.question_id and len(_candidates(item)) < item.draw_count:
            problems.append(f"{item.draw_category or '*'}: {len(_candidates(item))} < "
                            f"{item.draw_count}")
    return problems


def question_count(exam: Exam) -> int:
    """How many questions an attempt holds (when every pool is big enough)."""
    return sum(1 if item.question_id else item.draw_count for item in exam.items)


def attempts_count(exam: Exam) -> int:
    """How many attempts this exam has had."""
    return db.session.scalar(select(func.count()).where(Attempt.exam_id == exam.id)) or 0
