"""Shift scheduling with OR-Tools CP-SAT: how many agents start which shift, per group.

(On the benchmark week, SCIP spent the whole time limit in presolve and HiGHS ended at the
same 2 % gap as CP-SAT; CP-SAT also serves the roster, so one solver does both.) The search
starts from the LP relaxation (GLOP) rounded to a feasible plan, which is already within a
few per cent of the optimum; ``limits`` keep the plan within what the agents can work.

Model:

* decision: ``x[v, g]`` = agents of group ``g`` working variant ``v`` (a template placed on a
  day at an allowed start with its breaks placed, :mod:`.variants`);
* coverage of interval ``k``: ``Σ minutes_on_phones(v, k) · x[v, g]`` (breaks excluded);
* under-staffing ``u[g, k] ≥ need[g, k] · interval − coverage``, ``u ≥ 0`` (agent-minutes);
* optional heads limits: ``min_heads · interval ≤ coverage ≤ max_heads · interval``;
* objective, lexicographic by construction: ``W · Σ weight · u`` first — ``W`` is larger than
  the cost of the dearest shift, so no saving can buy one under-staffed minute — then the
  cost of the shifts;
* smoothing, a second solve from the first one's plan: keeping the first objective within
  ``smooth_slack`` of its optimum, minimise ``Σ |d[k+1] − d[k]|`` over consecutive open
  intervals (``d`` = coverage − need), so the surplus does not jump from one half hour to
  the next. (As one objective the absolute values slowed the search tenfold.)

Each solve has a time limit; the best plan found is returned with its status (``optimal``
when the first solve was proved within ``gap``, else ``feasible``). Input that cannot be
scheduled raises :class:`~.model.InfeasibleError` with the reasons (:mod:`.explain`).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from . import explain
from .model import InfeasibleError, Requirement, ShiftTemplate, ShiftVariant
from .totals import Totals, compute_totals, interval_rows
from .variants import variants_of, working_minutes


@dataclass(frozen=True)
class ScheduleOptions:
    """Solver settings."""

    time_limit: float = 20.0         # seconds for the first solve
    gap: float = 2e-3                # relative optimality gap accepted as optimal
    workers: int = 2
    seed: int = 1
    smooth: bool = True              # run the smoothing solve
    smooth_time_limit: float = 5.0   # seconds for the smoothing solve
    smooth_slack: float = 0.002      # share of the first objective smoothing may give up


@dataclass(frozen=True)
class ShiftLimits:
    """How many shifts the people available can work: per template over the horizon and
    per day, and per (group, template) per day (see :func:`limits_from_agents`)."""

    per_horizon: dict[str, int] = field(default_factory=dict)
    per_day: dict[str, int] = field(default_factory=dict)
    per_group_day: dict[tuple[str, str], int] = field(default_factory=dict)
    per_group_horizon: dict[tuple[str, str], int] = field(default_factory=dict)


def limits_from_agents(agents, templates: list[ShiftTemplate]) -> ShiftLimits:
    """Shift limits a set of :class:`~.model.Agent` can fill under their contracts."""
    per_horizon, per_day, per_group_day, per_group_horizon = {}, {}, {}, {}
    for t in templates:
        able = [a for a in agents if not a.contract.templates or t.name in a.contract.templates]
        per_horizon[t.name] = sum(a.contract.max_days for a in able)
        per_day[t.name] = len(able)
        for a in able:
            for g in a.groups:
                per_group_day[g, t.name] = per_group_day.get((g, t.name), 0) + 1
                per_group_horizon[g, t.name] = per_group_horizon.get((g, t.name), 0) + \
                    a.contract.max_days
    return ShiftLimits(per_horizon, per_day, per_group_day, per_group_horizon)


@dataclass(frozen=True)
class PlannedShift:
    """``count`` agents of ``group`` working ``variant``."""

    group: str
    variant: ShiftVariant
    count: int


@dataclass
class ShiftPlan:
    """The solver's plan: shifts, coverage minutes per interval and group, totals."""

    requirement: Requirement
    shifts: list[PlannedShift]
    coverage: dict[str, list[int]]
    totals: Totals
    status: str
    seconds: float
    notes: list = field(default_factory=list)

    def heads(self, group: str) -> list[float]:
        """Heads on the phones per interval (coverage minutes / interval length)."""
        im = self.requirement.interval_minutes
        return [m / im for m in self.coverage[group]]

    def rows(self) -> dict[str, list[dict]]:
        """Per group and interval: required, scheduled and their difference (heads)."""
        return interval_rows(self.requirement, self.coverage)


