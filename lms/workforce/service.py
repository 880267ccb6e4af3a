"""Workforce planning logic: history import, events, forecasts as jobs, scenarios, intraday.

Routes call these functions; each checks ownership (a planner sees only their own
histories, events and forecasts) and commits nothing itself except :func:`start_forecast`,
whose job row must be committed before a worker can pick it up. The statistics live in
:mod:`simulation.forecast`; this module moves data between it and the database.
"""

import datetime as dt
import json
import logging
import math

import numpy as np
from flask import abort
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select

from lms import jobs
from lms.auth.models import User
from lms.extensions import db
from lms.tabular import TabularError, read_table
from lms.workforce.models import (
    WorkforceActual,
    WorkforceEvent,
    WorkforceForecast,
    WorkforceHistory,
    WorkforceInterval,
)
from simulation.forecast import (
    ROW_KEY,
    ForecastOptions,
    HistoryError,
    SpecialEvent,
    day_info,
    read_history,
    reforecast_day,
)
from simulation.forecast.daily import clean
from simulation.forecast.model import day_totals

log = logging.getLogger("lms.workforce")

#: Most data rows of one upload: a leap year of 15-minute intervals for four queues.
MAX_ROWS = 4 * 96 * 366
#: Most actual intervals entered at once (a day of 15-minute intervals for four queues).
MAX_ACTUAL_LINES = 4 * 96


class ImportRefused(ValueError):
    """Nothing was imported; ``problems`` name the row (and column) of each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# --- history ------------------------------------------------------------------------------

def rows_from_upload(filename: str, content: bytes, encoding: str | None = None) -> list[dict]:
    """The upload's rows as dicts keyed by lower-case header, with their row numbers."""
    try:
        table = read_table(content, filename, max_rows=MAX_ROWS, encoding=encoding or None)
    except TabularError as error:
        raise ImportRefused([str(error)]) from error
    if not table.header:
        raise ImportRefused([_("The file is empty.")])
    header = [title.strip().lower() for title in table.header]
    return [{**dict(zip(header, row.cells, strict=False)), ROW_KEY: row.number}
            for row in table.rows]


def _quality(history) -> dict:
    """The reader's report plus the outlier days each queue shows (no events declared)."""
    report = dict(history.report)
    for name, queue in history.queues.items():
        infos = [day_info(d) for d in queue.days]
        totals = day_totals(queue, infos)
        try:
            fit = clean(queue.days, totals, name, ())
        except ValueError:
            continue
        report["queues"][name]["outliers"] = fit.outliers
        report["queues"][name]["holiday_days"] = sum(1 for i in infos if i.kind == "holiday")
        report["queues"][name]["makeup_days"] = sum(1 for i in infos if i.kind == "makeup")
    return report


def import_history(owner: User, name: str, rows: list[dict],
                   default_queue: str | None = None) -> WorkforceHistory:
    """Store the rows as a new history (not committed); :class:`ImportRefused` on any problem."""
    try:
        history = read_history(rows, default_queue=default_queue or None)
    except HistoryError as error:
        raise ImportRefused([issue_text(i) for i in error.issues]) from error
    days = [d for q in history.queues.values() for d in (q.days[0], q.days[-1])]
    stored = WorkforceHistory(name=name.strip()[:160] or "history", owner_id=owner.id,
                              interval_minutes=history.interval_minutes, first_day=min(days),
                              last_day=max(days), row_count=len(rows),
                              report_json=json.dumps(_quality(history), ensure_ascii=False))
    db.session.add(stored)
    db.session.flush()
    values = []
    minutes = history.interval_minutes
    for queue in history.queues.values():
        for d, day in enumerate(queue.days):
            for s in range(queue.offered.shape[1]):
                offered = queue.offered[d, s]
                low, high = queue.open_slots
                if math.isnan(offered) or (offered == 0 and not low <= s <= high):
                    continue
                values.append({"history_id": stored.id, "queue": queue.queue, "day": day,
                               "slot_minute": s * minutes, "offered": float(offered),
                               "handled": _number(queue.handled[d, s]),
                               "aht": _number(queue.aht[d, s])})
    for start in range(0, len(values), 5000):
        db.session.execute(insert(WorkforceInterval), values[start:start + 5000])
    log.info("history %s imported: %d rows, %d intervals", stored.id, len(rows), len(values))
    return stored


