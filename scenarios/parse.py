"""Turn a plain dict (from YAML or a web form) into a :class:`~scenarios.schema.Scenario`.

Each block is read by a small function that records problems and carries on, so one pass finds
every wrong key and value. Cross-field rules (events inside the horizon, staffing lengths,
references between queues, groups and staffing) live in :mod:`scenarios.checks`.
"""

from __future__ import annotations

from typing import Any

from .fields import MISSING, FieldReader
from .schema import (
    CALLBACK_RULES,
    DISTRIBUTIONS,
    INTERVAL_MINUTES,
    MAX_HORIZON_HOURS,
    PRIORITIES,
    QUEUE_KINDS,
    AgentGroup,
    ArrivalShape,
    Callback,
    Distribution,
    GroupStaffing,
    OpeningHours,
    PriorityMix,
    PriorityTarget,
    PriorityTargets,
    QueueSpec,
    Redial,
    Repeat,
    ServiceLevelTarget,
    TechnicianPool,
)

TOP_KEYS = ("id", "title", "description", "horizon_hours", "interval_minutes", "start_hour",
            "warmup_hours", "priorities", "arrival_shapes", "queues", "groups", "staffing",
            "technicians", "events", "opening_hours", "start_weekday")
TOP_REQUIRED = ("id", "title", "description", "horizon_hours", "interval_minutes", "queues",
                "groups", "staffing")
QUEUE_KEYS = ("title", "calls_per_day", "arrival_shape", "day_factors", "handle_time_seconds",
              "after_call_work_seconds", "patience_seconds", "redial", "callback", "repeat",
              "priority_mix", "escalation_probability", "service_level")
GROUP_KEYS = ("title", "skills", "handle_time_factor", "first_contact_resolution",
              "back_office_staff", "reserve_staff")
PROBABILITY = {"low": 0.0, "high": 1.0}
MAX_AGENTS = 5000


def read_distribution(r: FieldReader, path: tuple, raw: Any, max_mean: float):
    """``{distribution, mean, cv}``; ``cv`` only (and always) for lognormal."""
    data = r.mapping(path, raw, ("distribution", "mean", "cv"), ("distribution", "mean"))
    if data is None:
        return None
    kind = r.choice(path + ("distribution",), data.get("distribution"), DISTRIBUTIONS) \
        if "distribution" in data else None
    mean = r.get_number(path, data, "mean", low=0.0, low_open=True, high=max_mean)
    cv = None
    if kind == "exponential" and data.get("cv") is not None:
        r.add(path + ("cv",), "cv_not_allowed")
    elif kind == "lognormal":
        if data.get("cv") is None:
            r.add(path + ("cv",), "cv_required")
        else:
            cv = r.number(path + ("cv",), data["cv"], low=0.0, low_open=True, high=10.0)
    return Distribution(kind, mean, cv)


def read_service_level(r: FieldReader, path: tuple, raw: Any) -> ServiceLevelTarget | None:
    """``{percent, seconds}``, e.g. 80 % within 20 s."""
    data = r.mapping(path, raw, ("percent", "seconds"), ("percent", "seconds"))
    if data is None:
        return None
    percent = r.get_number(path, data, "percent", low=0.0, low_open=True, high=100.0)
    seconds = r.get_number(path, data, "seconds", low=0.0, high=3600.0)
    return ServiceLevelTarget(percent, seconds)


def _block(r: FieldReader, path: tuple, data: dict, key: str, cls, spec: dict):
    """Read an optional sub-mapping whose fields are numbers/bools with defaults of ``cls``."""
    default = cls()
    if data.get(key) is None:
        return default
    block = r.mapping(path + (key,), data[key], tuple(spec))
    if block is None:
        return None
    values = {}
    for name, bounds in spec.items():
        if name not in block:
            values[name] = getattr(default, name)
        elif bounds == "bool":
            values[name] = r.boolean(path + (key, name), block[name])
        elif isinstance(bounds, tuple):
            values[name] = r.choice(path + (key, name), block[name], bounds)
        else:
            values[name] = r.number(path + (key, name), block[name], **bounds)
    return cls(**values)


