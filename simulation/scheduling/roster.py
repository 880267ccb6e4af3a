"""Rostering named agents with OR-Tools CP-SAT: who works which shift, under their contracts.

Input: a requirement, a shift plan (its shifts are the candidate shift *keys* = group, day,
template, start; for any group, day and template an agent may work that the plan left out, a
spare key at the start covering most need is added), the shift templates and the agents.
The search starts from a first roster made in two small steps (:mod:`.decompose`). Model:

* ``z[a, key]`` = 1 when agent ``a`` works shift ``key`` (only in the agent's skill groups and
  in templates the contract allows); at most one shift per agent and day;
* breaks are placed per shift key by the solver: ``m[key, layout]`` agents of the key take
  each break layout (``Σ m = Σ_a z``), so coverage per interval is exact;
* hard rules per agent: paid minutes within the contract's range, at most ``max_days``
  working days, at most ``max_consecutive_days`` in a row (counting the days worked just
  before the horizon), at least ``min_rest_minutes`` between the end of a shift and the
  start of the next, approved days off;
* objective, in order of weight: weighted under-staffing against the requirement (as in
  :mod:`.shifts`), then cost, days off asked for but not given, fair weekends (the spread
  between the agents with most and fewest weekend days, counting earlier rosters), the
  agent's secondary skill groups, and proficiency (a proficient agent is preferred).

The minimum hours and the approved days off are switched on by assumption literals: when the
rules cannot hold together, the solver's infeasibility core names the agents and rules
(:mod:`.explain`); before solving, simple counting catches the obvious cases.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from . import decompose, explain
from .model import WEEKEND, Agent, InfeasibleError, Requirement, ShiftTemplate, ShiftVariant
from .shifts import ShiftPlan
from .totals import Totals, compute_totals, interval_rows
from .variants import break_layouts, working_minutes

SCALE = 100


@dataclass(frozen=True)
class RosterOptions:
    """Solver settings and the weights of the soft rules (in hours of average shift cost)."""

    time_limit: float = 30.0
    workers: int = 2
    seed: int = 1
    day_off_wish: float = 2.0       # per day off asked for and not given
    weekend_spread: float = 1.0     # per weekend day between most and fewest
    secondary_group: float = 0.02   # per paid hour in a group that is not the agent's first
    proficiency: float = 0.05       # bonus per paid hour × proficiency


@dataclass(frozen=True)
class ShiftKey:
    """A shift without its break layout: group, day, template and start."""

    group: str
    day: int
    template: str
    start: int


@dataclass(frozen=True)
class Assignment:
    """Agent ``agent_id`` works ``variant`` in ``group``."""

    agent_id: str
    group: str
    variant: ShiftVariant


@dataclass
class Roster:
    """Named assignments, coverage per group and interval, totals and per-agent figures."""

    requirement: Requirement
    assignments: list[Assignment]
    coverage: dict[str, list[int]]
    totals: Totals
    agents: dict[str, dict]
    status: str
    seconds: float
    notes: list = field(default_factory=list)

    def rows(self) -> dict[str, list[dict]]:
        """Per group and interval: required, rostered and their difference (heads)."""
        return interval_rows(self.requirement, self.coverage)

    def heads(self, group: str) -> list[float]:
        """Heads on the phones per interval."""
        im = self.requirement.interval_minutes
        return [m / im for m in self.coverage[group]]

    def of_agent(self, agent_id: str) -> list[Assignment]:
        """One agent's shifts in time order."""
        return sorted((a for a in self.assignments if a.agent_id == agent_id),
                      key=lambda a: a.variant.begin)


def shift_keys(plan: ShiftPlan) -> list[ShiftKey]:
    """The distinct shift keys of a plan, in time order."""
    keys = {ShiftKey(s.group, s.variant.day, s.variant.template, s.variant.start)
            for s in plan.shifts}
    return sorted(keys, key=lambda k: (k.day, k.start, k.group, k.template))


