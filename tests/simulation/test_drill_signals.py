"""The drill engine's signals only read the center: the planning engine's numbers and its own
event alerts are unchanged, and a stepped drill sees the same signals as a fresh replay."""

import pytest

from scenarios import load_scenario
from simulation import Drill
from simulation.arrivals import base_rate_pieces, expected_calls
from simulation.drill_signals import DrillEngine, usual_contacts
from simulation.engine import Engine
from simulation.stats import CONTACT_METRICS, INTERVAL_METRICS

HOUR = 3600.0


@pytest.mark.parametrize("scenario_id", ["group_complaint_surge", "typhoon"])
def test_signals_change_no_number_of_the_engine(scenario_id):
    scenario = load_scenario(scenario_id)
    plain, drill = Engine(scenario, seed=4), DrillEngine(scenario, seed=4)
    plain.advance(scenario.horizon_seconds)
    drill.advance(scenario.horizon_seconds)
    for name in CONTACT_METRICS + INTERVAL_METRICS:
        assert getattr(plain.stats, name) == getattr(drill.stats, name), name
    planning = {a["code"] for a in plain.alerts}
    assert f"{scenario.events[0].type}_start" in planning     # planning still names it
    assert not any(a["code"].startswith(scenario.events[0].type) for a in drill.alerts)


def test_a_stepped_drill_sees_the_signals_of_a_fresh_replay():
    scenario = load_scenario("group_complaint_surge")
    drill = Drill(scenario, 9)
    for t in (2 * HOUR + 1, 2.4 * HOUR, 3 * HOUR, 3 * HOUR + 600.0, 5 * HOUR):
        assert drill.state_at(t)["alerts"] == Drill(scenario, 9).state_at(t)["alerts"]
    assert any(a["code"] == "contacts_rising" for a in drill.state_at(5 * HOUR)["alerts"])


def test_the_usual_number_is_the_scenario_rate_without_events():
    scenario = load_scenario("group_complaint_surge")
    pieces = base_rate_pieces(scenario, "complaint")
    calm = load_scenario("normal_weekday")
    per_interval = expected_calls(calm, "complaint")
    width = scenario.interval_seconds
    for k in (0, 4, 10):
        assert usual_contacts(pieces, k * width, (k + 1) * width) == \
            pytest.approx(per_interval[k], rel=1e-6)
