"""Why a schedule or roster cannot be made, in words a planner can act on.

Two sources: checks of the input before solving (a group no template may work, heads limits
that contradict each other, an agent whose contract cannot be met on the days left), and,
when the solver still proves the model infeasible, the *core* of the hard rules it needed to
drop: every rule family is switched on by an assumption literal, and CP-SAT names a set of
them that cannot hold together (``sufficient_assumptions_for_infeasibility``).

A :class:`~.model.Problem` carries a code and values so the web layer can translate it; its
``text`` is the English sentence used on the command line.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from .model import Problem, Requirement, ShiftTemplate, clock
from .variants import variants_of, working_minutes

#: Codes that make the input impossible to solve (the others are warnings).
FATAL = {"no_templates", "no_template_for_group", "min_above_max", "min_heads_uncoverable",
         "no_plan", "time_limit", "agent_no_shift", "agent_hours_unreachable",
         "agent_rules_conflict", "min_heads_conflict"}

TEXTS = {
    "no_templates": "No shift template is defined.",
    "no_template_for_group": "Group {group} has a requirement but no shift template may be "
                             "worked by it.",
    "uncovered_intervals": "No shift of group {group} covers {count} interval(s) with a "
                           "requirement, from {first}.",
    "min_above_max": "Group {group}: at least {low} heads are asked for at {at} but at most "
                     "{high} are allowed.",
    "min_heads_uncoverable": "Group {group}: {low} heads are required at {at}, but no shift "
                             "template covers that time.",
    "min_heads_conflict": "Group {group}: the minimum and maximum heads cannot both hold "
                          "with these shift lengths.",
    "no_plan": "The solver found no plan that keeps every hard rule.",
    "time_limit": "No plan was found within the time limit of {seconds} s; allow more time "
                  "or offer fewer shift starts.",
    "agent_no_shift": "{agent} has no shift to work: none of their skill groups ({groups}) "
                      "has a planned shift their contract allows.",
    "agent_hours_unreachable": "{agent} must work at least {need} h, but with {days} working "
                               "day(s) left (days off, at most {max_days} days, at most "
                               "{max_consecutive} in a row) and shifts of at most {longest} h "
                               "paid, only {reachable} h are possible.",
    "agent_rules_conflict": "{agent}: {rules} cannot all hold together.",
    "supply_short": "The agents' contracts allow at most {supply} h but the requirement asks "
                    "for {need} h on the phones; expect under-staffing.",
}

RULE_TEXTS = {
    "min_hours": "at least {hours} h of work",
    "days_off": "days off on {days}",
    "max_days": "at most {count} working days",
    "consecutive": "at most {count} days in a row",
    "rest": "{hours} h of rest between shifts",
}


def problem(code: str, **params) -> Problem:
    """A :class:`Problem` with its English text."""
    return Problem(code, params, TEXTS[code].format(**params))


def _label(req: Requirement, k: int) -> str:
    minute = k * req.interval_minutes
    return f"d{minute // 1440 + 1} {clock(minute)}"


def check_schedule_input(req: Requirement, templates: list[ShiftTemplate]) -> list[Problem]:
    """Problems visible before solving a shift plan."""
    if not templates:
        return [problem("no_templates")]
    problems = []
    covered = {}
    for g in req.groups:
        mine = [t for t in templates if t.allows(g)]
        if not mine and any(v > 0 for v in req.need[g]):
            problems.append(problem("no_template_for_group", group=g))
            continue
        reach = set()
        for t in mine:
            for v in variants_of(t, req.n_days, req.interval_minutes, req.weekday):
                reach.update(working_minutes(v, req.interval_minutes, req.n_intervals))
        covered[g] = reach
        missing = [k for k in range(req.n_intervals) if req.need[g][k] > 0 and k not in reach]
        if missing:
            problems.append(problem("uncovered_intervals", group=g, count=len(missing),
                                    first=_label(req, missing[0])))
        problems.extend(_heads_checks(req, g, reach))
    return problems


def _heads_checks(req: Requirement, g: str, reach: set) -> list[Problem]:
    out = []
    low, high = req.min_heads.get(g), req.max_heads.get(g)
    for k in range(req.n_intervals):
        lo = low[k % len(low)] if low else 0
        hi = high[k % len(high)] if high else None
        if hi is not None and lo > hi:
            return [problem("min_above_max", group=g, low=lo, high=hi, at=_label(req, k))]
        if lo > 0 and k not in reach:
            return [problem("min_heads_uncoverable", group=g, low=lo, at=_label(req, k))]
    return out


def core(solver: cp_model.CpSolver, literals: dict) -> list:
    """Keys of ``literals`` whose rules CP-SAT needed to drop to find a solution."""
    by_index = {lit.index: key for key, lit in literals.items()}
    return [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()
            if i in by_index]


def _max_days(available: list[bool], max_days: int, max_consecutive: int, before: int) -> int:
    """Most days that can be worked: available days, at most ``max_consecutive`` in a row."""
    best, run = 0, min(before, max_consecutive)
    for free in available:
        if free and run < max_consecutive:
            best, run = best + 1, run + 1
        else:
            run = 0
    return min(best, max_days)


def check_roster_input(req: Requirement, keys: list, agents: list,
                       templates: dict[str, ShiftTemplate]) -> list[Problem]:
    """Problems visible before rostering: agents without shifts, hours out of reach, supply."""
    problems = []
    supply = 0.0
    for agent in agents:
        contract = agent.contract
        mine = [k for k in keys if k.group in agent.groups
                and (not contract.templates or k.template in contract.templates)]
        if not mine:
            if contract.min_minutes > 0:
                problems.append(problem("agent_no_shift", agent=agent.name,
                                        groups=", ".join(agent.groups) or "-"))
            continue
        longest = {}
        for k in mine:
            longest[k.day] = max(longest.get(k.day, 0), templates[k.template].paid_minutes)
        available = [d in longest and d not in agent.days_off for d in range(req.n_days)]
        days = _max_days(available, contract.max_days, contract.max_consecutive_days,
                         agent.worked_days_before)
        top = max(longest.values())
        reachable = min(days * top, contract.max_minutes)
        supply += reachable
        if reachable < contract.min_minutes:
            problems.append(problem(
                "agent_hours_unreachable", agent=agent.name, need=_h(contract.min_minutes),
                days=days, max_days=contract.max_days,
                max_consecutive=contract.max_consecutive_days, longest=_h(top),
                reachable=_h(reachable)))
    need = sum(float(v) for g in req.groups for v in req.need[g]) * req.interval_minutes
    if supply < need:
        problems.append(problem("supply_short", supply=_h(supply), need=_h(need)))
    return problems


def _h(minutes: float) -> str:
    return f"{minutes / 60:g}"


def roster_core(agents: list, core_keys: list) -> list[Problem]:
    """Explain an infeasible roster from the assumption core: per agent, the clashing rules."""
    by_id = {a.id: a for a in agents}
    rules = {}
    for agent_id, rule in core_keys:
        rules.setdefault(agent_id, []).append(rule)
    out = []
    for agent_id, names in rules.items():
        agent = by_id[agent_id]
        contract = agent.contract
        texts = []
        for rule in sorted(set(names)):
            if rule == "min_hours":
                texts.append(rule_text("min_hours", hours=_h(contract.min_minutes)))
            else:
                texts.append(rule_text("days_off", days=", ".join(
                    f"d{d + 1}" for d in sorted(agent.days_off))))
        texts.append(rule_text("max_days", count=contract.max_days))
        texts.append(rule_text("consecutive", count=contract.max_consecutive_days))
        texts.append(rule_text("rest", hours=_h(contract.min_rest_minutes)))
        out.append(Problem("agent_rules_conflict", {"agent": agent.name, "rules": texts},
                           TEXTS["agent_rules_conflict"].format(agent=agent.name,
                                                                rules="; ".join(texts))))
    return out


def rule_text(rule: str, **params) -> str:
    """English text of one hard rule of a contract."""
    return RULE_TEXTS[rule].format(**params)
