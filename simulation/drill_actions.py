"""Drill action types: a registry of classes that validate their parameters and apply them.

An action is plain data, ``{"type": ..., "time": seconds, "params": {...}}``; each type knows
its parameters (kind, default, range) and what it changes in a running engine. Effects:

* ``add_agents`` / ``remove_agents``: agents of a group join now / leave after their call;
* ``pull_back_office``: back-office staff of a group (up to ``back_office_staff``) take calls;
* ``enable_callbacks``: callers who wait ``offer_after_seconds`` are offered a callback;
* ``ivr_announcement``: an announcement explains the situation, so fewer abandoning callers
  redial (their redial probability is multiplied by ``redial_factor``);
* ``activate_emergency_plan``: every group's reserve staff join the phones;
* ``publish_unified_reply``: agents read one agreed answer, so complaint handle time falls
  to ``handle_time_factor`` of normal;
* ``escalate_to_emergency_team``: the team takes command (time recorded for the drill's
  evaluation) and can send ``extra_technicians`` to the technician pool.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from scenarios import Scenario


@dataclass(frozen=True)
class Param:
    """One action parameter: ``kind`` is group, queue, queues (a queue or "all"), int, float."""

    kind: str
    default: Any = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class DrillAction:
    """One timed action of a drill (plain data; ``time`` in seconds since the drill began)."""

    type: str
    time: float
    params: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-safe form."""
        return {"type": self.type, "time": self.time, "params": dict(self.params)}


class ActionType:
    """Base class: subclasses set ``name`` and ``params`` and implement :meth:`apply`."""

    name: str = ""
    params: dict[str, Param] = {}

    def allowed(self, param: Param, scenario: Scenario) -> str:
        """Text of the allowed values of ``param`` for error messages."""
        if param.kind == "group":
            return ", ".join(scenario.group_names)
        if param.kind in ("queue", "queues"):
            extra = ["all"] if param.kind == "queues" else []
            return ", ".join([*scenario.queue_names, *extra])
        return f"{param.low:g} - {param.high:g}"

    def value_ok(self, param: Param, value: Any, scenario: Scenario) -> bool:
        """True when ``value`` is allowed for ``param``."""
        if param.kind in ("group", "queue", "queues"):
            if not isinstance(value, str):
                return False
            if param.kind == "group":
                return value in scenario.group_names
            return value in scenario.queue_names or (param.kind == "queues" and value == "all")
        # bool is an int subclass, and NaN/Infinity compare false or overflow int(): refuse
        # them before any arithmetic.
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if isinstance(value, float) and not math.isfinite(value):
            return False
        if param.kind == "int" and isinstance(value, float) and not value.is_integer():
            return False
        return param.low <= value <= param.high

    def apply(self, engine, params: dict) -> None:
        """Change the running ``engine``."""
        raise NotImplementedError


ACTION_TYPES: dict[str, ActionType] = {}


def register(cls: type[ActionType]) -> type[ActionType]:
    """Class decorator adding an action type to :data:`ACTION_TYPES`."""
    ACTION_TYPES[cls.name] = cls()
    return cls


def _queues(engine, name: str) -> range | list[int]:
    names = engine.scenario.queue_names
    return range(len(names)) if name == "all" else [names.index(name)]


@register
class AddAgents(ActionType):
    """Agents of a group join the phones now."""

    name = "add_agents"
    params = {"group": Param("group"), "count": Param("int", 1, 1, 500)}

    def apply(self, engine, params: dict) -> None:
        """More agents in the group from now on."""
        engine.extra_agents[engine.scenario.group_names.index(params["group"])] += \
            int(params["count"])
        engine.refresh_staffing()


@register
class RemoveAgents(AddAgents):
    """Agents of a group leave the phones (after the call they are on)."""

    name = "remove_agents"

    def apply(self, engine, params: dict) -> None:
        """Fewer agents in the group from now on."""
        engine.extra_agents[engine.scenario.group_names.index(params["group"])] -= \
            int(params["count"])
        engine.refresh_staffing()


@register
class PullBackOffice(AddAgents):
    """Back-office staff of a group take calls (at most the group's back-office staff)."""

    name = "pull_back_office"

    def apply(self, engine, params: dict) -> None:
        """Back-office staff join the group's agents."""
        engine.pulled_back_office[engine.scenario.group_names.index(params["group"])] += \
            int(params["count"])
        engine.refresh_staffing()


@register
class EnableCallbacks(ActionType):
    """Callers who waited ``offer_after_seconds`` are offered a callback."""

    name = "enable_callbacks"
    params = {"queue": Param("queues", "all"),
              "offer_after_seconds": Param("float", 60.0, 0.0, 3600.0),
              "accept_probability": Param("float", 0.5, 0.0, 1.0)}

    def apply(self, engine, params: dict) -> None:
        """Turn callbacks on for the queue(s)."""
        for q in _queues(engine, params["queue"]):
            engine.callbacks_on[q] = True
            engine.offer_after[q] = float(params["offer_after_seconds"])
            engine.accept_probability[q] = float(params["accept_probability"])


@register
class IvrAnnouncement(ActionType):
    """An IVR announcement: fewer abandoning callers redial."""

    name = "ivr_announcement"
    params = {"queue": Param("queues", "all"), "redial_factor": Param("float", 0.5, 0.0, 1.0)}

    def apply(self, engine, params: dict) -> None:
        """Scale the redial probability of the queue(s)."""
        for q in _queues(engine, params["queue"]):
            engine.redial_factor[q] = float(params["redial_factor"])


@register
class ActivateEmergencyPlan(ActionType):
    """The emergency plan is activated: every group's reserve staff become available."""

    name = "activate_emergency_plan"
    params = {}

    def apply(self, engine, params: dict) -> None:
        """Reserves join."""
        engine.reserves_active = True
        engine.refresh_staffing()


@register
class PublishUnifiedReply(ActionType):
    """One agreed reply is published: complaint calls get shorter."""

    name = "publish_unified_reply"
    params = {"queue": Param("queue", "complaint"),
              "handle_time_factor": Param("float", 0.75, 0.1, 1.0)}

    def apply(self, engine, params: dict) -> None:
        """Shorter handle time on the queue from now on."""
        q = engine.scenario.queue_names.index(params["queue"])
        engine.drill_handle_factor[q] = float(params["handle_time_factor"])


@register
class EscalateToEmergencyTeam(ActionType):
    """The case is escalated to the emergency team, which may send extra technicians."""

    name = "escalate_to_emergency_team"
    params = {"extra_technicians": Param("int", 0, 0, 500)}

    def apply(self, engine, params: dict) -> None:
        """Record the escalation; add technicians."""
        engine.emergency_team_since = engine.env.now
        engine.extra_technicians += int(params["extra_technicians"])
        engine.refresh_staffing()
