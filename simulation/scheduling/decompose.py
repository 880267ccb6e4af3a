"""A good first roster in two small steps, as the starting point of the full roster model.

The full model (:mod:`.roster`) is too large for CP-SAT to find good rosters quickly from
nothing (a week of 150 agents has some 8,000 assignment booleans). So:

1. **Working days** (CP-SAT, one boolean per agent, day and skill-group/template option):
   which days each agent works and in which group, against the plan's shift counts per
   day, group and template; with the contract rules that concern days (hours range, days,
   days in a row, approved days off), days off asked for, fair weekends, secondary groups
   and proficiency. It has about a seventh of the full model's booleans.
2. **Starts, day by day** (exact for one day): the day's planned shifts, latest start first,
   go to the agents whose rest since yesterday's shift allows them and who are ready
   latest (an agent ready early can take any later shift); late shifts go first to agents
   who are off tomorrow, so tomorrow's early shifts keep their takers.

The result is a dict {shift key index: [agent indexes]} that keeps every hard rule except,
rarely, a minimum-hours rule (when rest made a planned day impossible); the full model
starts from it and repairs or improves it.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from .model import WEEKEND

SCALE = 100


def working_days(built, plan_counts: dict, seconds: float, workers: int, seed: int) -> dict:
    """Step 1: {(agent, day): (group, template)} for the days each agent works."""
    req, agents, templates = built.req, built.agents, built.templates
    model = cp_model.CpModel()
    options = defaultdict(set)  # agent → {(group, template)}
    for j, key in enumerate(built.keys):
        for a in built.takers[j]:
            options[a].add((key.group, key.template))
    y, worked = {}, {}
    demand = defaultdict(list)
    objective = []
    hour = sum(t.cost_per_hour for t in templates.values()) / max(len(templates), 1)
    opts = built.options
    for a, agent in enumerate(agents):
        contract = agent.contract
        days = []
        paid = []
        for d in range(req.n_days):
            mine = []
            for group, template in sorted(options[a]):
                if not any(k.day == d and k.group == group and k.template == template
                           for k in _keys_of(built, d)):
                    continue
                var = model.new_bool_var("")
                y[a, d, group, template] = var
                demand[d, group, template].append(var)
                mine.append(var)
                minutes = templates[template].paid_minutes
                paid.append(minutes * var)
                weight = -opts.proficiency * agent.proficiency_in(group)
                if agent.groups and group != agent.groups[0]:
                    weight += opts.secondary_group
                objective.append(int(round((templates[template].cost_per_hour + weight * hour)
                                           * minutes / 60 * SCALE)) * var)
            w = model.new_bool_var("")
            model.add(sum(mine) == w) if mine else model.add(w == 0)
            worked[a, d] = w
            days.append(w)
            if d in agent.days_off:
                model.add(w == 0)
            if d in agent.days_off_wanted:
                objective.append(int(round(opts.day_off_wish * hour * SCALE)) * w)
        model.add(sum(paid) <= contract.max_minutes)
        model.add(sum(paid) >= contract.min_minutes)
        model.add(sum(days) <= contract.max_days)
        limit = contract.max_consecutive_days
        history = min(agent.worked_days_before, limit)
        if history:
            model.add(sum(days[:limit - history + 1]) <= limit - history)
        for first in range(0, len(days) - limit):
            model.add(sum(days[first:first + limit + 1]) <= limit)
    dearest = max(t.cost_per_hour * t.paid_minutes / 60 for t in templates.values())
    for (d, group, template), takers in demand.items():
        wanted = plan_counts.get((d, group, template), 0)
        short = model.new_int_var(0, max(wanted, 0), "")
        model.add(short >= wanted - sum(takers))
        minutes = templates[template].paid_minutes
        objective.append(int(round((2 * dearest + 1) * minutes / 60 * SCALE * 10)) * short)
    _fair(model, req, agents, worked, objective, int(round(opts.weekend_spread * hour * SCALE)))
    model.minimize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {}
    return {(a, d): (group, template) for (a, d, group, template), var in y.items()
            if solver.value(var)}


def _keys_of(built, day: int) -> list:
    cache = built.__dict__.setdefault("_keys_by_day", {})
    if day not in cache:
        cache[day] = [k for k in built.keys if k.day == day]
    return cache[day]


def _fair(model, req, agents, worked, objective, weight) -> None:
    weekend = [d for d in range(req.n_days) if req.weekday(d) in WEEKEND]
    if not weekend or len(agents) < 2:
        return
    top = len(weekend) + max(a.weekend_days_before for a in agents)
    most, fewest = model.new_int_var(0, top, ""), model.new_int_var(0, top, "")
    for a, agent in enumerate(agents):
        count = sum(worked[a, d] for d in weekend) + agent.weekend_days_before
        model.add(most >= count)
        model.add(fewest <= count)
    objective.append(weight * (most - fewest))


def starts_by_day(built, days: dict, plan_keys: dict) -> dict[int, list[int]]:
    """Step 2: {shift key index: [agents]} from the working days, one day after another."""
    chosen: dict[int, list[int]] = defaultdict(list)
    ready = {}  # agent → earliest minute of the horizon they may start again
    for d in range(built.req.n_days):
        by_option = defaultdict(list)
        for (a, day), option in days.items():
            if day == d:
                by_option[option].append(a)
        for (group, template), people in by_option.items():
            keys = sorted((j for j, k in enumerate(built.keys) if k.day == d and
                           k.group == group and k.template == template),
                          key=lambda j: -built.keys[j].start)
            _place(built, d, keys, people, plan_keys, days, ready, chosen)
    return chosen


def _place(built, d, keys, people, plan_keys, days, ready, chosen) -> None:
    free = set(people)
    length = {j: built.templates[built.keys[j].template].length_minutes for j in keys}
    for j in keys:
        begin = d * 1440 + built.keys[j].start
        eligible = [a for a in free if ready.get(a, -10 ** 9) <= begin]
        eligible.sort(key=lambda a: ((a, d + 1) in days, -ready.get(a, -10 ** 9), a))
        for a in eligible[:plan_keys.get(j, 0)]:
            _take(built, a, j, begin + length[j], free, ready, chosen)
    for a in sorted(free):
        fits = [j for j in keys if ready.get(a, -10 ** 9) <= d * 1440 + built.keys[j].start]
        if fits:
            j = max(fits, key=lambda j: (plan_keys.get(j, 0), -built.keys[j].start))
            _take(built, a, j, d * 1440 + built.keys[j].start + length[j], free, ready,
                  chosen)


def _take(built, a, j, end, free, ready, chosen) -> None:
    chosen[j].append(a)
    free.discard(a)
    ready[a] = end + built.agents[a].contract.min_rest_minutes
