"""Run control: progress notes and cancelling, between a planner's page and the running job.

The job gets a random ``control`` token in its parameters; the run row carries the same
token. After every replication the job commits its progress (through :mod:`lms.jobs`), writes
a note (stage, pass, replications done and expected) on the run, and reads the run's cancel
flag: set, the job stops with :class:`RunCancelled` and the run shows "cancelled". This works
the same in the web process and on an RQ worker, since both only talk to the database.
"""

import json
import logging
import secrets
from datetime import UTC, datetime

from sqlalchemy import select, update

from lms.extensions import db
from lms.planning.models import PlanningRun

log = logging.getLogger("lms.planning")


class RunCancelled(RuntimeError):
    """The planner cancelled the run; the job stopped after its current replication."""

    def __init__(self):
        super().__init__("cancelled by the planner")


def new_token() -> str:
    """A fresh control token."""
    return secrets.token_hex(16)


def controlled(params: dict, progress):
    """A ``progress(fraction, note=None)`` for a job: commits, notes, and honours cancel."""
    token = params.get("control")

    def report(fraction: float, note: dict | None = None) -> None:
        progress(fraction)
        if not token:
            return
        if note is not None:
            db.session.execute(update(PlanningRun).where(PlanningRun.control_token == token)
                               .values(progress_note_json=json.dumps(note)))
            db.session.commit()
        cancel = db.session.scalar(select(PlanningRun.cancel_requested)
                                   .where(PlanningRun.control_token == token))
        if cancel:
            log.info("planning run with token %s… cancelled", token[:6])
            raise RunCancelled()

    return report


def request_cancel(run: PlanningRun) -> bool:
    """Ask the run's job to stop; False when it has already finished."""
    if run.job.finished:
        return False
    run.cancel_requested = True
    db.session.commit()
    return True


def status(run: PlanningRun) -> dict:
    """What the progress page polls: the job's status, the note, elapsed time and ETA."""
    job = run.job
    data = {**job.as_status(), "cancelled": bool(run.cancel_requested),
            "note": run.progress_note, "elapsed_seconds": None, "eta_seconds": None}
    if run.cancel_requested and job.status == "failed":
        data["error"] = None   # the page says "cancelled" in the reader's language
    if job.started_at is not None and job.status == "running":
        started = job.started_at if job.started_at.tzinfo else \
            job.started_at.replace(tzinfo=UTC)
        elapsed = max(0.0, (datetime.now(UTC) - started).total_seconds())
        data["elapsed_seconds"] = round(elapsed, 1)
        fraction = float(job.progress or 0.0)
        if fraction >= 0.01:
            data["eta_seconds"] = round(elapsed * (1.0 - fraction) / fraction, 1)
    return data


def _duration(seconds: float) -> str:
    from flask_babel import gettext as _

    seconds = int(round(seconds))
    if seconds < 60:
        return _("%(s)s s", s=seconds)
    if seconds < 3600:
        return _("%(m)s min %(s)s s", m=seconds // 60, s=seconds % 60)
    return _("%(h)s h %(m)s min", h=seconds // 3600, m=seconds % 3600 // 60)


def describe(data: dict) -> str:
    """One line for the progress page: stage, replications done of expected, time left."""
    from flask_babel import gettext as _

    note = data.get("note") or {}
    parts = []
    stage = note.get("stage")
    stages = {
        "warm_start": _("Measuring the volume of the Erlang A plan"),
        "search": _("Searching the staffing, pass %(n)s", n=note.get("pass", 0)),
        "verify": _("Verifying on a fresh seed, pass %(n)s", n=note.get("pass", 0)),
        "erlang_c": _("Simulating the Erlang C plan for comparison"),
        "simulate": _("Simulating"),
        "compare": _("Variant %(i)s of %(n)s", i=note.get("variant", 1),
                     n=note.get("variants", 1)),
    }
    if stage in stages:
        parts.append(stages[stage])
    done, expected = note.get("replications_done"), note.get("replications_expected")
    if done is not None and expected:
        parts.append(_("replication %(done)s of about %(total)s", done=done, total=expected))
    if data.get("eta_seconds") is not None:
        parts.append(_("about %(time)s left", time=_duration(data["eta_seconds"])))
    if data.get("elapsed_seconds") is not None:
        parts.append(_("%(time)s so far", time=_duration(data["elapsed_seconds"])))
    return " · ".join(parts)
