"""Trainer overrides of one exam: own settings per person or department, reopening a closed
attempt, and overriding a mark. Every action is audited and shown to the trainee.

Rules:
- **Settings** (``set_override``): extra minutes on the time limit, extra attempts, an own
  open and/or close time, for one person or one department the exam is assigned to, always
  with a reason. Per setting the personal override wins over the department's (value by
  value, never summed; see ``exam_service.effective_settings``). Saving replaces that
  target's earlier override; extra minutes count for attempts started afterwards (a running
  attempt gets more time through ``extra_time.extend_attempt``).
- **Reopening** (``reopen_attempt``): the trainer's explicit action, with a reason and the
  minutes the attempt stays open (from now). A submitted attempt reopens only this way; the
  timer-closed one can also be extended (``extra_time``). Both follow ``extra_time``'s rules:
  the trainee's latest attempt, nothing of it graded or overridden by a trainer, and its
  marking not yet shown to the trainee. A reopened attempt counts again when it closes (its
  result is announced then, as for any attempt).
- **Marks** (``override_mark``): a trainer sets a closed attempt's score, or one question's
  marks, 0-100 %, with a reason. The value it replaced stays recorded (``MarkOverride``
  ``original``; the question's automatic grade stays in its ``grade``). The newest decision
  wins: a whole-attempt score stands until a later question override recomputes the score
  from the questions. The person's exam result is then announced (``announce_standing``) so
  course completion follows.
Refusals raise ``AttemptRefused`` (status, code, field) and store nothing.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.lists import format_list
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from lms.auth.models import Department, User, utcnow
from lms.exams import exam_service, extra_time, grading
from lms.exams.attempts import locked, refuse
from lms.exams.models import (
    Attempt,
    AttemptExtension,
    AttemptQuestion,
    Exam,
    ExamAssignment,
    ExamOverride,
    ExamOverrideAudit,
    MarkOverride,
)
from lms.extensions import db
from question_bank.grading import GradeState

log = logging.getLogger("lms.exams")

MAX_EXTRA_MINUTES = 600
MAX_EXTRA_ATTEMPTS = 20
MAX_REASON = extra_time.MAX_REASON


@dataclass(frozen=True)
class OverrideValues:
    """What a trainer asks for one person or department (None = keep the exam's)."""

    extra_minutes: int | None = None
    extra_attempts: int | None = None
    #: Naive UTC.
    opens_at: datetime | None = None
    closes_at: datetime | None = None


# --- who may be given an override ---------------------------------------------------------
def override_targets(exam: Exam) -> tuple[list[User], list[Department]]:
    """The people (directly or by department) and departments ``exam`` is assigned to."""
    user_ids = {a.user_id for a in exam.assignments if a.user_id}
    department_ids = {a.department_id for a in exam.assignments if a.department_id}
    people = db.session.scalars(select(User).where(or_(
        User.id.in_(user_ids), User.department_id.in_(department_ids))).order_by(
        User.name, User.id)).all() if user_ids or department_ids else []
    departments = db.session.scalars(select(Department).where(
        Department.id.in_(department_ids)).order_by(Department.name)).all() \
        if department_ids else []
    return list(people), list(departments)


def _department_assigned(exam: Exam, department_id: int) -> bool:
    return db.session.scalar(select(ExamAssignment.id).where(
        ExamAssignment.exam_id == exam.id,
        ExamAssignment.department_id == department_id).limit(1)) is not None


# --- checks -------------------------------------------------------------------------------
def _check_reason(reason) -> str:
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON \
            or "\x00" in reason:
        raise refuse(400, "bad_reason", "", field="reason")
    return reason.strip()


def _check_count(value, field: str, high: int) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise refuse(400, f"bad_{field}", str(value)[:20], field=field)


def _check_values(exam: Exam, values: OverrideValues) -> None:
    _check_count(values.extra_minutes, "extra_minutes", MAX_EXTRA_MINUTES)
    _check_count(values.extra_attempts, "extra_attempts", MAX_EXTRA_ATTEMPTS)
    if all(getattr(values, name) is None for name in exam_service.OVERRIDDEN):
        raise refuse(400, "nothing_to_override", exam.slug, field="extra_minutes")
    opens = values.opens_at if values.opens_at is not None else exam.opens_at
    closes = values.closes_at if values.closes_at is not None else exam.closes_at
    if opens is not None and closes is not None and closes <= opens:
        raise refuse(400, "window_order", exam.slug, field="closes_at")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value else None


def _snapshot(row: ExamOverride | None) -> dict | None:
    if row is None:
        return None
    return {"extra_minutes": row.extra_minutes, "extra_attempts": row.extra_attempts,
            "opens_at": _iso(row.opens_at), "closes_at": _iso(row.closes_at),
            "reason": row.reason}


def _audit(exam: Exam, action: str, reason: str, actor_id: int, now: datetime, *,
           user_id=None, department_id=None, attempt_id=None, before=None,
           after=None) -> ExamOverrideAudit:
    row = ExamOverrideAudit(exam_id=exam.id, action=action, user_id=user_id,
                            department_id=department_id, attempt_id=attempt_id,
                            details={"before": before, "after": after}, reason=reason,
                            actor_id=actor_id, at=now)
    db.session.add(row)
    return row


# --- settings -----------------------------------------------------------------------------
def set_override(exam: Exam, values: OverrideValues, reason: str, actor_id: int, *,
                 user_id: int | None = None, department_id: int | None = None,
                 now: datetime | None = None) -> ExamOverride:
    """Give one person (``user_id``) or one department own settings of ``exam``; audited."""
    now = now or utcnow()
    reason = _check_reason(reason)
    if (user_id is None) == (department_id is None):
        raise refuse(400, "bad_target", "", field="target")
    if user_id is not None:
        person = db.session.get(User, user_id)
        if person is None or not exam_service.is_assigned(exam, person):
            raise refuse(400, "bad_target", str(user_id), field="target")
    elif not _department_assigned(exam, department_id):
        raise refuse(400, "bad_target", str(department_id), field="target")
    _check_values(exam, values)
    row = db.session.scalar(select(ExamOverride).where(
        ExamOverride.exam_id == exam.id,
        ExamOverride.user_id == user_id if user_id is not None
        else ExamOverride.department_id == department_id))
    before = _snapshot(row)
    if row is None:
        row = ExamOverride(exam_id=exam.id, user_id=user_id, department_id=department_id,
                           reason=reason, set_by_id=actor_id, set_at=now)
        db.session.add(row)
    row.extra_minutes, row.extra_attempts = values.extra_minutes, values.extra_attempts
    row.opens_at, row.closes_at = values.opens_at, values.closes_at
    row.reason, row.set_by_id, row.set_at = reason, actor_id, now
    _audit(exam, "settings", reason, actor_id, now, user_id=user_id,
           department_id=department_id, before=before, after=_snapshot(row))
    try:
        db.session.commit()
    except IntegrityError as clash:  # the same target saved twice at the same moment
        db.session.rollback()
        raise refuse(409, "saved_meanwhile", exam.slug, field="target") from clash
    log.info("exam %s override for user %s / department %s set by %s: %s", exam.slug,
             user_id, department_id, actor_id, reason[:60])
    return row


def remove_override(override_id: int, reason: str, actor_id: int,
                    now: datetime | None = None) -> Exam:
    """Delete one override (the exam's own settings apply again); audited."""
    now = now or utcnow()
    reason = _check_reason(reason)
    row = db.session.get(ExamOverride, override_id)
    if row is None:
        raise refuse(404, "no_such_override", str(override_id))
    exam = row.exam
    _audit(exam, "settings_removed", reason, actor_id, now, user_id=row.user_id,
           department_id=row.department_id, before=_snapshot(row))
    db.session.delete(row)
    db.session.commit()
    return exam


def overrides_of(exam: Exam) -> list[ExamOverride]:
    """Every override of ``exam``: departments first, then people, newest first within."""
    rows = db.session.scalars(select(ExamOverride).where(ExamOverride.exam_id == exam.id)
                              .order_by(ExamOverride.set_at.desc(), ExamOverride.id.desc()))
    return sorted(rows, key=lambda row: row.user_id is not None)


# --- reopening ----------------------------------------------------------------------------
def reopen_attempt(attempt_id: int, minutes, reason: str, actor_id: int,
                   now: datetime | None = None) -> Attempt:
    """Reopen a closed (also a submitted) attempt for ``minutes`` from now; audited."""
    now = now or utcnow()
    extra_time.check_extension_input(minutes, reason)
    reason = reason.strip()
    attempt = db.session.scalar(locked(select(Attempt).where(Attempt.id == attempt_id)))
    if attempt is None:
        raise refuse(404, "no_such_attempt", str(attempt_id))
    if attempt.is_open:
        raise refuse(409, "still_open", str(attempt.id), attempt=attempt.id)
    problem = extra_time.reopen_refusal(attempt, allow_submitted=True)
    if problem:
        raise refuse(409, problem, str(attempt.id), attempt=attempt.id)
    before = {"state": attempt.state, "score": attempt.score, "passed": attempt.passed,
              "deadline": _iso(attempt.deadline), "submitted_at": _iso(attempt.submitted_at)}
    extra_time.reset_for_reopen(attempt)
    attempt.deadline = now + timedelta(minutes=minutes)
    _audit(attempt.exam, "reopen", reason, actor_id, now, user_id=attempt.user_id,
           attempt_id=attempt.id, before=before,
           after={"state": attempt.state, "deadline": _iso(attempt.deadline),
                  "minutes": minutes})
    db.session.commit()
    log.info("exam attempt %s reopened for %d min by user %s: %s", attempt.id, minutes,
             actor_id, reason[:60])
    return attempt


# --- marks --------------------------------------------------------------------------------
def _points(slot: AttemptQuestion) -> float:
    return grading.slot_points(slot)


def apply_marks(attempt: Attempt) -> None:
    """Put the trainers' mark overrides in force on a graded attempt (after any grading)."""
    rows = db.session.scalars(select(MarkOverride).where(
        MarkOverride.attempt_id == attempt.id).order_by(MarkOverride.id)).all()
    if not rows:
        return
    per_slot = {row.attempt_question_id: row for row in rows if row.attempt_question_id}
    whole = next((row for row in reversed(rows) if row.attempt_question_id is None), None)
    points = available = 0.0
    pending = False
    for slot in attempt.questions:
        if slot.id in per_slot:
            slot.fraction, slot.grade_state = per_slot[slot.id].value, GradeState.GRADED.value
        weight = _points(slot)
        available += weight
        points += (slot.fraction or 0.0) * weight
        pending = pending or slot.grade_state == GradeState.PENDING.value
    newest_question = max((row.id for row in per_slot.values()), default=0)
    if whole is not None and whole.id > newest_question:
        score, pending, points = whole.value, False, whole.value * available
    else:
        score = points / available if available else 0.0
    attempt.points, attempt.max_points, attempt.needs_grading = points, available, pending
    attempt.score = score
    attempt.passed = None if pending else score + grading.PASS_EPSILON >= attempt.exam.pass_mark


def _check_percent(value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value) or not 0 <= value <= 100:
        raise refuse(400, "bad_score", str(value)[:20], field="score")
    return float(value) / 100


def override_mark(attempt_id: int, percent, reason: str, actor_id: int, *,
                  slot_id: int | None = None, now: datetime | None = None) -> MarkOverride:
    """Set a closed attempt's score (or one question's marks) to ``percent``; audited.

    The exam result of the person is announced afterwards (course completion follows).
    """
    now = now or utcnow()
    value = _check_percent(percent)
    reason = _check_reason(reason)
    attempt = db.session.scalar(locked(select(Attempt).where(Attempt.id == attempt_id)))
    if attempt is None:
        raise refuse(404, "no_such_attempt", str(attempt_id))
    if attempt.is_open:
        raise refuse(409, "still_open", str(attempt.id), attempt=attempt.id)
    slot = None
    if slot_id is not None:
        slot = next((s for s in attempt.questions if s.id == slot_id), None)
        if slot is None:
            raise refuse(404, "question_not_in_attempt", str(slot_id), field="question",
                         attempt=attempt.id)
    before = {"score": attempt.score, "passed": attempt.passed}
    original = slot.fraction if slot is not None else attempt.score
    row = MarkOverride(attempt_id=attempt.id, attempt_question_id=slot.id if slot else None,
                       original=original, value=value, reason=reason, set_by_id=actor_id,
                       set_at=now)
    db.session.add(row)
    db.session.flush()
    apply_marks(attempt)
    _audit(attempt.exam, "mark", reason, actor_id, now, user_id=attempt.user_id,
           attempt_id=attempt.id, before=before,
           after={"score": attempt.score, "passed": attempt.passed,
                  "question": slot.position + 1 if slot else None, "original": original,
                  "value": value})
    if not attempt.needs_grading:
        attempt.announced_at = attempt.announced_at or now
        grading.announce_standing(attempt.user_id, attempt.exam, at=now)
    db.session.commit()
    log.info("exam attempt %s mark set to %.1f%% (question %s) by user %s: %s", attempt.id,
             100 * value, slot_id, actor_id, reason[:60])
    return row


def mark_overrides_of(attempt: Attempt) -> dict[int | None, MarkOverride]:
    """The mark overrides in force: {slot id or None for the whole attempt: newest row}."""
    rows = db.session.scalars(select(MarkOverride).where(
        MarkOverride.attempt_id == attempt.id).order_by(MarkOverride.id)).all()
    return {row.attempt_question_id: row for row in rows}


# --- what trainers and trainees read ------------------------------------------------------
def audit_of(exam: Exam, user_id: int | None = None) -> list[ExamOverrideAudit]:
    """The audit of ``exam``'s overrides, newest first (one person's, when given)."""
    query = select(ExamOverrideAudit).where(ExamOverrideAudit.exam_id == exam.id)
    if user_id is not None:
        query = query.where(ExamOverrideAudit.user_id == user_id)
    return list(db.session.scalars(query.order_by(ExamOverrideAudit.id.desc())))


def _when(value: datetime | None) -> str:
    return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""


def _listed(parts: list[str]) -> str:
    """Parts joined as the reader's language lists them ("a, b and c" / "a、b和c")."""
    return format_list(parts, locale=str(get_locale() or "zh"))


def _minutes_text(minutes: int) -> str:
    return _("one extra minute") if minutes == 1 else _("%(n)d extra minutes", n=minutes)


def _settings_parts(row: ExamOverride) -> list[str]:
    parts = []
    if row.extra_minutes:
        parts.append(_minutes_text(row.extra_minutes))
    if row.extra_attempts:
        parts.append(_("one extra attempt") if row.extra_attempts == 1
                     else _("%(n)d extra attempts", n=row.extra_attempts))
    if row.opens_at or row.closes_at:
        parts.append(_("an own window %(opens)s – %(closes)s",
                       opens=_when(row.opens_at) or _("as the exam"),
                       closes=_when(row.closes_at) or _("as the exam")))
    return parts or [_("the exam's own settings")]


def trainee_notices(exam: Exam, user: User) -> list[str]:
    """What the trainee is told about their trainers' overrides of ``exam``, newest first."""
    settings = exam_service.effective_settings(exam, user.id, user.department_id)
    notices = []
    if settings.personal is not None:
        row = settings.personal
        notices.append(_("Your trainer (%(who)s) gave you %(what)s: %(reason)s",
                         who=row.set_by.name, what=_listed(_settings_parts(row)),
                         reason=row.reason))
    if settings.department is not None:
        row = settings.department
        notices.append(_("Your department (%(dept)s) has %(what)s, set by %(who)s: %(reason)s",
                         dept=row.department.name, what=_listed(_settings_parts(row)),
                         who=row.set_by.name, reason=row.reason))
    for entry in audit_of(exam, user.id):
        if entry.action == "reopen":
            notices.append(_("Attempt %(n)d was reopened by your trainer (%(who)s) until "
                             "%(until)s: %(reason)s", n=entry.attempt.number,
                             who=entry.actor.name,
                             until=_when(datetime.fromisoformat(entry.details["after"]
                                                                ["deadline"])),
                             reason=entry.reason))
        elif entry.action == "mark":
            after = entry.details["after"]
            score = "%.0f %%" % (100 * after["value"])
            if after.get("question"):
                notices.append(_("Attempt %(n)d, question %(q)d: your trainer (%(who)s) set "
                                 "the marks to %(score)s: %(reason)s", n=entry.attempt.number,
                                 q=after["question"], who=entry.actor.name, score=score,
                                 reason=entry.reason))
            else:
                notices.append(_("Attempt %(n)d: your trainer (%(who)s) set the score to "
                                 "%(score)s: %(reason)s", n=entry.attempt.number,
                                 who=entry.actor.name, score=score, reason=entry.reason))
    extensions = db.session.scalars(select(AttemptExtension).join(Attempt).where(
        Attempt.exam_id == exam.id, Attempt.user_id == user.id).order_by(
        AttemptExtension.id.desc())).all()
    for extension in extensions:
        notices.append(_("Attempt %(n)d: your trainer (%(who)s) gave you %(what)s: %(reason)s",
                         n=extension.attempt.number, who=extension.granted_by.name,
                         what=_minutes_text(extension.minutes), reason=extension.reason))
    return notices

