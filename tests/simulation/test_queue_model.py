"""The queueing model a planner relies on: zero staff, closed hours, callbacks, response on time.

Each test pins one rule of the model with a fixed seed and a tolerance stated next to it.
Poisson counts have a standard deviation of √mean, so "within 4 √expected" fails by chance
about once in 15,000 runs.
"""

import dataclasses
import math

import numpy as np
import pytest

from scenarios import (
    Callback,
    Disaster,
    Distribution,
    GroupStaffing,
    OpeningHours,
    PriorityTarget,
    PriorityTargets,
    Redial,
    Repeat,
    load_scenario,
    scenario_from_dict,
    scenario_to_dict,
)
from simulation import Engine, kpis, simulate
from simulation.arrivals import expected_offered


def _first_contacts(result) -> np.ndarray:
    """Primary contacts offered per interval: offered minus redials, repeats and returns."""
    c = result.contacts
    return (c["offered"] - c["redials"] - c["repeats"] - c["closed_returns"]).sum(axis=(1, 2))


def _expected(scenario) -> np.ndarray:
    return sum(expected_offered(scenario, q) for q in scenario.queue_names)


# -- zero staff is not "closed" ---------------------------------------------------------------
@pytest.fixture(scope="module")
def blackout():
    """The typhoon day with a disaster that leaves nobody on the phones from 10:00 to 16:00."""
    base = load_scenario("typhoon")
    outage = Disaster(start_hour=2, end_hour=8, staff_availability=0.01, absenteeism=0.1,
                      callback_shift=0.0, volume_multiplier=1.0, queues=base.queue_names)
    scenario = dataclasses.replace(base, events=(outage,))
    return scenario, simulate(scenario, seed=4)


def test_calls_keep_arriving_while_nobody_is_on_the_phones(blackout):
    scenario, result = blackout
    outage = slice(4, 16)
    assert result.staffing["on_phones"][outage].sum() == 0      # the premise: nobody there
    offered = _first_contacts(result)[outage].sum()
    expected = _expected(scenario)[outage].sum()
    assert abs(offered - expected) < 4 * math.sqrt(expected)
    abandoned = result.contacts["abandoned"][outage].sum()
    assert abandoned > 0.5 * expected                          # they hang up, they are not "closed"


def test_no_flood_when_the_staff_come_back(blackout):
    scenario, result = blackout
    back = 16
    offered = result.contacts["offered"][back].sum()
    expected = _expected(scenario)[back]
    # Redials of callers who gave up in the last minutes of the outage add some; a flood of
    # everything held back for six hours (the old behaviour: 3,353 calls) is far beyond this.
    assert offered < 2.5 * expected


# -- closed hours: a stated return model ------------------------------------------------------
def _night_scenario(return_probability=0.7, weights=(0.5, 0.3, 0.2)):
    """Two days of a flat 100 calls/hour, line open 08:00-22:00, plenty of agents."""
    base = load_scenario("stationary_single_queue")
    queue = dataclasses.replace(
        base.queues[0], calls_per_day=2400.0,
        handle_time_seconds=Distribution("exponential", 60.0),
        patience_seconds=Distribution("exponential", 600.0), redial=Redial(0.0, 10.0),
        repeat=Repeat(0.0, 24.0))
    return dataclasses.replace(
        base, horizon_hours=48.0, warmup_hours=0.0, queues=(queue,),
        staffing=(GroupStaffing("agents", (20,), 0.0),),
        opening_hours=OpeningHours(8.0, 22.0, return_probability, tuple(weights)))


def test_closed_hours_callers_return_after_opening_as_the_scenario_says():
    scenario = _night_scenario()
    result = simulate(scenario, seed=5)
    offered = result.contacts["offered"].sum(axis=(1, 2))
    expected = _expected(scenario)
    # Day 2 opens at interval 64 (08:00): 50 new calls per half hour plus 70 % of the 1,000
    # calls of the night, spread 50/30/20 % over the first three hours.
    assert expected[64] == pytest.approx(50 + 700 * 0.5 / 2)
    assert expected[68] == pytest.approx(50 + 700 * 0.2 / 2)
    for k in range(64, 72):
        assert abs(offered[k] - expected[k]) < 4 * math.sqrt(expected[k]), k
    assert offered[44:64].sum() == 0                          # closed 22:00-08:00
    attempts = result.contacts["closed_attempts"].sum()
    assert abs(attempts - 2000) < 4 * math.sqrt(2000)        # 00-08, 22-08, 22-24: 20 h × 100
    nights = result.contacts["closed_attempts"][:64].sum()   # those who can return in time
    returns = result.contacts["closed_returns"].sum()
    assert abs(returns - 0.7 * nights) < 4 * math.sqrt(0.21 * nights)
    lost = result.contacts["closed_lost"].sum()
    assert abs(lost - 0.3 * attempts) < 4 * math.sqrt(0.21 * attempts)