def read_priorities(r: FieldReader, raw: Any) -> PriorityTargets | None:
    """Response/resolution targets per case class (defaults from DOMAIN.md)."""
    if raw is None:
        return PriorityTargets()
    data = r.mapping(("priorities",), raw, PRIORITIES, PRIORITIES)
    if data is None:
        return None
    targets = {}
    for name in PRIORITIES:
        path = ("priorities", name)
        item = r.mapping(path, data.get(name, {}), ("respond_hours", "resolve_hours"),
                         ("respond_hours", "resolve_hours")) if name in data else None
        if item is None:
            targets[name] = None
            continue
        respond = r.get_number(path, item, "respond_hours", low=0.0, low_open=True, high=720.0)
        resolve = r.get_number(path, item, "resolve_hours", low=0.0, low_open=True, high=720.0)
        if respond is not None and resolve is not None and resolve < respond:
            r.add(path + ("resolve_hours",), "resolve_before_respond",
                  resolve=f"{resolve:g}", respond=f"{respond:g}")
        targets[name] = PriorityTarget(respond, resolve)
    return PriorityTargets(**targets)


def read_shapes(r: FieldReader, raw: Any) -> tuple[ArrivalShape, ...] | None:
    """Named intraday shapes: 24, 48 or 96 non-negative weights with a positive sum."""
    if raw is None:
        return ()
    data = r.mapping(("arrival_shapes",), raw, tuple(raw) if isinstance(raw, dict) else ())
    if data is None:
        return None
    shapes = []
    for name, weights_raw in data.items():
        path = ("arrival_shapes", name)
        r.identifier(path, name)
        weights = r.number_list(path, weights_raw, lengths=(24, 48, 96), low=0.0, high=1e6)
        if weights is not None and sum(weights) <= 0:
            r.add(path, "zero_weights")
        shapes.append(ArrivalShape(name, weights))
    return tuple(shapes)


def read_queue(r: FieldReader, name: str, raw: Any, shape_names: list[str]) -> QueueSpec:
    """One queue block."""
    path = ("queues", name)
    data = r.mapping(path, raw, QUEUE_KEYS, ("calls_per_day", "handle_time_seconds")) or {}
    shape = data.get("arrival_shape", "flat")
    if shape != "flat" and shape not in shape_names:
        r.add(path + ("arrival_shape",), "unknown_ref", kind="arrival shape", got=str(shape),
              allowed=", ".join(["flat", *shape_names]))
    day_factors = (1.0,)
    if "day_factors" in data:
        day_factors = r.number_list(path + ("day_factors",), data["day_factors"],
                                    low=0.0, high=100.0)
        if day_factors is not None and not any(day_factors):
            r.add(path + ("day_factors",), "all_zero")
    handle = patience = None
    if "handle_time_seconds" in data:
        handle = read_distribution(r, path + ("handle_time_seconds",),
                                   data["handle_time_seconds"], 4 * 3600.0)
    if data.get("patience_seconds") is not None:
        patience = read_distribution(r, path + ("patience_seconds",),
                                     data["patience_seconds"], 24 * 3600.0)
    service_level = ServiceLevelTarget()
    if data.get("service_level") is not None:
        service_level = read_service_level(r, path + ("service_level",), data["service_level"])
    return QueueSpec(
        name=name,
        title=r.optional_text(path, data, "title"),
        calls_per_day=r.get_number(path, data, "calls_per_day", low=0.0, low_open=True,
                                   high=5e6),
        arrival_shape=shape,
        day_factors=day_factors,
        handle_time_seconds=handle,
        after_call_work_seconds=r.get_number(path, data, "after_call_work_seconds", 0.0,
                                             low=0.0, high=3600.0),
        patience_seconds=patience,
        redial=_block(r, path, data, "redial", Redial, {
            "probability": PROBABILITY,
            "mean_delay_minutes": {"low": 0.0, "low_open": True, "high": 1440.0}}),
        callback=_block(r, path, data, "callback", Callback, {
            "enabled": "bool", "offer_after_seconds": {"low": 0.0, "high": 3600.0},
            "accept_probability": PROBABILITY,
            "promise_minutes": {"low": 0.0, "low_open": True, "high": 7 * 1440.0},
            "expire_minutes": {"low": 0.0, "low_open": True, "high": 7 * 1440.0},
            "priority_rule": CALLBACK_RULES,
            "at_risk_minutes": {"low": 0.0, "high": 7 * 1440.0}}),
        repeat=_block(r, path, data, "repeat", Repeat, {
            "probability": PROBABILITY,
            "mean_delay_hours": {"low": 0.0, "low_open": True, "high": 720.0}}),
        priority_mix=_priority_mix(r, path, data),
        escalation_probability=r.get_number(path, data, "escalation_probability", 0.0,
                                            **PROBABILITY),
        service_level=service_level,
    )


