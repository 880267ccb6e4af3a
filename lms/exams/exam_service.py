"""Exams: who must take which, whether one is open, how many attempts are left, the draw.

A trainee sees an exam when it is assigned to them or to their department. The draw for an
attempt takes each fixed question's latest version and, for each random slot, ``draw_count``
questions from the category subtree that match the slot's difficulty and tags, never the
same question twice in one attempt. The attempt's seed makes the draw repeatable.

Trainer overrides (``ExamOverride``) change what one person's attempts follow. The rule, per
setting (extra minutes, extra attempts, open time, close time): the person's own override
if it sets that value, else their department's, else none ("personal wins", value by value,
never summed). Extra minutes are added to the exam's time limit (an untimed exam stays
untimed) and extra attempts to its allowance (an unlimited exam stays unlimited); an own
open or close time replaces the exam's. ``effective_settings`` is what start, the time limit
at start, attempts left and the window all read.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from lms import signals
from lms.auth.models import User
from lms.exams.models import (
    Attempt,
    Exam,
    ExamAssignment,
    ExamOverride,
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


@dataclass(frozen=True)
class EffectiveSettings:
    """The settings one person's attempts follow: the exam's with their overrides applied."""

    time_limit_minutes: int | None  # None = untimed
    attempts_allowed: int  # 0 = unlimited
    opens_at: datetime | None
    closes_at: datetime | None
    extra_minutes: int
    extra_attempts: int
    personal: ExamOverride | None = None
    department: ExamOverride | None = None

    @property
    def overridden(self) -> bool:
        """True when an override of this person or their department applies."""
        return self.personal is not None or self.department is not None


OVERRIDDEN = ("extra_minutes", "extra_attempts", "opens_at", "closes_at")


def overrides_for(exam: Exam, user_id: int,
                  department_id: int | None) -> tuple[ExamOverride | None, ExamOverride | None]:
    """(personal, department) overrides of ``exam`` for this person (None where none)."""
    conditions = [ExamOverride.user_id == user_id]
    if department_id:
        conditions.append(ExamOverride.department_id == department_id)
    rows = db.session.scalars(select(ExamOverride).where(
        ExamOverride.exam_id == exam.id, or_(*conditions))).all()
    personal = next((row for row in rows if row.user_id == user_id), None)
    department = next((row for row in rows if row.user_id is None), None)
    return personal, department


def effective_settings(exam: Exam, user_id: int,
                       department_id: int | None = None) -> EffectiveSettings:
    """The exam's settings for one person: personal override, else department's, else none.

    ``department_id`` defaults to the person's current department.
    """
    if department_id is None:
        department_id = db.session.scalar(select(User.department_id).where(User.id == user_id))
    personal, department = overrides_for(exam, user_id, department_id)

    def chosen(name: str):
        for row in (personal, department):
            if row is not None and getattr(row, name) is not None:
                return getattr(row, name)
        return None

    extra_minutes, extra_attempts = chosen("extra_minutes") or 0, chosen("extra_attempts") or 0
    limit = exam.time_limit_minutes + extra_minutes if exam.time_limit_minutes else None
    allowed = exam.attempts_allowed + extra_attempts if exam.attempts_allowed else 0
    opens, closes = chosen("opens_at"), chosen("closes_at")
    return EffectiveSettings(
        limit, allowed, opens if opens is not None else exam.opens_at,
        closes if closes is not None else exam.closes_at, extra_minutes, extra_attempts,
        personal, department)


@dataclass
class ExamStatus:
    """What the trainee's exam list shows for one exam."""

    exam: Exam
    attempts: list[Attempt]
    open_now: bool
    attempts_left: int | None  # None = unlimited
    #: The attempt that may be continued: open and before its deadline.
    in_progress: Attempt | None
    settings: EffectiveSettings | None = None

    @property
    def can_start(self) -> bool:
        """True when a new attempt may start now."""
        return self.open_now and self.in_progress is None and (
            self.attempts_left is None or self.attempts_left > 0)

    @property
    def waiting(self) -> bool:
        """True when something is there to do now: an attempt to continue or to start."""
        return self.in_progress is not None or self.can_start


def counted_since(exam: Exam, user_id: int) -> datetime | None:
    """From when attempts count against the limit: the start of the person's renewal cycle
    (asked through ``attempts_since``), or None (every attempt counts)."""
    answers = [answer for _receiver, answer in signals.attempts_since.send(
        "exam", user_id=user_id, ref=exam.ref) if isinstance(answer, datetime)]
    return max(answers) if answers else None


def window_open(exam: Exam | EffectiveSettings, now: datetime) -> bool:
    """Whether ``now`` lies inside the open/close window (the exam's or a person's)."""
    return (exam.opens_at is None or exam.opens_at <= now) and (
        exam.closes_at is None or now < exam.closes_at)


def continuable(attempt: Attempt, now: datetime) -> bool:
    """Whether an attempt can still take answers: open, and its deadline not passed."""
    return attempt.is_open and (attempt.deadline is None or now < attempt.deadline)


def status_for(exam: Exam, user_id: int, now: datetime) -> ExamStatus:
    """The list entry for ``exam``: window, attempts used and left, the open attempt.

    An open attempt past its deadline is not offered to continue (it is closed when next
    touched); it still counts as used.
    """
    settings = effective_settings(exam, user_id)
    attempts = attempts_of(exam, user_id)
    allowed = settings.attempts_allowed
    since = counted_since(exam, user_id) if allowed else None
    used = [a for a in attempts if since is None or a.started_at >= since]
    left = None if not allowed else max(0, allowed - len(used))
    running = next((a for a in attempts if continuable(a, now)), None)
    return ExamStatus(exam, attempts, window_open(settings, now), left, running, settings)


def exam_by_slug(slug: str) -> Exam | None:
    """The exam with ``slug``, if any (a key no exam can have is not looked up)."""
    if not slug or len(slug) > 80 or "\x00" in slug:
        return None
    return db.session.scalar(select(Exam).where(Exam.slug == slug))


def _candidates(item) -> list[Question]:
    # Only questions in use: a retired or deleted one is never drawn again.
    query = select(Question).join(QuestionCategory).where(Question.status == "active") \
        .order_by(Question.key)
    if item.draw_category:
        query = query.where(or_(QuestionCategory.path == item.draw_category,
                                QuestionCategory.path.like(item.draw_category + "/%")))
    if item.draw_difficulty:
        query = query.where(Question.difficulty == item.draw_difficulty)
    rows = db.session.scalars(query).all()
    wanted = set(item.draw_tags or [])
    return [row for row in rows if wanted <= set(row.tags or [])]


def draw_slots(exam: Exam, rng: random.Random) -> list[tuple[QuestionVersion, float | None]]:
    """The question versions of a new attempt with the mark each is worth (None = its own
    points), in the order they will be shown."""
    chosen: list[tuple[Question, float | None]] = []
    taken: set[int] = set()
    for item in exam.items:
        if item.question_id:
            question = db.session.get(Question, item.question_id)
            if question is not None and question.id not in taken:
                chosen.append((question, item.mark))
                taken.add(question.id)
            continue
        pool = [row for row in _candidates(item) if row.id not in taken]
        for question in rng.sample(pool, min(item.draw_count, len(pool))):
            chosen.append((question, item.mark))
            taken.add(question.id)
    if exam.shuffle_questions:
        rng.shuffle(chosen)
    return [(question.latest, mark) for question, mark in chosen]


def draw(exam: Exam, rng: random.Random) -> list[QuestionVersion]:
    """The question versions of a new attempt, in the order they will be shown."""
    return [version for version, _mark in draw_slots(exam, rng)]


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
