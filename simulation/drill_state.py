"""The state a drill page shows: KPIs so far and the live center at one instant."""

from __future__ import annotations

from scenarios import PRIORITIES

from .engine_flow import CALLBACK, WAITING
from .texts import render


def _kpis(stats, cells: range) -> dict:
    offered = sum(stats.offered[i] for i in cells)
    answered = sum(stats.answered[i] for i in cells)
    abandoned = sum(stats.abandoned[i] for i in cells)
    in_target = sum(stats.answered_in_target[i] for i in cells)
    wait = sum(stats.wait_sum[i] for i in cells)
    handle = sum(stats.handle_sum[i] for i in cells)
    return {
        "offered": int(offered), "answered": int(answered), "abandoned": int(abandoned),
        "service_level": in_target / offered if offered else None,
        "abandon_rate": abandoned / offered if offered else None,
        "asa": wait / answered if answered else None,
        "aht": handle / answered if answered else None,
        "callbacks_requested": int(sum(stats.callbacks_requested[i] for i in cells)),
        "past_response_target": int(sum(stats.past_response_target[i] for i in cells)),
    }


def _queue_cells(engine, q: int) -> list[int]:
    per_interval = len(engine.qlen) * 3
    return [k * per_interval + q * 3 + p for k in range(engine.n_intervals) for p in range(3)]


def _waiting(engine, q: int, now: float) -> dict:
    counts = {}
    oldest = None
    for p, line in enumerate(engine.waiting[q]):
        live = [c for c in line if c.state == WAITING]
        counts[PRIORITIES[p]] = len(live)
        if live:
            first = min(c.arrived for c in live)
            oldest = first if oldest is None else min(oldest, first)
    callbacks = sum(1 for line in engine.callback_queue[q] for c in line if c.state == CALLBACK)
    return {**counts, "total": sum(counts.values()), "callbacks": callbacks,
            "longest_wait_seconds": None if oldest is None else now - oldest}


def _series(engine) -> list[dict]:
    stats, per_interval = engine.stats, len(engine.qlen) * 3
    rows = []
    for k in range(min(engine.interval + 1, engine.n_intervals)):
        row = _kpis(stats, range(k * per_interval, (k + 1) * per_interval))
        rows.append({"interval": k, "offered": row["offered"],
                     "service_level": row["service_level"], "abandoned": row["abandoned"]})
    return rows


def snapshot(engine, now: float, actions) -> dict:
    """Plain-data state of ``engine`` at ``now`` (after replaying up to it)."""
    s = engine.scenario
    stats = engine.stats
    queues = {}
    for q, name in enumerate(s.queue_names):
        queues[name] = {**_kpis(stats, _queue_cells(engine, q)), "waiting": _waiting(engine, q,
                                                                                     now)}
    groups = {}
    for g, name in enumerate(s.group_names):
        groups[name] = {"on_phones": engine.idle[g] + engine.busy[g] - engine.leaving[g],
                        "busy": engine.busy[g], "idle": engine.idle[g],
                        "leaving": engine.leaving[g]}
    alerts = [{**alert, "text": render("alerts", alert["code"], alert["params"], s)}
              for alert in engine.alerts]
    return {
        "time": now,
        "interval": engine.interval,
        "kpis": _kpis(stats, range(len(stats.offered))),
        "queues": queues,
        "agents": groups,
        "technicians": {"on_duty": engine.tech_idle + engine.tech_busy - engine.tech_leaving,
                        "busy": engine.tech_busy, "backlog": engine.tech_len + engine.tech_busy},
        "open_past_response_target": engine.count_unanswered_overdue(now, record=False),
        "emergency_team_since": engine.emergency_team_since,
        "alerts": alerts,
        "actions": [a.to_dict() for a in actions if a.time <= now],
        "series": _series(engine),
    }
