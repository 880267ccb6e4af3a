"""Intraday re-planning: the day's re-forecast against the staff a shift plan puts on the floor.

For one forecast day and one of the planner's solved shift plans (or rosters) that covers it:

1. **Volume**: every queue the plan's scenario and the forecast share is re-forecast from the
   actuals entered so far (:func:`lms.workforce.service.reforecast`); the intervals that are
   over keep their actuals.
2. **Need**: the day as a scenario (the re-forecast arrivals of the shared queues, the plan
   scenario's own arrivals for the others, its groups, routing and caller behaviour), staffed
   analytically (:func:`simulation.planning.analytic_plan`: Erlang A per interval and group on
   the queues each group answers first, the queues' service-level targets, a 5 % abandonment
   cap, 90 % occupancy) and divided by the share of scheduled staff on the phones.
3. **Actions** for the rest of the day, per group, on runs of intervals short of or above the
   need: *overtime* for shifts that end inside a short run (at most :data:`MAX_OVERTIME_SLOTS`
   intervals), *call-ins* from the reserve for the rest of the gap (not before the call-in
   delay, :data:`CALL_IN_SLOTS`), *early release* when the surplus lasts until the shifts end,
   and *off-phone work* (coaching, training, back-office) for a surplus in the middle of the
   day. Numbers are heads.
4. **Re-simulation**: the same day scenario simulated twice on the same random numbers, with the
   plan's heads and with the actions applied; the page compares the intervals from now on.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

from sqlalchemy import select

import scenarios
from lms.extensions import db
from lms.rostering.models import ShiftPlan
from lms.rostering.service import result_of
from simulation.forecast import scenario_from_forecast
from simulation.planning import analytic_plan, scheduled_for
from simulation.scheduling.verify import verify

log = logging.getLogger("lms.workforce")

#: An agent can be asked to stay at most this many intervals past the end of the shift.
MAX_OVERTIME_SLOTS = 4
#: A reserve agent called in reaches the floor this many intervals after the call.
CALL_IN_SLOTS = 1
#: Replications of each re-simulation (common random numbers: before and after share them).
REPLICATIONS = 3


class ReplanError(ValueError):
    """The plan cannot be laid on this forecast day (the message says why, for the page)."""


@dataclass(frozen=True)
class Action:
    """One recommendation: ``heads`` agents of ``group`` from slot ``start`` to ``end``."""

    kind: str          # overtime | call_in | release | off_phone
    group: str
    start: int
    end: int           # exclusive
    heads: int
    note: str = ""     # "delay": the call-in cannot start before the delay has passed

    def delta(self) -> int:
        """Heads this action adds to the floor (negative: takes off)."""
        return self.heads if self.kind in ("overtime", "call_in") else -self.heads


@dataclass
class Replan:
    """The day's need, heads, gaps and actions per group, from ``now`` on."""

    day: dt.date
    interval_minutes: int
    now_slot: int
    groups: tuple[str, ...]
    need: dict[str, list[int]]
    heads: dict[str, list[int]]
    actions: list[Action]
    scenario: scenarios.Scenario

    def gap(self, group: str, k: int) -> int:
        """Heads short (positive) or spare (negative) in slot ``k``."""
        return self.need[group][k] - self.heads[group][k]

    def heads_after(self) -> dict[str, list[int]]:
        """The heads with every action applied."""
        out = {g: list(v) for g, v in self.heads.items()}
        for action in self.actions:
            for k in range(action.start, action.end):
                out[action.group][k] = max(0, out[action.group][k] + action.delta())
        return out

    def slots_ahead(self) -> list[int]:
        """Slots from now on where anyone is needed or on the floor."""
        n = len(next(iter(self.need.values()))) if self.need else 0
        return [k for k in range(self.now_slot, n)
                if any(self.need[g][k] or self.heads[g][k] for g in self.groups)]

    def label(self, slot: int) -> str:
        """``HH:MM`` of the start of ``slot``."""
        minute = slot * self.interval_minutes
        return f"{minute // 60:02d}:{minute % 60:02d}"


