"""Interactive drills, event-sourced: a drill is (scenario, seed, timed actions).

``Drill(scenario, seed, actions).state_at(t)`` replays that record up to ``t`` seconds and
returns the KPIs so far and the live center (callers waiting, agents busy and idle, technician
backlog, alerts as they happened). Nothing but the record is needed to rebuild a state, so the
web app stores only the record.

Replay is deterministic: actions run as urgent events at their time, before any ordinary
event at the same instant, so a drill advanced step by step (the live page polling every
second) passes through exactly the states a fresh replay produces. A drill keeps its engine
between calls and only replays from the start when asked about an earlier time or when an
action is inserted before the time already simulated.

The engine is :class:`~simulation.drill_signals.DrillEngine`: its alerts are signals a
supervisor must interpret (contacts rising on one queue, many about one problem, repeat calls,
a queue growing, the technician backlog, staff absent, service level), never the name of the
event or its grade.
"""

from __future__ import annotations

import heapq
import math
from typing import Any

from scenarios import Scenario

from .drill_actions import ACTION_TYPES, DrillAction
from .drill_signals import DrillEngine
from .drill_state import snapshot
from .engine import Engine
from .engine_flow import _Timer
from .texts import render

URGENT = 0


class DrillError(ValueError):
    """Bad drill input; ``issues`` lists ``(path, {zh, en})`` for every problem."""

    def __init__(self, issues: list[tuple[str, dict]]):
        self.issues = issues
        super().__init__("; ".join(f"{path}: {text['en']}" for path, text in issues))


#: Longest excerpt of a submitted value (or name) that an error message repeats.
EXCERPT = 60


def _shown(value: Any) -> str:
    """``repr(value)`` cut to :data:`EXCERPT` characters, for error messages."""
    try:
        text = repr(value)
    except ValueError:  # an integer beyond Python's int-to-text conversion limit
        text = "<number too large>"
    return text if len(text) <= EXCERPT else text[:EXCERPT - 3] + "..."


def _name(name: Any) -> str:
    """A parameter name as it appears in an issue's path (quoted when it is not plain)."""
    plain = isinstance(name, str) and name.isidentifier() and len(name) <= EXCERPT
    return name if plain else _shown(name)


def _issue(issues: list, path: str, code: str, **params: Any) -> None:
    issues.append((path, render("drill_errors", code, params)))


def parse_action(raw: Any, scenario: Scenario, path: str, issues: list,
                 pulled: dict[str, int]) -> DrillAction | None:
    """Validate one action (dict or :class:`DrillAction`), filling parameter defaults."""
    data = raw.to_dict() if isinstance(raw, DrillAction) else raw
    if not isinstance(data, dict):
        _issue(issues, path, "not_a_mapping", got=_shown(data))
        return None
    name = data.get("type")
    kind = ACTION_TYPES.get(name) if isinstance(name, str) else None
    if kind is None:
        _issue(issues, f"{path}.type", "unknown_type", got=_shown(data.get("type")),
               allowed=", ".join(ACTION_TYPES))
        return None
    time = data.get("time")
    if isinstance(time, bool) or not isinstance(time, int | float) or \
            not 0 <= time < scenario.horizon_seconds:
        _issue(issues, f"{path}.time", "bad_time", got=_shown(time),
               horizon=f"{scenario.horizon_seconds:g}")
        return None
    params = data.get("params") or {}
    if not isinstance(params, dict):
        _issue(issues, f"{path}.params", "not_a_mapping", got=_shown(params))
        return None
    values = _params(kind, params, scenario, f"{path}.params", issues)
    if values is None:
        return None
    if kind.name == "pull_back_office":
        group = scenario.group(values["group"])
        already = pulled.get(group.name, 0)
        if already + values["count"] > group.back_office_staff:
            _issue(issues, f"{path}.params.count", "too_many_back_office", group=group.name,
                   available=group.back_office_staff, pulled=already)
            return None
        pulled[group.name] = already + values["count"]
    return DrillAction(kind.name, float(time), values)


