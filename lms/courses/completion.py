"""Completion that follows the facts: recorded, withdrawn, recorded again and renewed, audited.

Each time a result arrives (``activity_result``) or a lesson is opened, the person's completion
of every course holding that activity is brought in line with the rule (see
`lms.courses.progress` for the rule and what "current result" means):

* rule met, no completion yet → **completed** (``course_completed``: a certificate is issued);
* completion holds but the rule no longer does (a regrade, an override or a revised score
  took a pass away) → **withdrawn**: the row stays, with when and why
  (``course_completion_withdrawn``: the certificate is revoked);
* withdrawn, and the rule holds again → **completed_again** (a new certificate);
* a renewal cycle is open (the certificate's renewal window, or a path's) and every required
  activity was done again after its start → **renewed** (a new certificate supersedes the
  old one). While renewal is open the previous cycle's completion is not withdrawn: its
  certificate stands until it expires.

A learning path follows its courses the same way: complete when every published course's
completion holds, withdrawn when one no longer does, renewed when each course was completed
again after the path's renewal opened. Every change is a `CompletionEvent` naming its cause
(the person's own result, ``regrade:<run>``, ``override:<id>``, ``rescore:<revision>``), who
applied it and what the certificates feature did; `completion_notice` shows them to the
trainee.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from sqlalchemy import or_, select
from werkzeug.routing import BuildError

from lms import signals
from lms.auth.models import utcnow
from lms.courses.models import Activity, Course, LearningPath
from lms.courses.models_progress import (
    ActivityResult,
    CompletionEvent,
    CourseCompletion,
    PathCompletion,
)
from lms.courses.progress import CourseProgress, ProgressBook, book_for, is_assigned, naive_utc
from lms.extensions import db

log = logging.getLogger("lms.courses")


@dataclass(frozen=True)
class Trigger:
    """What made a completion be checked again, for the audit record."""

    #: ``result`` (the person's own), ``lesson``, or a `lms.signals.Cause` label.
    cause: str
    #: The activity whose result arrived, and that result.
    ref: str | None = None
    passed: bool | None = None
    score: float | None = None
    #: Who applied the cause (a trainer), when someone did.
    actor_id: int | None = None


def record_activity_result(sender, *, user_id: int, ref: str, passed=None, score=None,
                           at: datetime | None = None, course_id: int | None = None,
                           **_extra) -> None:
    """Receiver of ``lms.signals.activity_result``: store it, re-check affected courses
    (only ``course_id`` when the result was for one course)."""
    at = naive_utc(at) if at else utcnow()
    cause = signals.current_cause()
    db.session.add(ActivityResult(user_id=user_id, kind=str(sender), ref=ref, passed=passed,
                                  score=score, at=at, cause=cause.label if cause else None,
                                  course_id=course_id))
    db.session.flush()
    trigger = Trigger(cause.label if cause else "result", ref, passed, score,
                      cause.actor_id if cause else None)
    courses = db.session.scalars(select(Course).join(Activity).where(
        Activity.ref == ref, *([Course.id == course_id] if course_id is not None else [])))
    for course in sorted(set(courses), key=lambda c: c.id):
        if is_assigned(user_id, course):
            evaluate_completion(user_id, course, at, trigger)


def evaluate_completion(user_id: int, course: Course, at: datetime | None = None,
                        trigger: Trigger | None = None) -> bool:
    """Record, withdraw, record again or renew the completion as the facts say; True if changed."""
    at = naive_utc(at) if at else utcnow()
    trigger = trigger or Trigger("result")
    book = book_for(user_id)
    state = book.progress(user_id, course)
    row = book.completions[user_id].get(course.id)
    change = _course_change(row, state)
    if change is None:
        return False
    if row is None:
        row = CourseCompletion(user_id=user_id, course_id=course.id, completed_at=at)
        db.session.add(row)
    elif change == "withdrawn":
        row.withdrawn_at, row.withdrawn_reason = at, _reason(state, trigger)
    else:
        _record_again(row, at, state.renewal.opens_at if state.renewal else None, book.now)
    db.session.flush()
    if change == "withdrawn":
        replies = signals.course_completion_withdrawn.send(
            "course", user_id=user_id, course_id=course.id, at=at, reason=row.withdrawn_reason,
            cause=trigger.cause)
    else:
        replies = signals.course_completed.send(
            "course", user_id=user_id, course_id=course.id, at=at, title=dict(course.title),
            renewal=change == "renewed", cause=trigger.cause)
    _audit(user_id, "course", course.id, change, at, trigger, replies)
    log.info("course %s %s for user %s (%s)", course.slug, change, user_id, trigger.cause)
    for path in book.assigned_paths(user_id):
        if course in path.published_courses:
            evaluate_path(user_id, path, at, trigger)
    return True


def _course_change(row: CourseCompletion | None, state: CourseProgress) -> str | None:
    if row is None or not row.holds:
        if not state.rule_met:
            return None
        return "completed" if row is None else "completed_again"
    if state.renewal is not None:
        return "renewed" if state.rule_met else None
    return None if state.rule_met else "withdrawn"


def _record_again(row, at: datetime, cycle_start: datetime | None, now: datetime) -> None:
    """The rule holds again (after a withdrawal) or in a new cycle (``cycle_start``)."""
    row.completed_at, row.withdrawn_at, row.withdrawn_reason = at, None, None
    if cycle_start is not None:
        row.cycle_started_at = cycle_start
        if row.renewal_opens_at is not None and row.renewal_opens_at <= now:
            row.renewal_opens_at = None  # the new certificate tells when the next one opens


def _reason(state: CourseProgress, trigger: Trigger) -> str:
    missing = ", ".join(step.ref or "lessons" for step in state.to_redo) or "rule"
    return f"{missing} not passed ({trigger.cause})"[:200]


def evaluate_path(user_id: int, path: LearningPath, at: datetime | None = None,
                  trigger: Trigger | None = None) -> bool:
    """Bring the person's completion of ``path`` in line with its courses; True if changed."""
    at = naive_utc(at) if at else utcnow()
    trigger = trigger or Trigger("result")
    courses = path.published_courses
    if not courses:
        return False
    book = book_for(user_id)
    row = book.path_completions[user_id].get(path.id)
    holding = [c for c in courses if c.id in book.completed[user_id]]
    change = _path_change(book, user_id, path, row, courses, holding)
    if change is None:
        return False
    if row is None:
        row = PathCompletion(user_id=user_id, path_id=path.id, completed_at=at)
        db.session.add(row)
    elif change == "withdrawn":
        gone = ", ".join(c.slug for c in courses if c not in holding)
        row.withdrawn_at = at
        row.withdrawn_reason = f"course {gone} withdrawn ({trigger.cause})"[:200]
    else:
        _record_again(row, at, book.path_renewal_opens(user_id, path), book.now)
    db.session.flush()
    if change == "withdrawn":
        replies = signals.path_completion_withdrawn.send(
            "path", user_id=user_id, path_id=path.id, at=at, reason=row.withdrawn_reason,
            cause=trigger.cause)
    else:
        replies = signals.path_completed.send(
            "path", user_id=user_id, path_id=path.id, at=at, title=dict(path.title),
            renewal=change == "renewed", cause=trigger.cause)
    _audit(user_id, "path", path.id, change, at, trigger, replies)
    log.info("path %s %s for user %s (%s)", path.slug, change, user_id, trigger.cause)
    return True


