"""Running statistics of one replication, kept as flat lists for cheap per-call updates.

Contact counts are kept per *cell* = (interval, queue, priority), where the interval is the one
in which the contact was offered (``cases`` and ``past_response_target``: the interval of the
case's first contact; ``closed_attempts`` and ``closed_lost``: the closed interval the caller
rang in) (the usual workforce-management convention: a call offered at
09:59 and answered at 10:01 belongs to 09:30-10:00). Queue lengths and agent occupancy are
time averages per interval, integrated exactly between events.
"""

from __future__ import annotations

import numpy as np

CONTACT_METRICS = ("offered", "answered", "abandoned", "answered_in_target", "wait_sum",
                   "handle_sum", "callbacks_requested", "callbacks_made", "past_response_target",
                   "redials", "repeats", "cases", "callbacks_in_promise", "callbacks_expired",
                   "callbacks_pending", "closed_attempts", "closed_returns", "closed_lost")
INTERVAL_METRICS = ("escalated", "repaired", "resolved", "past_resolution_target",
                    "technician_backlog", "technicians_on_duty")
QUEUE_METRICS = ("mean_waiting", "max_waiting")
GROUP_METRICS = ("scheduled", "on_phones", "available_seconds", "busy_seconds")


class Stats:
    """Accumulators for one replication; :meth:`arrays` turns them into numpy arrays."""

    def __init__(self, n_intervals: int, n_queues: int, n_groups: int, n_priorities: int = 3):
        self.shape = (n_intervals, n_queues, n_priorities)
        cells = n_intervals * n_queues * n_priorities
        for name in CONTACT_METRICS:
            setattr(self, name, [0.0] * cells)
        for name in INTERVAL_METRICS:
            setattr(self, name, [0.0] * n_intervals)
        self.queue = {name: np.zeros((n_intervals, n_queues)) for name in QUEUE_METRICS}
        self.group = {name: np.zeros((n_intervals, n_groups)) for name in GROUP_METRICS}

    def arrays(self) -> dict[str, dict[str, np.ndarray]]:
        """All statistics as arrays: contacts [I,Q,P], queues [I,Q], groups [I,G], intervals."""
        contacts = {name: np.array(getattr(self, name)).reshape(self.shape)
                    for name in CONTACT_METRICS}
        intervals = {name: np.array(getattr(self, name)) for name in INTERVAL_METRICS}
        return {"contacts": contacts, "queues": {k: v.copy() for k, v in self.queue.items()},
                "groups": {k: v.copy() for k, v in self.group.items()},
                "intervals": intervals}
