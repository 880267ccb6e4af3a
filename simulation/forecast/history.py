"""Interval history: rows of past calls per queue and interval → arrays, with a data report.

Input rows are dicts keyed by column (the web layer reads CSV/XLSX through ``lms.tabular``;
the command line and the tests pass dicts). Columns, case-insensitive, English or Chinese:
``date`` (YYYY-MM-DD), ``interval_start`` (HH:MM), ``queue`` (optional when the caller names
one queue for the whole file), ``offered`` (calls), and optionally ``handled`` (calls) and
``aht`` (average handle time, talk + after-call work, in seconds). Each row may carry its
spreadsheet row number under :data:`ROW_KEY`; problems name it.

Reading is all-or-nothing: every bad row is reported (up to :data:`MAX_PROBLEMS`) and nothing
is returned. Two rows for the same queue and interval with the *same* numbers are a repeated
export: one is kept and the repetition is reported. Two rows with *different* numbers cannot
be told apart and refuse the file, naming both rows.

Gaps: for each queue, the intervals from its earliest to its latest start seen in the file
are its opening window; an interval of that window with no row, on a day between the first
and the last day, is a gap (missing, not zero). Intervals outside the window are closed (0).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

#: Key of the spreadsheet row number in input dicts.
ROW_KEY = "#row"
#: Most problems listed before "and N more".
MAX_PROBLEMS = 20
QUEUES = ("consultation", "complaint", "technical", "enterprise")
#: Column → accepted header names (lower case).
COLUMN_ALIASES = {
    "date": ("date", "day", "日期"),
    "interval_start": ("interval_start", "interval", "time", "start", "时段", "时段开始", "时间"),
    "queue": ("queue", "队列", "业务线"),
    "offered": ("offered", "calls", "来电量", "呼入量", "来电"),
    "handled": ("handled", "answered", "接通量", "接听量"),
    "aht": ("aht", "aht_seconds", "平均处理时长", "平均处理时长(秒)"),
}
#: Queue names accepted in the ``queue`` column → queue key.
QUEUE_ALIASES = {
    **{q: q for q in QUEUES},
    "咨询": "consultation", "产品与政策咨询": "consultation",
    "投诉": "complaint",
    "技术": "technical", "报修": "technical", "故障报修与技术支持": "technical",
    "企业": "enterprise", "企业客户专线": "enterprise",
}


class HistoryError(ValueError):
    """The rows cannot be used; ``problems`` lists each, naming the row and column.

    ``issues`` holds the same as plain data (``code`` and its values) so a page can word them
    in the reader's language: ``bad_value`` (row, column, value, expected), ``bad_queue``
    (row, value), ``conflict`` (rows, queue, day, slot), ``bad_interval`` (value),
    ``no_rows``, ``more`` (n).
    """

    def __init__(self, problems: list[str], issues: list[dict] | None = None):
        self.problems = problems
        self.issues = issues or [{"code": "text", "text": p} for p in problems]
        super().__init__("; ".join(problems))


class _Problems:
    """Collects problems as English text and as plain data."""

    def __init__(self):
        self.texts: list[str] = []
        self.issues: list[dict] = []

    def add(self, text: str, **issue) -> None:
        self.texts.append(text)
        self.issues.append(issue)

    def __bool__(self) -> bool:
        return bool(self.texts)

    def error(self) -> HistoryError:
        extra = len(self.texts) - MAX_PROBLEMS
        texts, issues = self.texts[:MAX_PROBLEMS], self.issues[:MAX_PROBLEMS]
        if extra > 0:
            texts.append(f"… and {extra} more")
            issues.append({"code": "more", "n": extra})
        return HistoryError(texts, issues)


@dataclass
class QueueHistory:
    """One queue's history on a day × interval grid (``NaN`` = gap, 0 = no calls)."""

    queue: str
    first_day: dt.date
    offered: np.ndarray           # (days, slots)
    handled: np.ndarray           # (days, slots), NaN when the file has no handled column
    aht: np.ndarray               # (days, slots), NaN where unknown
    open_slots: tuple[int, int]   # first and last slot index of the opening window

    @property
    def days(self) -> list[dt.date]:
        """The dates of the grid's rows."""
        return [self.first_day + dt.timedelta(days=i) for i in range(self.offered.shape[0])]


