"""The staffing optimiser meets its targets with the fewest agents, and shows Erlang's errors."""

import numpy as np
import pytest

from scenarios import ServiceLevelTarget, load_scenario
from simulation import PlanTargets, optimise_staffing
from simulation.inputs import compile_inputs
from simulation.optimiser import evaluate, with_staffing

TARGETS = PlanTargets(ServiceLevelTarget(80, 20), max_abandon=0.05, max_occupancy=0.9,
                      confidence=0.9)


@pytest.fixture(scope="module")
def surge_plan():
    scenario = load_scenario("group_complaint_surge")
    return scenario, optimise_staffing(scenario, TARGETS, replications=4, seed=3)


def _judged(scenario, result):
    from simulation.arrivals import expected_calls
    return np.stack([expected_calls(scenario, q) for q in scenario.queue_names], axis=1) >= 10


def test_plan_meets_targets_when_simulated_again(surge_plan):
    scenario, result = surge_plan
    assert result.all_met
    judged = _judged(scenario, result)
    check = evaluate(result.scenario, TARGETS, 4, 3,
                     [route[0] for route in compile_inputs(scenario).route], judged)
    assert not check.fails.any()
    assert np.all(check.service_level_low[judged] >= 0.8)
    assert np.all(np.nan_to_num(check.occupancy) <= 0.9 + 1e-9)


def test_one_agent_fewer_at_the_peak_misses_a_target(surge_plan):
    scenario, result = surge_plan
    desk = scenario.group_names.index("complaints_desk")
    peak = int(np.argmax(result.on_phones[:, desk]))
    fewer = result.on_phones.copy()
    fewer[peak, desk] -= 1
    judged = _judged(scenario, result)
    factors = np.array(compile_inputs(scenario).availability).T
    check = evaluate(with_staffing(scenario, fewer, factors), TARGETS, 4, 3,
                     [route[0] for route in compile_inputs(scenario).route], judged)
    assert check.fails.any()


def test_report_shows_where_erlang_c_is_wrong(surge_plan):
    scenario, result = surge_plan
    rows = result.rows()
    assert len(rows) == scenario.n_intervals * len(scenario.groups)
    verdicts = {row["erlang_c_verdict"] for row in rows}
    assert {"under", "over"} <= verdicts
    for row in rows:
        assert row["erlang_c_gap"] == row["erlang_c"] - row["simulated"]
        assert row["scheduled"] >= row["simulated"]


def test_optimised_scenario_keeps_everything_but_staffing(surge_plan):
    scenario, result = surge_plan
    assert result.scenario.queues == scenario.queues and result.scenario.events == \
        scenario.events
    shrinkage = {p.group: p.shrinkage for p in scenario.staffing}
    for plan in result.scenario.staffing:
        assert plan.shrinkage == shrinkage[plan.group]
        assert len(plan.agents) == scenario.n_intervals