def issue_text(issue: dict) -> str:
    """A problem of the history reader in the page's language."""
    from lms.workforce.texts import queue_name

    code = issue.get("code")
    expected = {"date": _("a date YYYY-MM-DD"), "time": _("a time HH:MM"),
                "calls": _("a number of calls ≥ 0"), "seconds": _("a number of seconds ≥ 0")}
    if code == "bad_value":
        return _("row %(row)s, column %(column)s: %(value)s is not %(expected)s",
                 row=issue["row"], column=issue["column"], value=issue["value"],
                 expected=expected.get(issue["expected"], issue["expected"]))
    if code == "bad_queue":
        return _("row %(row)s, column queue: %(value)s is not a queue (consultation, "
                 "complaint, technical or enterprise)", row=issue["row"], value=issue["value"])
    if code == "conflict":
        return _("rows %(a)s and %(b)s: %(queue)s %(day)s %(slot)s appears twice with "
                 "different numbers; keep one row per queue and interval",
                 a=issue["rows"][0], b=issue["rows"][1], queue=queue_name(issue["queue"]),
                 day=issue["day"], slot=issue["slot"])
    if code == "bad_interval":
        return _("column interval_start: %(value)s does not start a 15, 30 or 60 minute "
                 "interval", value=issue["value"])
    if code == "no_rows":
        return _("The file has no data rows.")
    if code == "more":
        return _("… and %(n)d more problems", n=issue["n"])
    return str(issue.get("text", code))


def _number(value) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def stored_rows(history: WorkforceHistory) -> list[dict]:
    """The history's intervals as rows for :func:`simulation.forecast.read_history`."""
    query = select(WorkforceInterval.queue, WorkforceInterval.day, WorkforceInterval.slot_minute,
                   WorkforceInterval.offered, WorkforceInterval.handled,
                   WorkforceInterval.aht).where(WorkforceInterval.history_id == history.id)
    return [{"queue": q, "date": day, "interval_start": f"{m // 60:02d}:{m % 60:02d}",
             "offered": offered, "handled": "" if handled is None else handled,
             "aht": "" if aht is None else aht}
            for q, day, m, offered, handled, aht in db.session.execute(query)]


def owned_history(history_id: int, user: User) -> WorkforceHistory:
    """The history if ``user`` uploaded it; 404/403 otherwise."""
    found = db.session.get(WorkforceHistory, history_id)
    if found is None:
        abort(404)
    if found.owner_id != user.id:
        abort(403)
    return found


def histories_for(user: User) -> list[WorkforceHistory]:
    """The user's histories, newest first."""
    return list(db.session.scalars(select(WorkforceHistory).where(
        WorkforceHistory.owner_id == user.id).order_by(WorkforceHistory.id.desc())))


def import_sample(owner: User, name: str) -> WorkforceHistory:
    """The shipped one-year sample as the owner's history (not committed)."""
    from simulation.forecast.sample import sample_rows

    return import_history(owner, name, sample_rows())


# --- special events -----------------------------------------------------------------------

def events_for(user: User) -> list[WorkforceEvent]:
    """The user's special events in date order."""
    return list(db.session.scalars(select(WorkforceEvent).where(
        WorkforceEvent.owner_id == user.id).order_by(WorkforceEvent.first_day,
                                                     WorkforceEvent.id)))


def owned_event(event_id: int, user: User) -> WorkforceEvent:
    """The event if ``user`` declared it; 404/403 otherwise."""
    found = db.session.get(WorkforceEvent, event_id)
    if found is None:
        abort(404)
    if found.owner_id != user.id:
        abort(403)
    return found


def save_event(event: WorkforceEvent, *, name, kind, first_day, last_day, volume_factor,
               aht_factor, queues) -> WorkforceEvent:
    """Set the event's fields (validated by the form; not committed)."""
    event.name, event.kind = name.strip(), kind
    event.first_day, event.last_day = first_day, last_day
    event.volume_factor, event.aht_factor = float(volume_factor), float(aht_factor)
    event.queues_json = json.dumps(sorted(queues or []))
    db.session.add(event)
    return event


def special_events(events: list[WorkforceEvent]) -> list[SpecialEvent]:
    """The stored events as the forecast's :class:`SpecialEvent` values."""
    return [SpecialEvent(e.name, e.first_day, e.last_day, e.volume_factor, e.aht_factor,
                         tuple(e.queues), e.kind) for e in events]


# --- forecasts ----------------------------------------------------------------------------

def start_forecast(owner: User, history: WorkforceHistory, *, method: str, horizon_days: int,
                   holdout_days: int, inline: bool = False) -> WorkforceForecast:
    """Forecast the history as a job, with the owner's special events as they are now."""
    ForecastOptions(horizon_days=horizon_days, method=method)  # ValueError when out of range
    params = {"history_id": history.id, "method": method, "horizon_days": horizon_days,
              "holdout_days": holdout_days,
              "events": [e.as_dict() for e in special_events(events_for(owner))]}
    job = jobs.submit("workforce.forecast", params, owner.id, inline=inline)
    found = WorkforceForecast(owner_id=owner.id, history_id=history.id, job_id=job.id,
                              method=method, horizon_days=horizon_days,
                              holdout_days=holdout_days)
    db.session.add(found)
    db.session.commit()
    return found


def owned_forecast(forecast_id: int, user: User) -> WorkforceForecast:
    """The forecast if ``user`` started it; 404/403 otherwise."""
    found = db.session.get(WorkforceForecast, forecast_id)
    if found is None:
        abort(404)
    if found.owner_id != user.id:
        abort(403)
    return found


