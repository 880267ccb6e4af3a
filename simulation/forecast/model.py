"""Forecast offered calls and handle time per queue and interval, up to eight weeks ahead.

Pipeline per queue (see :mod:`.daily` and :mod:`.profiles` for what each step assumes):
day totals (gaps rescaled by the intraday shape, days mostly missing left out) → baselines,
outliers and day-type factors → a statsmodels model of the adjusted daily series → day
totals for the horizon × holiday/调休/event factors → split over the day by the intraday
shape of the day's kind; handle time per interval from the recent weeks of the same kind.

``method``: ``holt_winters`` (damped additive trend, additive weekly season, on the log),
``stl_ets`` (STL with period 7, then ETS on the seasonally adjusted log), or ``auto``: each
queue takes whichever of the two has the lower WAPE on a holdout of its own last weeks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from . import daily, profiles
from . import events as event_rules
from .history import History, QueueHistory
from .holidays import DayInfo, calendar_covers, day_info, last_covered_year

MAX_HORIZON_DAYS = 56
METHODS = (*daily.METHODS, "auto")
#: A day is left out of the daily series when less than this share of it was recorded.
MIN_DAY_COVERAGE = 0.5


@dataclass(frozen=True)
class ForecastOptions:
    """How to forecast: horizon, model and the windows of the intraday estimates."""

    horizon_days: int = 28
    method: str = "holt_winters"
    profile_weeks: int = 8
    aht_weeks: int = 4
    outlier_threshold: float = 3.5
    #: Fit on at most this many of the last days (None: all).
    fit_days: int | None = None

    def __post_init__(self):
        if not 1 <= self.horizon_days <= MAX_HORIZON_DAYS:
            raise ValueError(f"the horizon must be 1 to {MAX_HORIZON_DAYS} days")
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; known: {', '.join(METHODS)}")


@dataclass
class QueueForecast:
    """One queue's forecast: per day and interval, plus what the fit found."""

    queue: str
    days: list[dt.date]
    offered: np.ndarray      # (days, slots)
    aht: np.ndarray          # (days, slots), seconds
    fit: daily.DailyFit
    method: str

    @property
    def daily(self) -> np.ndarray:
        """Calls per forecast day."""
        return self.offered.sum(axis=1)


@dataclass
class Forecast:
    """Every queue's forecast and the warnings a planner should read."""

    interval_minutes: int
    queues: dict[str, QueueForecast]
    warnings: list[str] = field(default_factory=list)

    @property
    def days(self) -> list[dt.date]:
        """The forecast days (the same for every queue)."""
        return next(iter(self.queues.values())).days

    def as_dict(self) -> dict:
        """Plain data (JSON) with rounded numbers."""
        return {"interval_minutes": self.interval_minutes, "warnings": self.warnings,
                "days": [d.isoformat() for d in self.days],
                "queues": {name: _queue_dict(q) for name, q in self.queues.items()}}


def _queue_dict(q: QueueForecast) -> dict:
    fit = q.fit
    return {"method": q.method,
            "offered": np.round(q.offered, 2).tolist(),
            "aht": np.round(np.nan_to_num(q.aht), 1).tolist(),
            "daily": np.round(q.daily, 1).tolist(),
            "history_days": [d.isoformat() for d in fit.days],
            "history_daily": [None if np.isnan(v) else round(float(v), 1) for v in fit.totals],
            "outliers": fit.outliers,
            "event_uplift": fit.event_uplift,
            "holiday_factors": {k: [round(r, 3) for r in v]
                                for k, v in fit.holiday_ratios.items()},
            "makeup_factor": round(fit.makeup_ratio, 3),
            "post_holiday_factor": round(fit.post_holiday_ratio, 3)}


def day_totals(queue: QueueHistory, infos: list[DayInfo]) -> np.ndarray:
    """Calls per day; a partly recorded day is scaled up by the share it covers."""
    offered = queue.offered
    everything = np.ones(len(infos), dtype=bool)
    shapes = profiles.shares(offered, infos, everything, weeks=10_000)
    totals = np.full(len(infos), np.nan)
    for d, info in enumerate(infos):
        row = offered[d]
        missing = np.isnan(row)
        if not missing.any():
            totals[d] = row.sum()
            continue
        covered = float(profiles.share_for(shapes, info)[~missing].sum())
        if covered >= MIN_DAY_COVERAGE:
            totals[d] = np.nansum(row) / covered
    return totals