@dataclass
class History:
    """Every queue's grid, the interval length, and what the reading found."""

    interval_minutes: int
    queues: dict[str, QueueHistory]
    report: dict = field(default_factory=dict)

    @property
    def slots_per_day(self) -> int:
        """Intervals per clock day."""
        return 24 * 60 // self.interval_minutes


def _normalise(row: dict) -> dict:
    """The row keyed by canonical column names."""
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k != ROW_KEY}
    found = {}
    for column, names in COLUMN_ALIASES.items():
        for name in names:
            if name in lowered:
                found[column] = lowered[name]
                break
    return found


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _excerpt(value) -> str:
    text = _text(value)
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(_text(value)[:10])


def _minute(value) -> int:
    if isinstance(value, dt.time | dt.datetime):
        return value.hour * 60 + value.minute
    text = _text(value)
    if " " in text:  # "2026-01-05 08:30"
        text = text.split()[-1]
    hours, minutes = text.split(":")[:2]
    minute = int(hours) * 60 + int(minutes)
    if not 0 <= minute < 24 * 60:
        raise ValueError(value)
    return minute


def _count(value) -> float:
    number = float(_text(value))
    if number < 0 or not math.isfinite(number):
        raise ValueError(value)
    return number


def _optional_count(value) -> float:
    return math.nan if _text(value) == "" else _count(value)


#: (column, parser, expected kind, expected in words).
PARSERS = (("date", _day, "date", "a date YYYY-MM-DD"),
           ("interval_start", _minute, "time", "a time HH:MM"),
           ("offered", _count, "calls", "a number of calls ≥ 0"),
           ("handled", _optional_count, "calls", "a number of calls ≥ 0"),
           ("aht", _optional_count, "seconds", "a number of seconds ≥ 0"))


@dataclass(frozen=True)
class _Parsed:
    row: int
    queue: str
    day: dt.date
    minute: int
    offered: float
    handled: float
    aht: float

    def same_numbers(self, other: _Parsed) -> bool:
        return all(_equal(a, b) for a, b in ((self.offered, other.offered),
                                            (self.handled, other.handled),
                                            (self.aht, other.aht)))