def spare_keys(req: Requirement, keys: list[ShiftKey], agents: list[Agent],
               templates: dict[str, ShiftTemplate]) -> list[ShiftKey]:
    """Extra shift keys so that every agent can reach their hours: for each group, day and
    template someone may work that the plan left out, the start covering the most need."""
    have = {(k.group, k.day, k.template) for k in keys}
    wanted = set()
    for agent in agents:
        names = agent.contract.templates or tuple(templates)
        for g in agent.groups:
            for name in names:
                if name in templates and templates[name].allows(g):
                    wanted.update((g, d, name) for d in range(req.n_days)
                                  if req.weekday(d) in templates[name].weekdays)
    extra = []
    for g, d, name in sorted(wanted - have):
        if g not in req.need:
            continue
        t = templates[name]
        best = max(t.starts(), key=lambda start: (_need_covered(req, g, d, start, t), -start))
        extra.append(ShiftKey(g, d, name, best))
    return extra


def _need_covered(req: Requirement, g: str, day: int, start: int, t: ShiftTemplate) -> float:
    first = (day * 1440 + start) // req.interval_minutes
    last = min(req.n_intervals, (day * 1440 + start + t.length_minutes) // req.interval_minutes)
    return sum(float(v) for v in req.need[g][first:last])


class _Model:
    """The CP-SAT model of one roster (built once, solved once or twice)."""

    def __init__(self, req: Requirement, keys: list[ShiftKey], agents: list[Agent],
                 templates: dict[str, ShiftTemplate], options: RosterOptions):
        self.req, self.keys, self.agents, self.templates = req, keys, agents, templates
        self.options = options
        self.model = cp_model.CpModel()
        self.z: dict[tuple[int, int], cp_model.IntVar] = {}
        self.by_day: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.of_agent: dict[int, list[int]] = defaultdict(list)
        self.takers: dict[int, list[int]] = defaultdict(list)
        self.worked: dict[int, list] = {}
        self.literals: dict[tuple[str, str], cp_model.IntVar] = {}
        self.layouts = {name: break_layouts(t, req.interval_minutes)
                        for name, t in templates.items()}
        self.m: dict[tuple[int, int], cp_model.IntVar] = {}
        self.under: dict[tuple[str, int], tuple] = {}
        self.weekend: tuple | None = None
        self.objective = []
        self._hour_cost = (sum(t.cost_per_hour for t in templates.values())
                           / max(len(templates), 1))

    def variant(self, key: ShiftKey, layout) -> ShiftVariant:
        t = self.templates[key.template]
        return ShiftVariant(t.name, key.day, key.start, t.length_minutes, layout,
                            t.paid_minutes, t.cost_per_hour * t.paid_minutes / 60.0)

    def allowed(self, agent: Agent, key: ShiftKey) -> bool:
        contract = agent.contract
        return key.group in agent.groups and (not contract.templates
                                               or key.template in contract.templates)

    def build(self) -> None:
        for a, agent in enumerate(self.agents):
            for j, key in enumerate(self.keys):
                if self.allowed(agent, key):
                    self.z[a, j] = self.model.new_bool_var(f"z_{a}_{j}")
                    self.by_day[a, key.day].append(j)
                    self.of_agent[a].append(j)
                    self.takers[j].append(a)
        self._coverage()
        for a, agent in enumerate(self.agents):
            self._agent_rules(a, agent)
        self._fair_weekends()

    def _coverage(self) -> None:
        req, model = self.req, self.model
        terms = defaultdict(list)
        dearest = max((t.cost_per_hour * t.paid_minutes / 60.0 for t in self.templates.values()),
                      default=1.0)
        for j, key in enumerate(self.keys):
            takers = [self.z[a, j] for a in self.takers[j]]
            if not takers:
                continue
            layouts = self.layouts[key.template] or [()]
            parts = []
            for index, layout in enumerate(layouts):
                var = model.new_int_var(0, len(takers), f"m_{j}_{index}")
                self.m[j, index] = var
                parts.append(var)
                cover = working_minutes(self.variant(key, layout), req.interval_minutes,
                                        req.n_intervals)
                for k, minutes in cover.items():
                    terms[key.group, k].append(minutes * var)
            model.add(sum(parts) == sum(takers))
            t = self.templates[key.template]
            self.objective.append(int(round(t.cost_per_hour * t.paid_minutes / 60 * SCALE))
                                  * sum(takers))
        big = int(math.ceil((2 * dearest + 1) * SCALE))
        for g in req.groups:
            for k in range(req.n_intervals):
                need = int(round(max(0.0, float(req.need[g][k])) * req.interval_minutes))
                if not need:
                    continue
                u = model.new_int_var(0, need, f"u_{g}_{k}")
                model.add(u + sum(terms[g, k]) >= need)
                self.objective.append(int(round(big * req.weight(g, k))) * u)
                self.under[g, k] = (u, need)

    def _agent_rules(self, a: int, agent: Agent) -> None:
        model, req, contract = self.model, self.req, agent.contract
        days = range(req.n_days)
        worked = []
        for d in days:
            mine = [self.z[a, j] for j in self.by_day[a, d]]
            w = model.new_bool_var(f"w_{a}_{d}")
            model.add(sum(mine) == w) if mine else model.add(w == 0)
            worked.append(w)
        self.worked[a] = worked
        paid = sum(self.templates[self.keys[j].template].paid_minutes * self.z[a, j]
                   for j in self.of_agent[a])
        model.add(paid <= contract.max_minutes)
        if contract.min_minutes > 0:
            lit = self._literal(agent, "min_hours")
            model.add(paid >= contract.min_minutes).only_enforce_if(lit)
        model.add(sum(worked) <= contract.max_days)
        self._consecutive(agent, worked)
        self._rest(a, agent)
        if agent.days_off:
            lit = self._literal(agent, "days_off")
            for d in agent.days_off:
                if 0 <= d < req.n_days:
                    model.add(worked[d] == 0).only_enforce_if(lit)
        wish = int(round(self.options.day_off_wish * self._hour_cost * SCALE))
        for d in agent.days_off_wanted - agent.days_off:
            if 0 <= d < req.n_days:
                self.objective.append(wish * worked[d])
        self._preferences(a, agent)

    def _consecutive(self, agent: Agent, worked: list) -> None:
        limit = agent.contract.max_consecutive_days
        n = len(worked)
        history = min(agent.worked_days_before, limit)
        if history:
            head = limit - history + 1
            self.model.add(sum(worked[:head]) <= limit - history)
        for first in range(0, n - limit):
            self.model.add(sum(worked[first:first + limit + 1]) <= limit)

    def _rest(self, a: int, agent: Agent) -> None:
        rest = agent.contract.min_rest_minutes
        for j in self.of_agent[a]:
            key = self.keys[j]
            end = key.day * 1440 + key.start + self.templates[key.template].length_minutes
            for later_day in (key.day + 1, key.day + 2):
                clash = [self.z[a, jj] for jj in self.by_day.get((a, later_day), [])
                         if later_day * 1440 + self.keys[jj].start - end < rest]
                if clash:
                    self.model.add(self.z[a, j] + sum(clash) <= 1)

    def _preferences(self, a: int, agent: Agent) -> None:
        for j in self.of_agent[a]:
            var = self.z[a, j]
            key = self.keys[j]
            hours = self.templates[key.template].paid_minutes / 60.0
            weight = -self.options.proficiency * agent.proficiency_in(key.group)
            if agent.groups and key.group != agent.groups[0]:
                weight += self.options.secondary_group
            coefficient = int(round(weight * hours * self._hour_cost * SCALE))
            if coefficient:
                self.objective.append(coefficient * var)

    def _fair_weekends(self) -> None:
        weekend_days = [d for d in range(self.req.n_days) if self.req.weekday(d) in WEEKEND]
        if not weekend_days or len(self.agents) < 2:
            return
        top = len(weekend_days) + max(a.weekend_days_before for a in self.agents)
        most = self.model.new_int_var(0, top, "weekend_most")
        fewest = self.model.new_int_var(0, top, "weekend_fewest")
        for a, agent in enumerate(self.agents):
            count = sum(self.worked[a][d] for d in weekend_days) + agent.weekend_days_before
            self.model.add(most >= count)
            self.model.add(fewest <= count)
        weight = int(round(self.options.weekend_spread * self._hour_cost * SCALE))
        self.objective.append(weight * (most - fewest))
        self.weekend = (most, fewest, weekend_days)

    def _literal(self, agent: Agent, rule: str):
        lit = self.model.new_bool_var(f"rule_{agent.id}_{rule}")
        self.literals[agent.id, rule] = lit
        return lit

    def hint(self, chosen: dict) -> None:
        """Start the search from ``chosen`` = {key index: [agent indexes]} (a complete hint)."""
        model, req = self.model, self.req
        for lit in self.literals.values():
            model.add_hint(lit, 1)
        picked = {(a, j) for j, agents in chosen.items() for a in agents}
        for (a, j), var in self.z.items():
            model.add_hint(var, 1 if (a, j) in picked else 0)
        coverage = defaultdict(int)
        for (j, index), var in self.m.items():
            count = len(chosen.get(j, [])) if index == 0 else 0
            model.add_hint(var, count)
            if count:
                key = self.keys[j]
                layout = (self.layouts[key.template] or [()])[0]
                for k, minutes in working_minutes(self.variant(key, layout),
                                                  req.interval_minutes, req.n_intervals).items():
                    coverage[key.group, k] += minutes * count
        for (g, k), (u, need) in self.under.items():
            model.add_hint(u, max(0, need - coverage[g, k]))
        days = defaultdict(set)
        for a, j in picked:
            days[a].add(self.keys[j].day)
        for a, worked in self.worked.items():
            for d, w in enumerate(worked):
                model.add_hint(w, 1 if d in days[a] else 0)
        if self.weekend is not None:
            most, fewest, weekend_days = self.weekend
            counts = [sum(1 for d in weekend_days if d in days[a]) + agent.weekend_days_before
                      for a, agent in enumerate(self.agents)]
            model.add_hint(most, max(counts))
            model.add_hint(fewest, min(counts))

    def solve(self, seconds: float, workers: int, with_assumptions: bool):
        self.model.minimize(sum(self.objective))
        self.model.clear_assumptions()
        if with_assumptions:
            self.model.add_assumptions(list(self.literals.values()))
        else:
            for lit in self.literals.values():
                self.model.add(lit == 1)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.5, seconds)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = self.options.seed
        return solver.solve(self.model), solver


