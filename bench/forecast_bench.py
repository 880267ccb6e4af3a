"""Forecast benchmark (not a test): ``python bench/forecast_bench.py``.

On the shipped history sample (one year of half-hourly calls, three queues; see
``scripts/make_history_sample.py``), with the special events a planner of that center would
declare (``simulation.forecast.sample.SAMPLE_EVENTS``, their own guesses of the factors):

1. Wall time of reading the history and of a 4-week forecast of every queue, per method.
2. Backtest per queue on the last 4 weeks (2026-11-03 … 11-30, with 双11): WAPE and MAPE per
   interval, daily WAPE and AHT WAPE of Holt-Winters and STL + ETS against the seasonal
   naive forecast (the last week repeated).
3. The same on the 4 weeks around 国庆 (2026-09-29 … 10-26, with the 7-day holiday and the
   10 October 调休 Saturday), which the training year never showed.
4. The same on the last 4 weeks without declaring any event (what the calendar alone does).

Target: the default method's WAPE below the seasonal naive forecast on every queue.
:func:`run` returns the figures for ``bench/wfm_bench.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.forecast import (  # noqa: E402
    ForecastOptions,
    History,
    backtest,
    forecast,
    read_history,
)
from simulation.forecast.backtest import truncate  # noqa: E402
from simulation.forecast.sample import SAMPLE_EVENTS, sample_rows  # noqa: E402

DEFAULT_METHOD = ForecastOptions().method
METHODS = ("holt_winters", "stl_ets")


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def _table(title: str, history: History, events) -> dict:
    print(f"\n{title}")
    print(f"{'queue':<14}{'method':<16}{'WAPE':>8}{'MAPE':>8}{'day WAPE':>10}{'AHT WAPE':>10}")
    found = {}
    naive = None
    for method in METHODS:
        scores, seconds = _timed(backtest, history, events, ForecastOptions(method=method))
        found[method] = scores
        naive = scores
        for queue, s in scores.items():
            m = s["model"]
            print(f"{queue:<14}{method:<16}{m['wape']:>8.3f}{m['mape']:>8.3f}"
                  f"{m['daily_wape']:>10.3f}{m['aht_wape']:>10.3f}")
        print(f"{'':<14}({method} backtest {seconds:.2f} s)")
    for queue, s in naive.items():
        b = s["seasonal_naive"]
        print(f"{queue:<14}{'seasonal naive':<16}{b['wape']:>8.3f}{b['mape']:>8.3f}"
              f"{b['daily_wape']:>10.3f}{b['aht_wape']:>10.3f}")
    return found


def run() -> dict:
    """Print the benchmark and return its figures."""
    import statsmodels.tsa.forecasting.stl  # noqa: F401 - imports are not forecast time
    import statsmodels.tsa.holtwinters  # noqa: F401

    rows = sample_rows()
    history, read_s = _timed(read_history, rows)
    print(f"history: {len(rows)} rows, {len(history.queues)} queues, read in {read_s:.2f} s")
    times = {}
    for method in METHODS:
        _, seconds = _timed(forecast, history, SAMPLE_EVENTS,
                            ForecastOptions(horizon_days=28, method=method))
        times[method] = seconds
        print(f"4-week forecast, {method}: {seconds:.2f} s")
    last = _table("Backtest: last 4 weeks (双11), declared events", history, SAMPLE_EVENTS)
    national = History(history.interval_minutes,
                       {q: truncate(v, 35) for q, v in history.queues.items()})
    _table("Backtest: 4 weeks around 国庆 (holiday not in the training year)", national,
           SAMPLE_EVENTS)
    _table("Backtest: last 4 weeks, no events declared", history, ())
    chosen = last[DEFAULT_METHOD]
    passed = all(s["model"]["wape"] < s["seasonal_naive"]["wape"] for s in chosen.values())
    print(f"\nTarget (default {DEFAULT_METHOD}, WAPE below seasonal naive on every queue): "
          f"{'met' if passed else 'MISSED'}")
    return {"read_seconds": read_s, "forecast_seconds": times,
            "wape": {q: {"model": s["model"]["wape"], "seasonal_naive":
                         s["seasonal_naive"]["wape"]} for q, s in chosen.items()},
            "target_met": passed}


if __name__ == "__main__":
    run()