def forecast_queue(queue: QueueHistory, events, options: ForecastOptions,
                   method: str | None = None) -> QueueForecast:
    """The forecast of one queue for ``options.horizon_days`` days after its history."""
    method = method or options.method
    if method == "auto":
        method = choose_method(queue, events, options)
    infos = [day_info(d) for d in queue.days]
    totals = day_totals(queue, infos)
    fit = daily.clean(queue.days, totals, queue.queue, events, options.outlier_threshold)
    daily.fit_model(fit, method, options.fit_days)
    last = queue.days[-1]
    future = [last + dt.timedelta(days=i + 1) for i in range(options.horizon_days)]
    day_calls = daily.forecast_days(fit, queue.queue, future, events)
    usable = _usable(queue, fit, events)
    shapes = profiles.shares(queue.offered, infos, usable, options.profile_weeks)
    ahts = profiles.handle_times(queue.offered, queue.handled, queue.aht, infos, usable,
                                 options.aht_weeks)
    slots = queue.offered.shape[1]
    offered = np.zeros((len(future), slots))
    aht = np.zeros((len(future), slots))
    for i, day in enumerate(future):
        info = day_info(day)
        offered[i] = day_calls[i] * profiles.share_for(shapes, info)
        aht[i] = profiles.aht_for(ahts, info, events, day, queue.queue)
    return QueueForecast(queue.queue, future, offered, aht, fit, method)


def _usable(queue: QueueHistory, fit: daily.DailyFit, events) -> np.ndarray:
    """Days whose shape and handle time speak for their kind: no event, no outlier."""
    bad = {o["day"] for o in fit.outliers}
    return np.array([d.isoformat() not in bad
                     and event_rules.volume_factor(events, d, queue.queue) == 1.0
                     and event_rules.aht_factor(events, d, queue.queue) == 1.0
                     for d in queue.days])


def forecast(history: History, events=(), options: ForecastOptions | None = None,
             queues=None, progress=None) -> Forecast:
    """Forecast every queue of ``history`` (or the ``queues`` named)."""
    options = options or ForecastOptions()
    names = [q for q in (queues or history.queues) if q in history.queues]
    if not names:
        raise ValueError("none of the chosen queues is in the history")
    ends = {history.queues[n].days[-1] for n in names}
    end = max(ends)
    found = {}
    for index, name in enumerate(names):
        found[name] = forecast_queue(_extend_to(history.queues[name], end), events, options)
        if progress:
            progress((index + 1) / len(names))
    result = Forecast(history.interval_minutes, found)
    result.warnings = _warnings(result, ends)
    return result


def _extend_to(queue: QueueHistory, end: dt.date) -> QueueHistory:
    """The queue's grid padded with missing days up to ``end`` (queues end on one day)."""
    extra = (end - queue.days[-1]).days
    if extra <= 0:
        return queue
    low, high = queue.open_slots

    def pad(grid, open_value):
        more = np.zeros((extra, grid.shape[1])) if open_value == 0 else \
            np.full((extra, grid.shape[1]), np.nan)
        more[:, low:high + 1] = np.nan
        return np.vstack([grid, more])

    return QueueHistory(queue.queue, queue.first_day, pad(queue.offered, 0),
                        pad(queue.handled, np.nan), pad(queue.aht, np.nan), queue.open_slots)


def _warnings(result: Forecast, ends: set) -> list[str]:
    notes = []
    uncovered = [d for d in result.days if not calendar_covers(d)]
    if uncovered:
        notes.append(f"calendar_beyond:{last_covered_year()}:{uncovered[0].isoformat()}")
    if len(ends) > 1:
        notes.append(f"queues_end_apart:{min(ends).isoformat()}:{max(ends).isoformat()}")
    return notes


def choose_method(queue: QueueHistory, events, options: ForecastOptions) -> str:
    """The daily model with the lower WAPE on a holdout of the queue's last weeks."""
    from .backtest import backtest_queue

    holdout = min(28, max(7, len(queue.days) // 5))
    scores = {}
    for method in daily.METHODS:
        scores[method] = backtest_queue(queue, events, options, holdout, method)["model"]["wape"]
    return min(scores, key=scores.get)
