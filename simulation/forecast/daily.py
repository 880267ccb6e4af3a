"""Daily totals of one queue: gaps filled, outliers cleaned, day-type factors, the model.

What is modelled: the log of the day's calls is a level with a damped trend plus a weekly
seasonal pattern (statsmodels Holt-Winters, or STL + ETS), fitted on an *adjusted* series in
which holidays, 调休 working days, post-holiday days, declared special events, outliers and
missing days are replaced by their *baseline* — the median of the same weekday's ordinary
days within ±:data:`BASELINE_WEEKS` weeks. A holiday or a 调休 working day keeps little of
its weekday's character (a Monday of 国庆 is no busier than its Saturday), so its factor is
its ratio to the *week's level* (the mean baseline of the seven days around it): per holiday
name and position in the block (春节's first days are quieter than its last), and one factor
for 调休 days. The first day back after a long break is a busy workday: its factor is its
ratio to its own weekday's baseline. The forecast is the model's day (or, for holidays and
调休 days, the model's mean day of that week) × the day-type factor × the events' factors.

Outliers are ordinary days whose ratio to the baseline is more than
``threshold`` × the robust spread (1.4826 × MAD of the log ratios) away — a recall nobody
declared, a typhoon, a switch failure; they are reported and replaced by the baseline.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import events as event_rules
from .holidays import DayInfo, day_info

log = logging.getLogger("simulation.forecast")

BASELINE_WEEKS = 4
#: Smallest log ratio counted as an outlier, whatever the spread (±15 %).
MIN_OUTLIER_LOG = 0.15
METHODS = ("holt_winters", "stl_ets")
#: Holiday factor against the week's level when the history has no holiday at all.
WEEKEND_SHARE = 0.8
ORDINARY = ("workday", "saturday", "sunday")


@dataclass
class DailyFit:
    """What the daily step found for one queue: totals, cleaning, factors, the fitted model."""

    days: list[dt.date]
    totals: np.ndarray            # observed day totals, NaN for a missing day
    baseline: np.ndarray          # same-weekday median of ordinary days, NaN when unknown
    adjusted: np.ndarray          # the series the model is fitted on
    infos: list[DayInfo]
    outliers: list[dict] = field(default_factory=list)
    holiday_ratios: dict = field(default_factory=dict)   # name -> [ratio per position]
    makeup_ratio: float = 1.0
    post_holiday_ratio: float = 1.0
    event_uplift: list[dict] = field(default_factory=list)
    method: str = "holt_winters"
    model_forecast: object = None  # callable(h) -> log-scale forecast


def _ordinary(info: DayInfo, event: float) -> bool:
    return info.kind in ORDINARY and event == 1.0


def _baseline(values: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Median of the usable same-weekday values within ±BASELINE_WEEKS weeks, itself excluded."""
    n = len(values)
    out = np.full(n, np.nan)
    for d in range(n):
        picks = [values[j] for k in range(1, BASELINE_WEEKS + 1) for j in (d - 7 * k, d + 7 * k)
                 if 0 <= j < n and usable[j]]
        if len(picks) < 2:  # near the ends: look further
            picks += [values[j] for k in range(BASELINE_WEEKS + 1, 3 * BASELINE_WEEKS)
                      for j in (d - 7 * k, d + 7 * k) if 0 <= j < n and usable[j]]
        if picks:
            out[d] = float(np.median(picks))
    return out


def clean(days, totals, queue, events, threshold: float = 3.5) -> DailyFit:
    """Baselines, outliers and day-type factors of one queue's daily totals."""
    infos = [day_info(d) for d in days]
    factor = np.array([event_rules.volume_factor(events, d, queue) for d in days])
    per_event = totals / factor
    ordinary = np.array([_ordinary(i, f) for i, f in zip(infos, factor, strict=True)])
    usable = ordinary & ~np.isnan(totals)
    outliers = np.zeros(len(days), dtype=bool)
    for _ in range(2):  # a second pass no longer lets the outliers pull the baseline
        baseline = _baseline(per_event, usable & ~outliers)
        ratio = np.log(per_event / baseline)
        test = usable & ~np.isnan(ratio)
        if test.sum() < 7:
            break
        centre = float(np.median(ratio[test]))
        spread = 1.4826 * float(np.median(np.abs(ratio[test] - centre)))
        limit = max(threshold * spread, MIN_OUTLIER_LOG)
        outliers = test & (np.abs(ratio - centre) > limit)
    baseline = _baseline(per_event, usable & ~outliers)
    baseline = _fill_ends(baseline)
    fit = DailyFit(list(days), totals, baseline, np.where(usable & ~outliers, per_event,
                                                           baseline), infos)
    fit.outliers = [{"day": days[d].isoformat(), "offered": round(float(totals[d]), 1),
                     "replaced_by": round(float(baseline[d] * factor[d]), 1),
                     "ratio": round(float(per_event[d] / baseline[d]), 2)}
                    for d in np.flatnonzero(outliers)]
    _day_type_ratios(fit, per_event)
    fit.event_uplift = _event_uplift(days, totals, baseline, queue, events)
    return fit


