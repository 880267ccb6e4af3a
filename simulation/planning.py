"""Analytic staffing of a scenario: Erlang C and Erlang A per interval and agent group.

Assumptions (what the formulas cannot see, and the simulation corrects):

* each queue's calls are planned on its primary group (the first group that lists it); the
  queues of one group are pooled into one Erlang queue with the volume-weighted handle time and
  patience, and the strictest service-level target among them;
* volume is the expected primary arrivals offered per interval including event multipliers
  and the opening-hours return model (:func:`~simulation.arrivals.expected_offered`); redials,
  repeats, callbacks, escalations and carry-over between intervals are ignored;
* handle time is the queue mean × the group's handle-time factor × recall multiplier + ACW;
* agents needed on the phones are turned into agents to schedule by dividing by the share that
  shrinkage and disasters leave on the phones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scenarios import Scenario, ServiceLevelTarget

from .analytic import StaffingTargets, required_agents
from .arrivals import expected_offered
from .inputs import Inputs, compile_inputs


@dataclass(frozen=True)
class PlanTargets:
    """Planning targets; ``service_level`` overrides every queue's own target when given."""

    service_level: ServiceLevelTarget | None = None
    max_abandon: float | None = 0.05
    max_occupancy: float | None = 0.90
    confidence: float = 0.90


@dataclass
class GroupLoad:
    """Pooled offered traffic of one group in one interval."""

    calls_per_hour: float
    aht: float
    patience: float | None
    service_level: float
    target_seconds: float


@dataclass
class AnalyticPlan:
    """Agents on the phones required per interval (rows) and group (columns)."""

    groups: tuple[str, ...]
    erlang_c: np.ndarray
    erlang_a: np.ndarray
    load: np.ndarray
    staff_factor: np.ndarray


def group_loads(s: Scenario, inputs: Inputs, targets: PlanTargets) -> list[list[GroupLoad]]:
    """Pooled traffic per interval and group (see the module's assumptions)."""
    n, per_hour = s.n_intervals, 3600.0 / s.interval_seconds
    minutes = np.minimum((np.arange(n) + 0.5) * s.interval_minutes, inputs.n_minutes - 1)
    pools: list[list[list]] = [[[] for _ in s.groups] for _ in range(n)]
    for qi, queue in enumerate(s.queues):
        group = inputs.route[qi][0]
        calls = expected_offered(s, queue.name) * per_hour
        mult = np.array(inputs.queues[qi].handle_multiplier)[minutes.astype(int)]
        aht = queue.handle_time_seconds.mean * inputs.handle_factor[group] * mult + \
            queue.after_call_work_seconds
        patience = queue.patience_seconds.mean if queue.patience_seconds else None
        level = targets.service_level or queue.service_level
        for k in range(n):
            pools[k][group].append((calls[k], aht[k], patience, level))
    return [[_pool(items) for items in row] for row in pools]


def _pool(items: list) -> GroupLoad:
    volume = sum(item[0] for item in items)
    if volume <= 0:
        return GroupLoad(0.0, 1.0, None, 0.8, 20.0)
    aht = sum(item[0] * item[1] for item in items) / volume
    patient = any(item[2] is None for item in items)
    patience = None if patient else sum(item[0] * item[2] for item in items) / volume
    return GroupLoad(volume, aht, patience, max(item[3].fraction for item in items),
                     min(item[3].seconds for item in items))


def analytic_plan(s: Scenario, targets: PlanTargets | None = None,
                  inputs: Inputs | None = None) -> AnalyticPlan:
    """Erlang C (service level only) and Erlang A (with caps) requirements for ``s``."""
    targets = targets or PlanTargets()
    inputs = inputs or compile_inputs(s)
    loads = group_loads(s, inputs, targets)
    shape = (s.n_intervals, len(s.groups))
    erlang_c, erlang_a, load = np.zeros(shape, int), np.zeros(shape, int), np.zeros(shape)
    for k, row in enumerate(loads):
        for g, pool in enumerate(row):
            load[k, g] = pool.calls_per_hour * pool.aht / 3600.0
            sl_only = StaffingTargets(pool.service_level, pool.target_seconds)
            capped = StaffingTargets(pool.service_level, pool.target_seconds,
                                     targets.max_abandon, targets.max_occupancy)
            erlang_c[k, g] = required_agents(pool.calls_per_hour, pool.aht, sl_only, None, "C")
            erlang_a[k, g] = required_agents(pool.calls_per_hour, pool.aht, capped,
                                             pool.patience, "A")
    factors = np.array(inputs.availability).T
    return AnalyticPlan(s.group_names, erlang_c, erlang_a, load, factors)


def scheduled_for(on_phones: int, factor: float) -> int:
    """Agents to schedule so that ``on_phones`` remain after shrinkage and absence."""
    if on_phones <= 0:
        return 0
    if factor <= 0:
        return 0
    return int(math.ceil(on_phones / factor - 1e-9))
