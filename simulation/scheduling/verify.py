"""Verify a shift plan or roster by simulation, and the correction to re-solve with.

The plan's heads on the phones per interval and group (explicit breaks already taken out)
become the scenario's staffing plan; the scenario's shrinkage then stands for what is *not*
scheduled explicitly (absence, training, coaching), so lower it when breaks and lunches are in
the shift templates. The engine runs ``replications`` replications on common random numbers,
and per interval and queue the service level, abandonment and callbacks come with 95 %
confidence intervals.

A *cell* (interval, queue) misses when, in an open interval (the line open and calls offered),
the mean service level is below the queue's target or the mean abandonment above the cap.
A missed queue is charged to its primary group (the group listing it first among its skills,
as the engine routes). The correction for a missed (interval, group) cell is the Erlang A
staffing on the contacts the simulation really offered there (redials, repeats and
closed-hours returns included) less the heads it had — at least one more agent.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from scenarios import GroupStaffing, Scenario
from simulation.analytic import StaffingTargets, required_agents
from simulation.inputs import opening_of, staff_factors
from simulation.parallel import run_replications
from simulation.summary import records, summarise

from .model import Requirement

MAX_ABANDON = 0.05
MAX_OCCUPANCY = 0.90


def primary_groups(s: Scenario) -> dict[str, str]:
    """{queue: the group whose skills list it earliest (ties: the first such group)}."""
    out = {}
    for queue in s.queue_names:
        ranked = [(g.skills.index(queue), i, g.name) for i, g in enumerate(s.groups)
                  if queue in g.skills]
        out[queue] = min(ranked)[2] if ranked else s.groups[0].name
    return out


def heads_from_coverage(coverage: dict[str, list[int]], interval_minutes: int) -> dict:
    """Whole heads on the phones per interval (a part-interval agent rounds down)."""
    return {g: [int(math.floor(m / interval_minutes + 1e-9)) for m in minutes]
            for g, minutes in coverage.items()}


def with_heads(s: Scenario, heads: dict[str, list[int]],
               shrinkage: float | None = None) -> Scenario:
    """``s`` with the staffing of each planned group replaced by ``heads``."""
    if s.n_intervals != len(next(iter(heads.values()))):
        raise ValueError(f"the plan has {len(next(iter(heads.values())))} intervals but the "
                         f"scenario {s.n_intervals}")
    unknown = set(heads) - set(s.group_names)
    if unknown:
        raise ValueError(f"groups not in the scenario: {', '.join(sorted(unknown))}")
    staffing = []
    for plan in s.staffing:
        if plan.group in heads:
            plan = GroupStaffing(plan.group, tuple(int(h) for h in heads[plan.group]),
                                 plan.shrinkage if shrinkage is None else shrinkage)
        staffing.append(plan)
    return dataclasses.replace(s, staffing=tuple(staffing))


@dataclass
class Verification:
    """What the simulation says about a plan, per interval and queue, and the correction."""

    labels: list[str]
    queues: tuple[str, ...]
    groups: tuple[str, ...]
    rows: list[dict]                  # per interval and queue: KPIs {mean, low, high}, miss
    open_intervals: list[bool]
    intervals_met: int
    intervals_open: int
    cells_missed: int
    correction: dict[str, list[int]]  # extra heads per group and interval
    heads: dict[str, list[int]]       # the heads the plan had

    @property
    def share_met(self) -> float:
        """Share of open intervals where every queue met its targets."""
        return self.intervals_met / self.intervals_open if self.intervals_open else 1.0

    def as_dict(self) -> dict:
        """Plain data for JSON."""
        return {"labels": self.labels, "queues": list(self.queues), "groups": list(self.groups),
                "rows": self.rows, "open": self.open_intervals,
                "intervals_met": self.intervals_met, "intervals_open": self.intervals_open,
                "cells_missed": self.cells_missed, "share_met": round(self.share_met, 4),
                "correction": self.correction}


def _is_open(s: Scenario, k: int) -> bool:
    opening = opening_of(s)
    middle = (k + 0.5) * s.interval_seconds
    return not opening.is_closed(middle)


def _cell(row: dict, name: str) -> dict:
    value = row.get(name) or {}
    return {key: (None if value.get(key) is None else round(float(value[key]), 4))
            for key in ("mean", "low", "high")}


def verify(s: Scenario, heads: dict[str, list[int]], replications: int = 5, seed: int = 1,
           shrinkage: float | None = None, max_abandon: float = MAX_ABANDON,
           min_calls: float = 1.0, progress=None) -> Verification:
    """Simulate ``s`` staffed with ``heads`` and mark the cells that miss (module doc)."""
    staffed = with_heads(s, heads, shrinkage)
    runs = run_replications(staffed, replications, seed, progress=progress)
    summary = summarise(runs)
    rows, missed_at = [], {}
    for row in records(summary, "queue"):
        k, queue = row["interval"], row["queue"]
        spec = s.queue(queue)
        live = (row.get("live_offered") or {}).get("mean") or 0.0
        sl, abandon = _cell(row, "service_level"), _cell(row, "abandon_rate")
        counted = _is_open(s, k) and live >= min_calls
        miss = counted and ((sl["mean"] is not None and sl["mean"] < spec.service_level.fraction)
                            or (abandon["mean"] is not None and abandon["mean"] > max_abandon))
        rows.append({"interval": k, "label": row["start"], "queue": queue, "counted": counted,
                     "live_offered": round(live, 2), "offered": _cell(row, "offered"),
                     "service_level": sl, "abandon_rate": abandon,
                     "callbacks_requested": _cell(row, "callbacks_requested"),
                     "callbacks_pending": _cell(row, "callbacks_pending"),
                     "callback_promise_rate": _cell(row, "callback_promise_rate"),
                     "target": spec.service_level.fraction, "miss": bool(miss)})
        if miss:
            missed_at.setdefault(k, []).append(queue)
    open_flags = [False] * s.n_intervals
    for row in rows:
        open_flags[row["interval"]] |= row["counted"]
    intervals_open = sum(open_flags)
    met = sum(1 for k, flag in enumerate(open_flags) if flag and k not in missed_at)
    correction = _correction(staffed, rows, missed_at, heads, max_abandon)
    return Verification([summary.interval_label(k) for k in range(s.n_intervals)],
                        s.queue_names, tuple(heads), rows, open_flags, met, intervals_open,
                        sum(len(v) for v in missed_at.values()), correction,
                        {g: [int(h) for h in v] for g, v in heads.items()})


def _correction(s: Scenario, rows: list[dict], missed_at: dict, heads: dict,
                max_abandon: float) -> dict[str, list[int]]:
    primary = primary_groups(s)
    by_cell = {(r["interval"], r["queue"]): r for r in rows}
    extra = {g: [0] * s.n_intervals for g in heads}
    factors = {p.group: staff_factors(s, p.shrinkage) for p in s.staffing}
    per_hour = 3600.0 / s.interval_seconds
    for k, queues in missed_at.items():
        for g in sorted({primary[q] for q in queues} & set(heads)):
            pooled = [q for q in s.queue_names if primary[q] == g]
            need = _erlang_need(s, g, [(by_cell[k, q], s.queue(q)) for q in pooled],
                                per_hour, max_abandon)
            factor = factors[g][k]
            scheduled = int(math.ceil(need / factor - 1e-9)) if factor > 0 else need
            extra[g][k] = max(1, scheduled - int(heads[g][k]))
    return extra


def _erlang_need(s: Scenario, group: str, cells: list, per_hour: float,
                 max_abandon: float) -> int:
    factor = s.group(group).handle_time_factor
    volume = sum(row["offered"]["mean"] or 0.0 for row, _ in cells)
    if volume <= 0:
        return 0
    weights = np.array([(row["offered"]["mean"] or 0.0) / volume for row, _ in cells])
    aht = float(sum(w * (q.handle_time_seconds.mean * factor + q.after_call_work_seconds)
                    for w, (_, q) in zip(weights, cells, strict=True)))
    patient = any(q.patience_seconds is None for _, q in cells)
    patience = None if patient else float(sum(w * q.patience_seconds.mean for w, (_, q) in
                                              zip(weights, cells, strict=True)))
    level = max(q.service_level.fraction for _, q in cells)
    seconds = min(q.service_level.seconds for _, q in cells)
    targets = StaffingTargets(level, seconds, max_abandon, MAX_OCCUPANCY)
    return required_agents(volume * per_hour, aht, targets, patience, "A" if patience else "C")


def corrected(req: Requirement, verification: Verification) -> Requirement:
    """``req`` raised where the plan missed: at least the plan's heads plus the correction."""
    need = {}
    for g, values in req.need.items():
        extra = verification.correction.get(g) or [0] * len(values)
        had = verification.heads.get(g) or [0] * len(values)
        need[g] = tuple(max(float(v), float(had[k] + extra[k])) if extra[k] else float(v)
                        for k, v in enumerate(values))
    return dataclasses.replace(req, need=need)
