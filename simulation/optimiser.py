"""Staffing optimiser: fewest agents per interval and group that meet the targets.

Start: Erlang A with caps on abandonment and occupancy (:mod:`simulation.planning`), the best a
formula can do. Then simulate the scenario with that staffing (common random numbers: the
same seeds every pass) and correct each interval and group where the formula was wrong —
surges, abandonment with redials, repeats, escalation, carry-over from the previous interval:

* a cell (interval, group) *fails* if a queue planned on the group misses its service level
  at the stated confidence (one-sided lower bound of the mean over replications), exceeds the
  abandonment cap (upper bound), or the group's mean occupancy exceeds its cap;
* the search starts from a *warm start*: one cheap simulation of the Erlang A plan (a quarter
  of the replications) measures the contacts each group really gets (redials, repeats,
  callbacks included), and Erlang A on that volume puts most cells within an agent or two of
  their answer;
* failing cells grow (doubling steps until they pass), passing cells shrink, and once a cell
  has a known failing and a known passing value it is bisected; because intervals influence
  each other, a passing value that later fails is forgotten; the search stops when all but a
  small tail of cells (``TAIL``) are settled;
* intervals with fewer than ``min_calls`` expected calls keep the analytic value: a handful of
  calls gives no usable service-level estimate, however many agents are added;
* the final plan is verified by simulation on every replication and raised where it
  still fails (``all_met`` says whether the plan returned passed that check).

The report compares, per interval and group, Erlang C alone with the simulated requirement:
where Erlang C would have under- or over-staffed, and by how many agents.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from scenarios import GroupStaffing, Scenario

from .analytic import StaffingTargets, required_agents
from .arrivals import expected_calls
from .inputs import compile_inputs
from .parallel import default_backend, run_replications
from .planning import AnalyticPlan, PlanTargets, analytic_plan, group_loads, scheduled_for
from .results import kpis
from .summary import student_t_quantile

TAIL = 0.03  # share of cells the search may leave unsettled for the final raise
RAISES = 4   # at most this many raises after the search (some cells cannot pass)


@dataclass
class CellCheck:
    """Evaluation of one staffing plan by simulation."""

    fails: np.ndarray          # [I, G] bool
    service_level: np.ndarray  # [I, Q] mean
    service_level_low: np.ndarray
    abandon: np.ndarray        # [I, Q] mean
    occupancy: np.ndarray      # [I, G] mean
    offered: np.ndarray | None = None  # [I, Q] mean contacts offered (redials, repeats too)


@dataclass
class StaffingResult:
    """Outcome of :func:`optimise_staffing`."""

    scenario: Scenario            # the input scenario with the optimised staffing plan
    targets: PlanTargets
    replications: int
    passes: int
    on_phones: np.ndarray         # [I, G] required agents on the phones
    scheduled: np.ndarray         # [I, G] agents to schedule (before shrinkage/absence)
    erlang_c: np.ndarray          # [I, G] Erlang C alone (on the phones)
    erlang_a: np.ndarray          # [I, G] Erlang A with caps (on the phones)
    check: CellCheck              # verification of the final plan
    all_met: bool
    warm_start: np.ndarray | None = None  # [I, G] where the search started (on the phones)

    def erlang_c_gap(self) -> np.ndarray:
        """Erlang C minus the simulated need: < 0 under-staffed, > 0 over-staffed."""
        return self.erlang_c - self.on_phones

    def rows(self) -> list[dict]:
        """One record per interval and group for tables and exports."""
        s = self.scenario
        rows = []
        for k in range(s.n_intervals):
            for g, name in enumerate(s.group_names):
                gap = int(self.erlang_c_gap()[k, g])
                rows.append({"interval": k, "group": name,
                             "erlang_c": int(self.erlang_c[k, g]),
                             "erlang_a": int(self.erlang_a[k, g]),
                             "simulated": int(self.on_phones[k, g]),
                             "scheduled": int(self.scheduled[k, g]),
                             "erlang_c_verdict": "under" if gap < 0 else
                             ("over" if gap > 0 else "ok"),
                             "erlang_c_gap": gap,
                             "occupancy": _float(self.check.occupancy[k, g])})
        return rows


def _float(value) -> float | None:
    return float(value) if np.isfinite(value) else None


def with_staffing(s: Scenario, on_phones: np.ndarray, factors: np.ndarray) -> Scenario:
    """``s`` with a staffing plan that puts at least ``on_phones`` agents on the phones."""
    plans = []
    for g, name in enumerate(s.group_names):
        old = s.staffing_of(name)
        agents = tuple(scheduled_for(int(on_phones[k, g]), float(factors[k, g]))
                       for k in range(s.n_intervals))
        plans.append(GroupStaffing(name, agents, old.shrinkage))
    return dataclasses.replace(s, staffing=tuple(plans))


def evaluate(s: Scenario, targets: PlanTargets, replications: int, seed: int,
             primary: list[int], minimum_calls: np.ndarray, backend=None) -> CellCheck:
    """Simulate ``s`` and mark the (interval, group) cells that miss a target."""
    runs = [kpis(r) for r in run_replications(s, replications, seed, backend=backend)]
    stack = {name: np.stack([run["queue"][name] for run in runs])
             for name in ("service_level", "abandon_rate", "offered")}
    occupancy = np.stack([run["group"]["occupancy"] for run in runs])
    t = student_t_quantile(targets.confidence, replications - 1) if replications > 1 else 0.0
    level, level_sd = _mean(stack["service_level"]), _sd(stack["service_level"])
    abandon, abandon_sd = _mean(stack["abandon_rate"]), _sd(stack["abandon_rate"])
    low = level - t * level_sd / np.sqrt(replications)
    high_abandon = abandon + t * abandon_sd / np.sqrt(replications)
    goal = np.array([(targets.service_level or q.service_level).fraction for q in s.queues])
    judged = minimum_calls
    queue_fails = judged & ((low < goal) | (
        (high_abandon > targets.max_abandon) if targets.max_abandon is not None else False))
    fails = np.zeros((s.n_intervals, len(s.groups)), dtype=bool)
    for q, g in enumerate(primary):
        fails[:, g] |= queue_fails[:, q]
    mean_occupancy = _mean(occupancy)
    if targets.max_occupancy is not None:
        fails |= np.nan_to_num(mean_occupancy, nan=0.0) > targets.max_occupancy + 1e-9
    return CellCheck(fails, level, low, abandon, mean_occupancy,
                     _mean(stack["offered"].astype(float)))


def _mean(values: np.ndarray) -> np.ndarray:
    """Mean over replications ignoring NaN (no calls); NaN where no replication has a value."""
    finite = np.isfinite(values)
    count = finite.sum(axis=0)
    total = np.where(finite, values, 0.0).sum(axis=0)
    return np.divide(total, count, out=np.full(count.shape, np.nan), where=count > 0)


def _sd(values: np.ndarray) -> np.ndarray:
    """Sample standard deviation over replications ignoring NaN (0 with < 2 values)."""
    finite = np.isfinite(values)
    count = finite.sum(axis=0)
    deviation = np.where(finite, values - _mean(values), 0.0)
    variance = np.divide((deviation ** 2).sum(axis=0), count - 1, out=np.zeros(count.shape),
                         where=count > 1)
    return np.sqrt(variance)


class _Search:
    """Per-cell bracketing search over agents on the phones."""

    def __init__(self, start: np.ndarray, frozen: np.ndarray):
        self.n = start.astype(int).copy()
        self.low = np.full(start.shape, -1)       # largest value seen failing
        self.high = np.full(start.shape, -1)      # smallest value seen passing (-1: none)
        self.step = np.ones(start.shape, dtype=int)
        self.frozen = frozen

    def update(self, fails: np.ndarray) -> bool:
        """Move every cell; return True when every cell is settled."""
        settled = True
        for index in np.ndindex(*self.n.shape):
            if self.frozen[index]:
                continue
            settled &= self._move(index, bool(fails[index]))
        return settled

    def unsettled(self) -> int:
        """Cells whose smallest passing value is not yet known to the agent."""
        open_ = (self.high < 0) | (self.high - self.low > 1)
        return int((open_ & ~self.frozen).sum())

    def _move(self, i, failed: bool) -> bool:
        n = self.n[i]
        if failed:
            self.low[i] = max(self.low[i], n)
            if self.high[i] != -1 and self.high[i] <= n:
                # It passed before, with other neighbours: the boundary is just above.
                self.high[i] = -1
                self.step[i] = 1
        else:
            self.high[i] = n if self.high[i] == -1 else min(self.high[i], n)
        if self.high[i] != -1 and self.high[i] - self.low[i] <= 1:
            self.n[i] = self.high[i]
            return True
        if self.high[i] == -1:
            self.n[i] = n + self.step[i]
            self.step[i] = min(self.step[i] * 2, max(2, n // 4))
        elif self.low[i] == -1 and n <= 0:
            self.n[i] = 0
            return True
        elif self.low[i] == -1:
            self.n[i] = max(0, n - self.step[i])
            self.step[i] = min(self.step[i] * 2, max(2, n // 4))
        else:
            self.n[i] = (self.low[i] + self.high[i] + 1) // 2
        return False


@dataclass
class _Job:
    """What every simulation pass of one optimisation shares."""

    scenario: Scenario
    targets: PlanTargets
    seed: int
    primary: list[int]
    judged: np.ndarray        # [I, Q] queues with enough calls to judge
    factors: np.ndarray       # [I, G] share of scheduled agents left on the phones
    frozen: np.ndarray        # [I, G] cells that keep the analytic value
    backend: object

    def check(self, on_phones: np.ndarray, replications: int) -> CellCheck:
        """Simulate the plan ``on_phones`` with ``replications`` replications."""
        return evaluate(with_staffing(self.scenario, on_phones, self.factors), self.targets,
                        replications, self.seed, self.primary, self.judged, self.backend)


def _search(job: _Job, start: np.ndarray, replications: int,
            max_passes: int) -> tuple[np.ndarray, int]:
    """Bracketing search from ``start``; returns (smallest passing plan found, passes run).

    The search stops when every cell is settled or only a tail (``TAIL``, a share of the
    searched cells) is still moving: those keep the smallest value seen passing (or their
    current one) and the ascent that follows raises any that fail. Each pass simulates the
    whole horizon, and the last few cells, unsettled again and again by their neighbours,
    used to take as many passes as all the others together.
    """
    search = _Search(start, job.frozen)
    tail = max(1, int(TAIL * (~job.frozen).sum()))
    passes = 0
    for passes in range(1, max_passes + 1):  # noqa: B007 - passes is reported
        if search.update(job.check(search.n, replications).fails) or \
                search.unsettled() <= tail:
            break
    plan = np.where(search.high >= 0, search.high, search.n)
    plan[job.frozen] = start[job.frozen]
    return plan, passes


def optimise_staffing(s: Scenario, targets: PlanTargets | None = None, replications: int = 8,
                      seed: int = 1, max_passes: int = 14, min_calls: float = 10.0,
                      backend=None) -> StaffingResult:
    """Fewest agents per interval and group meeting ``targets`` (see the module docstring).

    ``backend`` runs the replications (default: a process pool, or RQ with ``REDIS_URL``).
    """
    if backend is None:
        with default_backend() as own:
            return optimise_staffing(s, targets, replications, seed, max_passes, min_calls, own)
    targets = targets or PlanTargets()
    inputs = compile_inputs(s)
    plan: AnalyticPlan = analytic_plan(s, targets, inputs)
    loads = group_loads(s, inputs, targets)
    calls = np.array([[pool.calls_per_hour * s.interval_seconds / 3600.0 for pool in row]
                      for row in loads])
    expected = np.stack([expected_calls(s, name) for name in s.queue_names], axis=1)
    job = _Job(s, targets, seed, [route[0] for route in inputs.route], expected >= min_calls,
               plan.staff_factor, (calls < min_calls) | (plan.staff_factor <= 0), backend)
    analytic = np.where(job.frozen, plan.erlang_a, np.maximum(plan.erlang_a, 0))
    # Warm start: Erlang A again on the volume a cheap simulation (a quarter of the
    # replications) shows each group really gets.
    first = job.check(analytic, min(replications, max(2, replications // 4)))
    start = warm_start(job, analytic, loads, expected, first)
    found, used = _search(job, start, replications, max_passes)
    final, check, raises = _ascend(job, found, replications)
    passes = 1 + used + raises
    scheduled = np.array([[scheduled_for(int(final[k, g]), float(job.factors[k, g]))
                           for g in range(len(s.groups))] for k in range(s.n_intervals)])
    return StaffingResult(with_staffing(s, final, job.factors), targets, replications, passes,
                          final, scheduled, plan.erlang_c, plan.erlang_a, check,
                          not (check.fails & ~job.frozen).any(), start)


def _ascend(job: _Job, start: np.ndarray,
            replications: int) -> tuple[np.ndarray, CellCheck, int]:
    """Verify ``start`` on every replication and raise its failing cells, one agent a pass.

    At most ``RAISES`` raises: some cells cannot pass however many agents they get (a target
    the center cannot reach), and the result then says so. The check returned is the check of
    the plan returned.
    """
    plan = start.copy()
    for passes in range(1, RAISES + 2):  # noqa: B007 - passes is reported
        check = job.check(plan, replications)
        bump = check.fails & ~job.frozen
        if not bump.any() or passes > RAISES:
            break           # the check returned is always the check of the plan returned
        plan = plan + bump.astype(int)
    return plan, check, passes


def warm_start(job: _Job, analytic: np.ndarray, loads, expected,
               check: CellCheck) -> np.ndarray:
    """Erlang A again, on the volume the simulation offered to each group.

    The formula's main blind spot is volume it cannot see: redials, repeats and callbacks.
    One cheap simulation of the analytic plan measures the contacts each group really gets;
    Erlang A with the caps on that volume starts the search a few agents from the answer
    instead of many, so the search needs fewer passes. The search still decides; this only
    moves its starting point.
    """
    start = analytic.copy()
    offered = np.nan_to_num(check.offered)
    for k, row in enumerate(loads):
        for g, pool in enumerate(row):
            queues = [q for q, primary in enumerate(job.primary) if primary == g]
            planned = expected[k, queues].sum()
            if job.frozen[k, g] or planned <= 0:
                continue
            ratio = offered[k, queues].sum() / planned
            if abs(ratio - 1.0) > 0.01:
                start[k, g] = required_agents(pool.calls_per_hour * ratio, pool.aht,
                                              _capped(pool, job.targets), pool.patience, "A")
    return start


def _capped(pool, targets: PlanTargets) -> StaffingTargets:
    return StaffingTargets(pool.service_level, pool.target_seconds, targets.max_abandon,
                           targets.max_occupancy)