def candidate_variants(req: Requirement, templates: list[ShiftTemplate]) -> dict[str, list]:
    """Per group: the variants that may be worked and the minutes they cover per interval."""
    per_template = {t.name: [(v, working_minutes(v, req.interval_minutes, req.n_intervals))
                             for v in variants_of(t, req.n_days, req.interval_minutes,
                                                  req.weekday)]
                    for t in templates}
    out = {}
    for g in req.groups:
        out[g] = [(v, cover) for t in templates if t.allows(g)
                  for v, cover in per_template[t.name] if cover]
    return out


def _need_minutes(req: Requirement, g: str, k: int) -> int:
    return int(round(max(0.0, float(req.need[g][k])) * req.interval_minutes))


def schedule_shifts(req: Requirement, templates: list[ShiftTemplate],
                    options: ScheduleOptions | None = None,
                    limits: ShiftLimits | None = None) -> ShiftPlan:
    """The cheapest smooth plan with the least weighted under-staffing (see module doc).

    ``limits`` caps the shifts per template (and group) to what the people can work, so
    that a roster can fill the plan.
    """
    options = options or ScheduleOptions()
    began = time.perf_counter()
    problems = explain.check_schedule_input(req, templates)
    if any(p.code in explain.FATAL for p in problems):
        raise InfeasibleError([p for p in problems if p.code in explain.FATAL])
    candidates = candidate_variants(req, templates)
    built = _Built(req, candidates, relax=())
    if limits is not None:
        built.limit(limits)
    built.hint(_lp_rounded(req, candidates, limits))
    status = built.solve(options.time_limit, options)
    if status == cp_model.INFEASIBLE:
        raise InfeasibleError(_diagnose(req, candidates, options))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleError([explain.problem("time_limit", seconds=options.time_limit)])
    counts = built.counts()
    if options.smooth:
        counts = built.smoothen(counts, options)
    plan = _read_plan(req, candidates, counts, problems)
    plan.status = "optimal" if status == cp_model.OPTIMAL else "feasible"
    plan.seconds = time.perf_counter() - began
    return plan


SCALE = 100  # CP-SAT needs integer coefficients: costs and weights × SCALE


class _Built:
    """The CP-SAT model of one shift plan."""

    def __init__(self, req: Requirement, candidates: dict, relax: tuple):
        self.req, self.candidates = req, candidates
        model = self.model = cp_model.CpModel()
        self.x, cover_terms = {}, {(g, k): [] for g in req.groups for k in range(req.n_intervals)}
        for g in req.groups:
            limit = _head_bound(req, g)
            for index, (_variant, cover) in enumerate(candidates[g]):
                var = model.new_int_var(0, limit, f"x_{g}_{index}")
                self.x[g, index] = var
                for k, minutes in cover.items():
                    cover_terms[g, k].append((minutes, var))
        dearest = max((v.cost for g in req.groups for v, _ in candidates[g]), default=1.0)
        big = (2.0 * dearest + 1.0) * SCALE
        objective, self.coverage, self.under = [], {}, {}
        self.cover_terms = cover_terms
        for g in req.groups:
            for k in range(req.n_intervals):
                expr = sum(m * v for m, v in cover_terms[g, k]) if cover_terms[g, k] else 0
                self.coverage[g, k] = expr
                need = _need_minutes(req, g, k)
                if need:
                    u = model.new_int_var(0, need, f"u_{g}_{k}")
                    model.add(u + expr >= need)
                    objective.append(int(round(big * req.weight(g, k))) * u)
                    self.under[g, k] = (u, need)
                if g not in relax:
                    _head_limits(model, req, g, k, expr)
        objective.extend(int(round(v.cost * SCALE)) * self.x[g, i] for g in req.groups
                         for i, (v, _) in enumerate(candidates[g]))
        self.objective = sum(objective)
        model.minimize(self.objective)
        self.solver = None

    def limit(self, limits: ShiftLimits) -> None:
        """Cap shifts per template over the horizon, per day, and per group and day."""
        for cap, keys in _limit_groups(self.candidates, limits):
            self.model.add(sum(self.x[key] for key in keys) <= cap)

    def hint(self, counts: dict) -> None:
        """Start from ``counts`` (a complete hint: under-staffing filled in)."""
        self.model.clear_hints()
        for key, var in self.x.items():
            self.model.add_hint(var, counts.get(key, 0))
        values = {var.index: counts.get(key, 0) for key, var in self.x.items()}
        for (g, k), (u, need) in self.under.items():
            have = sum(m * values[v.index] for m, v in self.cover_terms[g, k])
            self.model.add_hint(u, max(0, need - have))

    def solve(self, seconds: float, options: ScheduleOptions) -> int:
        self.solver = cp_model.CpSolver()
        self.solver.parameters.max_time_in_seconds = max(0.5, seconds)
        self.solver.parameters.num_workers = max(1, options.workers)
        self.solver.parameters.random_seed = options.seed
        self.solver.parameters.relative_gap_limit = options.gap
        return self.solver.solve(self.model)

    def counts(self) -> dict:
        return {key: int(self.solver.value(var)) for key, var in self.x.items()}

    def smoothen(self, counts: dict, options: ScheduleOptions) -> dict:
        """Second solve: least jumpy plan within ``smooth_slack`` of the first objective."""
        best = self.solver.objective_value
        jumps = _smoothness(self.model, self.req, self.coverage)
        if not jumps:
            return counts
        self.model.add(self.objective <= int(best * (1 + options.smooth_slack)))
        self.model.minimize(sum(jumps))
        self.hint(counts)
        status = self.solve(options.smooth_time_limit, options)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return self.counts()
        return counts


