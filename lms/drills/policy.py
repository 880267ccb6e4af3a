"""What a trainee's decision does in the simulated center: limits, delays, effect sizes, cost.

The engine's drill actions take any effect size and act at once (they serve what-if runs as
well). A drill is an exercise, so the trainee decides only *what* to do, *where* and *how many*;
everything else is fixed here or comes from the scenario, and the same rules apply to the
trainee's record and to the reference policy of the debrief:

* **Reserve pool.** ``add_agents`` calls in a group's on-call reserve (the scenario's
  ``reserve_staff``); activating the emergency plan calls in whatever is left of every group's
  reserve. Nobody beyond the pool can be called in. Reserves arrive
  :data:`RESERVE_CALL_IN_MINUTES` after the call.
* **Back office.** ``pull_back_office`` takes at most the group's ``back_office_staff``; they
  reach the phones :data:`BACK_OFFICE_SWITCH_MINUTES` later, and their own work is left undone.
* **Technicians.** The emergency team can send at most :func:`technician_reserve` extra
  technicians (a tenth of the largest scheduled pool, at least one when there is a pool), who
  arrive :data:`TECHNICIAN_DISPATCH_MINUTES` after the escalation.
* **Moving staff** between groups moves only agents who are on the phones of the first group.
* **Effect sizes** are fixed: the unified reply shortens complaint calls to
  :data:`UNIFIED_REPLY_HANDLE_FACTOR` of normal, an IVR announcement scales the redial
  probability by :data:`IVR_REDIAL_FACTOR`, and callers accept a callback with the queue's own
  probability from the scenario. The trainee chooses only after how long a callback is offered.
* **Cost** (the "resource use" of the debrief), in staff-hour equivalents: every person called
  in is paid from arrival to the end of the drill (at least :data:`CALL_IN_MINIMUM_HOURS`), at
  :data:`RATES` per hour: reserves at the overtime rate, back office at the value of the work
  left undone, technicians at their (dearer) field rate. Sending someone home early saves
  nothing (a call-in is paid for the shift). Resources that would arrive after the drill ends
  cost nothing and do nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from lms.drills import injects
from simulation.drill_actions import ACTION_TYPES

MOVE_STAFF = "move_staff"
RESERVE_CALL_IN_MINUTES = 30
BACK_OFFICE_SWITCH_MINUTES = 10
TECHNICIAN_DISPATCH_MINUTES = 60
TECHNICIAN_RESERVE_SHARE = 0.1
UNIFIED_REPLY_HANDLE_FACTOR = 0.85
IVR_REDIAL_FACTOR = 0.6
CALL_IN_MINIMUM_HOURS = 4.0
#: Cost per person-hour, in staff-hour equivalents.
RATES = {"reserve": 1.5, "back_office": 1.0, "technician": 2.0}

#: The parameters a trainee may set, per action; anything else is refused.
TRAINEE_PARAMS = {
    MOVE_STAFF: ("from_group", "to_group", "count"),
    "add_agents": ("group", "count"),
    "remove_agents": ("group", "count"),
    "pull_back_office": ("group", "count"),
    "enable_callbacks": ("queue", "offer_after_seconds"),
    "ivr_announcement": ("queue",),
    "activate_emergency_plan": (),
    "publish_unified_reply": ("queue", "text"),
    "escalate_to_emergency_team": ("extra_technicians",),
}


def technician_reserve(scenario) -> int:
    """Extra technicians the emergency team can send in the whole drill."""
    if scenario.technicians is None or not max(scenario.technicians.agents, default=0):
        return 0
    return max(1, math.ceil(TECHNICIAN_RESERVE_SHARE * max(scenario.technicians.agents)))


@dataclass
class Usage:
    """Resources committed so far by a record (counted at the decision, not the arrival)."""

    reserve: dict = field(default_factory=dict)
    back_office: dict = field(default_factory=dict)
    technicians: int = 0
    plan_active: bool = False
    #: ``(kind, persons, arrives_at)`` of every call-in, for the cost.
    call_ins: list = field(default_factory=list)

    def reserve_left(self, group) -> int:
        """Reserve staff of ``group`` (an AgentGroup) not yet called in."""
        return group.reserve_staff - self.reserve.get(group.name, 0)

    def back_office_left(self, group) -> int:
        """Back-office staff of ``group`` not yet pulled."""
        return group.back_office_staff - self.back_office.get(group.name, 0)


class PolicyRefusal(ValueError):
    """A decision the drill's rules do not allow: ``path`` names the parameter."""

    def __init__(self, path: str, reason: str, available: int):
        self.path, self.reason, self.available = path, reason, available
        super().__init__(f"{path}: {reason}, {available} available")