def _path_change(book: ProgressBook, user_id: int, path: LearningPath, row, courses,
                 holding) -> str | None:
    every = len(holding) == len(courses)
    if row is None or not row.holds:
        if not every:
            return None
        return "completed" if row is None else "completed_again"
    opens = book.path_renewal_opens(user_id, path)
    if opens is not None:
        done = [book.progress(user_id, c).completed_at for c in courses]
        return "renewed" if all(when is not None and when > opens for when in done) else None
    return None if every else "withdrawn"


def _audit(user_id: int, kind: str, subject_id: int, change: str, at: datetime,
           trigger: Trigger, replies) -> CompletionEvent:
    """The audit record of one change, with what the certificate receivers answered."""
    done = [entry for _receiver, answer in replies if isinstance(answer, dict)
            for entry in answer.get("certificates", [])]
    event = CompletionEvent(user_id=user_id, subject_kind=kind, subject_id=subject_id,
                            change=change, at=at, cause=trigger.cause[:40],
                            actor_id=trigger.actor_id, ref=trigger.ref, passed=trigger.passed,
                            score=trigger.score, certificates=done)
    db.session.add(event)
    db.session.flush()
    return event


def _on_certificate_issued(sender, *, user_id: int, subject_kind: str, subject_id: int,
                           expires_at=None, renewal_opens_at=None, **_extra) -> None:
    """Receiver of ``certificate_issued``: remember when the subject reopens for renewal."""
    model = {"course": CourseCompletion, "path": PathCompletion}.get(subject_kind)
    row = db.session.get(model, (user_id, subject_id)) if model else None
    if row is not None:
        row.valid_until = naive_utc(expires_at) if expires_at else None
        row.renewal_opens_at = naive_utc(renewal_opens_at) if renewal_opens_at else None


