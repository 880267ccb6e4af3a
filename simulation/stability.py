"""Warnings about a scenario that runs but cannot be stable.

Without abandonment a queue whose offered load exceeds the agents on the phones grows without
bound. Such a scenario still runs (the queue-length records show the growth); this check tells
the planner where and by how much before they read the numbers.
"""

from __future__ import annotations

import numpy as np

from scenarios import Scenario

from .arrivals import expected_offered


def offered_load(s: Scenario, inputs) -> np.ndarray:
    """Offered load in Erlangs per interval and queue (primary calls, event effects included)."""
    load = np.zeros((s.n_intervals, len(s.queues)))
    minutes = np.minimum((np.arange(s.n_intervals) + 0.5) * s.interval_minutes,
                         inputs.n_minutes - 1).astype(int)
    for qi, queue in enumerate(s.queues):
        calls = expected_offered(s, queue.name)
        group = inputs.route[qi][0] if inputs.route[qi] else 0
        factor = inputs.handle_factor[group]
        handle_mult = np.array(inputs.queues[qi].handle_multiplier)[minutes]
        seconds = queue.handle_time_seconds.mean * factor * handle_mult + \
            queue.after_call_work_seconds
        load[:, qi] = calls * seconds / s.interval_seconds
    return load


def stability_warnings(s: Scenario, inputs) -> list[dict]:
    """One warning per run of intervals where impatient-free load exceeds capacity."""
    patient = [q.patience_seconds is None for q in s.queues]
    if not any(patient):
        return []
    load = offered_load(s, inputs)[:, patient].sum(axis=1)
    groups = {g for qi, flag in enumerate(patient) if flag for g in inputs.route[qi]}
    capacity = np.array([sum(inputs.on_phones[g][k] for g in groups)
                         for k in range(s.n_intervals)], dtype=float)
    over = load > capacity
    warnings, k = [], 0
    while k < len(over):
        if not over[k]:
            k += 1
            continue
        end = k
        while end + 1 < len(over) and over[end + 1]:
            end += 1
        warnings.append({"code": "unstable", "params": {
            "first_interval": k, "last_interval": end,
            "load": round(float(load[k:end + 1].max()), 1),
            "agents": int(capacity[k:end + 1].min())}})
        k = end + 1
    return warnings