def _equal(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _parse_row(number: int, row: dict, default_queue: str | None,
               problems: _Problems) -> _Parsed | None:
    values = _normalise(row)
    queue_text = _text(values.get("queue")) or (default_queue or "")
    queue = QUEUE_ALIASES.get(queue_text.lower(), QUEUE_ALIASES.get(queue_text))
    if queue is None:
        expected = ", ".join(QUEUES)
        problems.add(f"row {number}, column queue: {_excerpt(queue_text)} is not a queue "
                     f"(expected one of {expected})", code="bad_queue", row=number,
                     value=_excerpt(queue_text))
        return None
    parsed = {}
    for column, parser, kind, expected in PARSERS:
        try:
            parsed[column] = parser(values.get(column))
        except (ValueError, TypeError, AttributeError, IndexError):
            problems.add(f"row {number}, column {column}: {_excerpt(values.get(column))} "
                         f"is not {expected}", code="bad_value", row=number, column=column,
                         value=_excerpt(values.get(column)), expected=kind)
            return None
    return _Parsed(number, queue, parsed["date"], parsed["interval_start"], parsed["offered"],
                   parsed["handled"], parsed["aht"])


def _interval_minutes(minutes: set[int]) -> int:
    for length in (60, 30, 15):
        if all(m % length == 0 for m in minutes):
            return length
    odd = min(m for m in minutes if m % 15)
    clock = f"{odd // 60:02d}:{odd % 60:02d}"
    raise HistoryError([f"column interval_start: {clock} does not start a 15, 30 or 60 "
                        f"minute interval"], [{"code": "bad_interval", "value": clock}])


def read_history(rows: list[dict], default_queue: str | None = None) -> History:
    """A :class:`History` from rows; :class:`HistoryError` naming every bad row."""
    problems = _Problems()
    kept: dict[tuple, _Parsed] = {}
    repeated: list[dict] = []
    for index, row in enumerate(rows, start=2):
        number = int(row.get(ROW_KEY, index))
        parsed = _parse_row(number, row, default_queue, problems)
        if parsed is None:
            continue
        key = (parsed.queue, parsed.day, parsed.minute)
        earlier = kept.get(key)
        if earlier is None:
            kept[key] = parsed
        elif earlier.same_numbers(parsed):
            repeated.append({"rows": [earlier.row, number], "queue": parsed.queue,
                             "day": parsed.day.isoformat(), "slot": _clock(parsed.minute)})
        else:
            problems.add(f"rows {earlier.row} and {number}: {parsed.queue} "
                         f"{parsed.day.isoformat()} {_clock(parsed.minute)} appears twice "
                         f"with different numbers; keep one row per queue and interval",
                         code="conflict", rows=[earlier.row, number], queue=parsed.queue,
                         day=parsed.day.isoformat(), slot=_clock(parsed.minute))
    if not kept and not problems:
        problems.add("the file has no data rows", code="no_rows")
    if problems:
        raise problems.error()
    minutes = _interval_minutes({key[2] for key in kept})
    history = _grids(kept, minutes)
    history.report = build_report(history, len(rows), repeated)
    return history


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _grids(kept: dict[tuple, _Parsed], minutes: int) -> History:
    slots = 24 * 60 // minutes
    queues: dict[str, QueueHistory] = {}
    for queue in QUEUES:
        mine = [p for key, p in kept.items() if key[0] == queue]
        if not mine:
            continue
        first = min(p.day for p in mine)
        days = (max(p.day for p in mine) - first).days + 1
        low = min(p.minute for p in mine) // minutes
        high = max(p.minute for p in mine) // minutes
        offered = np.zeros((days, slots))
        offered[:, low:high + 1] = np.nan
        handled = np.full((days, slots), np.nan)
        aht = np.full((days, slots), np.nan)
        for p in mine:
            d, s = (p.day - first).days, p.minute // minutes
            offered[d, s], handled[d, s], aht[d, s] = p.offered, p.handled, p.aht
        queues[queue] = QueueHistory(queue, first, offered, handled, aht, (low, high))
    return History(minutes, queues)


def build_report(history: History, rows: int, repeated: list[dict]) -> dict:
    """Plain data for the data-quality page: range, totals, repeated rows and gaps."""
    report = {"rows": rows, "interval_minutes": history.interval_minutes,
              "repeated_rows": repeated, "queues": {}}
    for name, queue in history.queues.items():
        low, high = queue.open_slots
        gaps, missing_days = _gaps(queue, history.interval_minutes)
        report["queues"][name] = {
            "first_day": queue.first_day.isoformat(),
            "last_day": queue.days[-1].isoformat(),
            "days": len(queue.days),
            "offered": float(np.nansum(queue.offered)),
            "opening": f"{_clock(low * history.interval_minutes)}–"
                       f"{_clock((high + 1) * history.interval_minutes % 1440)}",
            "gap_intervals": int(np.isnan(queue.offered).sum()),
            "missing_days": missing_days,
            "gaps": gaps,
        }
    return report


def _gaps(queue: QueueHistory, minutes: int) -> tuple[list[dict], list[str]]:
    """Runs of missing intervals on partly recorded days, and the days with no row at all."""
    low, high = queue.open_slots
    gaps, missing_days = [], []
    for index, day in enumerate(queue.days):
        missing = np.isnan(queue.offered[index, low:high + 1])
        if missing.all():
            missing_days.append(day.isoformat())
            continue
        start = None
        for offset, gap in enumerate(list(missing) + [False]):
            if gap and start is None:
                start = offset
            elif not gap and start is not None:
                gaps.append({"day": day.isoformat(),
                             "from": _clock((low + start) * minutes),
                             "to": _clock((low + offset) * minutes % 1440),
                             "intervals": offset - start})
                start = None
    return gaps, missing_days
