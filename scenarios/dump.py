"""Write a :class:`~scenarios.schema.Scenario` back to a plain dict or YAML.

The dict is the canonical form: every key is present (defaults filled in, ``null`` for an
absent optional block), so ``scenario_from_dict(scenario_to_dict(s)) == s`` and the dict of
that result is identical again. The web planner edits this dict as a form or as YAML.
"""

from __future__ import annotations

from typing import Any

import yaml

from .schema import (
    AgentGroup,
    Distribution,
    QueueSpec,
    Scenario,
    Text,
)


def _text(value: Text | None) -> dict | None:
    return None if value is None else {"zh": value.zh, "en": value.en}


def _dist(value: Distribution | None) -> dict | None:
    if value is None:
        return None
    return {"distribution": value.distribution, "mean": value.mean, "cv": value.cv}


def _plain(obj: Any, keys: tuple[str, ...]) -> dict:
    return {key: getattr(obj, key) for key in keys}


def _queue(q: QueueSpec) -> dict:
    return {
        "title": _text(q.title),
        "calls_per_day": q.calls_per_day,
        "arrival_shape": q.arrival_shape,
        "day_factors": list(q.day_factors),
        "handle_time_seconds": _dist(q.handle_time_seconds),
        "after_call_work_seconds": q.after_call_work_seconds,
        "patience_seconds": _dist(q.patience_seconds),
        "redial": _plain(q.redial, ("probability", "mean_delay_minutes")),
        "callback": _plain(q.callback, ("enabled", "offer_after_seconds", "accept_probability",
                                        "promise_minutes", "expire_minutes", "priority_rule",
                                        "at_risk_minutes")),
        "repeat": _plain(q.repeat, ("probability", "mean_delay_hours")),
        "priority_mix": _plain(q.priority_mix, ("urgent", "general", "normal")),
        "escalation_probability": q.escalation_probability,
        "service_level": _plain(q.service_level, ("percent", "seconds")),
    }


def _group(g: AgentGroup) -> dict:
    return {
        "title": _text(g.title),
        "skills": list(g.skills),
        "handle_time_factor": g.handle_time_factor,
        "first_contact_resolution": g.first_contact_resolution,
        "back_office_staff": g.back_office_staff,
        "reserve_staff": g.reserve_staff,
    }


_EVENT_FIELDS = {
    "group_complaint_surge": ("start_hour", "end_hour", "queue", "peak_multiplier",
                              "ramp_hours", "decay_hours"),
    "quality_recall": ("start_hour", "end_hour", "volume_multiplier", "handle_time_multiplier",
                       "escalation_increase"),
    "disaster": ("start_hour", "end_hour", "staff_availability", "absenteeism",
                 "callback_shift", "volume_multiplier"),
}


def _event(event) -> dict:
    data: dict[str, Any] = {"type": event.type, "title": _text(event.title)}
    if event.grade is not None:
        data["grade"] = event.grade
    data.update(_plain(event, _EVENT_FIELDS[event.type]))
    if hasattr(event, "queues"):
        data["queues"] = list(event.queues)
    return data


def scenario_to_dict(s: Scenario) -> dict:
    """The canonical plain-dict form of ``s`` (JSON- and YAML-safe)."""
    priorities = {name: _plain(s.priorities.of(name), ("respond_hours", "resolve_hours"))
                  for name in ("urgent", "general", "normal")}
    technicians = None
    if s.technicians is not None:
        technicians = {"agents": list(s.technicians.agents),
                       "repair_time_hours": _dist(s.technicians.repair_time_hours)}
    return {
        "id": s.id,
        "title": _text(s.title),
        "description": _text(s.description),
        "horizon_hours": s.horizon_hours,
        "interval_minutes": s.interval_minutes,
        "start_hour": s.start_hour,
        "warmup_hours": s.warmup_hours,
        "priorities": priorities,
        "arrival_shapes": {shape.name: list(shape.weights) for shape in s.arrival_shapes},
        "queues": {q.name: _queue(q) for q in s.queues},
        "groups": {g.name: _group(g) for g in s.groups},
        "staffing": {p.group: {"agents": list(p.agents), "shrinkage": p.shrinkage}
                     for p in s.staffing},
        "technicians": technicians,
        "events": [_event(event) for event in s.events],
        "opening_hours": None if s.opening_hours is None else {
            "open_hour": s.opening_hours.open_hour, "close_hour": s.opening_hours.close_hour,
            "return_probability": s.opening_hours.return_probability,
            "return_hours": list(s.opening_hours.return_hours)},
        "start_weekday": s.start_weekday,
    }


def scenario_to_yaml(s: Scenario) -> str:
    """``s`` as YAML text (Chinese kept readable, keys in schema order)."""
    return yaml.safe_dump(scenario_to_dict(s), allow_unicode=True, sort_keys=False,
                          default_flow_style=None, width=100)
