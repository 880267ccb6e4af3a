"""Required staff per interval and group: the simulation optimiser next to the current plan.

:func:`required_staff` runs :func:`simulation.optimiser.optimise_staffing` (Erlang A with caps,
then corrected by simulation on common random numbers) and lays its answer beside the plan in
the scenario: the gap (current − required scheduled agents) and, per interval, whether Erlang C
alone would have put too few (``under``) or too many (``over``) agents on the phones — only
where that is material (more than one agent, outside the confidence interval; see
:meth:`simulation.optimiser.StaffingResult.erlang_c_verdicts`).
:func:`erlang_c_plan` is the quick Erlang C answer drawn on the results page ("required").
"""

import dataclasses
import math

from scenarios import Scenario
from simulation.analytic import StaffingTargets, required_agents
from simulation.arrivals import expected_offered
from simulation.inputs import staff_factors
from simulation.optimiser import optimise_staffing
from simulation.parallel import InProcessBackend


def _owner_group(s: Scenario, queue: str) -> str:
    for group in s.groups:
        if group.skills and group.skills[0] == queue:
            return group.name
    for group in s.groups:
        if queue in group.skills:
            return group.name
    return s.groups[0].name


def _plan_of(s: Scenario, group: str) -> list[int]:
    agents = list(s.staffing_of(group).agents)
    return [agents[k % len(agents)] for k in range(s.n_intervals)]


def erlang_c_plan(s: Scenario) -> dict[str, list[int]]:
    """Scheduled agents per interval and group that Erlang C asks for."""
    hours = s.interval_seconds / 3600.0
    need = {g.name: [0.0] * s.n_intervals for g in s.groups}
    for q in s.queues:
        group = s.group(_owner_group(s, q.name))
        aht = q.handle_time_seconds.mean * group.handle_time_factor + q.after_call_work_seconds
        targets = StaffingTargets(q.service_level.fraction, q.service_level.seconds)
        for k, calls in enumerate(expected_offered(s, q.name)):
            need[group.name][k] += required_agents(calls / hours, aht, targets, model="C")
    plan = {}
    for group, per_interval in need.items():
        factors = staff_factors(s, s.staffing_of(group).shrinkage)
        plan[group] = [math.ceil(n / f) if f > 0 else int(n) for n, f in
                       zip(per_interval, factors, strict=True)]
    return plan


def with_plan(s: Scenario, plan: dict[str, list[int]]) -> Scenario:
    """``s`` with the staffing of every group replaced by ``plan``."""
    staffing = tuple(dataclasses.replace(p, agents=tuple(int(a) for a in plan[p.group]))
                     for p in s.staffing)
    return dataclasses.replace(s, staffing=staffing)


def required_staff(s: Scenario, seed: int, replications: int,
                   progress=lambda fraction, note=None: None) -> dict:
    """Current plan next to the simulation optimiser's requirement and Erlang C alone.

    ``progress(fraction, note)`` is called after every replication the optimiser runs.
    """
    found = optimise_staffing(s, replications=replications, seed=seed,
                              backend=InProcessBackend(), progress=progress)
    labels = [_clock(s, k) for k in range(s.n_intervals)]
    verdicts = found.erlang_c_verdicts()
    groups = []
    for g_index, g in enumerate(s.groups):
        current = _plan_of(s, g.name)
        rows = []
        for k in range(s.n_intervals):
            required = int(found.scheduled[k, g_index])
            erlang_c = int(found.erlang_c[k, g_index])
            simulated = int(found.on_phones[k, g_index])
            rows.append({"label": labels[k], "current": current[k], "required": required,
                         "gap": current[k] - required, "erlang_c": erlang_c,
                         "simulated": simulated,
                         "erlang_wrong": {"under": "under", "over": "over"}.get(
                             verdicts[k, g_index], "")})
        groups.append({"group": g.name, "title": _title(g), "rows": rows})
    return {"scenario_id": s.id, "title": {"zh": s.title.zh, "en": s.title.en},
            "labels": labels, "groups": groups, "seed": seed, "replications": replications,
            "all_met": bool(found.all_met), "passes": found.passes,
            "verify_seed": found.verify_seed}


def _clock(s: Scenario, k: int) -> str:
    minute = int(round(s.start_hour * 60)) + k * s.interval_minutes
    day, minute = divmod(minute, 1440)
    clock = f"{minute // 60:02d}:{minute % 60:02d}"
    return f"d{day + 1} {clock}" if s.horizon_hours > 24 else clock


def _title(group) -> dict:
    if group.title is None:
        return {"zh": group.name, "en": group.name}
    return {"zh": group.title.zh, "en": group.title.en}