def plans_covering(owner_id: int, day: dt.date) -> list[ShiftPlan]:
    """The owner's solved plans whose horizon includes ``day``, newest first."""
    found = []
    for plan in db.session.scalars(select(ShiftPlan).where(ShiftPlan.owner_id == owner_id)
                                   .order_by(ShiftPlan.id.desc())):
        result = result_of(plan)
        if not result or "plan" not in result or not plan.scenario_yaml:
            continue
        req = plan.requirement
        days = math.ceil(req["n_intervals"] * req["interval_minutes"] / 1440 - 1e-9)
        if plan.starts_on <= day < plan.starts_on + dt.timedelta(days=days):
            found.append(plan)
    return found


def _solved(plan: ShiftPlan) -> dict:
    result = result_of(plan) or {}
    return result.get("roster") or result["plan"]


def _floor(plan: ShiftPlan, day_index: int, per_day: int) -> dict[str, list[int]]:
    minutes = plan.requirement["interval_minutes"]
    out = {}
    for group, covered in _solved(plan)["coverage"].items():
        part = covered[day_index * per_day:(day_index + 1) * per_day]
        out[group] = [int(m // minutes) for m in part] + [0] * (per_day - len(part))
    return out


def _shift_ends(plan: ShiftPlan, day_index: int, minutes: int) -> dict[str, dict[int, int]]:
    """{group: {slot where shifts end: how many}} on the day."""
    solved = _solved(plan)
    rows = solved.get("assignments") or solved.get("shifts") or []
    ends: dict[str, dict[int, int]] = {}
    for row in rows:
        if row["day"] != day_index:
            continue
        slot = (row["start"] + row["length"]) // minutes
        ends.setdefault(row["group"], {})
        ends[row["group"]][slot] = ends[row["group"]].get(slot, 0) + int(row.get("count", 1))
    return ends


def day_forecast(result: dict, day: dt.date, redone: dict[str, dict]) -> dict:
    """A one-day forecast dict (``Forecast.as_dict`` shape) from the re-forecast queues."""
    queues = {}
    for name, found in redone.items():
        offered = [a if a is not None else r for a, r in zip(found["actual"], found["reforecast"],
                                                               strict=True)]
        queues[name] = {"offered": [offered], "aht": [list(found["aht_reforecast"])]}
    return {"days": [day.isoformat()], "interval_minutes": result["forecast"]["interval_minutes"],
            "queues": queues}


def _need(s: scenarios.Scenario, groups: tuple[str, ...]) -> dict[str, list[int]]:
    """Agents to schedule per group and interval: the analytic Erlang A plan of the day."""
    plan = analytic_plan(s)
    out = {}
    for g in groups:
        gi = s.group_names.index(g)
        out[g] = [scheduled_for(int(plan.erlang_a[k, gi]), float(plan.staff_factor[k, gi]))
                  for k in range(s.n_intervals)]
    return out


def _runs(values: list[int], start: int, sign: int) -> list[tuple[int, int]]:
    """Maximal runs [a, b) from ``start`` where ``sign * value > 0``."""
    runs, a = [], None
    for k in range(start, len(values) + 1):
        inside = k < len(values) and sign * values[k] > 0
        if inside and a is None:
            a = k
        elif not inside and a is not None:
            runs.append((a, k))
            a = None
    return runs


def _actions(group: str, gaps: list[int], heads: list[int], ends: dict[int, int],
             now: int) -> list[Action]:
    actions = []
    for a, b in _runs(gaps, now, +1):
        left = list(gaps)
        first_end = min((slot for slot in ends if a <= slot < b), default=None)
        staying = ends.get(first_end, 0) if first_end is not None else 0
        if staying:
            until = min(b, first_end + MAX_OVERTIME_SLOTS)
            extra = min(staying, max(gaps[first_end:until]))
            actions.append(Action("overtime", group, first_end, until, extra))
            for k in range(first_end, until):
                left[k] = gaps[k] - extra
        earliest = max(a, now + CALL_IN_SLOTS)
        residual = [max(0, v) for v in left[earliest:b]]
        if residual and max(residual) > 0:
            starts = next(k for k in range(earliest, b) if left[k] > 0)
            stops = max(k for k in range(earliest, b) if left[k] > 0) + 1
            actions.append(Action("call_in", group, starts, stops, max(residual),
                                  "delay" if a < now + CALL_IN_SLOTS else ""))
    last = max((k for k, h in enumerate(heads) if h > 0), default=-1) + 1
    for a, b in _runs(gaps, now, -1):
        spare = min(-gaps[k] for k in range(a, b))
        if spare <= 0:
            continue
        if b >= last:
            actions.append(Action("release", group, a, b, spare))
        elif b - a >= 2:
            actions.append(Action("off_phone", group, a, b, spare))
    return actions


def replan(plan: ShiftPlan, result: dict, day: dt.date, redone: dict[str, dict],
           now_slot: int) -> Replan:
    """Need, heads and actions of ``day`` (module doc); raises :class:`ReplanError`."""
    base = scenarios.validate(plan.scenario_yaml)
    minutes = int(result["forecast"]["interval_minutes"])
    if base.interval_minutes != minutes or plan.requirement["interval_minutes"] != minutes:
        raise ReplanError("interval")
    shared = {q: v for q, v in redone.items() if q in base.queue_names}
    if not shared:
        raise ReplanError("queues")
    forecast = day_forecast(result, day, shared)
    data, _notes = scenario_from_forecast(
        scenarios.scenario_to_dict(base), forecast, day, 1, scenario_id="intraday",
        title={"zh": base.title.zh, "en": base.title.en},
        description={"zh": base.description.zh, "en": base.description.en})
    s = scenarios.validate(data)
    per_day = 1440 // minutes
    day_index = (day - plan.starts_on).days
    floor = _floor(plan, day_index, per_day)
    groups = tuple(g for g in s.group_names if g in floor)
    need = _need(s, groups)
    ends = _shift_ends(plan, day_index, minutes)
    actions = []
    for g in groups:
        gaps = [need[g][k] - floor[g][k] for k in range(per_day)]
        actions += _actions(g, gaps, floor[g], ends.get(g, {}), now_slot)
    actions.sort(key=lambda x: (x.start, x.group, x.kind))
    return Replan(day, minutes, now_slot, groups, need, {g: floor[g] for g in groups}, actions,
                  s)


def resimulate(found: Replan, seed: int = 1) -> dict:
    """The rest of the day simulated with the plan's heads and with the actions applied.

    Returns {"before": share, "after": share, "rows": [{slot, label, before, after}]}: the
    share of open intervals from now on where every queue met its targets, and the lowest
    queue service level per interval.
    """
    out = {}
    for name, heads in (("before", found.heads), ("after", found.heads_after())):
        checked = verify(found.scenario, heads, replications=REPLICATIONS, seed=seed)
        out[name] = checked
    rows, shares = [], {}
    for name, checked in out.items():
        open_rest = [k for k, flag in enumerate(checked.open_intervals)
                     if flag and k >= found.now_slot]
        missed = {r["interval"] for r in checked.rows if r["miss"]}
        shares[name] = (sum(1 for k in open_rest if k not in missed) / len(open_rest)
                        if open_rest else None)
    for k in range(found.now_slot, found.scenario.n_intervals):
        cells = {}
        for name, checked in out.items():
            levels = [r["service_level"]["mean"] for r in checked.rows
                      if r["interval"] == k and r["counted"]
                      and r["service_level"]["mean"] is not None]
            cells[name] = min(levels) if levels else None
        if cells["before"] is not None or cells["after"] is not None:
            rows.append({"slot": k, "label": found.label(k), **cells})
    log.info("intraday re-simulation %s: %.2f -> %.2f", found.day,
             shares["before"] or 0.0, shares["after"] or 0.0)
    return {"before": shares["before"], "after": shares["after"], "rows": rows}