def _fill_ends(baseline: np.ndarray) -> np.ndarray:
    """A baseline with no NaN: unknown days take the nearest known day of their weekday."""
    out = baseline.copy()
    if np.isnan(out).all():
        raise ValueError("no ordinary day with calls in the history")
    for d in np.flatnonzero(np.isnan(out)):
        same = [j for j in range(d % 7, len(out), 7) if not np.isnan(baseline[j])]
        out[d] = baseline[min(same, key=lambda j: abs(j - d))] if same else \
            float(np.nanmedian(baseline))
    return out


def weekly_level(values: np.ndarray) -> np.ndarray:
    """Mean of the seven days around each day (the window shifted inside at the ends)."""
    n = len(values)
    if n < 7:
        return np.full(n, float(np.mean(values)))
    out = np.empty(n)
    for d in range(n):
        start = min(max(d - 3, 0), n - 7)
        out[d] = float(np.mean(values[start:start + 7]))
    return out


LEVEL_KINDS = ("holiday", "makeup")


def _day_type_ratios(fit: DailyFit, per_event: np.ndarray) -> None:
    makeup, post = [], []
    level = weekly_level(fit.baseline)
    for d, info in enumerate(fit.infos):
        ratio = per_event[d] / (level[d] if info.kind in LEVEL_KINDS else fit.baseline[d])
        if not math.isfinite(ratio):
            continue
        if info.kind == "holiday":
            slots = fit.holiday_ratios.setdefault(info.holiday, [None] * info.length)
            if len(slots) == info.length:
                slots[info.position] = float(ratio)
        elif info.kind == "makeup":
            makeup.append(ratio)
        elif info.kind == "post_holiday":
            post.append(ratio)
    fit.holiday_ratios = {name: [r for r in ratios if r is not None]
                          for name, ratios in fit.holiday_ratios.items()
                          if any(r is not None for r in ratios)}
    workday = [fit.baseline[d] / level[d] for d, i in enumerate(fit.infos)
               if i.day.weekday() < 5]
    fit.makeup_ratio = float(np.median(makeup)) if makeup else \
        float(np.mean(workday)) if workday else 1.0
    fit.post_holiday_ratio = float(np.median(post)) if post else 1.0


def _event_uplift(days, totals, baseline, queue, events) -> list[dict]:
    """For each declared event inside the history: the uplift the history shows."""
    found = []
    for event in events:
        picks = [d for d, day in enumerate(days) if event.applies(day, queue)
                 and not math.isnan(totals[d])]
        if picks:
            ratio = float(np.sum(totals[picks]) / np.sum(baseline[picks]))
            found.append({"name": event.name, "declared": event.volume_factor,
                          "observed": round(ratio, 2), "days": len(picks)})
    return found


def holiday_ratio(fit: DailyFit, info: DayInfo) -> float:
    """The factor of a holiday day: same holiday and position when seen, else the mean."""
    ratios = fit.holiday_ratios.get(info.holiday)
    if ratios:
        if len(ratios) == 1 or info.length <= 1:
            return float(np.mean(ratios))
        position = round(info.position * (len(ratios) - 1) / max(info.length - 1, 1))
        return ratios[position]
    every = [r for rs in fit.holiday_ratios.values() for r in rs]
    return float(np.median(every)) if every else WEEKEND_SHARE


def day_factor(fit: DailyFit, info: DayInfo) -> float:
    """The day-type factor of a future day."""
    if info.kind == "holiday":
        return holiday_ratio(fit, info)
    if info.kind == "makeup":
        return fit.makeup_ratio
    if info.kind == "post_holiday":
        return fit.post_holiday_ratio
    return 1.0


def fit_model(fit: DailyFit, method: str, fit_days: int | None = None) -> None:
    """Fit the daily model on the log of the adjusted series (statsmodels)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    series = np.log(np.maximum(fit.adjusted, 0.5))
    if fit_days:
        series = series[-fit_days:]
    if len(series) < 21:
        raise ValueError("at least three weeks of history are needed")
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, ValueWarning

    with warnings.catch_warnings():
        # Optimiser notes are not errors for a planner: the fit is checked by the backtest.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", ValueWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        model = _fit(series, method)
    fit.method = method
    fit.model_forecast = model


def _fit(series: np.ndarray, method: str):
    if method == "holt_winters":
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        result = ExponentialSmoothing(series, trend="add", damped_trend=True, seasonal="add",
                                      seasonal_periods=7,
                                      initialization_method="estimated").fit(use_brute=False)
    else:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel
        from statsmodels.tsa.forecasting.stl import STLForecast

        result = STLForecast(series, ETSModel, period=7, robust=True,
                             model_kwargs={"error": "add", "trend": "add",
                                           "damped_trend": True}).fit()
    resid = np.asarray(result.resid if hasattr(result, "resid")
                       else result.model_result.resid)
    bias = math.exp(float(np.var(resid[7:])) / 2) if len(resid) > 14 else 1.0

    def forecast(h: int) -> np.ndarray:
        return np.exp(np.asarray(result.forecast(h))) * bias

    return forecast


def forecast_days(fit: DailyFit, queue: str, days: list[dt.date], events) -> np.ndarray:
    """Day totals for ``days`` (the days right after the history)."""
    base = fit.model_forecast(len(days) + 7)
    level = weekly_level(base)
    out = []
    for i, day in enumerate(days):
        info = day_info(day)
        reference = level[i] if info.kind in LEVEL_KINDS else base[i]
        out.append(reference * day_factor(fit, info)
                   * event_rules.volume_factor(events, day, queue))
    return np.array(out)
