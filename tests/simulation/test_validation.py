"""The simulation reproduces Erlang C and Erlang A on the stationary scenario.

Twenty agents, exponential handle times of 60 s (short times only make the same number of
calls take fewer simulated hours). Replications run in parallel; the compared figures are the
whole-run values after a one-hour warm-up, averaged over replications. Tolerances are about
three standard errors of those averages, measured beforehand at these run lengths (queues near
full load are strongly autocorrelated, so 95 % load needs far more calls for the same
precision than 70 %):

| case | calls | ASA | service level | abandonment | occupancy |
| --- | --- | --- | --- | --- | --- |
| Erlang C, 70 % | ~0.3 M | ±0.25 s | ±0.006 | - | ±0.01 |
| Erlang C, 85 % | ~0.8 M | ±15 % | ±0.025 | - | ±0.01 |
| Erlang C, 95 % | ~1.4 M | ±15 % | ±0.04 | - | ±0.01 |
| Erlang A, 95 %, patience 120 s | ~0.6 M | ±6 % | ±0.015 | ±0.004 | ±0.01 |
| Erlang A, 110 %, patience 120 s | ~0.6 M | ±6 % | ±0.03 | ±0.007 | ±0.01 |
"""

import numpy as np
import pytest

from simulation import erlang_a_measures, erlang_c_measures, kpis, run_replications

from .helpers import stationary

CASES = [
    # load, patience, hours per replication, replications, tolerances (asa, sl, ab), asa relative
    pytest.param(0.70, None, 60, 4, (0.25, 0.006, None), False, id="erlang-c-70"),
    pytest.param(0.85, None, 150, 4, (0.15, 0.025, None), True, id="erlang-c-85",
                 marks=pytest.mark.slow),
    pytest.param(0.95, None, 260, 4, (0.15, 0.04, None), True, id="erlang-c-95",
                 marks=pytest.mark.slow),
    pytest.param(0.95, 120.0, 110, 4, (0.06, 0.015, 0.004), True, id="erlang-a-95"),
    pytest.param(1.10, 120.0, 100, 4, (0.06, 0.03, 0.007), True, id="erlang-a-110"),
]


@pytest.mark.parametrize("occupancy, patience, hours, replications, tolerance, relative", CASES)
def test_simulation_matches_the_formula(occupancy, patience, hours, replications, tolerance,
                                        relative):
    agents, aht = 20, 60.0
    scenario, calls_per_hour = stationary(agents, occupancy * agents, aht, patience, hours)
    totals = [kpis(run)["total"] for run in run_replications(scenario, replications, seed=11)]
    simulated = {name: float(np.mean([t[name][-1] for t in totals]))
                 for name in ("asa", "service_level", "abandon_rate", "occupancy")}
    if patience is None:
        expected = erlang_c_measures(calls_per_hour, aht, agents, 20)
    else:
        expected = erlang_a_measures(calls_per_hour, aht, agents, patience, 20)
    asa_tolerance, sl_tolerance, abandon_tolerance = tolerance
    if relative:
        assert simulated["asa"] == pytest.approx(expected.asa, rel=asa_tolerance)
    else:
        assert simulated["asa"] == pytest.approx(expected.asa, abs=asa_tolerance)
    assert simulated["service_level"] == pytest.approx(expected.service_level, abs=sl_tolerance)
    assert simulated["occupancy"] == pytest.approx(expected.occupancy, abs=0.01)
    if abandon_tolerance is None:
        assert simulated["abandon_rate"] == 0.0
    else:
        assert simulated["abandon_rate"] == pytest.approx(expected.probability_abandon,
                                                          abs=abandon_tolerance)
