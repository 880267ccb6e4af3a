"""Forecasts against synthetic series with known answers (fixed seeds, stated tolerances)."""

import datetime as dt

import numpy as np
import pytest

from simulation.forecast import ForecastOptions, SpecialEvent, backtest, forecast, read_history
from simulation.forecast.history import ROW_KEY
from tests.forecast.synth import SHAPE, WEEK, rows, weekly

MONDAY = dt.date(2026, 7, 6)  # 8 weeks to 30 August: no public holiday


def history_of(data):
    return read_history([{**row, ROW_KEY: n} for n, row in enumerate(data, start=2)])


@pytest.fixture(scope="module")
def weekly_forecast():
    history = history_of(rows(MONDAY, 56, weekly(1000.0), seed=3))
    return forecast(history, (), ForecastOptions(horizon_days=14))


def test_a_pure_weekly_pattern_is_recovered_within_5_percent(weekly_forecast):
    queue = weekly_forecast.queues["consultation"]
    truth = np.array([1000.0 * WEEK[d.weekday()] for d in queue.days])
    assert queue.days[0] == dt.date(2026, 8, 31)
    assert np.max(np.abs(queue.daily / truth - 1)) < 0.05
    monday, sunday = queue.daily[0], queue.daily[6]
    assert monday / sunday == pytest.approx(WEEK[0] / WEEK[6], rel=0.05)


def test_the_intraday_shape_is_recovered_within_10_percent(weekly_forecast):
    day = weekly_forecast.queues["consultation"].offered[1]  # a Tuesday
    share = day[16:44] / day.sum()
    busy = SHAPE >= 0.03
    assert np.max(np.abs(share[busy] / SHAPE[busy] - 1)) < 0.10
    assert day[:16].sum() == 0  # closed hours stay closed


def test_handle_time_per_interval_follows_the_history(weekly_forecast):
    aht = weekly_forecast.queues["consultation"].aht[0, 16:44]
    assert aht == pytest.approx(np.full(28, 300.0), rel=1e-6)


def test_a_trend_is_followed():
    growing = lambda day: 1000.0 * (1 + 0.01 * (day - MONDAY).days) * WEEK[day.weekday()]  # noqa: E731
    result = forecast(history_of(rows(MONDAY, 56, growing, seed=4)), (),
                      ForecastOptions(horizon_days=7))
    queue = result.queues["consultation"]
    truth = np.array([growing(d) for d in queue.days])
    # damped trend: stays within 8 % of the still-growing truth over a week
    assert np.max(np.abs(queue.daily / truth - 1)) < 0.08
    assert queue.daily.sum() > 1.4 * 7000


def _holiday_series(day: dt.date) -> float:
    """Workday pattern; public holidays at 60 %, 调休 days like a Wednesday, day after ×1.3."""
    from simulation.forecast import day_info

    info = day_info(day)
    if info.kind == "holiday":
        return 600.0
    if info.kind == "makeup":
        return 1000.0
    if info.kind == "post_holiday":
        return 1300.0 * WEEK[day.weekday()]
    return 1000.0 * WEEK[day.weekday()]


@pytest.fixture(scope="module")
def national_day():
    # 1 April to 27 September 2026: 清明, 劳动节, 端午, 中秋 and two 调休 days (9 May, 20 Sep)
    first = dt.date(2026, 4, 1)
    days = (dt.date(2026, 9, 27) - first).days + 1
    history = history_of(rows(first, days, _holiday_series, seed=5))
    return forecast(history, (), ForecastOptions(horizon_days=14)).queues["consultation"]


def test_a_national_day_week_is_forecast_at_the_holiday_level(national_day):
    by_day = dict(zip(national_day.days, national_day.daily, strict=True))
    golden_week = [by_day[dt.date(2026, 10, d)] for d in range(1, 8)]
    assert np.mean(golden_week) == pytest.approx(600.0, rel=0.10)
    assert max(golden_week) < 0.8 * by_day[dt.date(2026, 9, 29)]  # an ordinary Tuesday


