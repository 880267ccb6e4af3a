"""Plain data of shift scheduling and rostering: templates, requirements, contracts, agents.

Time: a horizon of ``n_intervals`` intervals of ``interval_minutes`` starting at 00:00 of day 0
(``start_weekday`` says which weekday day 0 is, Monday = 0). A shift starts on a day at a
minute of that day and may run past midnight; what runs past the horizon is not counted.

Units: minutes for times, heads (agents) for requirements; cost per paid hour in any currency.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WEEKEND = (5, 6)


@dataclass(frozen=True)
class BreakRule:
    """A break inside a shift: ``minutes`` long, starting between two offsets from the start.

    The solver chooses where the break starts, in steps of ``step`` minutes (0: the
    interval length). An unpaid break (lunch) is not paid and not counted in contract hours.
    """

    minutes: int
    earliest_offset: int
    latest_offset: int
    paid: bool = True
    step: int = 0


@dataclass(frozen=True)
class ShiftTemplate:
    """Which shifts may be worked: allowed starts, length, breaks, days, groups and cost."""

    name: str
    length_minutes: int
    start_earliest: int  # minute of the day
    start_latest: int
    start_step: int = 30
    breaks: tuple[BreakRule, ...] = ()
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    groups: tuple[str, ...] = ()  # empty: every group
    cost_per_hour: float = 1.0

    @property
    def paid_minutes(self) -> int:
        """Minutes paid: the length less the unpaid breaks."""
        return self.length_minutes - sum(b.minutes for b in self.breaks if not b.paid)

    def starts(self) -> list[int]:
        """Every allowed start minute of the day."""
        step = max(1, self.start_step)
        return list(range(self.start_earliest, self.start_latest + 1, step))

    def allows(self, group: str) -> bool:
        """True when the template may be worked by ``group``."""
        return not self.groups or group in self.groups


@dataclass(frozen=True)
class Requirement:
    """Agents to schedule per interval and group (heads), with under-staffing weights."""

    groups: tuple[str, ...]
    interval_minutes: int
    need: dict[str, tuple[float, ...]]
    start_weekday: int = 0
    #: Weight of an under-staffed agent-minute per group (default 1); a per-interval weight
    #: tuple may replace it.
    weights: dict[str, tuple[float, ...]] = field(default_factory=dict)
    #: Heads at least / at most on duty per interval and group (missing: no limit).
    min_heads: dict[str, tuple[int, ...]] = field(default_factory=dict)
    max_heads: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def n_intervals(self) -> int:
        """Number of intervals in the horizon."""
        return len(next(iter(self.need.values()))) if self.need else 0

    @property
    def n_days(self) -> int:
        """Days the horizon touches."""
        return int(math.ceil(self.n_intervals * self.interval_minutes / 1440.0))

    def weekday(self, day: int) -> int:
        """Weekday (Monday = 0) of day ``day`` of the horizon."""
        return (self.start_weekday + day) % 7

    def weight(self, group: str, k: int) -> float:
        """Weight of an under-staffed minute of ``group`` in interval ``k``."""
        weights = self.weights.get(group)
        if not weights:
            return 1.0
        return float(weights[k % len(weights)])


@dataclass(frozen=True)
class ShiftVariant:
    """One concrete shift: template, day, start and where its breaks fall."""

    template: str
    day: int
    start: int  # minute of the day
    length: int
    breaks: tuple[tuple[int, int], ...]  # (offset from start, minutes)
    paid_minutes: int
    cost: float

    @property
    def begin(self) -> int:
        """Start in minutes since the horizon's start."""
        return self.day * 1440 + self.start

    @property
    def end(self) -> int:
        """End in minutes since the horizon's start."""
        return self.begin + self.length

    def label(self) -> str:
        """``08:30-17:30`` (the clock end may be past midnight)."""
        end = (self.start + self.length) % 1440
        return f"{self.start // 60:02d}:{self.start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


@dataclass(frozen=True)
class Contract:
    """What an agent may work in the horizon (a week): hours, days, rest."""

    name: str = "full time"
    min_minutes: int = 0
    max_minutes: int = 40 * 60
    max_days: int = 5
    max_consecutive_days: int = 5
    min_rest_minutes: int = 11 * 60
    templates: tuple[str, ...] = ()  # empty: every template


@dataclass(frozen=True)
class Agent:
    """A named person to roster: skill groups (best first), proficiency, contract, days off."""

    id: str
    name: str
    groups: tuple[str, ...]
    contract: Contract = Contract()
    #: Proficiency 0..1 per group (missing: 0.5); the roster prefers proficient agents.
    proficiency: dict[str, float] = field(default_factory=dict)
    #: Days of the horizon that must be off (approved leave).
    days_off: frozenset[int] = frozenset()
    #: Days the agent asked to have off (honoured where the requirement allows).
    days_off_wanted: frozenset[int] = frozenset()
    #: Days worked in a row just before the horizon (for the consecutive-days rule).
    worked_days_before: int = 0
    #: Weekend days worked in earlier rosters (fair weekends over time).
    weekend_days_before: int = 0

    def proficiency_in(self, group: str) -> float:
        """Proficiency in ``group`` (0.5 when unknown)."""
        return float(self.proficiency.get(group, 0.5))


@dataclass(frozen=True)
class Problem:
    """Why a model has no solution (or a part was dropped): a code, its values and a text."""

    code: str
    params: dict
    text: str


class InfeasibleError(ValueError):
    """The input cannot be scheduled; ``problems`` say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.text for p in problems))
        self.problems = problems


def clock(minute: int) -> str:
    """``HH:MM`` of a minute of the day."""
    minute %= 1440
    return f"{minute // 60:02d}:{minute % 60:02d}"