def _lp_rounded(req: Requirement, candidates: dict, limits: ShiftLimits | None) -> dict:
    """A first plan for CP-SAT's search: the LP relaxation (GLOP) rounded.

    The relaxation of this covering model is tight (on the benchmark week the optimum is
    within 2 % of it). Without limits it is rounded up and pruned; with limits rounded down
    and topped up where the limits allow, so the hint is always a feasible plan.
    """
    lp = pywraplp.Solver.CreateSolver("GLOP")
    x, terms = {}, {(g, k): [] for g in req.groups for k in range(req.n_intervals)}
    for g in req.groups:
        for index, (_variant, cover) in enumerate(candidates[g]):
            x[g, index] = lp.NumVar(0, lp.infinity(), "")
            for k, minutes in cover.items():
                terms[g, k].append(minutes * x[g, index])
    dearest = max((v.cost for g in req.groups for v, _ in candidates[g]), default=1.0)
    objective = [v.cost * x[g, i] for g in req.groups for i, (v, _) in enumerate(candidates[g])]
    for (g, k), parts in terms.items():
        need = _need_minutes(req, g, k)
        if need:
            u = lp.NumVar(0, need, "")
            lp.Add(u + lp.Sum(parts) >= need)
            objective.append((2 * dearest + 1) * req.weight(g, k) * u)
    groups = _limit_groups(candidates, limits) if limits else []
    for cap, keys in groups:
        lp.Add(lp.Sum([x[key] for key in keys]) <= cap)
    lp.Minimize(lp.Sum(objective))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return {}
    values = {key: var.solution_value() for key, var in x.items()}
    if not limits:
        counts = {key: int(math.ceil(v - 1e-6)) for key, v in values.items()}
        return _prune(req, candidates, counts)
    counts = {key: int(math.floor(v + 1e-6)) for key, v in values.items()}
    used = [sum(counts[key] for key in keys) for _, keys in groups]
    member = defaultdict(list)
    for index, (_, keys) in enumerate(groups):
        for key in keys:
            member[key].append(index)
    short = {}
    for g in req.groups:
        have = [0] * req.n_intervals
        for index, (_v, cover) in enumerate(candidates[g]):
            for k, minutes in cover.items():
                have[k] += minutes * counts[g, index]
        short[g] = [_need_minutes(req, g, k) - have[k] for k in range(req.n_intervals)]
    for key in sorted(values, key=lambda key: counts[key] - values[key]):
        cover = candidates[key[0]][key[1]][1]
        if values[key] - counts[key] > 1e-6 and any(short[key[0]][k] > 0 for k in cover) \
                and all(used[i] < groups[i][0] for i in member[key]):
            counts[key] += 1
            for i in member[key]:
                used[i] += 1
            for k, minutes in cover.items():
                short[key[0]][k] -= minutes
    return counts