def test_an_adjusted_working_saturday_is_forecast_like_a_workday(national_day):
    by_day = dict(zip(national_day.days, national_day.daily, strict=True))
    makeup = by_day[dt.date(2026, 10, 10)]  # Saturday, a working day (调休)
    assert makeup == pytest.approx(1000.0, rel=0.10)
    assert by_day[dt.date(2026, 10, 8)] == pytest.approx(1300.0 * WEEK[3], rel=0.12)


def test_a_special_event_multiplies_the_forecast_and_is_divided_out_of_the_history():
    event_days = (dt.date(2026, 7, 20), dt.date(2026, 7, 22))
    boosted = lambda day: weekly(1000.0)(day) * (1.5 if event_days[0] <= day <= event_days[1]  # noqa: E731
                                                else 1.0)
    past = SpecialEvent("summer sale", *event_days, volume_factor=1.5)
    future = SpecialEvent("launch", dt.date(2026, 9, 2), dt.date(2026, 9, 2), 2.0,
                          aht_factor=1.2, queues=("consultation",))
    history = history_of(rows(MONDAY, 56, boosted, seed=6))
    plain = forecast(history, (past,), ForecastOptions(horizon_days=7)).queues["consultation"]
    lifted = forecast(history, (past, future),
                      ForecastOptions(horizon_days=7)).queues["consultation"]
    wednesday = plain.days.index(dt.date(2026, 9, 2))
    assert plain.daily[wednesday] == pytest.approx(1000.0, rel=0.06)
    assert lifted.daily[wednesday] == pytest.approx(2 * plain.daily[wednesday], rel=1e-6)
    assert lifted.aht[wednesday, 20] == pytest.approx(360.0, rel=1e-6)
    uplift = plain.fit.event_uplift[0]
    assert uplift["observed"] == pytest.approx(1.5, abs=0.1)


def test_an_undeclared_spike_is_cleaned_as_an_outlier():
    spike = dt.date(2026, 8, 12)
    spiky = lambda day: weekly(1000.0)(day) * (3.0 if day == spike else 1.0)  # noqa: E731
    history = history_of(rows(MONDAY, 56, spiky, seed=7))
    queue = forecast(history, (), ForecastOptions(horizon_days=7)).queues["consultation"]
    assert [o["day"] for o in queue.fit.outliers] == ["2026-08-12"]
    assert queue.daily[2] == pytest.approx(1000.0, rel=0.06)  # the next Wednesday


def test_the_backtest_beats_seasonal_naive_on_a_noisy_weekly_series():
    history = history_of(rows(MONDAY, 56, weekly(400.0), seed=8))
    scores = backtest(history, (), ForecastOptions(), holdout_days=14)["consultation"]
    assert scores["days"] == 14 and scores["first_day"] == "2026-08-17"
    assert scores["model"]["wape"] < scores["seasonal_naive"]["wape"]
    # Poisson noise of ~14 calls per interval: E|X-λ|/λ ≈ 0.2; the model is near that floor
    assert scores["model"]["wape"] < 0.25
    assert scores["model"]["mape"] >= scores["model"]["wape"] * 0.8


def test_stl_ets_and_auto_forecast_too():
    history = history_of(rows(MONDAY, 42, weekly(1000.0), seed=9))
    for method in ("stl_ets", "auto"):
        queue = forecast(history, (), ForecastOptions(horizon_days=7, method=method))
        daily = queue.queues["consultation"].daily
        truth = np.array([1000.0 * WEEK[d.weekday()] for d in queue.days])
        assert np.max(np.abs(daily / truth - 1)) < 0.08, method


def test_options_are_checked():
    with pytest.raises(ValueError, match="1 to 56"):
        ForecastOptions(horizon_days=57)
    with pytest.raises(ValueError, match="unknown method"):
        ForecastOptions(method="prophet")
    with pytest.raises(ValueError, match="three weeks"):
        forecast(history_of(rows(MONDAY, 14, weekly())), (), ForecastOptions(horizon_days=7))
