"""Rostering job kinds: solve a shift plan (and roster named agents), verify by simulation.

Parameters are plain data (the requirement, template keys, agents, the scenario YAML), so
any worker can run them without reading rostering tables. A requirement the solver cannot
meet is a result with its problems, not a failed job: the planner reads why.
"""

import logging

import scenarios
from lms.jobs import register
from lms.rostering.service import TEMPLATES
from lms.rostering.shift_templates import template_from
from simulation.scheduling import (
    Agent,
    Contract,
    InfeasibleError,
    Requirement,
    RosterOptions,
    ScheduleOptions,
    limits_from_agents,
    roster_agents,
    schedule_shifts,
)
from simulation.scheduling.verify import verify

log = logging.getLogger("lms.rostering")


def _variant(v) -> dict:
    return {"template": v.template, "day": v.day, "start": v.start, "length": v.length,
            "breaks": [list(b) for b in v.breaks], "paid_minutes": v.paid_minutes,
            "label": v.label()}


def _problems(error: InfeasibleError) -> list[dict]:
    return [{"code": p.code, "text": p.text} for p in error.problems]


def _agent(a: dict) -> Agent:
    """An agent of the job's parameters (``lms.rostering.people.agent_params``)."""
    spec = a.get("contract")
    contract = Contract() if spec is None else Contract(
        spec["name"], spec["min_minutes"], spec["max_minutes"], spec["max_days"],
        spec["max_consecutive_days"], spec["min_rest_minutes"], tuple(spec["templates"]))
    proficiency = ({g: float(a["proficiency"]) for g in a["groups"]}
                   if a.get("proficiency") is not None else {})
    return Agent(a["id"], a["name"], tuple(a["groups"]), contract, proficiency,
                 frozenset(a.get("days_off") or ()), frozenset(a.get("days_off_wanted") or ()))


@register("rostering.solve")
def solve(params: dict, progress) -> dict:
    """Shift plan on the requirement; with agents, also their roster."""
    spec = params["requirement"]
    req = Requirement(tuple(spec["groups"]), spec["interval_minutes"],
                      {g: tuple(v) for g, v in spec["need"].items()})
    specs = params.get("template_specs")
    templates = ([template_from(specs[k]) for k in params["templates"]] if specs is not None
                 else [TEMPLATES[k][1] for k in params["templates"]])
    seconds = float(params["time_limit"])
    agents = [_agent(a) for a in params["agents"]]
    limits = limits_from_agents(agents, templates) if agents else None
    try:
        plan = schedule_shifts(req, templates, ScheduleOptions(
            time_limit=seconds, smooth_time_limit=max(1.0, seconds / 4)), limits)
    except InfeasibleError as error:
        return {"problems": _problems(error)}
    progress(0.5)
    out = {"plan": {"status": plan.status, "seconds": round(plan.seconds, 2),
                    "totals": plan.totals.as_dict(), "coverage": plan.coverage,
                    "shifts": [{"group": s.group, "count": s.count, **_variant(s.variant)}
                               for s in plan.shifts]}}
    if agents:
        try:
            roster = roster_agents(req, plan, agents, templates, RosterOptions(time_limit=seconds))
        except InfeasibleError as error:
            out["roster_problems"] = _problems(error)
            return out
        out["roster"] = {"status": roster.status, "seconds": round(roster.seconds, 2),
                         "totals": roster.totals.as_dict(), "coverage": roster.coverage,
                         "agents": roster.agents,
                         "assignments": [{"agent_id": x.agent_id, "group": x.group,
                                          **_variant(x.variant)} for x in roster.assignments]}
    log.info("plan %s solved: %s", params.get("plan_id"), plan.status)
    return out


@register("rostering.verify")
def verify_plan(params: dict, progress) -> dict:
    """Simulate the scenario staffed with the plan's heads; keep the cells that miss."""
    s = scenarios.validate(params["yaml"])
    done = {"n": 0}

    def step(*_args):
        done["n"] += 1
        progress(min(0.99, done["n"] / params["replications"]))

    checked = verify(s, params["heads"], replications=params["replications"],
                     seed=params["seed"], progress=step).as_dict()
    checked["rows"] = [row for row in checked["rows"] if row["miss"]]
    return checked
