#!/usr/bin/env python3
"""Generate the shipped call history: one year of half-hourly calls per queue (seeded).

Writes ``simulation/forecast/data/history_sample.csv.gz`` (columns ``date, interval_start,
queue, offered, handled, aht``), 2025-12-01 to 2026-11-30, lines open 08:00–22:00, queues
``consultation``, ``complaint`` and ``technical`` as in the scenario library. What is in it:

- weekly shape (Monday busiest, Sunday quietest) and an intraday shape that differs between
  workdays, weekends and holidays, with a later evening in summer;
- growth over the year (6–10 %) and handle times falling 5 % (training works);
- Chinese public holidays and 调休 working days from ``chinesecalendar`` — quieter holidays
  (春节 most of all), a rebound on the first day back;
- the summer air-conditioner peak (technical +45 % late July);
- 618 and 双11 sales festivals (questions before, installations after);
- a product recall from 16 March 2026 (complaints ×2.6 at the peak, longer calls);
- typhoon 2026-09-15/16: few calls while it passes, then a wave of repair calls;
- export faults a real file has: a repeated block of rows, a logging outage (three missing
  half hours) and a day with no technical rows.

The same seed gives the same file, byte for byte: ``python scripts/make_history_sample.py``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulation.forecast.holidays import day_info  # noqa: E402

OUTPUT = ROOT / "simulation" / "forecast" / "data" / "history_sample.csv.gz"
FIRST, LAST = dt.date(2025, 12, 1), dt.date(2026, 11, 30)
OPEN_HOUR, CLOSE_HOUR = 8, 22
SEED = 20261130

QUEUES = {
    # calls per day on an ordinary Wednesday at the start, weekday factors Mon..Sun,
    # growth per year, handle time (talk + after-call work) in seconds, summer peak
    "consultation": {"calls": 2400, "week": (1.15, 1.05, 1.0, 1.0, 1.05, 0.85, 0.75),
                     "growth": 0.08, "aht": 270, "summer": 0.15},
    "complaint": {"calls": 400, "week": (1.18, 1.06, 1.0, 0.98, 1.02, 0.82, 0.72),
                  "growth": 0.05, "aht": 540, "summer": 0.10},
    "technical": {"calls": 900, "week": (1.12, 1.04, 1.0, 1.0, 1.02, 0.90, 0.82),
                  "growth": 0.10, "aht": 465, "summer": 0.45},
}
#: Share of calls per clock hour 08..21.
HOURS = {
    "workday": (6, 9, 10, 9, 6, 7, 9, 9, 8, 7, 5, 4, 3, 2),
    "weekend": (3, 6, 8, 9, 8, 8, 8, 8, 7, 7, 6, 5, 4, 3),
    "holiday": (2, 4, 6, 8, 8, 8, 8, 8, 8, 7, 6, 5, 4, 3),
    "technical": (8, 10, 10, 9, 6, 7, 8, 8, 7, 6, 4, 3, 2, 1),
}
#: Holiday level at the first and last day of the block, per queue.
HOLIDAY_LEVEL = {
    "Spring Festival": {"consultation": (0.30, 0.60), "complaint": (0.30, 0.55),
                        "technical": (0.45, 0.80)},
    "National Day": {"consultation": (0.60, 0.75), "complaint": (0.55, 0.70),
                     "technical": (0.80, 0.95)},
    "other": {"consultation": (0.62, 0.72), "complaint": (0.60, 0.70),
              "technical": (0.80, 0.90)},
}
POST_HOLIDAY = {"consultation": 1.30, "complaint": 1.25, "technical": 1.40}


def half_hours(hourly) -> np.ndarray:
    """48 half-hour weights from 14 open-hour weights (gently interpolated), summing to 1."""
    w = np.zeros(48)
    hours = list(hourly)
    for index, weight in enumerate(hours):
        before = hours[index - 1] if index else weight * 0.6
        after = hours[index + 1] if index + 1 < len(hours) else weight * 0.6
        slot = 2 * (OPEN_HOUR + index)
        w[slot] = 0.75 * weight + 0.25 * before
        w[slot + 1] = 0.75 * weight + 0.25 * after
    return w / w.sum()


def summer(day: dt.date) -> float:
    """0..1: the air-conditioner season, a raised cosine from 10 June to 15 September."""
    start, end = dt.date(day.year, 6, 10), dt.date(day.year, 9, 15)
    if not start <= day <= end:
        return 0.0
    x = (day - start).days / (end - start).days
    return 0.5 - 0.5 * math.cos(2 * math.pi * x)


def festivals(day: dt.date, queue: str) -> float:
    """618 and 双11: questions before, complaints on the days, installations after."""
    factor = 1.0
    for month, peak in ((6, 18), (11, 11)):
        if day.month != month:
            continue
        offset = day.day - peak
        if queue == "consultation":
            factor *= 1.6 if -1 <= offset <= 1 else 1.2 if -10 <= offset < -1 else 1.0
        elif queue == "complaint":
            factor *= 1.3 if 0 <= offset <= 4 else 1.0
        elif queue == "technical":
            factor *= 1.3 if 2 <= offset <= 11 else 1.0
    return factor


def recall(day: dt.date, queue: str) -> tuple[float, float]:
    """(volume, handle time) factors of the March recall: 3 days up, 18 days down."""
    start = dt.date(2026, 3, 16)
    t = (day - start).days
    if not 0 <= t < 21:
        return 1.0, 1.0
    shape = (t + 1) / 3 if t < 3 else 1 - (t - 3) / 18
    peak = {"consultation": 1.2, "complaint": 2.6, "technical": 1.7}[queue]
    aht = {"consultation": 1.05, "complaint": 1.2, "technical": 1.25}[queue]
    return 1 + (peak - 1) * shape, 1 + (aht - 1) * shape


def typhoon(day: dt.date, queue: str) -> float:
    """Typhoon on 15-16 September: few calls while it passes, then repairs."""
    t = (day - dt.date(2026, 9, 15)).days
    during = {"consultation": 0.55, "complaint": 0.7, "technical": 0.8}[queue]
    after = {"consultation": (1.1, 1.05, 1.0, 1.0), "complaint": (1.3, 1.2, 1.0, 1.0),
             "technical": (1.8, 1.6, 1.3, 1.1)}[queue]
    if t in (0, 1):
        return during
    if 2 <= t < 6:
        return after[t - 2]
    return 1.0


def holiday_level(info, queue: str) -> float:
    levels = HOLIDAY_LEVEL.get(info.holiday, HOLIDAY_LEVEL["other"])[queue]
    x = info.position / max(info.length - 1, 1)
    return levels[0] + (levels[1] - levels[0]) * x


def day_factor(day: dt.date, queue: str, spec: dict) -> tuple[float, str]:
    """(volume factor of the day against an ordinary Wednesday, intraday shape name)."""
    info = day_info(day)
    week = spec["week"]
    if info.kind == "holiday":
        return holiday_level(info, queue) * week[day.weekday()] ** 0.3, "holiday"
    if info.kind == "makeup":
        return 0.97, "workday"
    if info.kind == "post_holiday":
        return week[day.weekday()] * POST_HOLIDAY[queue], "workday"
    return week[day.weekday()], "workday" if day.weekday() < 5 else "weekend"


def intraday(queue: str, shape: str, heat: float) -> np.ndarray:
    base = HOURS["technical"] if queue == "technical" and shape == "workday" else HOURS[shape]
    w = half_hours(base)
    evening = np.arange(48) >= 2 * 18
    w = w * np.where(evening, 1 + 0.35 * heat, 1.0)  # summer evenings run later
    return w / w.sum()


def aht_shape() -> np.ndarray:
    slots = np.arange(48)
    return np.where(slots < 2 * 10, 1.06, np.where(slots >= 2 * 19, 0.96, 1.0))


def generate(seed: int = SEED) -> list[list]:
    """Rows ``[date, interval_start, queue, offered, handled, aht]`` in time order."""
    rng = np.random.default_rng(seed)
    rows = []
    span = (LAST - FIRST).days
    aht_intraday = aht_shape()
    day = FIRST
    while day <= LAST:
        t = (day - FIRST).days / 365.0
        heat = summer(day)
        day_rows = []
        for queue, spec in QUEUES.items():
            level, shape = day_factor(day, queue, spec)
            rec_volume, rec_aht = recall(day, queue)
            volume = (spec["calls"] * (1 + spec["growth"] * t) * (1 + spec["summer"] * heat)
                      * level * festivals(day, queue) * rec_volume * typhoon(day, queue))
            volume *= math.exp(rng.normal(0.0, 0.04))
            load = volume / (spec["calls"] * spec["week"][day.weekday()])
            abandon = min(0.4, 0.04 * max(load, 0.5) ** 2)
            weights = intraday(queue, shape, heat)
            aht_day = spec["aht"] * (1 - 0.05 * t) * rec_aht * (1.03 if shape != "workday"
                                                                  else 1.0)
            for slot in range(2 * OPEN_HOUR, 2 * CLOSE_HOUR):
                rate = volume * weights[slot] * rng.gamma(1 / 0.06 ** 2, 0.06 ** 2)
                offered = int(rng.poisson(rate))
                handled = int(rng.binomial(offered, 1 - abandon))
                mean = aht_day * aht_intraday[slot]
                aht = mean * (1 + 0.8 / math.sqrt(max(handled, 1)) * rng.normal())
                aht = round(max(30.0, aht), 1) if handled else ""
                clock = f"{slot // 2:02d}:{30 * (slot % 2):02d}"
                day_rows.append([day.isoformat(), clock, queue, offered, handled, aht])
        rows.extend(sorted(day_rows, key=lambda r: (r[1], list(QUEUES).index(r[2]))))
        day += dt.timedelta(days=1)
    assert len(rows) == (span + 1) * 28 * len(QUEUES)
    return _export_faults(rows)


def _export_faults(rows: list[list]) -> list[list]:
    """What real exports carry: repeated rows, a logging outage, a day without a queue."""
    outage = {("2026-08-12", "10:00"), ("2026-08-12", "10:30"), ("2026-08-12", "11:00")}
    kept = [r for r in rows
            if not ((r[0], r[1]) in outage and r[2] == "consultation")
            and not (r[0] == "2026-02-02" and r[2] == "technical")]
    repeated = [r for r in kept if r[0] == "2026-06-30" and r[1] in ("14:00", "14:30")]
    at = max(i for i, r in enumerate(kept) if r[0] == "2026-06-30" and r[1] == "15:00")
    return kept[:at + 1] + repeated + kept[at + 1:]


def to_csv_gz(rows: list[list]) -> bytes:
    """The rows as gzip-compressed CSV with a header; mtime 0 so the bytes are stable."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["date", "interval_start", "queue", "offered", "handled", "aht"])
    writer.writerows(rows)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as archive:
        archive.write(text.getvalue().encode("utf-8"))
    return buffer.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    data = to_csv_gz(generate(args.seed))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data) / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
