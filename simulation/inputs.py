"""Compile a :class:`~scenarios.Scenario` into the flat tables the engine reads per call.

Assumptions made here:

* Staffing changes at interval boundaries. Agents on the phones in interval *i* are
  ``floor(scheduled × (1 − shrinkage − absenteeism) × availability)``, where absenteeism and
  availability come from a disaster active at the interval's midpoint (you cannot put a partial
  agent on the phones, so the count rounds down).
* Event effects on handle time, escalation and callback shift are looked up per minute.
* Routing: a call goes to an idle agent of the group that lists its queue earliest in its
  skills (specialists before generalists); a free agent serves its skills in listed order,
  urgent before general before normal, live calls before callbacks (with the
  ``promise_first`` rule, a callback close to the end of its promise goes first).
* Opening hours are clock hours, the same every day; the line is open or closed whatever the
  staffing says (:class:`Opening`).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np

from scenarios import PRIORITIES, Disaster, QualityRecall, Scenario

from .arrivals import base_arrivals, base_rate_pieces, extra_arrivals, volume_multiplier
from .rng import ContactDraws, duration_sampler, stream


@dataclass
class QueueTable:
    """Per-queue constants and per-minute event modifiers."""

    name: str
    sl_seconds: float
    sl_fraction: float
    acw: float
    escalation: float
    redial_probability: float
    repeat_probability: float
    callbacks_enabled: bool
    offer_after: float
    accept_probability: float
    priority_cut: tuple[float, float]
    promise: float = 3600.0
    expire: float = 4 * 3600.0
    promise_first: bool = False
    at_risk: float = 900.0
    handle_multiplier: list[float] = field(default_factory=list)
    escalation_add: list[float] = field(default_factory=list)
    callback_shift: list[float] = field(default_factory=list)


@dataclass
class Opening:
    """Opening hours in seconds of the clock day, and the closed-hours return model."""

    clock0: float            # clock second of the horizon's start
    open_s: float
    close_s: float
    return_probability: float
    cumulative: list[float]  # cumulative return weights per hour after opening, last = 1
    always_open: bool

    def is_closed(self, now: float) -> bool:
        """True when the line is closed at ``now`` (seconds since the horizon's start)."""
        if self.always_open:
            return False
        clock = (self.clock0 + now) % 86400.0
        return not self.open_s <= clock < self.close_s

    def next_opening(self, now: float) -> float:
        """Seconds since the start at which the line next opens after ``now``."""
        clock = self.clock0 + now
        opening = clock - clock % 86400.0 + self.open_s
        if opening <= clock:
            opening += 86400.0
        return opening - self.clock0

    def return_offset(self, u: float) -> float:
        """Seconds after opening of a returning caller, by inverse CDF of ``return_hours``."""
        hour = min(bisect.bisect_right(self.cumulative, u), len(self.cumulative) - 1)
        below = self.cumulative[hour - 1] if hour else 0.0
        width = self.cumulative[hour] - below
        within = (u - below) / width if width > 0 else 0.0
        return (hour + min(max(within, 0.0), 1.0)) * 3600.0


def opening_of(s: Scenario) -> Opening:
    """The :class:`Opening` of ``s`` (always open when the scenario states no hours)."""
    hours = s.opening_hours
    if hours is None or hours.always_open:
        return Opening(s.start_hour * 3600.0, 0.0, 86400.0, 0.0, [1.0], True)
    weights = np.asarray(hours.return_hours, dtype=float)
    cumulative = (np.cumsum(weights) / weights.sum()).tolist()
    cumulative[-1] = 1.0
    return Opening(s.start_hour * 3600.0, hours.open_hour * 3600.0, hours.close_hour * 3600.0,
                   hours.return_probability, cumulative, False)


@dataclass
class Inputs:
    """Everything the engine needs that does not depend on the seed."""

    scenario: Scenario
    queues: list[QueueTable]
    route: list[list[int]]
    skills: list[list[int]]
    handle_factor: list[float]
    fcr: list[float]
    scheduled: list[list[int]]
    on_phones: list[list[int]]
    availability: list[list[float]]
    technicians: list[int]
    disaster_staffing: list[bool]
    repair_sampler: object
    respond_seconds: list[float]
    resolve_seconds: list[float]
    n_minutes: int
    opening: Opening | None = None


def _minute_grid(s: Scenario) -> np.ndarray:
    return (np.arange(int(math.ceil(s.horizon_seconds / 60.0))) + 0.5) * 60.0


def _event_tables(s: Scenario, queue: str, minutes: np.ndarray):
    handle = np.ones_like(minutes)
    escalation = np.zeros_like(minutes)
    shift = np.zeros_like(minutes)
    for event in s.events:
        inside = (minutes >= event.start_hour * 3600) & (minutes < event.end_hour * 3600)
        if isinstance(event, QualityRecall) and queue in event.queues:
            handle[inside] *= event.handle_time_multiplier
            escalation[inside] += event.escalation_increase
        elif isinstance(event, Disaster) and queue in event.queues:
            shift[inside] = 1.0 - (1.0 - shift[inside]) * (1.0 - event.callback_shift)
    return handle.tolist(), escalation.tolist(), shift.tolist()


def _queue_table(s: Scenario, name: str, minutes: np.ndarray) -> QueueTable:
    q = s.queue(name)
    shares = q.priority_mix.shares()
    table = QueueTable(
        name=name, sl_seconds=q.service_level.seconds, sl_fraction=q.service_level.fraction,
        acw=q.after_call_work_seconds, escalation=q.escalation_probability,
        redial_probability=q.redial.probability, repeat_probability=q.repeat.probability,
        callbacks_enabled=q.callback.enabled, offer_after=q.callback.offer_after_seconds,
        accept_probability=q.callback.accept_probability,
        priority_cut=(shares[0], shares[0] + shares[1]),
        promise=q.callback.promise_minutes * 60.0, expire=q.callback.expire_minutes * 60.0,
        promise_first=q.callback.priority_rule == "promise_first",
        at_risk=q.callback.at_risk_minutes * 60.0,
    )
    table.handle_multiplier, table.escalation_add, table.callback_shift = _event_tables(
        s, name, minutes)
    return table


def staff_factors(s: Scenario, shrinkage: float) -> list[float]:
    """Share of scheduled staff on the phones per interval (shrinkage and disasters)."""
    mids = (np.arange(s.n_intervals) + 0.5) * s.interval_seconds
    factors = []
    for mid in mids:
        absent, available = shrinkage, 1.0
        for event in s.events:
            if isinstance(event, Disaster) and event.start_hour * 3600 <= mid < \
                    event.end_hour * 3600:
                absent += event.absenteeism
                available *= event.staff_availability
        factors.append(max(0.0, 1.0 - absent) * available)
    return factors


def on_phones_from_scheduled(scheduled: int, factor: float) -> int:
    """Agents actually on the phones: round down, you cannot field part of an agent."""
    return int(math.floor(scheduled * factor + 1e-9))


def compile_inputs(s: Scenario) -> Inputs:
    """Build the seed-independent tables of ``s``."""
    minutes = _minute_grid(s)
    queue_names = list(s.queue_names)
    skills = [[queue_names.index(name) for name in g.skills] for g in s.groups]
    route = []
    for qi in range(len(queue_names)):
        serving = [(sk.index(qi), gi) for gi, sk in enumerate(skills) if qi in sk]
        route.append([gi for _, gi in sorted(serving)])
    n = s.n_intervals
    scheduled, on_phones, availability = [], [], []
    for g in s.groups:
        plan = s.staffing_of(g.name)
        factors = staff_factors(s, plan.shrinkage)
        row = [plan.agents[i % len(plan.agents)] for i in range(n)]
        scheduled.append(row)
        on_phones.append([on_phones_from_scheduled(a, f) for a, f in zip(row, factors,
                                                                         strict=True)])
        availability.append(factors)
    technicians = [0] * n
    if s.technicians is not None:
        factors = staff_factors(s, 0.0)
        agents = s.technicians.agents
        technicians = [on_phones_from_scheduled(agents[i % len(agents)], factors[i])
                       for i in range(n)]
    return Inputs(
        scenario=s, queues=[_queue_table(s, name, minutes) for name in queue_names],
        route=route, skills=skills, handle_factor=[g.handle_time_factor for g in s.groups],
        fcr=[g.first_contact_resolution for g in s.groups], scheduled=scheduled,
        on_phones=on_phones, availability=availability, technicians=technicians,
        disaster_staffing=[f < 1.0 - 1e-12 for f in staff_factors(s, 0.0)],
        repair_sampler=duration_sampler(
            s.technicians.repair_time_hours if s.technicians else None, 3600.0),
        respond_seconds=[s.priorities.of(p).respond_hours * 3600.0 for p in PRIORITIES],
        resolve_seconds=[s.priorities.of(p).resolve_hours * 3600.0 for p in PRIORITIES],
        n_minutes=len(minutes), opening=opening_of(s),
    )


def _draws(s: Scenario, queue: str, seed: int, replication: int, source: str) -> ContactDraws:
    spec = s.queue(queue)
    return ContactDraws.keyed(seed, replication, source, queue,
                              duration_sampler(spec.handle_time_seconds),
                              duration_sampler(spec.patience_seconds),
                              spec.redial.mean_delay_minutes * 60.0,
                              spec.repeat.mean_delay_hours * 3600.0)


@dataclass
class Arrivals:
    """All primary arrivals of one replication, merged in time order."""

    times: list[float]
    queues: list[int]
    draws: list[ContactDraws]
    indexes: list[int]
    priorities: list[int]
    cells: list[int]
    retrial_draws: list[ContactDraws]


def draw_arrivals(s: Scenario, seed: int, replication: int) -> Arrivals:
    """Draw base and surge arrivals for every queue and merge them into one time line."""
    times, queues, sources, indexes, draw_sets, retrials = [], [], [], [], [], []
    for qi, name in enumerate(s.queue_names):
        pieces = base_rate_pieces(s, name)
        base = base_arrivals(pieces, stream(seed, replication, "arrivals", name))
        base_draws = _draws(s, name, seed, replication, "contacts")
        base_draws.draw(len(base))
        keep = np.ones(len(base), dtype=bool)
        level = volume_multiplier(s, name, base)
        if (level < 1.0).any():
            keep = np.array(base_draws.u_thin) < level
        extra = extra_arrivals(s, name, pieces, stream(seed, replication, "surge_arrivals",
                                                       name))
        extra_draws = _draws(s, name, seed, replication, "surge_contacts")
        extra_draws.draw(len(extra))
        for draws, chunk, mask in ((base_draws, base, keep),
                                   (extra_draws, extra, np.ones(len(extra), dtype=bool))):
            draw_sets.append(draws)
            index = np.flatnonzero(mask)
            times.append(chunk[index])
            indexes.append(index)
            queues.append(np.full(len(index), qi))
            sources.append(np.full(len(index), len(draw_sets) - 1))
        retrials.append(_draws(s, name, seed, replication, "retrials"))
    all_times = np.concatenate(times)
    order = np.argsort(all_times, kind="stable")
    source_list = np.concatenate(sources)[order].tolist()
    draws = [draw_sets[k] for k in source_list]
    index_list = np.concatenate(indexes)[order].tolist()
    queue_array = np.concatenate(queues)[order]
    priorities = _priorities(s, queue_array, draws, index_list)
    sorted_times = all_times[order]
    interval = np.minimum((sorted_times // s.interval_seconds).astype(int), s.n_intervals - 1)
    cells = (interval * len(s.queues) + queue_array) * 3 + priorities
    return Arrivals(times=sorted_times.tolist(), queues=queue_array.tolist(), draws=draws,
                    indexes=index_list, priorities=priorities.tolist(), cells=cells.tolist(),
                    retrial_draws=retrials)


def _priorities(s: Scenario, queues: np.ndarray, draws, indexes) -> np.ndarray:
    """Case class of each arrival from its pre-drawn uniform and its queue's mix."""
    u = np.array([d.u_priority[i] for d, i in zip(draws, indexes, strict=True)])
    cuts = np.array([np.cumsum(q.priority_mix.shares())[:2] for q in s.queues]).reshape(-1, 2)
    if len(u) == 0:
        return np.zeros(0, dtype=int)
    return (u >= cuts[queues, 0]).astype(int) + (u >= cuts[queues, 1]).astype(int)