def _priority_mix(r: FieldReader, path: tuple, data: dict) -> PriorityMix | None:
    if data.get("priority_mix") is None:
        return PriorityMix()
    mix_path = path + ("priority_mix",)
    mix = r.mapping(mix_path, data["priority_mix"], PRIORITIES, PRIORITIES)
    if mix is None:
        return None
    shares = [r.get_number(mix_path, mix, name, **PROBABILITY) for name in PRIORITIES]
    if all(share is not None for share in shares) and abs(sum(shares) - 1.0) > 1e-6:
        r.add(mix_path, "shares_sum", got=f"{sum(shares):g}")
    return PriorityMix(*shares)


def read_queues(r: FieldReader, raw: Any, shape_names: list[str]) -> tuple[QueueSpec, ...]:
    """The ``queues`` mapping, in file order."""
    data = r.mapping(("queues",), raw, QUEUE_KINDS)
    if data is None:
        return ()
    if not data:
        r.add(("queues",), "empty_list")
    return tuple(read_queue(r, name, item, shape_names) for name, item in data.items()
                 if name in QUEUE_KINDS)


def read_groups(r: FieldReader, raw: Any, queue_names: list[str]) -> tuple[AgentGroup, ...]:
    """The ``groups`` mapping: skills and proficiency per agent group."""
    data = r.mapping(("groups",), raw, tuple(raw) if isinstance(raw, dict) else ())
    if data is None:
        return ()
    if not data:
        r.add(("groups",), "empty_list")
    groups = []
    for name, item in data.items():
        path = ("groups", name)
        r.identifier(path, name)
        block = r.mapping(path, item, GROUP_KEYS, ("skills",)) or {}
        skills = None
        if "skills" in block:
            skills = r.name_list(path + ("skills",), block["skills"], queue_names, "queue")
            if skills == ():
                r.add(path + ("skills",), "empty_list")
            for skill in set(skills or ()):
                if skills.count(skill) > 1:
                    r.add(path + ("skills",), "duplicate_item", got=skill)
        groups.append(AgentGroup(
            name=name, skills=skills, title=r.optional_text(path, block, "title"),
            handle_time_factor=r.get_number(path, block, "handle_time_factor", 1.0,
                                            low=0.0, low_open=True, high=5.0),
            first_contact_resolution=r.get_number(path, block, "first_contact_resolution",
                                                  0.85, **PROBABILITY),
            back_office_staff=r.get_number(path, block, "back_office_staff", 0, low=0,
                                           high=MAX_AGENTS, integer=True),
            reserve_staff=r.get_number(path, block, "reserve_staff", 0, low=0,
                                       high=MAX_AGENTS, integer=True),
        ))
    return tuple(groups)