def roster_agents(req: Requirement, plan: ShiftPlan, agents: list[Agent],
                  templates: list[ShiftTemplate],
                  options: RosterOptions | None = None) -> Roster:
    """Assign ``agents`` to the plan's shift keys (see the module docstring)."""
    options = options or RosterOptions()
    began = time.perf_counter()
    by_name = {t.name: t for t in templates}
    keys = shift_keys(plan)
    keys = sorted(keys + spare_keys(req, keys, agents, by_name),
                  key=lambda k: (k.day, k.start, k.group, k.template))
    problems = explain.check_roster_input(req, keys, agents, by_name)
    fatal = [p for p in problems if p.code in explain.FATAL]
    if fatal:
        raise InfeasibleError(fatal)
    built = _Model(req, keys, agents, by_name, options)
    built.build()
    built.hint(first_roster(built, plan, options.time_limit * 0.3))
    left = max(1.0, options.time_limit - (time.perf_counter() - began))
    status, solver = built.solve(left, options.workers, with_assumptions=False)
    if status == cp_model.INFEASIBLE:
        # The core is reliable from a single worker's core-based search.
        diagnose = _Model(req, keys, agents, by_name, options)
        diagnose.build()
        _, core_solver = diagnose.solve(min(options.time_limit, 20.0), 1, with_assumptions=True)
        raise InfeasibleError(explain.roster_core(agents, explain.core(core_solver,
                                                                       diagnose.literals))
                              or [explain.problem("no_plan")])
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleError([explain.problem("time_limit", seconds=options.time_limit)])
    roster = _read(built, solver, problems)
    roster.status = "optimal" if status == cp_model.OPTIMAL else "feasible"
    roster.seconds = time.perf_counter() - began
    return roster


