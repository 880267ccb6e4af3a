"""Intraday re-forecast (analytic posterior) and forecast → scenario (weekly pattern kept)."""

import datetime as dt

import numpy as np
import pytest

import scenarios
from simulation.forecast import reforecast_day, scenario_from_forecast
from simulation.forecast.intraday import PRIOR_CALLS

FLAT = [0.0] * 16 + [50.0] * 28 + [0.0] * 4  # 1,400 calls 08:00-22:00
AHT = [300.0] * 48


def test_no_actuals_leave_the_forecast_as_it_is():
    redone = reforecast_day(FLAT, AHT, {})
    assert redone.volume_ratio == 1.0 and redone.reforecast == tuple(FLAT)


def test_a_morning_30_percent_busy_raises_the_afternoon_by_the_posterior_mean():
    actual = {s: 65.0 for s in range(16, 24)}  # 08:00-12:00, 30 % above forecast
    redone = reforecast_day(FLAT, AHT, actual, {s: 330.0 for s in actual})
    expected = (PRIOR_CALLS + 8 * 65) / (PRIOR_CALLS + 8 * 50)
    assert redone.volume_ratio == pytest.approx(expected, rel=1e-4)
    assert 1.2 < redone.volume_ratio < 1.3  # 400 calls seen: most of the 30 % carries over
    assert redone.reforecast[30] == pytest.approx(50 * expected, rel=1e-3)
    assert redone.reforecast[20] == 50.0  # the past keeps its forecast; actuals beside it
    assert redone.day_expected == pytest.approx(8 * 65 + 20 * 50 * expected, rel=1e-3)
    assert redone.aht_ratio == pytest.approx((200 + 520 * 1.1) / (200 + 520), rel=1e-4)


def test_one_quiet_interval_moves_the_rest_only_a_little():
    redone = reforecast_day(FLAT, AHT, {16: 25.0})  # half the forecast in the first half hour
    assert redone.volume_ratio == pytest.approx(125 / 150, rel=1e-4)
    with pytest.raises(ValueError):
        reforecast_day(FLAT, AHT, {60: 3.0})


def _forecast(days=14, first=dt.date(2026, 11, 30)):
    """A forecast dict: Monday 1,200 … Sunday 600 calls, a workday shape, AHT 330 s."""
    week = (1200, 1100, 1000, 1000, 1050, 700, 600)
    shape = np.zeros(48)
    shape[16:44] = np.linspace(2, 1, 28)
    shape /= shape.sum()
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    offered = [(week[d.weekday()] * shape).tolist() for d in dates]
    return {"days": [d.isoformat() for d in dates], "interval_minutes": 30, "warnings": [],
            "queues": {"consultation": {"offered": offered, "aht": [[330.0] * 48] * days},
                       "enterprise": {"offered": offered, "aht": [[330.0] * 48] * days}}}


def test_a_forecast_week_becomes_a_valid_scenario_that_keeps_its_weekly_pattern():
    base = scenarios.scenario_to_dict(scenarios.library_scenario("full_week"))
    data, notes = scenario_from_forecast(
        base, _forecast(), dt.date(2026, 12, 2), 7, scenario_id="from_forecast",
        title={"zh": "预测", "en": "Forecast"}, description={"zh": "预测", "en": "Forecast"},
        queues=["consultation"])
    scenario = scenarios.validate(data)
    queue = scenario.queue("consultation")
    totals = [queue.calls_per_day * f for f in queue.day_factors]
    # Wednesday first: 1000, 1000, 1050, 700, 600, 1200, 1100
    assert totals == pytest.approx([1000, 1000, 1050, 700, 600, 1200, 1100], rel=1e-4)
    assert scenario.start_weekday == 2 and scenario.horizon_hours == 168
    assert queue.handle_time_seconds.mean == pytest.approx(330 - 30)  # minus the base's ACW
    weights = scenario.shape("consultation_forecast").weights
    assert weights[16] / weights[43] == pytest.approx(2.0, rel=1e-3)
    # the base's Wednesday staffing lands on the new first day
    base_plan = base["staffing"]["frontline"]["agents"]
    assert list(scenario.staffing_of("frontline").agents[:48]) == base_plan[96:144]
    assert notes == []


def test_a_one_day_base_repeats_its_day_and_missing_queues_are_reported():
    base = scenarios.scenario_to_dict(scenarios.library_scenario("normal_weekday"))
    base["queues"].pop("enterprise")
    for name, group in list(base["groups"].items()):
        group["skills"] = [q for q in group["skills"] if q != "enterprise"]
        if not group["skills"]:
            del base["groups"][name]
            del base["staffing"][name]
    data, notes = scenario_from_forecast(
        base, _forecast(), dt.date(2026, 11, 30), 14, scenario_id="two_weeks",
        title={"zh": "两周", "en": "Two weeks"}, description={"zh": "两周", "en": "Two weeks"})
    scenario = scenarios.validate(data)
    assert ("queue_not_in_base", "enterprise") in notes
    assert len(scenario.queue("consultation").day_factors) == 14
    plan = scenario.staffing[0].agents
    assert plan[:16] == (0,) * 16 and plan[48 + 16] == plan[16] > 0
    with pytest.raises(ValueError):
        scenario_from_forecast(base, _forecast(), dt.date(2026, 12, 10), 7, scenario_id="x",
                               title={}, description={})