def _limit_groups(candidates: dict, limits: ShiftLimits) -> list[tuple[int, list]]:
    """(cap, variable keys) of every limit."""
    by = defaultdict(list)
    for g, options in candidates.items():
        for index, (v, _) in enumerate(options):
            by["h", v.template].append((g, index))
            by["d", v.template, v.day].append((g, index))
            by["g", g, v.template, v.day].append((g, index))
            by["G", g, v.template].append((g, index))
    out = []
    for key, members in by.items():
        if key[0] == "h" and key[1] in limits.per_horizon:
            out.append((limits.per_horizon[key[1]], members))
        elif key[0] == "d" and key[1] in limits.per_day:
            out.append((limits.per_day[key[1]], members))
        elif key[0] == "g":
            out.append((limits.per_group_day.get((key[1], key[2]), 0), members))
        elif key[0] == "G" and limits.per_group_horizon:
            out.append((limits.per_group_horizon.get((key[1], key[2]), 0), members))
    return out


def _prune(req: Requirement, candidates: dict, counts: dict) -> dict:
    """Drop rounded-up shifts, dearest and most fractional first, while nothing is short."""
    for g in req.groups:
        have = [0] * req.n_intervals
        for index, (_variant, cover) in enumerate(candidates[g]):
            for k, minutes in cover.items():
                have[k] += minutes * counts[g, index]
        need = [_need_minutes(req, g, k) for k in range(req.n_intervals)]
        order = sorted((i for i in range(len(candidates[g])) if counts[g, i]),
                       key=lambda i: -candidates[g][i][0].cost)
        for index in order:
            cover = candidates[g][index][1]
            while counts[g, index] and all(have[k] - m >= need[k] for k, m in cover.items()):
                counts[g, index] -= 1
                for k, m in cover.items():
                    have[k] -= m
    return counts


def _diagnose(req, candidates, options) -> list:
    """Which group's heads limits make the model infeasible (each relaxed in turn)."""
    found = []
    for g in req.groups:
        if g not in req.min_heads and g not in req.max_heads:
            continue
        status = _Built(req, candidates, relax=(g,)).solve(options.time_limit, options)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found.append(explain.problem("min_heads_conflict", group=g))
    return found or [explain.problem("no_plan")]


def _head_bound(req: Requirement, g: str) -> int:
    top = max((float(v) for v in req.need[g]), default=0.0)
    for limits in (req.max_heads.get(g), req.min_heads.get(g)):
        if limits:
            top = max(top, max(limits))
    return int(math.ceil(top)) + 1


def _head_limits(model, req: Requirement, g: str, k: int, expr) -> None:
    im = req.interval_minutes
    low = req.min_heads.get(g)
    if low and low[k % len(low)] > 0:
        model.add(expr >= low[k % len(low)] * im)
    high = req.max_heads.get(g)
    if high:
        model.add(expr <= high[k % len(high)] * im)


def _smoothness(model, req: Requirement, coverage) -> list:
    terms = []
    for g in req.groups:
        for k in range(req.n_intervals - 1):
            if req.need[g][k] <= 0 or req.need[g][k + 1] <= 0:
                continue
            jump = (coverage[g, k + 1] - _need_minutes(req, g, k + 1)) - \
                (coverage[g, k] - _need_minutes(req, g, k))
            s = model.new_int_var(0, 10 ** 7, f"s_{g}_{k}")
            model.add(s >= jump)
            model.add(s >= -jump)
            terms.append(s)
    return terms


def _read_plan(req, candidates, counts, notes) -> ShiftPlan:
    shifts, coverage = [], {g: [0] * req.n_intervals for g in req.groups}
    for g in req.groups:
        for index, (variant, cover) in enumerate(candidates[g]):
            count = counts[g, index]
            if count <= 0:
                continue
            shifts.append(PlannedShift(g, variant, count))
            for k, minutes in cover.items():
                coverage[g][k] += minutes * count
    shifts.sort(key=lambda s: (s.group, s.variant.day, s.variant.start, s.variant.template))
    totals = compute_totals(req, coverage, [(s.variant.paid_minutes, s.variant.cost, s.count)
                                            for s in shifts])
    return ShiftPlan(req, shifts, coverage, totals, "feasible", 0.0, list(notes))
