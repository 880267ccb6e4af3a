"""Synthetic interval histories with known answers, for the forecast tests."""

import datetime as dt

import numpy as np

#: Share of the day per half hour 08:00-22:00 (28 slots), a workday shape.
SHAPE = np.array([2, 4, 6, 8, 9, 9, 8, 7, 5, 5, 6, 7, 8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 3, 3,
                  2, 2, 2, 1], dtype=float)
SHAPE = SHAPE / SHAPE.sum()
WEEK = (1.2, 1.1, 1.0, 1.0, 1.05, 0.7, 0.6)


def weekly(level: float = 1000.0):
    """Calls per day with the weekly pattern :data:`WEEK`."""
    return lambda day: level * WEEK[day.weekday()]


def rows(first: dt.date, days: int, calls_per_day, *, queue="consultation", seed=1,
         noise=True, aht=300.0, shape=SHAPE) -> list[dict]:
    """Half-hourly rows 08:00-22:00 from ``first``; Poisson counts when ``noise``."""
    rng = np.random.default_rng(seed)
    out = []
    for d in range(days):
        day = first + dt.timedelta(days=d)
        mean = calls_per_day(day) * shape
        counts = rng.poisson(mean) if noise else np.round(mean)
        for slot, count in enumerate(counts):
            minute = 8 * 60 + 30 * slot
            out.append({"date": day.isoformat(), "interval_start":
                        f"{minute // 60:02d}:{minute % 60:02d}", "queue": queue,
                        "offered": str(int(count)), "handled": str(int(count)),
                        "aht": f"{aht:.1f}"})
    return out