def _int(value, default=0) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            not math.isfinite(value):
        return default
    return int(value)


def _arrival(at: float, minutes: float) -> float:
    return at + minutes * 60.0


def _accept_probability(scenario, queue: str) -> float:
    return scenario.queue(queue).callback.accept_probability


def check_limits(scenario, usage: Usage, kind: str, params: dict, on_phones=None) -> None:
    """Raise :class:`PolicyRefusal` when the decision exceeds what is available.

    ``on_phones``: ``{group: agents on the phones now}`` for moving or removing staff.
    The refusal names the parameter, the reason and how many are available.
    """
    count = _int(params.get("count"), 1)
    if kind == "add_agents":
        group = scenario.group(params["group"])
        if count > usage.reserve_left(group):
            raise PolicyRefusal("params.count", "reserve", usage.reserve_left(group))
    elif kind == "pull_back_office":
        group = scenario.group(params["group"])
        if count > usage.back_office_left(group):
            raise PolicyRefusal("params.count", "back_office", usage.back_office_left(group))
    elif kind == "escalate_to_emergency_team":
        wanted = _int(params.get("extra_technicians"), 0)
        left = technician_reserve(scenario) - usage.technicians
        if wanted > left:
            raise PolicyRefusal("params.extra_technicians", "technicians", left)
    elif kind in (MOVE_STAFF, "remove_agents") and on_phones is not None:
        source = params["from_group"] if kind == MOVE_STAFF else params["group"]
        if count > on_phones.get(source, 0):
            raise PolicyRefusal("params.count", "on_phones", on_phones.get(source, 0))


def record(scenario, usage: Usage, kind: str, params: dict, at: float) -> list[dict]:
    """Count the decision in ``usage`` and return the engine actions it stands for.

    Engine actions that would land after the drill's end are dropped (they never arrive).
    """
    horizon = scenario.horizon_seconds
    out: list[dict] = []
    count = _int(params.get("count"), 1)
    if kind == MOVE_STAFF:
        out = [{"type": "remove_agents", "time": at,
                "params": {"group": params.get("from_group"), "count": count}},
               {"type": "add_agents", "time": at,
                "params": {"group": params.get("to_group"), "count": count}}]
    elif kind == "add_agents":
        name = params.get("group")
        usage.reserve[name] = usage.reserve.get(name, 0) + count
        arrives = _arrival(at, RESERVE_CALL_IN_MINUTES)
        usage.call_ins.append(("reserve", count, arrives))
        out = [{"type": "add_agents", "time": arrives,
                "params": {"group": name, "count": count}}]
    elif kind == "activate_emergency_plan":
        usage.plan_active = True
        arrives = _arrival(at, RESERVE_CALL_IN_MINUTES)
        for group in scenario.groups:
            left = usage.reserve_left(group)
            if left > 0:
                usage.reserve[group.name] = group.reserve_staff
                usage.call_ins.append(("reserve", left, arrives))
                out.append({"type": "add_agents", "time": arrives,
                            "params": {"group": group.name, "count": left}})
    elif kind == "pull_back_office":
        name = params.get("group")
        usage.back_office[name] = usage.back_office.get(name, 0) + count
        arrives = _arrival(at, BACK_OFFICE_SWITCH_MINUTES)
        usage.call_ins.append(("back_office", count, arrives))
        out = [{"type": "pull_back_office", "time": arrives,
                "params": {"group": name, "count": count}}]
    elif kind == "escalate_to_emergency_team":
        extra = _int(params.get("extra_technicians"), 0)
        out = [{"type": kind, "time": at, "params": {"extra_technicians": 0}}]
        if extra:
            usage.technicians += extra
            arrives = _arrival(at, TECHNICIAN_DISPATCH_MINUTES)
            usage.call_ins.append(("technician", extra, arrives))
            out.append({"type": kind, "time": arrives, "params": {"extra_technicians": extra}})
    elif kind == "enable_callbacks":
        queue = params.get("queue", "all")
        names = scenario.queue_names if queue == "all" else (queue,)
        offer = params.get("offer_after_seconds", 60.0)
        out = [{"type": kind, "time": at,
                "params": {"queue": name, "offer_after_seconds": offer,
                           "accept_probability": _accept_probability(scenario, name)}}
               for name in names]
    elif kind == "ivr_announcement":
        out = [{"type": kind, "time": at, "params": {"queue": params.get("queue", "all"),
                                                     "redial_factor": IVR_REDIAL_FACTOR}}]
    elif kind == "publish_unified_reply":
        out = [{"type": kind, "time": at,
                "params": {"queue": params.get("queue", "complaint"),
                           "handle_time_factor": UNIFIED_REPLY_HANDLE_FACTOR}}]
    elif kind == injects.INJECT:
        out = injects.engine_actions(params, at)
    elif kind in ACTION_TYPES:
        out = [{"type": kind, "time": at, "params": dict(params)}]
    return [a for a in out if a["time"] < horizon]


