"""Extra time: a trainer moves an attempt's deadline because an outage ate part of it.

Each move is an ``AttemptExtension`` row (who, when, minutes, why, deadline before and after).
Rules:
- the new deadline is the old one + N minutes, so a classroom-wide extension by the outage's
  length gives each trainee back exactly the time the outage took; it must lie in the future
  and may pass the exam's close date (the trainer decides);
- an attempt in progress can always be extended (also one past its deadline not yet closed);
- an attempt the timer closed is reopened only when it is the trainee's latest attempt, no
  trainer has graded any of it, and the trainee has not been shown its correctness, feedback
  or right answers (``Attempt.review_revealed_at``); an attempt the trainee submitted never
  reopens through an extension (a trainer reopens it explicitly, with a reason, through
  ``lms.exams.overrides.reopen_attempt``, under the same other rules);
- an attempt whose marks a trainer changed (essay grade or mark override) never reopens;
- untimed attempts have no deadline to move;
- the browser learns the new deadline from its next save or status poll (the server's clock
  is the only one that counts), and ``close_expired`` (the sweep) closes at the moved deadline.
Every extension takes the attempt's row lock, like a save, so the two never interleave.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from lms.auth.models import utcnow
from lms.exams.attempts import AttemptRefused, locked, refuse
from lms.exams.models import (
    Attempt,
    AttemptExtension,
    AttemptQuestion,
    AttemptState,
    Exam,
    ManualGrade,
    MarkOverride,
)
from lms.extensions import db

log = logging.getLogger("lms.exams")

MAX_EXTENSION_MINUTES = 600
MAX_REASON = 500


def reopen_refusal(attempt: Attempt, allow_submitted: bool = False) -> str | None:
    """Why a closed attempt cannot be reopened (a refusal code), or None when it can.

    ``allow_submitted`` is the trainer's explicit reopen (``overrides.reopen_attempt``): a
    submitted attempt may then reopen too, under the same other rules.
    """
    if attempt.state == AttemptState.SUBMITTED and not allow_submitted:
        return "submitted"
    if attempt.review_revealed_at is not None:
        return "review_revealed"
    later = db.session.scalar(select(Attempt.id).where(
        Attempt.exam_id == attempt.exam_id, Attempt.user_id == attempt.user_id,
        Attempt.number > attempt.number).limit(1))
    if later is not None:
        return "later_attempt"
    graded = db.session.scalar(select(ManualGrade.id).join(
        AttemptQuestion, ManualGrade.attempt_question_id == AttemptQuestion.id).where(
        AttemptQuestion.attempt_id == attempt.id).limit(1))
    overridden = db.session.scalar(select(MarkOverride.id).where(
        MarkOverride.attempt_id == attempt.id).limit(1))
    return "graded_by_trainer" if graded is not None or overridden is not None else None


def reset_for_reopen(attempt: Attempt) -> None:
    """Put a closed attempt back in progress; its result is announced again when it closes."""
    attempt.state, attempt.submitted_at = AttemptState.IN_PROGRESS.value, None
    attempt.score = attempt.points = attempt.max_points = attempt.passed = None
    attempt.needs_grading, attempt.announced_at = False, None


def _extend_locked(attempt: Attempt, minutes: int, reason: str, granted_by_id: int,
                   now: datetime, whole_exam: bool) -> AttemptExtension:
    """Move the locked attempt's deadline (reopening it if allowed); refusals raise."""
    if attempt.deadline is None:
        raise refuse(409, "untimed", str(attempt.id), attempt=attempt.id)
    new_deadline = attempt.deadline + timedelta(minutes=minutes)
    if new_deadline <= now:
        needed = int((now - attempt.deadline).total_seconds() // 60) + 1
        raise refuse(409, "too_short", str(attempt.id), params={"needed": needed},
                     attempt=attempt.id)
    reopened = not attempt.is_open
    if reopened:
        problem = reopen_refusal(attempt)
        if problem:
            raise refuse(409, problem, str(attempt.id), attempt=attempt.id)
        reset_for_reopen(attempt)
    extension = AttemptExtension(
        attempt=attempt, minutes=minutes, reason=reason, granted_by_id=granted_by_id,
        granted_at=now, old_deadline=attempt.deadline, new_deadline=new_deadline,
        reopened=reopened, whole_exam=whole_exam)
    attempt.deadline = new_deadline
    db.session.add(extension)
    log.info("exam attempt %s extended by %d min by user %s (reopened=%s): %s", attempt.id,
             minutes, granted_by_id, reopened, reason[:60])
    return extension


def check_extension_input(minutes, reason) -> None:
    """Refuse minutes outside 1..600 or an empty/overlong reason (400 naming the field)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) \
            or not 1 <= minutes <= MAX_EXTENSION_MINUTES:
        raise refuse(400, "bad_minutes", str(minutes)[:20], field="minutes")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON \
            or "\x00" in reason:
        raise refuse(400, "bad_reason", "", field="reason")


def extend_attempt(attempt_id: int, minutes: int, reason: str, granted_by_id: int,
                   now: datetime | None = None) -> AttemptExtension:
    """Give one attempt ``minutes`` more (reopening one the timer closed, when allowed)."""
    now = now or utcnow()
    check_extension_input(minutes, reason)
    attempt = db.session.scalar(locked(select(Attempt).where(Attempt.id == attempt_id)))
    if attempt is None:
        raise refuse(404, "no_such_attempt", str(attempt_id))
    extension = _extend_locked(attempt, minutes, reason.strip(), granted_by_id, now, False)
    db.session.commit()
    return extension


@dataclass
class ExamExtension:
    """What extending a whole exam did: the extensions given and the attempts left as they were."""

    extended: list[AttemptExtension]
    skipped: list[tuple[Attempt, AttemptRefused]]


def extend_exam(exam: Exam, minutes: int, reason: str, granted_by_id: int,
                now: datetime | None = None) -> ExamExtension:
    """Give every running attempt of ``exam`` ``minutes`` more (a classroom-wide outage).

    Running: in progress, or closed by the timer less than ``minutes`` ago (its deadline fell
    inside the outage); the latter reopen under the same rules as one attempt. Attempts that
    cannot be extended are listed with their refusal; all extensions commit together.
    """
    now = now or utcnow()
    check_extension_input(minutes, reason)
    candidates = db.session.scalars(locked(select(Attempt).where(
        Attempt.exam_id == exam.id, Attempt.deadline.is_not(None),
        (Attempt.state == AttemptState.IN_PROGRESS.value)
        | ((Attempt.state == AttemptState.CLOSED_BY_TIMER.value)
           & (Attempt.deadline > now - timedelta(minutes=minutes)))).order_by(Attempt.id))).all()
    result = ExamExtension([], [])
    for attempt in candidates:
        try:
            result.extended.append(_extend_locked(attempt, minutes, reason.strip(),
                                                  granted_by_id, now, True))
        except AttemptRefused as refused:
            result.skipped.append((attempt, refused))
    db.session.commit()
    return result


def note_review_revealed(attempt: Attempt, show, now: datetime | None = None) -> None:
    """Remember that the trainee saw how this closed attempt was marked (no reopening then)."""
    if attempt.review_revealed_at is None and not attempt.is_open and (
            show.correctness or show.feedback or show.right_answer):
        attempt.review_revealed_at = now or utcnow()
        db.session.commit()
