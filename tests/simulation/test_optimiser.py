"""The staffing optimiser meets its targets with the fewest agents, and shows Erlang's errors."""

import dataclasses

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
    # The plan is verified on a fresh seed (with twice the replications for close calls).
    check = evaluate(result.scenario, TARGETS, 4, result.verify_seed,
                     [route[0] for route in compile_inputs(scenario).route], judged, extra=4)
    assert result.verify_seed != 3
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


def test_erlang_c_is_called_wrong_only_where_it_is_material(surge_plan):
    scenario, result = surge_plan
    rows = result.rows()
    assert len(rows) == scenario.n_intervals * len(scenario.groups)
    for row in rows:
        assert row["erlang_c_gap"] == row["erlang_c"] - row["simulated"]
        assert row["scheduled"] >= row["simulated"]
        if abs(row["erlang_c_gap"]) <= 1:        # one agent is within the noise
            assert row["erlang_c_verdict"] == "ok"
    flagged = [row for row in rows if row["erlang_c_verdict"] != "ok"]
    assert flagged                               # the surge day has material differences
    # "under" needs the Erlang C plan, simulated on the fresh seed, to miss with its CI.
    misses = result.erlang_c_misses
    for row in flagged:
        k, g = row["interval"], scenario.group_names.index(row["group"])
        assert row["erlang_c_verdict"] == ("under" if row["erlang_c_gap"] < 0 else "over")
        if row["erlang_c_verdict"] == "under":
            assert misses[k, g]
    differing = sum(1 for row in rows if row["erlang_c_gap"] != 0)
    assert len(flagged) < 0.5 * differing


def test_optimised_scenario_keeps_everything_but_staffing(surge_plan):
    scenario, result = surge_plan
    assert result.scenario.queues == scenario.queues and result.scenario.events == \
        scenario.events
    shrinkage = {p.group: p.shrinkage for p in scenario.staffing}
    for plan in result.scenario.staffing:
        assert plan.shrinkage == shrinkage[plan.group]
        assert len(plan.agents) == scenario.n_intervals


def test_plan_holds_on_a_fresh_verification_seed(surge_plan):
    # The search tunes the plan on seed 3 (common random numbers for every candidate); it is
    # verified on another seed inside the optimiser; here a third, unseen seed with 8
    # replications checks every judged cell: no cell misses the service level or the 5 %
    # abandonment cap with its whole 95 % CI, and the means stay within 3 points (service
    # level) and 2 points (abandonment) of the targets.
    from simulation.optimiser import clear_misses

    scenario, result = surge_plan
    judged = _judged(scenario, result)
    primary = [route[0] for route in compile_inputs(scenario).route]
    check = evaluate(result.scenario, TARGETS, 8, 2024, primary, judged)
    assert not clear_misses(scenario, TARGETS, check, primary, judged).any()
    assert np.all(np.nan_to_num(check.service_level, nan=1.0)[judged] >= 0.8 - 0.03)
    assert np.all(np.nan_to_num(check.abandon)[judged] <= 0.05 + 0.02)


def _spikes(plan: np.ndarray) -> int:
    """Cells more than 3 agents above or below both neighbours."""
    middle, before, after = plan[1:-1], plan[:-2], plan[2:]
    return int((((middle - before) > 3) & ((middle - after) > 3)).sum()
               + (((before - middle) > 3) & ((after - middle) > 3)).sum())


def test_plan_is_smooth_and_robust_to_the_seed(surge_plan):
    scenario, result = surge_plan
    other = optimise_staffing(scenario, TARGETS, replications=4, seed=4)
    for plan in (result.on_phones, other.on_phones):
        assert _spikes(plan) == 0
        # As smooth as the analytic curve it corrects, give or take.
        variation = np.abs(np.diff(plan, axis=0)).sum(axis=0)
        analytic = np.abs(np.diff(result.erlang_a, axis=0)).sum(axis=0)
        assert np.all(variation <= 1.5 * analytic + 8)
    difference = np.abs(result.on_phones - other.on_phones)
    assert difference.max() <= 5
    assert difference.mean() <= 1.5


def test_progress_is_reported_per_replication():
    scenario = load_scenario("group_complaint_surge")
    seen = []
    optimise_staffing(scenario, TARGETS, replications=2, seed=1, max_passes=3,
                      progress=lambda fraction, note: seen.append((fraction, note)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and 0 < fractions[-1] < 1
    done = [note["replications_done"] for _, note in seen]
    assert done == sorted(done) and done[-1] >= 2 * 4     # warm start, passes, verification
    assert {"warm_start", "search", "verify", "erlang_c"} <= {n["stage"] for _, n in seen}
    assert all(n["replications_expected"] >= n["replications_done"] for _, n in seen)


def test_warm_start_lands_nearer_the_answer_than_erlang_a(surge_plan):
    # Erlang A cannot see redials, repeats and callbacks; the warm start re-plans on the
    # volume one cheap simulation measured, so the search has less ground to cover.
    scenario, result = surge_plan
    searched = result.searched != result.erlang_a
    warm = np.abs(result.warm_start - result.searched)[searched].sum()
    analytic = np.abs(result.erlang_a - result.searched)[searched].sum()
    assert warm < 0.9 * analytic


def test_reported_check_is_the_check_of_the_plan_returned():
    # A typhoon day has cells no staffing can fix; the plan is still raised a few times, and
    # the verdict must describe the plan handed back, not the one before the last raise.
    scenario = load_scenario("typhoon")
    result = optimise_staffing(scenario, TARGETS, replications=3, seed=2)
    judged = _judged(scenario, result)
    strict = dataclasses.replace(TARGETS, confidence=0.95)   # what the verification asks
    again = evaluate(result.scenario, strict, 3, result.verify_seed,
                     [route[0] for route in compile_inputs(scenario).route], judged, extra=3)
    assert np.array_equal(again.fails, result.check.fails)
    assert np.allclose(again.service_level, result.check.service_level, equal_nan=True)
