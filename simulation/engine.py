"""The call-center engine: SimPy processes for the clock and arrivals, call flow by callbacks.

Scenario (units: seconds unless named otherwise):
  * contacts arrive per queue (non-stationary Poisson, :mod:`simulation.arrivals`), each with
    a case class (urgent/general/normal), a handle time, a patience and uniforms that decide
    its outcome (:class:`~simulation.rng.ContactDraws`);
  * an arriving call goes to an idle agent of the first group that serves its queue, or waits;
    waiting is a race between an agent picking the call and the caller's patience timer (the
    ``yield request | env.timeout(patience)`` of the SimPy examples, written as a timer callback
    so no Condition object is built per call); when callbacks are on, an accepting caller whose
    wait reaches the offer time leaves a callback request instead;
  * an abandoning caller redials with a probability after an exponential delay;
  * the line is open by the scenario's opening hours, never by who is on the phones: with
    nobody there callers still ring, wait, abandon and redial; a caller who rings while the
    line is closed tries again after the next opening with the scenario's return probability,
    at a time drawn from its return distribution, or gives up (:mod:`simulation.inputs`);
  * a callback request is promised within a window and expires if not made in time; with the
    ``promise_first`` rule one near the end of its promise is served before live callers;
  * after talk + after-call work the case is escalated to the technician pool (escalation
    probability, raised by a recall), resolved (the group's first-contact resolution), or comes
    back later as a repeat contact;
  * staffing changes at interval boundaries; an agent removed while busy finishes the call.

Every source of randomness is pre-drawn per contact, so the engine itself draws nothing per
event and variants share random numbers. The engine returns records (:mod:`simulation.results`).
"""

from __future__ import annotations

import heapq
import math
from collections import deque

import simpy
from simpy.core import URGENT
from simpy.events import Timeout

from scenarios import Scenario

from .engine_flow import Contact, FlowMixin
from .inputs import compile_inputs, draw_arrivals
from .rng import stream
from .stats import Stats