def forecasts_for(user: User, limit: int = 50) -> list[WorkforceForecast]:
    """The user's forecasts, newest first."""
    return list(db.session.scalars(select(WorkforceForecast).where(
        WorkforceForecast.owner_id == user.id).order_by(WorkforceForecast.id.desc())
        .limit(limit)))


def result_of(found: WorkforceForecast) -> dict:
    """The finished forecast's result; 404 while it is not done."""
    if found.job.status != "done":
        abort(404)
    return found.job.result


def interval_rows(result: dict, minutes: int) -> list[list]:
    """Rows ``date, interval_start, queue, offered, aht`` of the forecast, for export."""
    rows = []
    for index, day in enumerate(result["forecast"]["days"]):
        for queue, found in result["forecast"]["queues"].items():
            for slot, offered in enumerate(found["offered"][index]):
                if offered <= 0:
                    continue
                minute = slot * minutes
                rows.append([day, f"{minute // 60:02d}:{minute % 60:02d}", queue,
                             round(offered, 1), round(found["aht"][index][slot], 1)])
    return rows


# --- intraday -----------------------------------------------------------------------------

def parse_actual_lines(text: str, minutes: int) -> dict[int, tuple[float, float | None]]:
    """``HH:MM, offered[, aht]`` lines → {slot: (offered, aht)}; ImportRefused naming lines."""
    problems, found = [], {}
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_ACTUAL_LINES:
        raise ImportRefused([_("More than %(n)d lines.", n=MAX_ACTUAL_LINES)])
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("\t", ",").replace(";", ",").split(",")]
        try:
            hours, mins = parts[0].split(":")[:2]
            minute = int(hours) * 60 + int(mins)
            offered = float(parts[1])
            aht = float(parts[2]) if len(parts) > 2 and parts[2] else None
            if not 0 <= minute < 1440 or minute % minutes or offered < 0 \
                    or not math.isfinite(offered) or (aht is not None and
                                                      (aht < 0 or not math.isfinite(aht))):
                raise ValueError(line)
        except (ValueError, IndexError):
            problems.append(_("line %(n)d: “%(text)s” is not “HH:MM, calls, AHT seconds” "
                              "with an interval of %(m)d minutes", n=number,
                              text=line.strip()[:60], m=minutes))
            continue
        if minute // minutes in found:
            problems.append(_("line %(n)d: %(time)s appears twice", n=number, time=parts[0]))
        found[minute // minutes] = (offered, aht)
    if problems:
        raise ImportRefused(problems[:20])
    return found


def actual_lines_from_rows(rows: list[dict], queue: str) -> str:
    """An imported actuals file (interval_start, offered[, aht][, queue]) as text lines."""
    lines = []
    for row in rows:
        row_queue = str(row.get("queue") or queue).strip()
        if row_queue != queue:
            continue
        lines.append(f"{row.get('interval_start', '')},{row.get('offered', '')},"
                     f"{row.get('aht', '') or ''}")
    return "\n".join(lines)


def save_actuals(found: WorkforceForecast, queue: str, day: dt.date,
                 entries: dict[int, tuple[float, float | None]], minutes: int) -> int:
    """Replace the day's actuals of ``queue`` with ``entries`` (not committed)."""
    db.session.execute(delete(WorkforceActual).where(
        WorkforceActual.forecast_id == found.id, WorkforceActual.queue == queue,
        WorkforceActual.day == day))
    for slot, (offered, aht) in entries.items():
        db.session.add(WorkforceActual(forecast_id=found.id, queue=queue, day=day,
                                       slot_minute=slot * minutes, offered=offered, aht=aht))
    return len(entries)


def actuals_of(found: WorkforceForecast, queue: str, day: dt.date,
               minutes: int) -> dict[int, tuple[float, float | None]]:
    """{slot: (offered, aht)} entered so far for the day and queue."""
    rows = db.session.scalars(select(WorkforceActual).where(
        WorkforceActual.forecast_id == found.id, WorkforceActual.queue == queue,
        WorkforceActual.day == day))
    return {r.slot_minute // minutes: (r.offered, r.aht) for r in rows}


def reforecast(result: dict, queue: str, day: dt.date,
               actuals: dict[int, tuple[float, float | None]]):
    """The re-forecast of the day's remaining intervals from the actuals so far."""
    days = result["forecast"]["days"]
    index = days.index(day.isoformat())
    found = result["forecast"]["queues"][queue]
    return reforecast_day(found["offered"][index], found["aht"][index],
                          {s: v[0] for s, v in actuals.items()},
                          {s: v[1] for s, v in actuals.items() if v[1] is not None})


def day_summary(result: dict, queue: str) -> list[dict]:
    """Per forecast day of ``queue``: date, calls and call-weighted AHT."""
    found = result["forecast"]["queues"][queue]
    out = []
    for index, day in enumerate(result["forecast"]["days"]):
        offered = np.array(found["offered"][index])
        aht = np.array(found["aht"][index])
        calls = float(offered.sum())
        out.append({"day": day, "calls": calls,
                    "aht": float((offered * aht).sum() / calls) if calls else 0.0})
    return out
