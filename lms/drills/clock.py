"""The drill clock: drill time from stored start/pause/resume/finish events.

Drill time = (sum of the wall-clock seconds the drill was running) × compression, capped at
the scenario's horizon. Nothing ticks on the server: every request recomputes the time from
the events, so a closed browser or a restarted server finds the drill exactly where it was,
and a paused drill stays paused however long the trainee is away.

Nobody connected, no time: every request of a participant's live page (its one-second poll,
an action, a clock command) is a heartbeat stored in ``Drill.last_seen_at``. In a team drill
every participant's page counts, so the clock stops only when *every* participant has left
and runs on while one of them is connected; the trainer's control room is not a heartbeat. When no
heartbeat arrived for longer than the grace period (``DRILL_HEARTBEAT_GRACE_SECONDS``, 20 s
by default) the drill counts as paused from the last heartbeat: readers in between (the
trainee's list, a settle of the clock) compute the time up to that heartbeat only, and the
next heartbeat stores the absence as a ``pause`` at the last heartbeat and a ``resume`` now.
Shorter gaps (a slow poll, a reload) run on. A closed tab, a lost network or a server
restart therefore all resume where the last contact left the drill, to the microsecond of
that contact. A drill with no heartbeat yet (stored before heartbeats existed) runs on until
its first one.
"""

from datetime import datetime, timedelta

from flask import current_app, has_app_context

from lms.auth.models import utcnow
from lms.drills.models import Drill, DrillClockEvent

RUNNING_AFTER = ("start", "resume")
#: Seconds without a heartbeat after which the clock counts as paused (config overrides).
DEFAULT_GRACE_SECONDS = 20.0


def grace_seconds() -> float:
    """The heartbeat grace period in seconds (``DRILL_HEARTBEAT_GRACE_SECONDS``)."""
    if has_app_context():
        return float(current_app.config.get("DRILL_HEARTBEAT_GRACE_SECONDS",
                                            DEFAULT_GRACE_SECONDS))
    return DEFAULT_GRACE_SECONDS


def running_wall_seconds(events, now: datetime) -> float:
    """Wall-clock seconds spent running, from ordered clock events up to ``now``."""
    total, since = 0.0, None
    for event in events:
        if event.kind in RUNNING_AFTER and since is None:
            since = event.at
        elif event.kind in ("pause", "finish") and since is not None:
            total += (event.at - since).total_seconds()
            since = None
    if since is not None:
        total += max(0.0, (now - since).total_seconds())
    return total


def absent(drill: Drill, now: datetime, grace: float | None = None) -> bool:
    """True when a running drill's page has not been heard from for longer than the grace."""
    seen = getattr(drill, "last_seen_at", None)
    grace = grace_seconds() if grace is None else grace
    return drill.status == "running" and seen is not None and \
        (now - seen).total_seconds() > grace


def counted_until(drill: Drill, now: datetime, grace: float | None = None) -> datetime:
    """``now``, or the last heartbeat when nobody has been connected for over the grace."""
    return drill.last_seen_at if absent(drill, now, grace) else now


def drill_seconds(drill: Drill, horizon_seconds: float, now: datetime | None = None) -> float:
    """Simulated seconds since the drill's start, capped at the horizon."""
    until = counted_until(drill, now or utcnow())
    wall = running_wall_seconds(drill.clock_events, until)
    return min(horizon_seconds, wall * drill.compression)


def _add(drill: Drill, kind: str, at: datetime | None = None, by: int | None = None,
         by_trainer: bool = False) -> None:
    drill.clock_events.append(DrillClockEvent(kind=kind, at=at or utcnow(), user_id=by,
                                              by_trainer=by_trainer))


def last_pause(drill: Drill) -> DrillClockEvent | None:
    """The pause a paused drill is in (None when it is not paused)."""
    if drill.status != "paused":
        return None
    return next((e for e in reversed(drill.clock_events) if e.kind == "pause"), None)


def record_absence(drill: Drill, seen: datetime | None, now: datetime,
                   grace: float | None = None) -> bool:
    """Store a gap of over the grace between heartbeats ``seen`` and ``now`` as pause/resume.

    True when a pause was stored. The caller makes sure only one request handles the gap
    between the same two heartbeats (see ``service.heartbeat``).
    """
    grace = grace_seconds() if grace is None else grace
    if drill.status != "running" or seen is None or (now - seen).total_seconds() <= grace:
        return False
    _add(drill, "pause", seen)
    _add(drill, "resume", now)
    return True


def start(drill: Drill, by: int | None = None, by_trainer: bool = False) -> None:
    """Start a scheduled drill (no-op when already started)."""
    if drill.status == "scheduled":
        _add(drill, "start", by=by, by_trainer=by_trainer)
        drill.status = "running"


def pause(drill: Drill, by: int | None = None, by_trainer: bool = False) -> None:
    """Stop the clock (``by``: who; ``by_trainer``: from the control room)."""
    if drill.status == "running":
        _add(drill, "pause", by=by, by_trainer=by_trainer)
        drill.status = "paused"


def resume(drill: Drill, by: int | None = None, by_trainer: bool = False) -> None:
    """Restart the clock after a pause."""
    if drill.status == "paused":
        _add(drill, "resume", by=by, by_trainer=by_trainer)
        drill.status = "running"


def finish(drill: Drill, horizon_seconds: float, now: datetime | None = None) -> None:
    """End the drill; if the horizon was reached earlier, the end is dated when it was.

    A running drill nobody is connected to ends at its last heartbeat (its clock stopped
    there), or earlier if the horizon was reached before.
    """
    if drill.status == "finished":
        return
    now = now or utcnow()
    at = now
    if drill.status == "running":
        at = counted_until(drill, now)
        wall_needed = horizon_seconds / drill.compression
        wall_so_far = running_wall_seconds(drill.clock_events, at)
        if wall_so_far > wall_needed:
            at = at - timedelta(seconds=wall_so_far - wall_needed)
    _add(drill, "finish", at)
    drill.status = "finished"
    drill.finished_at = at


def reached_end(drill: Drill, horizon_seconds: float, now: datetime | None = None) -> bool:
    """True when a running drill's clock has reached the horizon."""
    return drill.status == "running" and drill_seconds(drill, horizon_seconds, now) \
        >= horizon_seconds
