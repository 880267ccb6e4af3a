"""Special events a planner knows about: sales festivals (618, 双11), launches, recalls.

An event multiplies the volume (and optionally the handle time) of the queues it names on
each of its days: ``volume_factor`` 1.5 means half as many calls again. Events in the
history are divided out before the model is fitted, so a past 双11 does not raise the
baseline; events in the horizon multiply the forecast. Several events on one day multiply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

EVENT_KINDS = ("sales", "launch", "recall", "other")


@dataclass(frozen=True)
class SpecialEvent:
    """A dated uplift: ``volume_factor`` × calls and ``aht_factor`` × handle time."""

    name: str
    first_day: dt.date
    last_day: dt.date
    volume_factor: float = 1.0
    aht_factor: float = 1.0
    queues: tuple[str, ...] = ()  # empty: every queue
    kind: str = "other"

    def __post_init__(self):
        if self.last_day < self.first_day:
            raise ValueError("an event ends before it starts")
        if not (0 < self.volume_factor <= 20 and 0 < self.aht_factor <= 5):
            raise ValueError("event factors must be > 0 (volume ≤ 20, handle time ≤ 5)")

    def applies(self, day: dt.date, queue: str) -> bool:
        """True when the event runs on ``day`` and touches ``queue``."""
        return self.first_day <= day <= self.last_day and (not self.queues
                                                           or queue in self.queues)

    def as_dict(self) -> dict:
        """Plain data (JSON) for job parameters."""
        return {"name": self.name, "first_day": self.first_day.isoformat(),
                "last_day": self.last_day.isoformat(), "volume_factor": self.volume_factor,
                "aht_factor": self.aht_factor, "queues": list(self.queues), "kind": self.kind}

    @classmethod
    def from_dict(cls, data: dict) -> SpecialEvent:
        """The inverse of :meth:`as_dict`."""
        return cls(data["name"], dt.date.fromisoformat(data["first_day"]),
                   dt.date.fromisoformat(data["last_day"]), float(data["volume_factor"]),
                   float(data.get("aht_factor", 1.0)), tuple(data.get("queues") or ()),
                   data.get("kind", "other"))


def volume_factor(events, day: dt.date, queue: str) -> float:
    """The product of the volume factors of the events on ``day`` for ``queue``."""
    factor = 1.0
    for event in events:
        if event.applies(day, queue):
            factor *= event.volume_factor
    return factor


def aht_factor(events, day: dt.date, queue: str) -> float:
    """The product of the handle-time factors of the events on ``day`` for ``queue``."""
    factor = 1.0
    for event in events:
        if event.applies(day, queue):
            factor *= event.aht_factor
    return factor
