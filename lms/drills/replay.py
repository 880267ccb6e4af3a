"""Bridge to the engine's event-sourced drills: (scenario, seed, actions) → state at t.

Stored actions are the engine's action types (``simulation.drill_actions.ACTION_TYPES``),
plus ``move_staff`` (agents leave one group and join another at the same moment; replayed as
``remove_agents`` + ``add_agents``) and the procedural steps of :mod:`lms.drills.steps`, which
change nothing in the simulated center and are only scored. Each web process keeps the last
replayed engine per drill, so a page polling every second only simulates the new second; when
the record changes, or after a restart, it is replayed from the start and gives the same state.
"""

import threading
from functools import lru_cache

from flask_babel import gettext as _

import scenarios
from lms.drills.models import Drill
from lms.i18n import localized
from simulation.drill import Drill as EngineDrill
from simulation.drill import DrillError, parse_action
from simulation.drill_actions import ACTION_TYPES

MOVE_STAFF = "move_staff"
#: Drills whose engine each process keeps warm (the least recently replayed go first).
CACHE_SIZE = 64
_CACHE: dict[int, tuple[tuple, EngineDrill]] = {}
_LOCK = threading.Lock()
#: Problems listed in one refusal; the rest are counted.
MAX_ISSUES = 3


@lru_cache(maxsize=64)
def _parse(text: str) -> scenarios.Scenario:
    return scenarios.validate(text)


def scenario_of(drill: Drill) -> scenarios.Scenario:
    """The drill's scenario (parsed once per process)."""
    return _parse(drill.scenario_yaml)


def action_kinds() -> list[str]:
    """Engine actions the supervisor can take, with ``move_staff`` first."""
    return [MOVE_STAFF, *ACTION_TYPES]


def expand(kind: str, params: dict, at: float) -> list[dict]:
    """The engine actions (dicts) one stored action stands for (none for procedural steps)."""
    if kind == MOVE_STAFF:
        count = params.get("count", 1)
        return [{"type": "remove_agents", "time": at,
                 "params": {"group": params.get("from_group"), "count": count}},
                {"type": "add_agents", "time": at,
                 "params": {"group": params.get("to_group"), "count": count}}]
    if kind in ACTION_TYPES:
        return [{"type": kind, "time": at, "params": params}]
    return []


def engine_actions(drill: Drill) -> list[dict]:
    """The drill's record as the engine's actions, in the order taken."""
    found = []
    for action in drill.actions:
        found.extend(expand(action.kind, action.params, action.drill_seconds))
    return found


def check_action(scenario, drill: Drill, kind: str, params: dict, at: float) -> dict:
    """``params`` with defaults filled in, or :class:`ActionRefused` naming the problem.

    Messages are in the reader's language and name the parameter as the page sends it
    (``params.count``; for ``move_staff`` ``params.from_group`` / ``params.to_group``).
    """
    from lms.drills.service import ActionRefused, shown

    if kind not in action_kinds():
        raise ActionRefused(_("kind: unknown action %(got)s; allowed: %(allowed)s",
                              got=shown(kind), allowed=", ".join(action_kinds())), 400)
    pulled: dict[str, int] = {}
    for previous in engine_actions(drill):
        if previous["type"] == "pull_back_office":
            parse_action(previous, scenario, "previous", [], pulled)
    checked, issues = {}, []
    for index, raw in enumerate(expand(kind, _numbers(params), at)):
        found: list = []
        action = parse_action(raw, scenario, "action", found, pulled)
        issues.extend((_page_path(kind, index, path), text) for path, text in found)
        if action is not None:
            checked.update(action.params)
    if issues:
        lines = [f"{path}: {localized(text)}" for path, text in issues[:MAX_ISSUES]]
        if len(issues) > MAX_ISSUES:
            lines.append(_("%(n)d more problems", n=len(issues) - MAX_ISSUES))
        raise ActionRefused("; ".join(lines), 400)
    if kind == MOVE_STAFF:
        if params["from_group"] == params["to_group"]:
            raise ActionRefused(_("params.to_group: choose two different groups to move staff "
                                  "between."), 400)
        return {"from_group": params["from_group"], "to_group": params["to_group"],
                "count": checked["count"]}
    return checked


def _page_path(kind: str, index: int, path: str) -> str:
    """The engine's path of a problem (``action.params.group``) as the page names it."""
    path = path.removeprefix("action.")
    if kind == MOVE_STAFF and path == "params.group":
        return "params.from_group" if index == 0 else "params.to_group"
    return path


def _numbers(params: dict) -> dict:
    """Form values arrive as text: numbers become numbers, the rest stays for the checks."""
    converted = {}
    for key, value in params.items():
        if isinstance(value, str):
            try:
                value = int(value) if value.strip().lstrip("-").isdigit() else float(value)
            except ValueError:
                pass
        converted[key] = value
    return converted


def engine_drill(drill: Drill, actions: list[dict] | None = None) -> EngineDrill:
    """The engine drill for this record, reusing this process's engine when it still fits."""
    actions = engine_actions(drill) if actions is None else actions
    # The record is the key: scenario, seed and every action (ids alone may be reused).
    key = (hash(drill.scenario_yaml), drill.seed,
           tuple((a["type"], a["time"], tuple(sorted(a["params"].items()))) for a in actions))
    with _LOCK:
        cached = _CACHE.get(drill.id) if drill.id is not None else None
        if cached and cached[0] == key:
            return cached[1]
        # A changed record is replayed from the start (under 0.1 s for a day): cheaper to
        # reason about than patching a running engine, and identical by construction.
        found = EngineDrill(scenario_of(drill), drill.seed, actions)
        if drill.id is not None:
            _CACHE.pop(drill.id, None)
            _CACHE[drill.id] = (key, found)
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
        return found


def state_at(drill: Drill, t: float) -> dict:
    """The engine's state of the drill ``t`` seconds in."""
    found = engine_drill(drill)
    with _LOCK:
        return found.state_at(t)


__all__ = ["DrillError", "action_kinds", "check_action", "engine_actions", "engine_drill",
           "expand", "scenario_of", "state_at"]