def test_nobody_returns_when_the_scenario_says_so():
    result = simulate(_night_scenario(return_probability=0.0), seed=5)
    assert result.contacts["closed_returns"].sum() == 0
    offered = result.contacts["offered"].sum(axis=(1, 2))
    assert abs(offered[64] - 50) < 4 * math.sqrt(50)


def test_opening_hours_round_trip_and_are_checked():
    scenario = _night_scenario()
    assert scenario_from_dict(scenario_to_dict(scenario)) == scenario
    data = scenario_to_dict(scenario)
    data["opening_hours"].update(open_hour=20, close_hour=22)   # 2 h open, 3 h of returns
    from scenarios import ScenarioError
    with pytest.raises(ScenarioError) as error:
        scenario_from_dict(data)
    assert "opening_hours.return_hours" in str(error.value)


# -- callbacks --------------------------------------------------------------------------------
def _callback_scenario(rule: str):
    """One overloaded queue (load 1.3 × agents) whose waiting callers accept callbacks."""
    base = load_scenario("stationary_single_queue")
    queue = dataclasses.replace(
        base.queues[0], calls_per_day=24 * 156.0,
        handle_time_seconds=Distribution("exponential", 300.0),
        patience_seconds=Distribution("exponential", 300.0),
        callback=Callback(True, 30.0, 0.8, promise_minutes=30.0, expire_minutes=60.0,
                          priority_rule=rule, at_risk_minutes=10.0))
    return dataclasses.replace(base, horizon_hours=8.0, warmup_hours=0.0, queues=(queue,),
                               staffing=(GroupStaffing("agents", (10,), 0.0),))


@pytest.fixture(scope="module")
def callback_runs():
    return {rule: simulate(_callback_scenario(rule), seed=6)
            for rule in ("live_first", "promise_first")}


def test_every_callback_request_is_made_expired_or_pending(callback_runs):
    for result in callback_runs.values():
        c = {k: v.sum() for k, v in result.contacts.items()}
        assert c["callbacks_requested"] > 50
        assert c["callbacks_requested"] == c["callbacks_made"] + c["callbacks_expired"] + \
            c["callbacks_pending"]
        assert c["callbacks_in_promise"] <= c["callbacks_made"]


def test_live_first_lets_callbacks_expire_and_promise_first_keeps_promises(callback_runs):
    live = kpis(callback_runs["live_first"])["total"]
    promise = kpis(callback_runs["promise_first"])["total"]
    # Overloaded with live callers, live-first rarely gets round to a callback in time
    # (seed 6: 8 % within the promise, 109 expired); promise-first keeps most promises
    # (95 %, none expired) at the cost of the live service level.
    assert live["callback_promise_rate"][-1] < 0.2
    assert live["callbacks_expired"][-1] > 50
    assert promise["callback_promise_rate"][-1] > 0.8
    assert promise["callbacks_expired"][-1] < live["callbacks_expired"][-1]
    assert promise["service_level"][-1] < live["service_level"][-1]


def test_callbacks_are_not_live_calls_missing_their_target(callback_runs):
    result = callback_runs["live_first"]
    c = {k: v.sum() for k, v in result.contacts.items()}
    total = kpis(result)["total"]
    live = c["offered"] - c["callbacks_requested"]
    assert total["service_level"][-1] == pytest.approx(c["answered_in_target"] / live)
    assert total["abandon_rate"][-1] == pytest.approx(c["abandoned"] / live)
    assert total["live_offered"][-1] == live


# -- response on time: per case ---------------------------------------------------------------
def test_response_on_time_divides_by_cases_not_by_redials():
    base = load_scenario("stationary_single_queue")
    queue = dataclasses.replace(
        base.queues[0], calls_per_day=2400.0,
        patience_seconds=Distribution("exponential", 60.0), redial=Redial(0.8, 2.0))
    quarter = PriorityTarget(0.25, 0.5)
    outage = Disaster(start_hour=0, end_hour=4, staff_availability=0.01, absenteeism=0.0,
                      callback_shift=0.0, queues=("consultation",))
    scenario = dataclasses.replace(base, horizon_hours=4.0, warmup_hours=0.0, queues=(queue,),
                                   priorities=PriorityTargets(quarter, quarter, quarter),
                                   events=(outage,))
    engine = Engine(scenario, seed=7)
    result = engine.run()
    c = {k: v.sum() for k, v in result.contacts.items()}
    assert c["cases"] == len(engine.arrivals.times)      # one case per first contact
    assert c["offered"] > 3 * c["cases"]                 # redials are many more contacts
    on_time = kpis(result)["total"]["on_time_rate"][-1]
    assert on_time == pytest.approx(1 - c["past_response_target"] / c["cases"])
    # Nobody answers: only cases opened in the last quarter hour are not yet late (≈ 1/16).
    assert on_time < 0.1
