"""A plan fed into the simulation engine: misses marked, corrections where they belong."""

import pytest

import scenarios
from simulation.scheduling import Requirement
from simulation.scheduling.verify import corrected, heads_from_coverage, verify, with_heads


def scenario(hours: float = 2.0):
    """The stationary library queue (540 calls an hour, 45 Erlang) cut to ``hours``."""
    data = scenarios.scenario_to_dict(scenarios.load_scenario("stationary_single_queue"))
    data["horizon_hours"] = hours
    data["warmup_hours"] = 0.0
    return scenarios.scenario_from_dict(data)


def test_heads_round_down_part_interval_agents():
    assert heads_from_coverage({"agents": [60, 45, 29]}, 30) == {"agents": [2, 1, 0]}


def test_a_plan_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="intervals"):
        with_heads(scenario(), {"agents": [50] * 3})


def test_understaffed_cells_are_marked_and_corrected():
    s = scenario()
    # Erlang C asks for 51 agents for 80 % in 20 s at 45 Erlang; 46 leaves callers waiting.
    heads = {"agents": [55, 55, 46, 46]}
    checked = verify(s, heads, replications=2, seed=3)
    assert checked.intervals_open == 4
    missed = [row["interval"] for row in checked.rows if row["miss"]]
    assert 2 in missed and 3 in missed
    assert 0 not in missed
    assert checked.correction["agents"][0] == 0
    assert checked.correction["agents"][3] >= 1
    sl = checked.rows[3]["service_level"]
    assert sl["low"] <= sl["mean"] <= sl["high"]
    req = Requirement(("agents",), 30, {"agents": (50.0, 50.0, 46.0, 46.0)})
    again = corrected(req, checked)
    assert again.need["agents"][:2] == (50.0, 50.0)
    assert all(again.need["agents"][k] >= 47 for k in (2, 3))
