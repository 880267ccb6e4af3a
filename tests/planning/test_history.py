"""History import: mean of the same weekday and interval, scaled; errors name row and column."""

import io

import pytest
from openpyxl import Workbook

from lms.planning import history
from tests.planning.factories import small_scenario_dict

HEADER = "date,interval_start,offered,handled,aht\n"


def _csv(lines: list[str]) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


def _two_mondays_and_a_tuesday() -> bytes:
    return _csv([
        "2026-11-02,09:00,100,95,300", "2026-11-02,10:00,200,190,300",   # Monday
        "2026-11-09,09:00,140,130,240", "2026-11-09,10:00,260,250,240",  # Monday
        "2026-11-03,09:00,1000,900,600",                                  # Tuesday
    ])


def test_profile_is_the_mean_of_the_same_weekday_and_interval_scaled():
    rows = history.read_rows("h.csv", _two_mondays_and_a_tuesday())
    found = history.profile(history.parse(rows), weekday=0, scale=1.5)
    assert found.interval_minutes == 60 and found.days == 2
    assert found.weights[9] == pytest.approx(120 * 1.5)
    assert found.weights[10] == pytest.approx(230 * 1.5)
    assert found.calls_per_day == pytest.approx(350 * 1.5)
    # AHT weighted by handled calls of the chosen days only (Tuesday's 600 s left out)
    assert found.mean_aht == pytest.approx((95 * 300 + 190 * 300 + 130 * 240 + 250 * 240)
                                           / (95 + 190 + 130 + 250), abs=0.1)


def test_all_days_profile_uses_every_day():
    rows = history.read_rows("h.csv", _two_mondays_and_a_tuesday())
    found = history.profile(history.parse(rows), weekday=None)
    assert found.days == 3
    assert found.weights[9] == pytest.approx((100 + 140 + 1000) / 3, abs=0.01)


def test_xlsx_is_read_like_csv():
    book = Workbook()
    book.active.append(["Date", "Interval_Start", "Offered", "Handled", "AHT"])
    book.active.append(["2026-11-02", "09:30", 50, 50, 200])
    out = io.BytesIO()
    book.save(out)
    found = history.profile(history.parse(history.read_rows("h.xlsx", out.getvalue())))
    assert found.interval_minutes == 30 and len(found.weights) == 48 and found.weights[19] == 50


def test_non_numeric_value_names_row_and_column():
    rows = history.read_rows("h.csv", _csv(["2026-11-02,09:00,100,95,300",
                                            "2026-11-02,10:00,lots,95,300"]))
    with pytest.raises(history.HistoryError) as error:
        history.parse(rows)
    assert error.value.problems == ["row 3, column offered: 'lots' is not a number ≥ 0"]


def test_missing_columns_are_listed():
    with pytest.raises(history.HistoryError) as error:
        history.read_rows("h.csv", b"date,offered\n2026-11-02,5\n")
    assert "interval_start" in error.value.problems[0] and "aht" in error.value.problems[0]


def test_profile_lands_in_the_scenario_as_its_own_shape():
    data = small_scenario_dict()
    found = history.Profile(calls_per_day=480.0, weights=tuple([20.0] * 24),
                            interval_minutes=60, mean_aht=250.0, days=4)
    history.apply_profile(data, "consultation", found)
    queue = data["queues"]["consultation"]
    assert queue["arrival_shape"] == "consultation_history"
    assert queue["calls_per_day"] == 480.0 and queue["handle_time_seconds"]["mean"] == 250.0
    with pytest.raises(history.HistoryError, match="queue 'nope' is not in the scenario"):
        history.apply_profile(data, "nope", found)


# -- issue 13: duplicates, AHT = talk + ACW, weekly pattern -----------------------------------
def test_duplicated_interval_is_refused_naming_the_rows():
    rows = history.read_rows("h.csv", _csv(["2026-11-02,09:00,100,95,300",
                                            "2026-11-02,10:00,200,190,300",
                                            "2026-11-02,09:00,100,95,300"]))
    with pytest.raises(history.HistoryError) as error:
        history.parse(rows)
    assert error.value.problems == [
        "rows 2, 4: the interval 2026-11-02 09:00 appears 2 times; keep one row per interval"]


