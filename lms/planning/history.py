"""History import: past call volume per interval → an arrival profile for a scenario.

Input: a CSV or XLSX with the columns ``date`` (YYYY-MM-DD), ``interval_start`` (HH:MM),
``offered``, ``handled`` and ``aht`` (seconds). The profile is the mean offered volume of the
same weekday and interval over the history (or of all days), multiplied by a scale factor;
the day total becomes ``calls_per_day`` and the relative volumes become the arrival shape.
The file is read completely before anything is used, and the first problem of each row is
reported with its row number and column; with any problem nothing is imported. Files are read
by :mod:`lms.tabular` (UTF-8, UTF-16 or GB18030 CSV, or XLSX), at most :data:`MAX_ROWS` rows.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from lms.tabular import TabularError, read_table

REQUIRED_COLUMNS = ("date", "interval_start", "offered", "handled", "aht")
#: Most data rows of one file: a year of 15-minute intervals (35,040) fits.
MAX_ROWS = 50_000
#: Key of the spreadsheet row number in the dicts of :func:`read_rows`.
ROW_KEY = "#row"
#: Weights per day the scenario loader accepts, by interval length in minutes.
SLOTS_BY_MINUTES = {60: 24, 30: 48, 15: 96}


class HistoryError(ValueError):
    """The history file cannot be used; ``problems`` name row and column."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Observation:
    """One interval of history."""

    day: date
    slot_minute: int
    offered: float
    handled: float
    aht: float


@dataclass(frozen=True)
class Profile:
    """An arrival profile derived from history."""

    calls_per_day: float
    weights: tuple[float, ...]
    interval_minutes: int
    mean_aht: float
    days: int


def read_rows(filename: str, content: bytes, encoding: str | None = None) -> list[dict]:
    """Rows of a CSV or XLSX file as dicts keyed by lower-case header, with the spreadsheet
    row number under :data:`ROW_KEY`; :class:`HistoryError` for an unreadable file."""
    try:
        table = read_table(content, filename, max_rows=MAX_ROWS, encoding=encoding)
    except TabularError as error:
        raise HistoryError([str(error)]) from error
    if not table.header:
        raise HistoryError(["the file is empty"])
    header = [title.strip().lower() for title in table.header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise HistoryError([f"row 1: missing column(s) {', '.join(missing)}; required: "
                            f"{', '.join(REQUIRED_COLUMNS)}"])
    return [{**dict(zip(header, row.cells, strict=False)), ROW_KEY: row.number}
            for row in table.rows]


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _minute(value) -> int:
    if hasattr(value, "hour"):
        return value.hour * 60 + value.minute
    hours, minutes = str(value).strip().split(":")[:2]
    minute = int(hours) * 60 + int(minutes)
    if not 0 <= minute < 24 * 60:
        raise ValueError(value)
    return minute


def _count(value) -> float:
    number = float(str(value).strip())
    if number < 0 or not math.isfinite(number):
        raise ValueError(value)
    return number


def _excerpt(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


PARSERS = (("date", _day, "a date YYYY-MM-DD"), ("interval_start", _minute, "a time HH:MM"),
           ("offered", _count, "a number ≥ 0"), ("handled", _count, "a number ≥ 0"),
           ("aht", _count, "a number of seconds ≥ 0"))


def parse(rows: list[dict]) -> list[Observation]:
    """Observations from rows; :class:`HistoryError` naming every bad row and column."""
    problems, observations = [], []
    for number, row in enumerate(rows, start=2):
        number = row.get(ROW_KEY, number)
        values = {}
        for column, parser, expected in PARSERS:
            try:
                values[column] = parser(row.get(column))
            except (ValueError, TypeError, AttributeError):
                problems.append(f"row {number}, column {column}: "
                                f"{_excerpt(row.get(column))} is not {expected}")
                break
        else:
            observations.append(Observation(values["date"], values["interval_start"],
                                            values["offered"], values["handled"], values["aht"]))
    if not observations and not problems:
        problems.append("the file has no data rows")
    if problems:
        raise HistoryError(problems[:20])
    return observations


def interval_minutes_of(observations: list[Observation]) -> int:
    """The interval length of the data (15, 30 or 60 minutes)."""
    starts = {o.slot_minute for o in observations}
    for minutes in (60, 30, 15):
        if all(start % minutes == 0 for start in starts):
            return minutes
    odd = sorted(start for start in starts if start % 15)[0]
    raise HistoryError([f"column interval_start: {odd // 60:02d}:{odd % 60:02d} does not start "
                        f"a 15, 30 or 60 minute interval"])


def profile(observations: list[Observation], weekday: int | None = None,
            scale: float = 1.0) -> Profile:
    """Mean offered per interval over the chosen days (one weekday or all), scaled."""
    chosen = [o for o in observations if weekday is None or o.day.weekday() == weekday]
    if not chosen:
        raise HistoryError(["no rows for the chosen weekday"])
    if scale <= 0:
        raise HistoryError([f"scale factor must be > 0, got {scale}"])
    minutes = interval_minutes_of(observations)
    days = sorted({o.day for o in chosen})
    totals = defaultdict(float)
    for o in chosen:
        totals[o.slot_minute // minutes] += o.offered
    slots = SLOTS_BY_MINUTES[minutes]
    means = [totals[i] / len(days) * scale for i in range(slots)]
    handled = sum(o.handled for o in chosen)
    mean_aht = (sum(o.aht * o.handled for o in chosen) / handled if handled
                else sum(o.aht for o in chosen) / len(chosen))
    return Profile(calls_per_day=round(sum(means), 1), weights=tuple(round(m, 3) for m in means),
                   interval_minutes=minutes, mean_aht=round(mean_aht, 1), days=len(days))


def apply_profile(data: dict, queue: str, found: Profile) -> dict:
    """Write ``found`` into scenario dict ``data`` for ``queue`` (its own arrival shape)."""
    if queue not in data["queues"]:
        raise HistoryError([f"queue {queue!r} is not in the scenario; queues: "
                            f"{', '.join(data['queues'])}"])
    if found.calls_per_day <= 0:
        raise HistoryError(["column offered: the chosen days have no offered calls"])
    shape = f"{queue}_history"
    data["arrival_shapes"][shape] = list(found.weights)
    target = data["queues"][queue]
    target["calls_per_day"] = found.calls_per_day
    target["arrival_shape"] = shape
    target["day_factors"] = [1.0]
    if found.mean_aht > 0:
        target["handle_time_seconds"]["mean"] = found.mean_aht
    return data
