"""Read the ``events`` list: group-complaint surges, quality recalls and disasters.

Every event has ``start_hour`` and ``end_hour`` (hours since the horizon starts); the
cross-field rules (end after start, start inside the horizon, ramp and decay fitting inside the
event) are checked in :mod:`scenarios.checks`.
"""

from __future__ import annotations

from typing import Any

from .fields import FieldReader
from .schema import EVENT_GRADES, EVENT_TYPES, Disaster, GroupComplaintSurge, QualityRecall

_COMMON = ("type", "title", "grade", "start_hour", "end_hour")
_KEYS = {
    "group_complaint_surge": _COMMON + ("queue", "peak_multiplier", "ramp_hours",
                                        "decay_hours"),
    "quality_recall": _COMMON + ("queues", "volume_multiplier", "handle_time_multiplier",
                                 "escalation_increase"),
    "disaster": _COMMON + ("queues", "staff_availability", "absenteeism", "callback_shift",
                           "volume_multiplier"),
}
_REQUIRED = {
    "group_complaint_surge": ("start_hour", "end_hour", "queue", "peak_multiplier"),
    "quality_recall": ("start_hour", "end_hour"),
    "disaster": ("start_hour", "end_hour"),
}
_HOURS = {"low": 0.0, "high": 24.0 * 366}
_NUMBERS = {
    "peak_multiplier": ({"low": 1.0, "high": 100.0}, 0.0),
    "ramp_hours": ({"low": 0.0, "high": 24.0 * 31}, 0.5),
    "decay_hours": ({"low": 0.0, "high": 24.0 * 31}, 1.0),
    "volume_multiplier": ({"low": 0.0, "low_open": True, "high": 100.0}, None),
    "handle_time_multiplier": ({"low": 0.0, "low_open": True, "high": 10.0}, 1.2),
    "escalation_increase": ({"low": 0.0, "high": 1.0}, 0.1),
    "staff_availability": ({"low": 0.0, "low_open": True, "high": 1.0}, 0.7),
    "absenteeism": ({"low": 0.0, "high": 1.0, "high_open": True}, 0.1),
    "callback_shift": ({"low": 0.0, "high": 1.0}, 0.2),
}
_VOLUME_DEFAULT = {"quality_recall": 1.5, "disaster": 1.0}


def read_events(r: FieldReader, raw: Any, queue_names: list[str]) -> tuple:
    """The ``events`` list, each item dispatched on its ``type``."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        r.add(("events",), "not_a_list", got="a mapping" if isinstance(raw, dict) else repr(raw))
        return ()
    events = []
    for index, item in enumerate(raw):
        event = _read_event(r, ("events", index), item, queue_names)
        if event is not None:
            events.append(event)
    return tuple(events)


def _read_event(r: FieldReader, path: tuple, item: Any, queue_names: list[str]):
    if not isinstance(item, dict):
        r.add(path, "not_a_mapping", got=repr(item))
        return None
    if "type" not in item:
        r.add(path + ("type",), "missing_key", key="type")
        return None
    kind = r.choice(path + ("type",), item["type"], EVENT_TYPES)
    if kind is None:
        return None
    data = r.mapping(path, item, _KEYS[kind], _REQUIRED[kind])
    values: dict[str, Any] = {
        "title": r.optional_text(path, data, "title"),
        "grade": None if data.get("grade") is None else
        r.choice(path + ("grade",), data["grade"], EVENT_GRADES),
        "start_hour": r.get_number(path, data, "start_hour", **_HOURS),
        "end_hour": r.get_number(path, data, "end_hour", **_HOURS),
    }
    for key in _KEYS[kind][len(_COMMON):]:
        if key == "queue":
            values[key] = _queue(r, path, data, queue_names)
        elif key == "queues":
            values[key] = _queues(r, path, data, queue_names)
        else:
            bounds, default = _NUMBERS[key]
            if key == "volume_multiplier":
                default = _VOLUME_DEFAULT[kind]
            values[key] = r.get_number(path, data, key, default, **bounds)
    cls = {"group_complaint_surge": GroupComplaintSurge, "quality_recall": QualityRecall,
           "disaster": Disaster}[kind]
    return cls(**values)


def _queue(r: FieldReader, path: tuple, data: dict, queue_names: list[str]) -> str | None:
    if "queue" not in data:
        return None
    value = data["queue"]
    if value not in queue_names:
        r.add(path + ("queue",), "unknown_ref", kind="queue", got=str(value),
              allowed=", ".join(queue_names) or "(none)")
        return None
    return value


def _queues(r: FieldReader, path: tuple, data: dict, queue_names: list[str]):
    if data.get("queues") is None:
        return tuple(queue_names)
    names = r.name_list(path + ("queues",), data["queues"], queue_names, "queue")
    if names == ():
        r.add(path + ("queues",), "empty_list")
    return names
