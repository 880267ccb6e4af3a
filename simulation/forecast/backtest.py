"""Backtest: forecast the last weeks of the history from the weeks before and score it.

Scores, over every recorded interval of the holdout (gaps left out):

- WAPE = Σ|forecast − actual| / Σ actual (the error per call offered; robust to quiet
  intervals);
- MAPE = mean of |forecast − actual| / actual over intervals with calls (quiet intervals
  weigh as much as busy ones, so it reads higher than WAPE);
- daily WAPE, the same on day totals;
- AHT WAPE, handle-time errors weighted by the calls of each interval.

The baseline is the seasonal naive forecast: every day of the holdout repeats the same
weekday of the last week before it. A model is worth using only when it beats that.
"""

from __future__ import annotations

import numpy as np

from .history import History, QueueHistory

DEFAULT_HOLDOUT_DAYS = 28


def truncate(queue: QueueHistory, days: int) -> QueueHistory:
    """The queue's history without its last ``days`` days."""
    return QueueHistory(queue.queue, queue.first_day, queue.offered[:-days],
                        queue.handled[:-days], queue.aht[:-days], queue.open_slots)


def seasonal_naive(queue: QueueHistory, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """(offered, AHT) for ``horizon`` days repeating the last week (gaps: the week before)."""
    offered, aht = queue.offered, queue.aht
    if len(offered) < 7:
        raise ValueError("at least one week of history is needed")
    weeks = len(offered) // 7

    def last_week(grid):
        week = grid[-7:].copy()
        for back in range(2, weeks + 1):
            holes = np.isnan(week)
            if not holes.any():
                break
            week[holes] = grid[-7 * back:len(grid) - 7 * (back - 1)][holes]
        return np.nan_to_num(week)

    week_offered, week_aht = last_week(offered), last_week(aht)
    reps = -(-horizon // 7)
    return np.tile(week_offered, (reps, 1))[:horizon], np.tile(week_aht, (reps, 1))[:horizon]


def scores(forecast_offered, forecast_aht, actual_offered, actual_aht) -> dict:
    """WAPE, MAPE, daily WAPE and AHT WAPE of a forecast against the actuals."""
    valid = ~np.isnan(actual_offered)
    actual = np.where(valid, actual_offered, 0.0)
    error = np.abs(np.where(valid, forecast_offered, 0.0) - actual)
    total = actual.sum()
    busy = valid & (actual_offered > 0)
    day_actual = actual.sum(axis=1)
    day_forecast = np.where(valid, forecast_offered, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mape = float(np.mean(error[busy] / actual[busy])) if busy.any() else float("nan")
    aht_valid = busy & ~np.isnan(actual_aht)
    aht_weight = actual[aht_valid]
    aht_error = np.abs(forecast_aht[aht_valid] - actual_aht[aht_valid])
    aht_total = float((aht_weight * actual_aht[aht_valid]).sum())
    return {"wape": float(error.sum() / total) if total else float("nan"),
            "mape": mape,
            "daily_wape": float(np.abs(day_forecast - day_actual).sum() / day_actual.sum())
            if day_actual.sum() else float("nan"),
            "aht_wape": float((aht_weight * aht_error).sum() / aht_total) if aht_total
            else float("nan")}


def backtest_queue(queue: QueueHistory, events, options, holdout_days: int,
                   method: str | None = None) -> dict:
    """Scores of the model and of the seasonal naive forecast on the last ``holdout_days``."""
    from dataclasses import replace

    from .model import forecast_queue

    if len(queue.days) < holdout_days + 21:
        raise ValueError("the history is too short for this holdout: it needs at least "
                         "three weeks before it")
    train = truncate(queue, holdout_days)
    actual_offered = queue.offered[-holdout_days:]
    actual_aht = queue.aht[-holdout_days:]
    fitted = forecast_queue(train, events, replace(options, horizon_days=holdout_days), method)
    naive_offered, naive_aht = seasonal_naive(train, holdout_days)
    return {"days": holdout_days, "first_day": queue.days[-holdout_days].isoformat(),
            "method": fitted.method,
            "model": scores(fitted.offered, fitted.aht, actual_offered, actual_aht),
            "seasonal_naive": scores(naive_offered, naive_aht, actual_offered, actual_aht),
            "actual_daily": np.round(np.nansum(actual_offered, axis=1), 1).tolist(),
            "model_daily": np.round(fitted.daily, 1).tolist(),
            "naive_daily": np.round(naive_offered.sum(axis=1), 1).tolist()}


def backtest(history: History, events=(), options=None, holdout_days: int =
             DEFAULT_HOLDOUT_DAYS, queues=None, progress=None) -> dict:
    """{queue: scores} for every queue (or those named)."""
    from .model import ForecastOptions

    options = options or ForecastOptions()
    names = [q for q in (queues or history.queues) if q in history.queues]
    found = {}
    for index, name in enumerate(names):
        found[name] = backtest_queue(history.queues[name], events, options, holdout_days)
        if progress:
            progress((index + 1) / len(names))
    return found
