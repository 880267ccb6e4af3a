"""History import: past call volume per interval → an arrival profile for a scenario.

Input: a CSV or XLSX with the columns ``date`` (YYYY-MM-DD), ``interval_start`` (HH:MM),
``offered``, ``handled`` and ``aht`` (seconds), and optionally ``acw`` (seconds). As in every
WFM report, ``aht`` is the average *handle* time, talk + after-call work: the scenario's talk
time becomes ``aht − acw`` (the file's ``acw`` when it has one, else the scenario's own), so
the handle time simulated is the one in the file, not ACW counted twice.

The profile is the mean offered volume of the same weekday and interval over the history (or
of all days), multiplied by a scale factor; the day total becomes ``calls_per_day`` and the
relative volumes become the arrival shape. Imported into a scenario of more than one day with
"all days", the mean of each weekday becomes the scenario's ``day_factors`` (from its
``start_weekday``), so Monday stays busier than Sunday.

The file is read completely before anything is used, and the first problem of each row is
reported with its row number and column; an interval that appears in more than one row is
refused, naming the rows (counting it twice would inflate the volume); with any problem
nothing is imported. Files are read
by :mod:`lms.tabular` (UTF-8, UTF-16 or GB18030 CSV, or XLSX), at most :data:`MAX_ROWS` rows.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from lms.tabular import TabularError, read_table

REQUIRED_COLUMNS = ("date", "interval_start", "offered", "handled", "aht")
#: Columns read when present.
OPTIONAL_COLUMNS = ("acw",)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
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
    acw: float | None = None


@dataclass(frozen=True)
class Profile:
    """An arrival profile derived from history.

    ``mean_aht`` is talk + after-call work, ``mean_acw`` the after-call work part when the file
    states it; ``weekday_calls`` the mean calls of each weekday (Monday first) when every
    weekday is in the chosen days, else ``None``.
    """

    calls_per_day: float
    weights: tuple[float, ...]
    interval_minutes: int
    mean_aht: float
    days: int
    mean_acw: float | None = None
    weekday_calls: tuple[float, ...] | None = None
    missing_weekdays: tuple[int, ...] = ()


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
    seen: dict[tuple, list] = {}
    for number, row in enumerate(rows, start=2):
        number = row.get(ROW_KEY, number)
        values = {}
        for column, parser, expected in PARSERS + _optional(row):
            try:
                values[column] = parser(row.get(column))
            except (ValueError, TypeError, AttributeError):
                problems.append(f"row {number}, column {column}: "
                                f"{_excerpt(row.get(column))} is not {expected}")
                break
        else:
            observation = Observation(values["date"], values["interval_start"],
                                      values["offered"], values["handled"], values["aht"],
                                      values.get("acw"))
            seen.setdefault((observation.day, observation.slot_minute), []).append(number)
            observations.append(observation)
    problems += _duplicates(seen)
    if not observations and not problems:
        problems.append("the file has no data rows")
    if problems:
        raise HistoryError(problems[:20])
    return observations


def _optional(row: dict) -> tuple:
    """Parsers of the optional columns this row has a value in."""
    value = row.get("acw")
    if value is None or str(value).strip() == "":
        return ()
    return (("acw", _count, "a number of seconds ≥ 0"),)


def _duplicates(seen: dict[tuple, list]) -> list[str]:
    """One problem per interval that appears in more than one row, naming the rows."""
    problems = []
    for (day, minute), numbers in seen.items():
        if len(numbers) > 1:
            rows = ", ".join(str(n) for n in numbers)
            problems.append(f"rows {rows}: the interval {day.isoformat()} "
                            f"{minute // 60:02d}:{minute % 60:02d} appears {len(numbers)} "
                            f"times; keep one row per interval")
    return problems


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
    weekday_calls, missing = _weekday_calls(chosen, scale) if weekday is None else (None, ())
    mean_acw = _weighted(chosen, "acw") if all(o.acw is not None for o in chosen) else None
    return Profile(calls_per_day=round(sum(means), 1), weights=tuple(round(m, 3) for m in means),
                   interval_minutes=minutes, mean_aht=round(_weighted(chosen, "aht"), 1),
                   days=len(days), mean_acw=None if mean_acw is None else round(mean_acw, 1),
                   weekday_calls=weekday_calls, missing_weekdays=missing)


def _weighted(chosen: list[Observation], field: str) -> float:
    """Mean of ``field`` weighted by handled calls (plain mean when nothing was handled)."""
    handled = sum(o.handled for o in chosen)
    if handled:
        return sum(getattr(o, field) * o.handled for o in chosen) / handled
    return sum(getattr(o, field) for o in chosen) / len(chosen)


def _weekday_calls(chosen: list[Observation], scale: float):
    """Mean daily calls per weekday (Monday first), or None and the weekdays missing."""
    totals, dates = defaultdict(float), defaultdict(set)
    for o in chosen:
        totals[o.day.weekday()] += o.offered
        dates[o.day.weekday()].add(o.day)
    missing = tuple(d for d in range(7) if not dates[d])
    if missing:
        return None, missing
    return tuple(totals[d] / len(dates[d]) * scale for d in range(7)), ()


def apply_profile(data: dict, queue: str, found: Profile) -> dict:
    """Write ``found`` into scenario dict ``data`` for ``queue`` (its own arrival shape)."""
    if queue not in data["queues"]:
        raise HistoryError([f"queue {queue!r} is not in the scenario; queues: "
                            f"{', '.join(data['queues'])}"])
    if found.calls_per_day <= 0:
        raise HistoryError(["column offered: the chosen days have no offered calls"])
    target = data["queues"][queue]
    talk, acw = _talk_and_acw(found, target)
    shape = f"{queue}_history"
    data["arrival_shapes"][shape] = list(found.weights)
    target["calls_per_day"] = found.calls_per_day
    target["arrival_shape"] = shape
    target["day_factors"], weekly_mean = _day_factors(data, found)
    if weekly_mean is not None:
        target["calls_per_day"] = weekly_mean
    if talk is not None:
        target["handle_time_seconds"]["mean"] = talk
        target["after_call_work_seconds"] = acw
    return data


def _talk_and_acw(found: Profile, queue: dict) -> tuple[float | None, float]:
    """Talk time and after-call work so that talk + ACW is the file's AHT."""
    acw = found.mean_acw if found.mean_acw is not None else \
        float(queue.get("after_call_work_seconds") or 0.0)
    if found.mean_aht <= 0:
        return None, acw
    talk = round(found.mean_aht - acw, 1)
    if talk <= 0:
        where = "column acw" if found.mean_acw is not None else \
            "the scenario's after-call work"
        raise HistoryError([f"column aht: the mean handle time {found.mean_aht:g} s (talk + "
                            f"after-call work) is not longer than {where} ({acw:g} s)"])
    return talk, acw


def _day_factors(data: dict, found: Profile) -> tuple[list[float], float | None]:
    """``[1.0]`` for a one-day scenario; the weekly pattern for a longer one (all days).

    With the weekly pattern, calls per day is the mean of the seven weekday means, so that
    calls per day × the factor of a weekday is that weekday's mean in the history.
    """
    if float(data.get("horizon_hours") or 0) <= 24:
        return [1.0], None
    if found.weekday_calls is None:
        if found.missing_weekdays:
            names = ", ".join(WEEKDAY_NAMES[d] for d in found.missing_weekdays)
            raise HistoryError([f"the history has no rows for {names}: a scenario of more "
                                f"than one day needs every weekday, or choose one weekday"])
        return [1.0], None
    mean = sum(found.weekday_calls) / 7.0
    first = int(data.get("start_weekday") or 0)
    return [round(found.weekday_calls[(first + d) % 7] / mean, 6) for d in range(7)], \
        round(mean, 3)