def first_roster(built: _Model, plan: ShiftPlan, seconds: float) -> dict[int, list[int]]:
    """Working days then starts (:mod:`.decompose`); the greedy when that finds nothing."""
    index = {key: j for j, key in enumerate(built.keys)}
    per_key, per_option = defaultdict(int), defaultdict(int)
    for shift in plan.shifts:
        v = shift.variant
        per_key[index[ShiftKey(shift.group, v.day, v.template, v.start)]] += shift.count
        per_option[v.day, shift.group, v.template] += shift.count
    days = decompose.working_days(built, per_option, seconds, built.options.workers,
                                  built.options.seed)
    if not days:
        return greedy_assignment(built, plan)
    return decompose.starts_by_day(built, days, per_key)


def greedy_assignment(built: _Model, plan: ShiftPlan) -> dict[int, list[int]]:
    """A first roster: day by day, each planned shift to the free agent furthest from their
    minimum hours (primary group first), keeping every hard rule; then agents still short
    of their minimum hours take extra shifts of their groups where the rules allow."""
    index = {key: j for j, key in enumerate(built.keys)}
    wanted = defaultdict(int)
    for shift in plan.shifts:
        v = shift.variant
        wanted[index[ShiftKey(shift.group, v.day, v.template, v.start)]] += shift.count
    state = [{"minutes": 0, "days": set(), "before": a.worked_days_before, "ends": {}}
             for a in built.agents]
    chosen: dict[int, list[int]] = defaultdict(list)

    def take(a: int, j: int) -> None:
        key, t = built.keys[j], built.templates[built.keys[j].template]
        chosen[j].append(a)
        st = state[a]
        st["minutes"] += t.paid_minutes
        st["days"].add(key.day)
        st["ends"][key.day] = (key.day * 1440 + key.start, key.day * 1440 + key.start
                               + t.length_minutes)

    for day in range(built.req.n_days):
        for j in sorted((j for j in wanted if built.keys[j].day == day),
                        key=lambda j: built.keys[j].start):
            fits = [a for a in built.takers[j] if _may_work(built, state[a], a, j)]
            fits.sort(key=lambda a: (built.agents[a].groups[0] != built.keys[j].group,
                                     state[a]["minutes"] - built.agents[a].contract.min_minutes,
                                     a))
            for a in fits[:wanted[j]]:
                take(a, j)
    for a, agent in enumerate(built.agents):
        for j in sorted(built.of_agent[a], key=lambda j: -wanted.get(j, 0)):
            if state[a]["minutes"] >= agent.contract.min_minutes:
                break
            if _may_work(built, state[a], a, j):
                take(a, j)
    return chosen


