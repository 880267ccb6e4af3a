"""The drill clock: drill time from stored start/pause/resume/finish events.

Drill time = (sum of the wall-clock seconds the drill was running) × compression, capped at
the scenario's horizon. Nothing ticks on the server: every request recomputes the time from
the events, so a closed browser or a restarted server finds the drill exactly where it was,
and a paused drill stays paused however long the trainee is away.
"""

from datetime import datetime, timedelta

from lms.auth.models import utcnow
from lms.drills.models import Drill, DrillClockEvent

RUNNING_AFTER = ("start", "resume")


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


def drill_seconds(drill: Drill, horizon_seconds: float, now: datetime | None = None) -> float:
    """Simulated seconds since the drill's start, capped at the horizon."""
    wall = running_wall_seconds(drill.clock_events, now or utcnow())
    return min(horizon_seconds, wall * drill.compression)


def _add(drill: Drill, kind: str, at: datetime | None = None) -> None:
    drill.clock_events.append(DrillClockEvent(kind=kind, at=at or utcnow()))


def start(drill: Drill) -> None:
    """Start a scheduled drill (no-op when already started)."""
    if drill.status == "scheduled":
        _add(drill, "start")
        drill.status = "running"


def pause(drill: Drill) -> None:
    """Stop the clock."""
    if drill.status == "running":
        _add(drill, "pause")
        drill.status = "paused"


def resume(drill: Drill) -> None:
    """Restart the clock after a pause."""
    if drill.status == "paused":
        _add(drill, "resume")
        drill.status = "running"


def finish(drill: Drill, horizon_seconds: float, now: datetime | None = None) -> None:
    """End the drill; if the horizon was reached earlier, the end is dated when it was."""
    if drill.status == "finished":
        return
    now = now or utcnow()
    at = now
    if drill.status == "running":
        wall_needed = horizon_seconds / drill.compression
        wall_so_far = running_wall_seconds(drill.clock_events, now)
        if wall_so_far > wall_needed:
            at = now - timedelta(seconds=wall_so_far - wall_needed)
    _add(drill, "finish", at)
    drill.status = "finished"
    drill.finished_at = at


def reached_end(drill: Drill, horizon_seconds: float, now: datetime | None = None) -> bool:
    """True when a running drill's clock has reached the horizon."""
    return drill.status == "running" and drill_seconds(drill, horizon_seconds, now) \
        >= horizon_seconds