signals.certificate_issued.connect(_on_certificate_issued)


# --- the trainee's notice ------------------------------------------------------------------
@dataclass
class NoticeEvent:
    """One audit record as the trainee's notice shows it."""

    event: CompletionEvent
    #: The course or path title ({zh, en}).
    subject_title: dict
    #: The activity title ({zh, en}) for ``event.ref``, when known.
    activity_title: dict | None
    #: ``[{"code", "action", "url"}]`` of the certificates concerned.
    certificates: list[dict] = field(default_factory=list)


@dataclass
class CompletionNotice:
    """What ``courses/_completion_notice.html`` shows: the state and the recent changes."""

    state: CourseProgress
    events: list[NoticeEvent]

    @property
    def visible(self) -> bool:
        """Whether there is anything to tell: renewal due, withdrawn, or a change since."""
        return (self.state.renewal is not None or self.state.withdrawn is not None
                or any(e.event.change != "completed" for e in self.events))


def completion_notice(user_id: int, course: Course, limit: int = 8) -> dict:
    """``{"notice": CompletionNotice}`` for the person's page of ``course``.

    Holds the course's state (renewal due and what to redo, a withdrawn completion) and the
    latest audit records of the course and of the assigned paths holding it, newest first.
    """
    book = book_for(user_id)
    state = book.progress(user_id, course)
    paths = {p.id: p for p in book.assigned_paths(user_id) if course in p.courses}
    rows = db.session.scalars(select(CompletionEvent).where(
        CompletionEvent.user_id == user_id,
        or_((CompletionEvent.subject_kind == "course") & (CompletionEvent.subject_id == course.id),
            (CompletionEvent.subject_kind == "path")
            & CompletionEvent.subject_id.in_(list(paths) or [-1])))
        .order_by(CompletionEvent.at.desc(), CompletionEvent.id.desc()).limit(limit)).all()
    titles = {a.ref: a.title for a in db.session.scalars(select(Activity).where(
        Activity.ref.in_({r.ref for r in rows if r.ref})))}
    titles.update({a.ref: a.title for a in course.activities})
    events = [NoticeEvent(row, course.title if row.subject_kind == "course"
                          else paths[row.subject_id].title, titles.get(row.ref),
                          [dict(c, url=_verify_url(c.get("code"))) for c in row.certificates])
              for row in rows]
    return {"notice": CompletionNotice(state, events)}


def _verify_url(code: str | None) -> str | None:
    """The public check of a certificate, when the certificates feature is installed."""
    if not code:
        return None
    try:
        return url_for("exams.verify", code=code)
    except BuildError:
        return None
