"""Planner job kinds: simulate one scenario, compare variants, search the staffing.

Parameters carry the scenario YAML itself, so a run is reproducible whatever happens to the
stored scenario afterwards, and any worker machine can run it without reading planner tables.
Each job reports progress after every replication and stops when the planner cancels
(:mod:`lms.planning.control`).
"""

import scenarios
from lms.jobs import register
from lms.planning import analysis, staffing
from lms.planning.control import controlled


@register("planning.simulate")
def simulate(params: dict, progress) -> dict:
    """One scenario, ``replications`` replications from ``seed``."""
    report = controlled(params, progress)
    report(0.0, {"stage": "simulate", "replications_done": 0,
                 "replications_expected": params["replications"]})
    scenario = scenarios.validate(params["yaml"])
    result = analysis.simulate(scenario, params["seed"], params["replications"], report)
    plan = staffing.erlang_c_plan(scenario)
    result["required"] = [sum(column) for column in zip(*plan.values(), strict=True)]
    return result


@register("planning.compare")
def compare(params: dict, progress) -> dict:
    """2-4 scenarios on the same seed (common random numbers) and their paired differences.

    The first scenario of ``yamls`` is the baseline the others are compared with.
    """
    report = controlled(params, progress)
    results = []
    count = len(params["yamls"])
    total = count * params["replications"]
    report(0.0, {"stage": "compare", "replications_done": 0, "replications_expected": total})
    for index, text in enumerate(params["yamls"]):
        scenario = scenarios.validate(text)

        def step(fraction, note=None, index=index):
            done = index * params["replications"] + (note or {}).get("replications_done", 0)
            report((index + fraction) / count,
                   {"stage": "compare", "variant": index + 1, "variants": count,
                    "replications_done": done, "replications_expected": total})

        results.append(analysis.simulate(scenario, params["seed"], params["replications"], step))
    return {"names": params["names"], "results": results, "table": analysis.compare(results),
            "baseline": 0}


@register("planning.staffing")
def staffing_search(params: dict, progress) -> dict:
    """Required staff per interval and group against the current plan."""
    report = controlled(params, progress)
    report(0.0, {"stage": "warm_start", "replications_done": 0})
    scenario = scenarios.validate(params["yaml"])
    return staffing.required_staff(scenario, params["seed"], params["replications"], report)
