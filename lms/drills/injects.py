"""Events a trainer injects into a running drill from the control room.

An inject is stored as a drill action of kind ``inject`` (params ``{"code": ..., ...}``) at
the drill time it was sent, by the trainer, so the record stays (scenario, seed, timed
actions) and a replay gives the same drill. The trainee sees it as an alert at that time.

What the engine can express is simulated; the rest is a message the trainee must act on:

* ``absent_shift``: part of the largest group's shift goes home ill — a tenth of the agents
  on the phones at that moment (at least one) leave after their call (a real change in the
  center; the number is fixed when the inject is sent and stored with it);
* ``media_enquiry``: a journalist asks for a statement (a message; it changes no numbers);
* ``regulator_enquiry``: the consumer association asks about the complaints (a message).

The engine cannot yet add a second wave of calls or take spare parts away, so no inject
pretends to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scenarios import GroupComplaintSurge, QualityRecall

INJECT = "inject"
ABSENT_SHARE = 0.1


@dataclass(frozen=True)
class Inject:
    """One injectable event: its name for the trainer and the alert the trainee sees."""

    code: str
    label: dict
    alert: dict
    #: Event classes of the scenario that make it plausible (empty: any drill).
    needs: tuple = ()


INJECTS = (
    Inject("media_enquiry",
           {"zh": "媒体询问", "en": "Media enquiry"},
           {"zh": "公关部转来:一家报社记者要求在一小时内就此事给出官方回应",
            "en": "Public relations: a newspaper reporter asks for an official statement "
                  "within the hour"}),
    Inject("absent_shift",
           {"zh": "当班人员缺勤", "en": "Part of the shift absent"},
           {"zh": "排班组:多名当班坐席身体不适,将在通话结束后离岗",
            "en": "Workforce desk: several agents on shift are unwell and leave after their "
                  "current call"}),
    Inject("regulator_enquiry",
           {"zh": "消协问询", "en": "Consumer association enquiry"},
           {"zh": "消费者协会来函:询问近期集中投诉的原因和处理进展",
            "en": "The consumer association writes: it asks about the cause of the complaints "
                  "and what is being done"},
           needs=(GroupComplaintSurge, QualityRecall)),
)
BY_CODE = {inject.code: inject for inject in INJECTS}


def allowed(scenario) -> list[Inject]:
    """The injects that fit the scenario's events."""
    kinds = {type(event) for event in scenario.events}
    return [i for i in INJECTS if not i.needs or kinds & set(i.needs)]


def params_for(code: str, scenario, state: dict) -> dict:
    """The stored parameters of an inject sent now (``state``: the drill's current state)."""
    if code != "absent_shift":
        return {"code": code}
    on_phones = {name: g["on_phones"] for name, g in state["agents"].items()}
    group = max(scenario.group_names, key=lambda name: on_phones.get(name, 0))
    count = min(on_phones.get(group, 0), max(1, math.ceil(ABSENT_SHARE * on_phones[group])))
    return {"code": code, "group": group, "count": count}


def engine_actions(params: dict, at: float) -> list[dict]:
    """What the inject changes in the simulated center."""
    if params.get("code") == "absent_shift" and params.get("count", 0) > 0:
        return [{"type": "remove_agents", "time": at,
                 "params": {"group": params["group"], "count": params["count"]}}]
    return []


def alert_text(params: dict) -> dict:
    """``{zh, en}`` alert of a stored inject."""
    inject = BY_CODE.get(params.get("code"))
    return inject.alert if inject else {"zh": "培训师插入的事件", "en": "An event from the trainer"}
