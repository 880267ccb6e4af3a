"""Intraday re-forecast: the day's actuals so far rescale the rest of the day.

Model: the day runs at an unknown multiple ``r`` of its forecast in every interval. With a
gamma prior on ``r`` (mean 1, worth :data:`PRIOR_CALLS` calls, i.e. days deviate from the
forecast by about 1/√100 = 10 %) and Poisson arrivals, the posterior mean after seeing
``A`` calls where ``F`` were forecast is ``(PRIOR_CALLS + A) / (PRIOR_CALLS + F)``: a quiet
first half hour moves little, a whole morning 20 % above forecast moves the afternoon by
nearly 20 %. Handle time is rescaled the same way, by the call-weighted ratio of actual to
forecast AHT, with a prior worth :data:`PRIOR_AHT_CALLS` calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PRIOR_CALLS = 100.0
PRIOR_AHT_CALLS = 200.0


@dataclass(frozen=True)
class Reforecast:
    """One queue's day: the forecast, the actuals so far and the re-forecast per interval."""

    forecast: tuple[float, ...]
    actual: tuple[float | None, ...]
    reforecast: tuple[float, ...]
    aht_forecast: tuple[float, ...]
    aht_reforecast: tuple[float, ...]
    volume_ratio: float
    aht_ratio: float
    now_slot: int

    @property
    def day_forecast(self) -> float:
        """Calls the original forecast expected for the whole day."""
        return float(sum(self.forecast))

    @property
    def day_expected(self) -> float:
        """Calls now expected for the day: actuals so far plus the re-forecast rest."""
        return float(sum(a if a is not None else r
                         for a, r in zip(self.actual, self.reforecast, strict=True)))

    def as_dict(self) -> dict:
        """Plain data (JSON)."""
        return {"forecast": list(self.forecast), "actual": list(self.actual),
                "reforecast": list(self.reforecast), "aht_forecast": list(self.aht_forecast),
                "aht_reforecast": list(self.aht_reforecast),
                "volume_ratio": self.volume_ratio, "aht_ratio": self.aht_ratio,
                "now_slot": self.now_slot, "day_forecast": round(self.day_forecast, 1),
                "day_expected": round(self.day_expected, 1)}


def reforecast_day(forecast_offered, forecast_aht, actual_offered: dict[int, float],
                   actual_aht: dict[int, float] | None = None,
                   now_slot: int | None = None) -> Reforecast:
    """Re-forecast the intervals from ``now_slot`` on (default: after the last actual).

    ``actual_offered`` / ``actual_aht`` map slot index → value for the intervals already
    over; slots without an actual before ``now_slot`` count as not reported (left out).
    """
    planned = np.asarray(forecast_offered, dtype=float)
    planned_aht = np.asarray(forecast_aht, dtype=float)
    actual_aht = actual_aht or {}
    if any(not 0 <= s < len(planned) for s in actual_offered):
        raise ValueError("an actual names an interval outside the day")
    if now_slot is None:
        now_slot = max(actual_offered, default=-1) + 1
    seen = [s for s in actual_offered if s < now_slot]
    calls = sum(actual_offered[s] for s in seen)
    expected = float(sum(planned[s] for s in seen))
    ratio = (PRIOR_CALLS + calls) / (PRIOR_CALLS + expected)
    weighted = [(actual_offered[s], actual_aht[s], planned_aht[s]) for s in seen
                if s in actual_aht and planned_aht[s] > 0]
    weight = sum(n for n, _, _ in weighted)
    aht_ratio = (PRIOR_AHT_CALLS + sum(n * a / p for n, a, p in weighted)) / \
        (PRIOR_AHT_CALLS + weight)
    rest = np.arange(len(planned)) >= now_slot
    new = np.where(rest, planned * ratio, planned)
    new_aht = np.where(rest, planned_aht * aht_ratio, planned_aht)
    actual = tuple(float(actual_offered[s]) if s in actual_offered and s < now_slot else None
                   for s in range(len(planned)))
    return Reforecast(tuple(np.round(planned, 2).tolist()), actual,
                      tuple(np.round(new, 2).tolist()), tuple(np.round(planned_aht, 1).tolist()),
                      tuple(np.round(new_aht, 1).tolist()), round(float(ratio), 4),
                      round(float(aht_ratio), 4), now_slot)
