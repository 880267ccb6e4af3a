"""A forecast becomes a planning scenario's arrival profile, keeping its weekly pattern.

The scenario schema (``scenarios/README.md``) expresses a queue's arrivals as
``calls_per_day`` × ``day_factors[day]`` × one intraday ``arrival_shape``. For a window of
forecast days (at most 31, the schema's horizon): ``calls_per_day`` is the window's mean day,
``day_factors`` the ratio of each day to it (Monday high, Sunday low, a holiday low — one
factor per day, so every day total of the forecast is kept exactly), and the shape is the
window's call-weighted intraday profile. What the schema cannot say: a different intraday
shape per day (a Sunday's later start) — the window's mean shape is used for every day.

Handle time: the window's call-weighted forecast AHT is talk + after-call work, so the
queue's talk time becomes AHT − the base scenario's ``after_call_work_seconds``.

Staffing of the base scenario is laid onto the new clock: a weekly plan keeps its weekdays
(Monday's plan lands on Mondays), a daily plan repeats each day, hours the base did not
cover get no agents. The base's events are dropped (they were dated for its own horizon;
the forecast carries the special events).
"""

from __future__ import annotations

import copy
import datetime as dt
import math

MAX_DAYS = 31


def _plan_on_new_clock(agents: list, base: dict, new_weekday: int, n_new: int) -> list:
    """The base's per-interval agents laid onto ``n_new`` intervals from 00:00 of a day."""
    interval = int(base["interval_minutes"])
    horizon = float(base["horizon_hours"])
    base_days = max(1, math.ceil((float(base.get("start_hour") or 0) + horizon) / 24 - 1e-9))
    period = 24.0 * (7 if base_days >= 7 else base_days)
    day_offset = (new_weekday - int(base.get("start_weekday") or 0)) % 7 \
        if base_days >= 7 else 0
    start = float(base.get("start_hour") or 0)
    values = []
    for i in range(n_new):
        t = (i * interval / 60.0 + 24.0 * day_offset - start) % period
        values.append(int(agents[int(t * 60 // interval) % len(agents)]) if t < horizon else 0)
    return values


def scenario_from_forecast(base: dict, forecast: dict, first_day: dt.date, days: int, *,
                           scenario_id: str, title: dict, description: dict,
                           queues=None) -> tuple[dict, list[tuple[str, str]]]:
    """(scenario dict, notes) for ``days`` forecast days from ``first_day``.

    ``base`` is a scenario dict (``scenarios.scenario_to_dict``) whose groups, staffing,
    caller behaviour and targets are kept; ``forecast`` is :meth:`Forecast.as_dict`. Notes
    are ``(code, value)`` pairs for the page: ``queue_not_in_base``, ``no_calls``,
    ``aht_below_acw``, ``events_dropped``.
    """
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a scenario covers 1 to {MAX_DAYS} days")
    all_days = [dt.date.fromisoformat(d) for d in forecast["days"]]
    if first_day not in all_days or all_days.index(first_day) + days > len(all_days):
        raise ValueError("the chosen days are not all in the forecast")
    start = all_days.index(first_day)
    data = copy.deepcopy(base)
    notes: list[tuple[str, str]] = []
    interval = int(data["interval_minutes"])
    n_new = days * 24 * 60 // interval
    for plan in data.get("staffing", {}).values():
        plan["agents"] = _plan_on_new_clock(plan["agents"], base, first_day.weekday(), n_new)
    if data.get("technicians"):
        data["technicians"]["agents"] = _plan_on_new_clock(
            data["technicians"]["agents"], base, first_day.weekday(), n_new)
    if data.get("events"):
        notes.append(("events_dropped", str(len(data["events"]))))
    data.update(id=scenario_id, title=title, description=description,
                horizon_hours=24.0 * days, start_hour=0.0, warmup_hours=0.0,
                start_weekday=first_day.weekday(), events=[])
    data.setdefault("arrival_shapes", {})
    for name, found in forecast["queues"].items():
        if queues and name not in queues:
            continue
        if name not in data["queues"]:
            notes.append(("queue_not_in_base", name))
            continue
        _apply_queue(data, name, found, start, days, notes)
    return data, notes


def _apply_queue(data: dict, name: str, found: dict, start: int, days: int,
                 notes: list) -> None:
    rows = found["offered"][start:start + days]
    ahts = found["aht"][start:start + days]
    totals = [sum(row) for row in rows]
    mean = sum(totals) / days
    if mean <= 0:
        notes.append(("no_calls", name))
        return
    slots = len(rows[0])
    weights = [sum(row[s] for row in rows) for s in range(slots)]
    scale = 1000.0 / sum(weights)
    shape = f"{name}_forecast"
    data["arrival_shapes"][shape] = [round(w * scale, 3) for w in weights]
    queue = data["queues"][name]
    queue["calls_per_day"] = round(mean, 1)
    queue["arrival_shape"] = shape
    queue["day_factors"] = [round(t / mean, 6) for t in totals]
    calls = sum(sum(row) for row in rows)
    aht = sum(o * a for row, arow in zip(rows, ahts, strict=True)
              for o, a in zip(row, arow, strict=True)) / calls
    acw = float(queue.get("after_call_work_seconds") or 0.0)
    if aht - acw <= 0:
        notes.append(("aht_below_acw", name))
        return
    queue["handle_time_seconds"]["mean"] = round(aht - acw, 1)