def read_staffing(r: FieldReader, raw: Any, group_names: list[str]):
    """The ``staffing`` mapping: scheduled agents per interval and shrinkage per group."""
    data = r.mapping(("staffing",), raw, tuple(group_names))
    if data is None:
        return ()
    plans = []
    for name, item in data.items():
        if name not in group_names:
            continue
        path = ("staffing", name)
        block = r.mapping(path, item, ("agents", "shrinkage"), ("agents",)) or {}
        agents = None
        if "agents" in block:
            agents = r.number_list(path + ("agents",), block["agents"], low=0,
                                   high=MAX_AGENTS, integer=True)
            if agents is not None and not any(agents):
                r.add(path + ("agents",), "all_zero")
        shrinkage = r.get_number(path, block, "shrinkage", 0.3, low=0.0, high=1.0,
                                 high_open=True)
        plans.append(GroupStaffing(name, agents, shrinkage))
    return tuple(plans)


def read_technicians(r: FieldReader, raw: Any) -> TechnicianPool | None:
    """The optional technician pool (second stage for escalated cases)."""
    if raw is None:
        return None
    path = ("technicians",)
    data = r.mapping(path, raw, ("agents", "repair_time_hours"), ("agents",))
    if data is None:
        return None
    agents = None
    if "agents" in data:
        agents = r.number_list(path + ("agents",), data["agents"], low=0, high=MAX_AGENTS,
                               integer=True)
        if agents is not None and not any(agents):
            r.add(path + ("agents",), "all_zero")
    repair = TechnicianPool.__dataclass_fields__["repair_time_hours"].default
    if data.get("repair_time_hours") is not None:
        repair = read_distribution(r, path + ("repair_time_hours",), data["repair_time_hours"],
                                   720.0)
    return TechnicianPool(agents, repair)


def read_top_number(r: FieldReader, top: dict, key: str, default=MISSING, **bounds):
    """A top-level number (absent and required was already reported)."""
    return r.get_number((), top, key, default, **bounds)


def read_interval(r: FieldReader, top: dict) -> int | None:
    """``interval_minutes``: 15 or 30."""
    if "interval_minutes" not in top:
        return None
    value = top["interval_minutes"]
    if isinstance(value, bool) or value not in INTERVAL_MINUTES:
        r.add(("interval_minutes",), "not_allowed", got=repr(value),
              allowed=", ".join(str(m) for m in INTERVAL_MINUTES))
        return None
    return int(value)


def read_horizon(r: FieldReader, top: dict) -> float | None:
    """``horizon_hours``: more than 0, at most 31 days."""
    return read_top_number(r, top, "horizon_hours", low=0.0, low_open=True,
                           high=MAX_HORIZON_HOURS)


def read_opening_hours(r: FieldReader, raw: Any) -> OpeningHours | None:
    """``opening_hours``: daily open and close hour, and how closed-hours callers return."""
    if raw is None:
        return None
    path = ("opening_hours",)
    data = r.mapping(path, raw, ("open_hour", "close_hour", "return_probability",
                                 "return_hours"), ("open_hour", "close_hour"))
    if data is None:
        return None
    default = OpeningHours()
    open_hour = r.get_number(path, data, "open_hour", low=0.0, high=24.0, high_open=True)
    close_hour = r.get_number(path, data, "close_hour", low=0.0, low_open=True, high=24.0)
    if open_hour is not None and close_hour is not None and close_hour <= open_hour:
        r.add(path + ("close_hour",), "closes_before_opening", open=f"{open_hour:g}",
              close=f"{close_hour:g}")
    weights = default.return_hours
    if "return_hours" in data:
        weights = r.number_list(path + ("return_hours",), data["return_hours"], low=0.0,
                                high=1e6)
        if weights is not None and sum(weights) <= 0:
            r.add(path + ("return_hours",), "zero_weights")
        elif weights is not None and open_hour is not None and close_hour is not None and \
                close_hour > open_hour and len(weights) > close_hour - open_hour + 1e-9:
            r.add(path + ("return_hours",), "returns_after_closing", got=len(weights),
                  hours=f"{close_hour - open_hour:g}")
    return OpeningHours(
        open_hour=open_hour, close_hour=close_hour,
        return_probability=r.get_number(path, data, "return_probability",
                                        default.return_probability, **PROBABILITY),
        return_hours=weights)