def replay_record(scenario, records) -> tuple[list[dict], Usage]:
    """Engine actions and usage of ``records``: ``(kind, params, drill_seconds)`` in order."""
    usage = Usage()
    actions: list[dict] = []
    for kind, params, at in records:
        actions.extend(record(scenario, usage, kind, params, at))
    return actions, usage


def cost(scenario, usage: Usage) -> dict:
    """Persons and cost of every kind of call-in, and the total cost."""
    horizon = scenario.horizon_seconds
    rows = {kind: {"persons": 0, "cost": 0.0} for kind in RATES}
    for kind, persons, arrives in usage.call_ins:
        if arrives >= horizon:
            continue
        hours = max(CALL_IN_MINIMUM_HOURS, (horizon - arrives) / 3600.0)
        hours = min(hours, horizon / 3600.0)
        rows[kind]["persons"] += persons
        rows[kind]["cost"] += persons * hours * RATES[kind]
    return {"by_kind": rows, "total": round(sum(r["cost"] for r in rows.values()), 2)}


def resources_left(scenario, usage: Usage) -> dict:
    """What can still be called in: reserve and back office per group, technicians."""
    return {"reserve": {g.name: usage.reserve_left(g) for g in scenario.groups},
            "back_office": {g.name: usage.back_office_left(g) for g in scenario.groups},
            "technicians": technician_reserve(scenario) - usage.technicians}


def _generic_reference(scenario) -> list[tuple[str, dict]]:
    """The reference decisions for any emergency: every lever, the pools emptied sensibly."""
    complaint = "complaint" if "complaint" in scenario.queue_names else scenario.queue_names[0]
    found = [("report_manager", {}), ("activate_emergency_plan", {}),
             ("enable_callbacks", {"queue": "all"}), ("ivr_announcement", {"queue": "all"}),
             ("escalate_to_emergency_team",
              {"extra_technicians": min(3, technician_reserve(scenario))}),
             ("publish_unified_reply", {"queue": complaint})]
    found += [("pull_back_office", {"group": g.name, "count": g.back_office_staff})
              for g in scenario.groups if g.back_office_staff]
    return [*found, ("notify_customers", {})]


def _logistics_reference(scenario) -> list[tuple[str, dict]]:
    """Parts stuck at a hub: the unified reply goes to the repair line (customers chasing
    their repair), every spare technician is sent to work the backlog of the parts that do
    arrive, callbacks and an announcement keep the chasing calls from redialling."""
    technical = "technical" if "technical" in scenario.queue_names else scenario.queue_names[0]
    found = [("report_manager", {}), ("activate_emergency_plan", {}),
             ("enable_callbacks", {"queue": "all"}), ("ivr_announcement", {"queue": "all"}),
             ("escalate_to_emergency_team",
              {"extra_technicians": technician_reserve(scenario)}),
             ("publish_unified_reply", {"queue": technical})]
    found += [("pull_back_office", {"group": g.name, "count": g.back_office_staff})
              for g in scenario.groups if g.back_office_staff]
    return [*found, ("notify_customers", {})]


def _epidemic_reference(scenario) -> list[tuple[str, dict]]:
    """Staff absent, remote work, shorter hours: every person who can still work goes to the
    phones (reserves, back office), callbacks and an announcement (opening hours, callbacks)
    spread the load; there is no product problem to reply to and no extra repair work, so no
    unified reply and no extra technicians."""
    found = [("report_manager", {}), ("activate_emergency_plan", {}),
             ("enable_callbacks", {"queue": "all"}), ("ivr_announcement", {"queue": "all"}),
             ("escalate_to_emergency_team", {"extra_technicians": 0})]
    found += [("pull_back_office", {"group": g.name, "count": g.back_office_staff})
              for g in scenario.groups if g.back_office_staff]
    return [*found, ("notify_customers", {})]


#: Library scenario id → its reference policy (the decisions taken at the first sign).
REFERENCE_POLICIES = {"logistics_interruption": _logistics_reference,
                      "epidemic": _epidemic_reference}


def reference_decisions(scenario) -> list[tuple[str, dict]]:
    """The reference policy's decisions at the first sign: ``(kind, params)`` in order.

    The scoring takes them :data:`lms.drills.scoring.REFERENCE_DELAY` after the first sign,
    declares the scenario's true grade with the report, and adds the steps after resolution.
    """
    return REFERENCE_POLICIES.get(scenario.id, _generic_reference)(scenario)