def test_aht_of_the_file_is_talk_plus_after_call_work():
    data = small_scenario_dict()
    data["queues"]["consultation"]["after_call_work_seconds"] = 30.0
    found = history.profile(history.parse(history.read_rows("h.csv", _csv(
        ["2026-11-02,09:00,100,100,300"]))))
    history.apply_profile(data, "consultation", found)
    queue = data["queues"]["consultation"]
    # The file's 300 s already contain the 30 s of wrap-up: talk 270 s, handle 300 s.
    assert queue["handle_time_seconds"]["mean"] == 270.0
    assert queue["handle_time_seconds"]["mean"] + queue["after_call_work_seconds"] == 300.0


def test_acw_column_sets_the_after_call_work():
    text = (b"date,interval_start,offered,handled,aht,acw\n"
            b"2026-11-02,09:00,100,100,300,60\n2026-11-02,10:00,100,100,360,40\n")
    found = history.profile(history.parse(history.read_rows("h.csv", text)))
    data = history.apply_profile(small_scenario_dict(), "consultation", found)
    queue = data["queues"]["consultation"]
    assert queue["after_call_work_seconds"] == 50.0
    assert queue["handle_time_seconds"]["mean"] == 280.0


def test_aht_shorter_than_after_call_work_is_refused():
    data = small_scenario_dict()
    data["queues"]["consultation"]["after_call_work_seconds"] = 400.0
    found = history.profile(history.parse(history.read_rows("h.csv", _csv(
        ["2026-11-02,09:00,100,100,300"]))))
    with pytest.raises(history.HistoryError, match="not longer than"):
        history.apply_profile(data, "consultation", found)


def _weeks(mondays: float, sundays: float, other: float, weeks: int = 2) -> bytes:
    """Hourly history 08:00-21:00 of ``weeks`` weeks from Monday 2026-11-02."""
    from datetime import date, timedelta

    lines = []
    for day in range(7 * weeks):
        when = date(2026, 11, 2) + timedelta(days=day)
        total = {0: mondays, 6: sundays}.get(when.weekday(), other)
        for hour in range(8, 22):
            lines.append(f"{when.isoformat()},{hour:02d}:00,{total / 14},{total / 14},300")
    return _csv(lines)


def test_weekly_scenario_keeps_the_weekly_pattern():
    import scenarios

    data = scenarios.scenario_to_dict(scenarios.library_scenario("full_week"))
    found = history.profile(history.parse(history.read_rows("h.csv", _weeks(2880, 1862,
                                                                              2478))))
    history.apply_profile(data, "consultation", found)
    queue = data["queues"]["consultation"]
    monday = queue["calls_per_day"] * queue["day_factors"][0]
    sunday = queue["calls_per_day"] * queue["day_factors"][6]
    assert monday == pytest.approx(2880, rel=1e-4)
    assert sunday == pytest.approx(1862, rel=1e-4)
    scenario = scenarios.validate(data)                  # still a valid weekly scenario
    from simulation.arrivals import expected_calls
    per_day = expected_calls(scenario, "consultation").reshape(7, -1).sum(axis=1)
    assert per_day[0] == pytest.approx(2880, rel=1e-3)
    assert per_day[6] == pytest.approx(1862, rel=1e-3)


def test_weekly_pattern_follows_the_scenario_start_weekday():
    import scenarios

    data = scenarios.scenario_to_dict(scenarios.library_scenario("full_week"))
    data["start_weekday"] = 6                            # the week starts on a Sunday
    found = history.profile(history.parse(history.read_rows("h.csv", _weeks(2880, 1862,
                                                                              2478))))
    history.apply_profile(data, "consultation", found)
    queue = data["queues"]["consultation"]
    assert queue["calls_per_day"] * queue["day_factors"][0] == pytest.approx(1862, rel=1e-4)
    assert queue["calls_per_day"] * queue["day_factors"][1] == pytest.approx(2880, rel=1e-4)


def test_weekly_scenario_needs_every_weekday():
    import scenarios

    data = scenarios.scenario_to_dict(scenarios.library_scenario("full_week"))
    found = history.profile(history.parse(history.read_rows(
        "h.csv", _two_mondays_and_a_tuesday())))
    with pytest.raises(history.HistoryError, match="Wednesday, Thursday, Friday"):
        history.apply_profile(data, "consultation", found)
