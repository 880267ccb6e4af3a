"""Chinese public holidays and adjusted working days (调休), from ``chinesecalendar``.

Every date gets a *day type*:

- ``workday``: Monday to Friday, not a holiday;
- ``saturday`` / ``sunday``: an ordinary weekend day;
- ``holiday``: a day of a statutory holiday block (春节, 国庆, …), weekends inside the block
  included, with the holiday's name and the day's position in its block;
- ``makeup``: a Saturday or Sunday that is a working day to make up for a holiday (调休);
- ``post_holiday``: the first working day after a block of three or more days off, when
  customers call about everything that waited over the holiday.

The ``chinesecalendar`` package carries the State Council's schedule, published each
November for the next year; dates past its last year fall back to the weekend rule plus the
solar-date holidays (New Year's Day 1 Jan, Labour Day 1 May, National Day 1–3 Oct), and
:func:`calendar_covers` says so, so a page can warn the planner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar

DAY_TYPES = ("workday", "saturday", "sunday", "holiday", "makeup", "post_holiday")
#: Solar-date holidays used past the package's last year: (month, day) -> name.
FIXED_HOLIDAYS = {(1, 1): "New Year's Day", (5, 1): "Labour Day", (10, 1): "National Day",
                  (10, 2): "National Day", (10, 3): "National Day"}
#: A post-holiday rebound follows a block of at least this many days off.
LONG_BREAK_DAYS = 3


@dataclass(frozen=True)
class DayInfo:
    """What kind of day a date is for call volume."""

    day: dt.date
    kind: str
    holiday: str | None = None
    #: Position of the day in its holiday block (0 = first day) and the block's length.
    position: int = 0
    length: int = 0
    #: False when the date is past the package's schedule (weekend rule only).
    covered: bool = True


def last_covered_year() -> int:
    """The last year whose official schedule ``chinesecalendar`` knows."""
    return max(chinese_calendar.constants.holidays).year


def calendar_covers(day: dt.date) -> bool:
    """True when the official holiday schedule of ``day``'s year is known."""
    return day.year <= last_covered_year()


def _raw(day: dt.date) -> tuple[bool, str | None]:
    """(is a day off, holiday name or None) from the package or the fallback rule."""
    if calendar_covers(day):
        off, name = chinese_calendar.get_holiday_detail(day)
        return off, name
    name = FIXED_HOLIDAYS.get((day.month, day.day))
    return (name is not None or day.weekday() >= 5), name


@lru_cache(maxsize=4096)
def day_info(day: dt.date) -> DayInfo:
    """The day type of ``day`` (see the module docstring)."""
    off, name = _raw(day)
    covered = calendar_covers(day)
    if off and name:
        start, end = _block(day, name)
        return DayInfo(day, "holiday", name, (day - start).days, (end - start).days + 1,
                       covered)
    if not off and day.weekday() >= 5:
        return DayInfo(day, "makeup", name, covered=covered)
    if not off and _after_long_break(day):
        return DayInfo(day, "post_holiday", covered=covered)
    if off:
        return DayInfo(day, "saturday" if day.weekday() == 5 else "sunday", covered=covered)
    return DayInfo(day, "workday", covered=covered)


def _block(day: dt.date, name: str) -> tuple[dt.date, dt.date]:
    """First and last day of the holiday block ``day`` belongs to."""
    one = dt.timedelta(days=1)
    start = end = day
    while _raw(start - one) == (True, name):
        start -= one
    while _raw(end + one) == (True, name):
        end += one
    return start, end


def _after_long_break(day: dt.date) -> bool:
    """True when the days right before ``day`` are a block of days off with a holiday."""
    one = dt.timedelta(days=1)
    cursor, count, named = day - one, 0, False
    while count < 12:
        off, name = _raw(cursor)
        if not off:
            break
        named = named or bool(name)
        count += 1
        cursor -= one
    return named and count >= LONG_BREAK_DAYS


def profile_kind(info: DayInfo) -> str:
    """Which intraday profile a day follows: ``workday``, ``saturday``, ``sunday``, ``holiday``."""
    if info.kind in ("makeup", "post_holiday"):
        return "workday"
    return info.kind


def holiday_blocks(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date, str]]:
    """Holiday blocks overlapping ``first``..``last``: (start, end, name), for charts."""
    blocks: list[tuple[dt.date, dt.date, str]] = []
    day = first
    while day <= last:
        info = day_info(day)
        if info.kind == "holiday":
            start = day - dt.timedelta(days=info.position)
            end = start + dt.timedelta(days=info.length - 1)
            blocks.append((max(start, first), min(end, last), info.holiday or ""))
            day = end + dt.timedelta(days=1)
        else:
            day += dt.timedelta(days=1)
    return blocks