def _params(kind, params: dict, scenario: Scenario, path: str, issues: list) -> dict | None:
    values, ok = {}, True
    for name in params:
        if name not in kind.params:
            _issue(issues, f"{path}.{_name(name)}", "unknown_param", got=_shown(name),
                   allowed=", ".join(kind.params) or "-")
            ok = False
    for name, spec in kind.params.items():
        if name not in params and spec.default is None:
            _issue(issues, f"{path}.{name}", "missing_param", got=name)
            ok = False
            continue
        value = params.get(name, spec.default)
        if not kind.value_ok(spec, value, scenario):
            _issue(issues, f"{path}.{name}", "bad_value", got=_shown(value),
                   allowed=kind.allowed(spec, scenario))
            ok = False
        values[name] = value
    return values if ok else None


def parse_actions(raw_actions, scenario: Scenario) -> tuple[DrillAction, ...]:
    """Validate every action; raise :class:`DrillError` listing all problems."""
    issues: list = []
    pulled: dict[str, int] = {}
    ordered = sorted(enumerate(raw_actions), key=lambda pair: _time_key(pair[1]))
    parsed = {}
    for index, raw in ordered:
        action = parse_action(raw, scenario, f"actions[{index}]", issues, pulled)
        parsed[index] = action
    if issues:
        raise DrillError(issues)
    return tuple(parsed[index] for index, _ in ordered)


def _time_key(raw) -> float:
    time = raw.time if isinstance(raw, DrillAction) else (raw or {}).get("time") \
        if isinstance(raw, dict) else None
    if isinstance(time, bool) or not isinstance(time, int | float):
        return 0.0
    try:
        time = float(time)
    except OverflowError:  # an integer too large for a float: refused by parse_action
        return 0.0
    return time if math.isfinite(time) else 0.0


def _apply_action(event) -> None:
    """Timer callback: apply one action to the engine the timer was scheduled on."""
    engine, action = event._value
    ACTION_TYPES[action.type].apply(engine, action.params)
    engine.alert("action_applied", action=action.type, **{
        k: v for k, v in action.params.items() if k in ("queue", "group")})


_APPLY = (_apply_action,)


def _schedule_action(engine: Engine, action: DrillAction) -> None:
    """Put ``action`` on ``engine``'s calendar at exactly ``action.time`` (urgent).

    The timer carries its engine, not a drill: ``with_action`` hands the engine to a new
    drill and the pending timers must keep working. The entry goes straight into SimPy's
    heap because ``schedule(delay=time - now)`` would land at ``now + (time - now)``, which
    can differ from ``time`` by a rounding step and so change the order of events against
    a fresh replay that scheduled the same action from time 0.
    """
    env = engine.env
    heapq.heappush(env._queue, (action.time, URGENT, next(env._eid),
                                _Timer(_APPLY, (engine, action))))


class Drill:
    """A replayable drill: ``state_at(t)`` gives the center's state ``t`` seconds in."""

    def __init__(self, scenario: Scenario, seed: int = 1, actions=()):
        self.scenario = scenario
        self.seed = int(seed)
        self.actions = parse_actions(list(actions), scenario)
        self._engine: Engine | None = None

    def with_action(self, action) -> Drill:
        """A new drill record with ``action`` added.

        The engine moves to the new drill when the action lies after the time already
        simulated (nothing simulated so far depends on it); otherwise the new drill replays
        from the start when asked. Either way its states equal a fresh replay of its record.
        """
        drill = Drill(self.scenario, self.seed, [*self.actions, action])
        engine = self._engine
        if engine is not None:
            added = parse_actions([action], self.scenario)[0]
            if added.time > engine.env.now:
                drill._engine, self._engine = engine, None
                _schedule_action(engine, added)
        return drill

    def _fresh_engine(self) -> Engine:
        engine = DrillEngine(self.scenario, seed=self.seed, replication=0)
        for action in self.actions:
            _schedule_action(engine, action)
        self._engine = engine
        return engine

    def state_at(self, t: float) -> dict:
        """KPIs so far and the live center at ``t`` seconds (0 ≤ t ≤ horizon)."""
        if isinstance(t, bool) or not isinstance(t, int | float) or \
                not 0 <= t <= self.scenario.horizon_seconds:
            raise DrillError([("t", render("drill_errors", "bad_time_query", {
                "got": repr(t), "horizon": f"{self.scenario.horizon_seconds:g}"}))])
        engine = self._engine
        if engine is None or engine.env.now > t:
            engine = self._fresh_engine()
        engine.advance(t)
        return snapshot(engine, float(t), self.actions)
