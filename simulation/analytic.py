"""Required agents from Erlang C or Erlang A, with caps on abandonment and occupancy.

Every measure is monotone in the number of agents (more agents: higher service level, less
abandonment, lower occupancy), so the smallest sufficient staff is found by walking from the
square-root-staffing estimate ``a + β√a`` and bisecting once the answer is bracketed: a handful
of closed-form evaluations per interval.

Erlang A alone can ask for fewer agents than the offered load: impatient callers hang up, and a
center that loses a third of its callers can still "answer 80 % within 20 s" of what is left.
The abandonment cap (e.g. ≤ 5 %) and the occupancy cap (e.g. ≤ 90 %, people cannot sustain
more) stop that.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .erlang import QueueMeasures, erlang_c_measures
from .erlang_a import erlang_a_measures


@dataclass(frozen=True)
class StaffingTargets:
    """What a staffing must achieve: service level, and optional caps."""

    service_level: float = 0.8
    target_seconds: float = 20.0
    max_abandon: float | None = None
    max_occupancy: float | None = None

    def met_by(self, m: QueueMeasures) -> bool:
        """True when the measures ``m`` satisfy every target."""
        if m.service_level < self.service_level - 1e-12:
            return False
        if self.max_abandon is not None and m.probability_abandon > self.max_abandon + 1e-12:
            return False
        return self.max_occupancy is None or m.occupancy <= self.max_occupancy + 1e-12


def square_root_staffing(load: float, beta: float = 1.0) -> int:
    """Halfin–Whitt square-root staffing ``ceil(a + β √a)``."""
    return max(0, math.ceil(load + beta * math.sqrt(max(load, 0.0))))


def measures(calls_per_hour: float, aht: float, agents: int, patience: float | None,
             target_seconds: float, model: str = "A") -> QueueMeasures:
    """Erlang C (``model="C"`` or no patience) or Erlang A measures."""
    if model == "C" or patience is None:
        return erlang_c_measures(calls_per_hour, aht, agents, target_seconds)
    return erlang_a_measures(calls_per_hour, aht, agents, patience, target_seconds)


def required_agents(calls_per_hour: float, aht: float, targets: StaffingTargets,
                    patience: float | None = None, model: str = "A",
                    max_agents: int = 100_000) -> int:
    """Fewest agents meeting ``targets`` (Erlang A with ``patience``, else Erlang C)."""
    load = calls_per_hour * aht / 3600.0
    if load <= 0:
        return 0

    def ok(n: int) -> bool:
        return n > 0 and targets.met_by(
            measures(calls_per_hour, aht, n, patience, targets.target_seconds, model))

    guess = max(1, square_root_staffing(load, 0.5 if patience else 1.0))
    if ok(guess):
        high, step = guess, 1
        low = guess - 1
        while low > 0 and ok(low):
            high, low, step = low, max(0, low - step), step * 2
    else:
        low, step = guess, 1
        high = guess + 1
        while not ok(high):
            if high >= max_agents:
                return max_agents
            low, high, step = high, min(max_agents, high + step), step * 2
    while high - low > 1:
        middle = (low + high) // 2
        if ok(middle):
            high = middle
        else:
            low = middle
    return high


def required_agents_per_interval(calls_per_hour: Sequence[float], aht: Sequence[float] | float,
                                 targets: StaffingTargets,
                                 patience: Sequence[float | None] | float | None = None,
                                 model: str = "A") -> list[int]:
    """:func:`required_agents` for every interval (e.g. a week of 336 half hours)."""
    n = len(calls_per_hour)
    ahts = [aht] * n if isinstance(aht, int | float) else list(aht)
    patiences = [patience] * n if patience is None or isinstance(patience, int | float) \
        else list(patience)
    result = []
    previous: dict[tuple, int] = {}
    for volume, handle, wait in zip(calls_per_hour, ahts, patiences, strict=True):
        key = (round(volume, 9), round(handle, 9), wait)
        if key not in previous:
            previous[key] = required_agents(volume, handle, targets, wait, model)
        result.append(previous[key])
    return result