class Engine(FlowMixin):
    """One replication of a scenario; :meth:`run` returns a :class:`RunResult`."""

    def __init__(self, scenario: Scenario, seed: int = 1, replication: int = 0,
                 inputs=None):
        self.scenario = scenario
        self.seed, self.replication = int(seed), int(replication)
        self.inputs = inputs if inputs is not None else compile_inputs(scenario)
        self.env = simpy.Environment()
        self.n_intervals = scenario.n_intervals
        self.interval_seconds = scenario.interval_seconds
        self.horizon = scenario.horizon_seconds
        n_queues, n_groups = len(scenario.queues), len(scenario.groups)
        self.stats = Stats(self.n_intervals, n_queues, n_groups)
        self._init_queues(n_queues)
        self._init_agents(n_groups)
        self._init_drill_state(n_queues, n_groups)
        self.arrivals = draw_arrivals(scenario, self.seed, self.replication)
        self._bind_hot_path()
        self._repair_rng = stream(self.seed, self.replication, "repairs")
        self.alerts: list[dict] = []
        self.closed_intervals = 0
        self.interval = 0
        self.env.process(self._clock())
        self.env.process(self._arrival_process())
        for event in scenario.events:
            self.env.process(self._event_alerts(event))

    # -- state -------------------------------------------------------------------------------
    def _init_queues(self, n_queues: int) -> None:
        self.waiting = [[deque(), deque(), deque()] for _ in range(n_queues)]
        self.callback_queue = [[deque(), deque(), deque()] for _ in range(n_queues)]
        self.qlen = [0] * n_queues
        self.cblen = [0] * n_queues
        self.q_area = [0.0] * n_queues
        self.q_last = [0.0] * n_queues
        self.q_max = [0] * n_queues
        self.pending: set[Contact] = set()
        self.retrial_counts = [0] * n_queues

    def _init_agents(self, n_groups: int) -> None:
        self.idle = [0] * n_groups
        self.busy = [0] * n_groups
        self.leaving = [0] * n_groups
        self.g_last = [0.0] * n_groups
        self.busy_area = [0.0] * n_groups
        self.avail_area = [0.0] * n_groups
        self.tech_idle = self.tech_busy = self.tech_leaving = 0
        self.tech_waiting = [deque(), deque(), deque()]
        self.tech_len = 0
        self._repairs: list[float] = []
        self._repair_next = 0

    def _init_drill_state(self, n_queues: int, n_groups: int) -> None:
        tables = self.inputs.queues
        self.extra_agents = [0] * n_groups
        self.pulled_back_office = [0] * n_groups
        self.reserves_active = False
        self.extra_technicians = 0
        self.emergency_team_since: float | None = None
        self.redial_factor = [1.0] * n_queues
        self.drill_handle_factor = [1.0] * n_queues
        self.callbacks_on = [t.callbacks_enabled for t in tables]
        self.offer_after = [t.offer_after for t in tables]
        self.accept_probability = [t.accept_probability for t in tables]

    # -- processes ---------------------------------------------------------------------------
    def _arrival_process(self):
        """Primary arrivals, pre-drawn for the horizon, released at their times."""
        env = self.env
        a = self.arrivals
        offer = self._offer
        cases = self.stats.cases
        for t, q, d, i, p, cell in zip(a.times, a.queues, a.draws, a.indexes, a.priorities,
                                       a.cells, strict=True):
            delay = t - env._now
            if delay > 0:
                yield Timeout(env, delay)
            now = env._now
            cases[cell] += 1
            offer(Contact(q, p, cell, cell, now, now, d, i, False), now)

    def _clock(self):
        env = self.env
        for k in range(self.n_intervals):
            if k:
                yield env.timeout(k * self.interval_seconds - env.now)
                self.close_interval(k - 1)
            self.interval = k
            self.apply_staffing(k)

    def _event_alerts(self, event):
        yield self.env.timeout(event.start_hour * 3600.0)
        self.alert(f"{event.type}_start", queue=getattr(event, "queue", None))
        end = min(event.end_hour * 3600.0, self.horizon)
        yield self.env.timeout(max(0.0, end - self.env.now))
        if end < self.horizon:
            self.alert(f"{event.type}_end", queue=getattr(event, "queue", None))

    def alert(self, code: str, **params) -> None:
        """Record an alert (shown live in drills) at the current simulated time."""
        self.alerts.append({"time": self.env.now, "code": code,
                            "params": {k: v for k, v in params.items() if v is not None}})

    # -- staffing ----------------------------------------------------------------------------
    def staffed_target(self, g: int, k: int) -> int:
        """Agents that should be on the phones in group ``g`` during interval ``k``."""
        target = self.inputs.on_phones[g][k] + self.extra_agents[g] + self.pulled_back_office[g]
        if self.reserves_active:
            target += self.scenario.groups[g].reserve_staff
        return max(0, target)

    def apply_staffing(self, k: int) -> None:
        """Bring every group and the technician pool to the staffing of interval ``k``."""
        for g in range(len(self.idle)):
            self.set_agents(g, self.staffed_target(g, k))
        disaster = self.inputs.disaster_staffing
        if disaster[k] and (k == 0 or not disaster[k - 1]):
            self.alert("staff_absent", interval=k,
                       on_phones=sum(self.staffed_target(g, k) for g in range(len(self.idle))),
                       scheduled=sum(row[k] for row in self.inputs.scheduled))
        self.set_technicians(max(0, self.inputs.technicians[k] + self.extra_technicians))

    def refresh_staffing(self) -> None:
        """Re-apply the current interval's staffing after a drill action changed it."""
        k = self.interval
        for g in range(len(self.idle)):
            self.set_agents(g, self.staffed_target(g, k))
        self.set_technicians(max(0, self.inputs.technicians[k] + self.extra_technicians))

    def set_agents(self, g: int, target: int) -> None:
        """Change group ``g`` to ``target`` agents; busy agents leave after their call."""
        now = self.env._now
        self._touch_group(g, now)
        current = self.idle[g] + self.busy[g] - self.leaving[g]
        if target > current:
            self._add_agents(g, target - current, now)
        elif target < current:
            surplus = current - target
            from_idle = min(self.idle[g], surplus)
            self.idle[g] -= from_idle
            self.leaving[g] += surplus - from_idle

    def _add_agents(self, g: int, count: int, now: float) -> None:
        back = min(self.leaving[g], count)
        self.leaving[g] -= back
        for _ in range(count - back):
            work = self._next_work(g)
            if work is None:
                self.idle[g] += 1
            else:
                self.busy[g] += 1
                self._start(work, g, now)

    def set_technicians(self, target: int) -> None:
        """Change the technician pool to ``target``; busy technicians finish their repair."""
        current = self.tech_idle + self.tech_busy - self.tech_leaving
        if target > current:
            back = min(self.tech_leaving, target - current)
            self.tech_leaving -= back
            for _ in range(target - current - back):
                self.tech_idle += 1
                self._next_repair()
        elif target < current:
            from_idle = min(self.tech_idle, current - target)
            self.tech_idle -= from_idle
            self.tech_leaving += current - target - from_idle

    # -- interval bookkeeping ----------------------------------------------------------------
    def _touch_group(self, g: int, now: float) -> None:
        dt = now - self.g_last[g]
        if dt > 0:
            self.busy_area[g] += self.busy[g] * dt
            self.avail_area[g] += (self.busy[g] + self.idle[g]) * dt
            self.g_last[g] = now

    def _touch_queue(self, q: int, now: float) -> None:
        self.q_area[q] += self.qlen[q] * (now - self.q_last[q])
        self.q_last[q] = now

    def close_interval(self, k: int) -> None:
        """Store the time averages of interval ``k`` and start the next one."""
        now = self.env.now
        stats = self.stats
        width = max(1e-9, now - k * self.interval_seconds)
        for q in range(len(self.qlen)):
            self._touch_queue(q, now)
            stats.queue["mean_waiting"][k, q] = self.q_area[q] / width
            stats.queue["max_waiting"][k, q] = self.q_max[q]
            self.q_area[q] = 0.0
            self.q_max[q] = self.qlen[q]
        for g in range(len(self.idle)):
            self._touch_group(g, now)
            stats.group["available_seconds"][k, g] = self.avail_area[g]
            stats.group["busy_seconds"][k, g] = self.busy_area[g]
            stats.group["scheduled"][k, g] = self.inputs.scheduled[g][k]
            stats.group["on_phones"][k, g] = self.staffed_target(g, k)
            self.avail_area[g] = self.busy_area[g] = 0.0
        stats.technician_backlog[k] = self.tech_len + self.tech_busy
        stats.technicians_on_duty[k] = self.tech_idle + self.tech_busy - self.tech_leaving
        self.closed_intervals = k + 1
        self._interval_alerts(k)

    def _interval_alerts(self, k: int) -> None:
        stats = self.stats
        _, n_queues, n_prio = stats.shape
        for q, table in enumerate(self.inputs.queues):
            base = k * n_queues * n_prio + q * n_prio
            offered = sum(stats.offered[base:base + n_prio]) - \
                sum(stats.callbacks_requested[base:base + n_prio])
            in_target = sum(stats.answered_in_target[base:base + n_prio])
            if offered >= 10 and in_target / offered < table.sl_fraction - 0.1:
                self.alert("service_level_breach", queue=table.name, interval=k,
                           service_level=round(100.0 * in_target / offered, 1),
                           target=round(100.0 * table.sl_fraction, 1))

    def run(self, until: float | None = None):
        """Run to ``until`` seconds (default: the horizon) and return the run's records."""
        self.advance(self.horizon if until is None else until)
        return self.result()

    def advance(self, until: float) -> None:
        """Simulate up to ``until`` seconds (no-op if already there); used by drills."""
        until = float(min(until, self.horizon))
        env = self.env
        if until > env.now:
            # SimPy's run(until=number) stops at now + (until - now), which can miss
            # ``until`` by a rounding step; a drill stepped forward must stop at exactly the
            # instant a fresh replay stops at, so the stop event is put on the heap at
            # ``until`` itself (urgent, like SimPy's own stop event).
            stop = simpy.Event(env)
            stop._ok, stop._value = True, None
            heapq.heappush(env._queue, (until, URGENT, next(env._eid), stop))
            env.run(until=stop)

    def result(self):
        """Close the open interval and build the :class:`RunResult` of this replication."""
        from .results import build_result
        if self.closed_intervals < self.n_intervals and \
                math.isclose(self.env.now, self.horizon):
            self.close_interval(self.n_intervals - 1)
            self.count_unanswered_overdue(self.horizon, record=True)
            self.count_pending_callbacks()
        return build_result(self)
