"""Drill test objects: a drill of the shipped group-complaint surge, and a way to let time pass."""

from datetime import timedelta

from lms.drills import service
from lms.extensions import db
from tests.factories import make_user

SCENARIO = "group_complaint_surge"


def make_drill(trainee=None, trainer=None, compression: float = 600.0, seed: int = 5):
    """A committed scheduled drill of the group-complaint surge."""
    trainee = trainee or make_user(roles=["trainee"])
    trainer = trainer or make_user(roles=["trainer"])
    drill = service.schedule(trainer, SCENARIO, [trainee], compression, seed)[0]
    db.session.commit()
    return drill


def let_time_pass(drill, real_seconds: float, connected: bool = True) -> None:
    """Pretend ``real_seconds`` of wall time went by (clock events move into the past).

    ``connected``: the trainee's page kept polling meanwhile (the last heartbeat stays
    recent). Otherwise nobody was connected: the last heartbeat moves back with the events,
    as after a closed tab or a lost network.
    """
    for event in drill.clock_events:
        event.at = event.at - timedelta(seconds=real_seconds)
    if drill.finished_at:
        drill.finished_at -= timedelta(seconds=real_seconds)
    if not connected and drill.last_seen_at:
        drill.last_seen_at -= timedelta(seconds=real_seconds)
    db.session.commit()