def _may_work(built: _Model, st: dict, a: int, j: int) -> bool:
    """True when agent ``a`` may take key ``j`` given what the greedy gave them so far."""
    agent, key = built.agents[a], built.keys[j]
    t = built.templates[key.template]
    contract = agent.contract
    if key.day in agent.days_off or key.day in st["days"] or len(st["days"]) >= \
            contract.max_days or st["minutes"] + t.paid_minutes > contract.max_minutes:
        return False
    days = st["days"] | {key.day}
    run = 0
    for d in range(-st["before"], built.req.n_days):
        run = run + 1 if (d < 0 or d in days) else 0
        if run > contract.max_consecutive_days:
            return False
    begin, end = key.day * 1440 + key.start, key.day * 1440 + key.start + t.length_minutes
    for other_begin, other_end in st["ends"].values():
        gap = begin - other_end if other_begin < begin else other_begin - end
        if gap < contract.min_rest_minutes:
            return False
    return True


def _read(built: _Model, solver, notes) -> Roster:
    req = built.req
    chosen = defaultdict(list)
    for (a, j), var in built.z.items():
        if solver.value(var):
            chosen[j].append(a)
    assignments, coverage = [], {g: [0] * req.n_intervals for g in req.groups}
    for j, takers in chosen.items():
        key = built.keys[j]
        layouts = built.layouts[key.template] or [()]
        pool = []
        for index, layout in enumerate(layouts):
            pool.extend([layout] * solver.value(built.m[j, index]))
        for a, layout in zip(sorted(takers), pool, strict=False):
            variant = built.variant(key, layout)
            assignments.append(Assignment(built.agents[a].id, key.group, variant))
            for k, minutes in working_minutes(variant, req.interval_minutes,
                                              req.n_intervals).items():
                coverage[key.group][k] += minutes
    assignments.sort(key=lambda x: (x.variant.begin, x.agent_id))
    totals = compute_totals(req, coverage, [(x.variant.paid_minutes, x.variant.cost, 1)
                                            for x in assignments])
    return Roster(req, assignments, coverage, totals, _per_agent(req, built.agents, assignments),
                  "feasible", 0.0, list(notes))


def _per_agent(req: Requirement, agents: list[Agent], assignments) -> dict[str, dict]:
    out = {a.id: {"name": a.name, "shifts": 0, "paid_hours": 0.0, "weekend_days": 0,
                  "days_off_wanted_given": 0, "days_off_wanted": len(a.days_off_wanted)}
           for a in agents}
    worked = defaultdict(set)
    for x in assignments:
        row = out[x.agent_id]
        row["shifts"] += 1
        row["paid_hours"] += x.variant.paid_minutes / 60.0
        worked[x.agent_id].add(x.variant.day)
        if req.weekday(x.variant.day) in WEEKEND:
            row["weekend_days"] += 1
    for a in agents:
        out[a.id]["days_off_wanted_given"] = len(a.days_off_wanted - worked[a.id])
    return out
