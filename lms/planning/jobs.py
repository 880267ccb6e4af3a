"""Planner job kinds: simulate one scenario, compare variants, search the staffing.

Parameters carry the scenario YAML itself, so a run is reproducible whatever happens to the
stored scenario afterwards, and any worker machine can run it without reading planner tables.
"""

import scenarios
from lms.jobs import register
from lms.planning import analysis, staffing


@register("planning.simulate")
def simulate(params: dict, progress) -> dict:
    """One scenario, ``replications`` replications from ``seed``."""
    scenario = scenarios.validate(params["yaml"])
    result = analysis.simulate(scenario, params["seed"], params["replications"], progress)
    plan = staffing.erlang_c_plan(scenario)
    result["required"] = [sum(column) for column in zip(*plan.values(), strict=True)]
    return result


@register("planning.compare")
def compare(params: dict, progress) -> dict:
    """2-4 scenarios on the same seed (common random numbers) and their paired differences."""
    results = []
    count = len(params["yamls"])
    for index, text in enumerate(params["yamls"]):
        scenario = scenarios.validate(text)

        def step(fraction, index=index):
            progress((index + fraction) / count)

        results.append(analysis.simulate(scenario, params["seed"], params["replications"], step))
    return {"names": params["names"], "results": results, "table": analysis.compare(results)}


@register("planning.staffing")
def staffing_search(params: dict, progress) -> dict:
    """Required staff per interval and group against the current plan."""
    scenario = scenarios.validate(params["yaml"])
    return staffing.required_staff(scenario, params["seed"], params["replications"], progress)
