"""Bridge to the engine's event-sourced drills: (scenario, seed, actions) → state at t.

Stored actions are the trainee's decisions: the engine's action types
(``simulation.drill_actions.ACTION_TYPES``), ``move_staff`` (agents leave one group and join
another at the same moment; replayed as ``remove_agents`` + ``add_agents``) and the procedural
steps of :mod:`lms.drills.steps`, which change nothing in the simulated center and are only
scored. :mod:`lms.drills.policy` turns decisions into engine actions (reserves arrive later,
effect sizes are fixed), so the record holds only what the trainee chose. Each web process
keeps the last replayed engine per drill, so a page polling every second only simulates the
new second; when the record changes, or after a restart, it is replayed from the start and
gives the same state.
"""

import threading
from functools import lru_cache

from flask_babel import gettext as _

import scenarios
from lms.drills import policy, steps
from lms.drills.models import Drill
from lms.i18n import localized
from simulation.drill import Drill as EngineDrill
from simulation.drill import DrillError, parse_action
from simulation.drill_actions import ACTION_TYPES

MOVE_STAFF = policy.MOVE_STAFF
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


def records(drill: Drill) -> list[tuple[str, dict, float]]:
    """The drill's stored decisions as ``(kind, params, drill_seconds)``, in the order taken."""
    return [(a.kind, a.params, a.drill_seconds) for a in drill.actions]


def engine_actions(drill: Drill) -> list[dict]:
    """The drill's record as the engine's actions (delays, limits and effect sizes of
    :mod:`lms.drills.policy` applied; procedural steps change nothing in the center)."""
    return policy.replay_record(scenario_of(drill), records(drill))[0]


def usage(drill: Drill) -> policy.Usage:
    """Resources the drill's record has committed so far."""
    return policy.replay_record(scenario_of(drill), records(drill))[1]


def _validation_actions(kind: str, params: dict, at: float) -> list[dict]:
    """Engine actions that check the trainee's values (not the ones replayed)."""
    if kind == MOVE_STAFF:
        count = params.get("count", 1)
        return [{"type": "remove_agents", "time": at,
                 "params": {"group": params.get("from_group"), "count": count}},
                {"type": "add_agents", "time": at,
                 "params": {"group": params.get("to_group"), "count": count}}]
    return [{"type": kind, "time": at, "params": params}]


def _limit_text(refusal: policy.PolicyRefusal) -> str:
    n = refusal.available
    texts = {
        "reserve": _("%(path)s: only %(n)d reserve staff of this group are left to call in.",
                     path=refusal.path, n=n),
        "back_office": _("%(path)s: only %(n)d back-office staff of this group are left to "
                         "pull.", path=refusal.path, n=n),
        "technicians": _("%(path)s: only %(n)d extra technicians are left to send.",
                         path=refusal.path, n=n),
        "on_phones": _("%(path)s: only %(n)d agents of this group are on the phones now.",
                       path=refusal.path, n=n),
    }
    return texts[refusal.reason]


def check_action(scenario, drill: Drill, kind: str, params: dict, at: float) -> dict:
    """``params`` with defaults filled in, or :class:`ActionRefused` naming the problem.

    Messages are in the reader's language and name the parameter as the page sends it
    (``params.count``; for ``move_staff`` ``params.from_group`` / ``params.to_group``).
    Only the parameters of :data:`policy.TRAINEE_PARAMS` may be set; the pools of
    :mod:`lms.drills.policy` limit how many people can be called in.
    """
    from lms.drills.service import ActionRefused, shown

    if kind not in action_kinds():
        raise ActionRefused(_("kind: unknown action %(got)s; allowed: %(allowed)s",
                              got=shown(kind), allowed=", ".join(action_kinds())), 400)
    allowed = policy.TRAINEE_PARAMS[kind]
    for name in params:
        if name not in allowed:
            raise ActionRefused(_("params.%(name)s: not yours to set (the drill's rules and "
                                  "the scenario fix it); you may set: %(allowed)s",
                                  name=shown(name).strip("'"),
                                  allowed=", ".join(allowed) or "-"), 400)
    params = dict(params)
    text = None
    if "text" in params:  # the unified reply's wording: recorded, not simulated
        from lms.drills.service import content_message

        try:
            text = steps.check_text("params.text", params.pop("text"))
        except steps.ContentRefused as refused:
            raise ActionRefused(content_message(refused), 400) from None
    checked, issues = {}, []
    for index, raw in enumerate(_validation_actions(kind, _numbers(params), at)):
        found: list = []
        action = parse_action(raw, scenario, "action", found, {})
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
        checked = {"from_group": params["from_group"], "to_group": params["to_group"],
                   "count": checked["count"]}
    else:
        checked = {name: value for name, value in checked.items() if name in allowed}
    if text:
        checked["text"] = text
    on_phones = None
    if kind in (MOVE_STAFF, "remove_agents"):
        on_phones = {name: g["on_phones"] for name, g in state_at(drill, at)["agents"].items()}
    try:
        policy.check_limits(scenario, usage(drill), kind, checked, on_phones)
    except policy.PolicyRefusal as refusal:
        raise ActionRefused(_limit_text(refusal), 409) from None
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
           "records", "scenario_of", "state_at", "usage"]
