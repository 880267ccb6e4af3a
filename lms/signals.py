"""Signals that let features react to each other without importing each other.

- ``activity_result``: an exam attempt was graded, a role-play or emergency drill was
  scored, or a survey was answered. Sender: the activity kind (``"exam"``,
  ``"roleplay"``, ``"emergency_drill"``, ``"survey"``). Keyword arguments: ``user_id``,
  ``ref`` (the activity's reference key, e.g. ``"exam:service-standards-final"``),
  ``passed`` (bool or None), ``score`` (0..1 or None), ``at`` (datetime, UTC).
  Optional ``course_id``: the course the result was done for, when the activity is done
  per course (the post-course survey); it then counts for that course only.
  Each one is the person's *current* result for ``ref`` (courses keep the latest one
  received as the truth). When it is sent on the person's behalf (a regrade, a mark
  override, a revised score), the sender wraps the send in :func:`caused_by`.
  Courses listen to update completion.
- ``course_completed``: a trainee completed a course (for the first time, again after a
  withdrawal, or again in a renewal cycle). Sender: ``"course"``. Keyword arguments:
  ``user_id``, ``course_id``, ``at``, ``title`` ({zh, en}), ``renewal`` (bool),
  ``cause`` (what made it complete, e.g. ``"result"``, ``"regrade:12"``). Certificates
  listen.
- ``path_completed``: a trainee completed every course of a learning path. Sender:
  ``"path"``. Keyword arguments: ``user_id``, ``path_id``, ``at``, ``title``, ``renewal``,
  ``cause``.
- ``course_completion_withdrawn``: a course completion no longer holds because a result it
  rested on changed (a regrade, an override, a revised score took a pass away). Sender:
  ``"course"``. Keyword arguments: ``user_id``, ``course_id``, ``at``, ``reason`` (short
  English text naming the activity), ``cause`` (``"regrade:12"``, ``"override:3"``,
  ``"rescore:7"``, ``"result"``). Certificates listen and revoke.
- ``path_completion_withdrawn``: the same for a learning path (one of its courses was
  withdrawn). Sender: ``"path"``. Keyword arguments: ``user_id``, ``path_id``, ``at``,
  ``reason``, ``cause``.
- ``certificate_issued``: a certificate was issued. Sender: ``"certificate"``. Keyword
  arguments: ``user_id``, ``subject_kind`` (``"course"`` or ``"path"``), ``subject_id``,
  ``code``, ``expires_at`` (None = never), ``renewal_opens_at`` (when recertification opens;
  None = never), ``supersedes`` (the code it replaces, or None). Courses listen to know when
  the subject reopens for renewal.

- ``result_in_cycle``: a question, not a notice. The courses feature asks the feature that
  owns ``ref`` for the person's result counting only what they did after ``since`` (the start
  of a renewal cycle: an exam graded "highest" must not renew on an old pass). Sender: the
  reference prefix (``"exam"``). Keyword arguments: ``user_id``, ``ref``, ``since``
  (naive UTC). The owner's receiver returns ``(passed, score)``; without an answer the latest
  result received after ``since`` stands.

The completion and withdrawal receivers may return ``{"certificates": [{"code": ...,
"action": "issued" | "superseded" | "revoked"}]}``: the courses feature keeps what they
answer in its audit record, so the trainee's notice names the certificate concerned.

- ``attempts_since``: a question, not a notice. The exams feature asks from when a person's
  attempts at ``ref`` count against the exam's attempt limit: a renewal cycle gives a fresh
  set of attempts (whoever used every attempt when first certified can still recertify).
  Sender: the reference prefix (``"exam"``). Keyword arguments: ``user_id``, ``ref``. The
  courses feature answers with the start of the person's current renewal cycle of a course
  that requires ``ref`` (naive UTC), or None; without an answer every attempt counts.

- ``activities_assigned``: a person was assigned a course or path. Sender: ``"course"``.
  Keyword arguments: ``user_id``, ``refs`` (the activity references of the course or of
  the path's published courses, e.g. ``["exam:service-standards-final"]``). Exams listen
  to put the exam on the person's list.

- ``assignment_made``: a person was newly assigned a course or a learning path (also when
  the activities carry no reference, unlike ``activities_assigned``). Sender: ``"course"``
  or ``"path"``. Keyword arguments: ``user_id``, ``subject_id``, ``slug``, ``title``
  ({zh, en}), ``due_on`` (date or None). Notifications listen.
- ``essay_to_grade``: a closed exam attempt has answers waiting for a trainer's grade.
  Sender: ``"exam"``. Keyword arguments: ``attempt_id``, ``exam_id``, ``user_id`` (the
  trainee), ``title`` ({zh, en}), ``author_id`` (who created the exam, or None).
  Notifications listen.
- ``drill_scheduled``: a trainer scheduled an emergency drill for a trainee. Sender:
  ``"drill"``. Keyword arguments: ``drill_id``, ``user_id`` (the trainee), ``trainer_id``,
  ``title`` ({zh, en}). Notifications listen.
- ``job_finished``: a background job (``lms.jobs``) finished or failed. Sender: the job
  kind (``"planning.staffing"``, ``"admin.import_users"``). Keyword arguments: ``job_id``,
  ``owner_id`` (or None), ``ok`` (bool). Sent before the job's final state is committed.
  Notifications listen (a planner's run, an import).
- ``roster_published``: a planner published a roster; each rostered person has shifts.
  Sender: ``"rostering"``. Keyword arguments: ``plan_id``, ``user_ids`` (the people with
  shifts), ``first_day`` (date), ``published_at`` (naive UTC). Notifications listen.
- ``day_off_requested`` / ``day_off_decided``: a person asked for a day off; a planner
  approved or declined it. Sender: ``"rostering"``. Keyword arguments: ``request_id``,
  ``user_id`` (who asked), ``day`` (date), and ``approved`` (bool) for a decision.
  Notifications listen.

Receivers run inside the sender's transaction; the sender commits after sending.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from blinker import Namespace

_signals = Namespace()

activity_result = _signals.signal("activity-result")
course_completed = _signals.signal("course-completed")
path_completed = _signals.signal("path-completed")
course_completion_withdrawn = _signals.signal("course-completion-withdrawn")
path_completion_withdrawn = _signals.signal("path-completion-withdrawn")
certificate_issued = _signals.signal("certificate-issued")
result_in_cycle = _signals.signal("result-in-cycle")
attempts_since = _signals.signal("attempts-since")
activities_assigned = _signals.signal("activities-assigned")
assignment_made = _signals.signal("assignment-made")
essay_to_grade = _signals.signal("essay-to-grade")
drill_scheduled = _signals.signal("drill-scheduled")
job_finished = _signals.signal("job-finished")
roster_published = _signals.signal("roster-published")
day_off_requested = _signals.signal("day-off-requested")
day_off_decided = _signals.signal("day-off-decided")

#: The kinds of :class:`Cause`: a regrade run, a trainer's mark override, a revised score.
CAUSE_KINDS = ("regrade", "override", "rescore")


@dataclass(frozen=True)
class Cause:
    """What changed a result on the person's behalf, and who did it (for the audit)."""

    #: ``regrade``, ``override`` or ``rescore``.
    kind: str
    #: The id of the regrade run, override or score revision, when there is one.
    ident: int | str | None = None
    #: The user who applied it.
    actor_id: int | None = None

    @property
    def label(self) -> str:
        """``kind:ident`` (``"regrade:12"``), or the kind alone."""
        return self.kind if self.ident is None else f"{self.kind}:{self.ident}"


_cause: ContextVar[Cause | None] = ContextVar("lms_result_cause", default=None)


@contextmanager
def caused_by(kind: str, ident: int | str | None = None,
              actor_id: int | None = None) -> Iterator[Cause]:
    """Mark the ``activity_result`` sends inside the block as caused by ``kind``/``ident``.

    ``with caused_by("regrade", run.id, actor_id=trainer.id): announce_standing(...)``:
    receivers read :func:`current_cause` to record why a result changed, and a renewal does
    not count a result the person did not produce as the activity done again.
    """
    if kind not in CAUSE_KINDS:
        raise ValueError(f"unknown cause kind {kind!r}")
    cause = Cause(kind, ident, actor_id)
    token = _cause.set(cause)
    try:
        yield cause
    finally:
        _cause.reset(token)


def current_cause() -> Cause | None:
    """The cause of the result being sent now, or None (the person's own result)."""
    return _cause.get()
