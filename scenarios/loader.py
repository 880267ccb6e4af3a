"""Load and validate scenarios from YAML files, YAML text or plain dicts.

All entry points share one reader that records every problem with its key path and YAML line,
then raise a single :class:`~scenarios.errors.ScenarioError`; nothing is half-built.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .checks import check_scenario
from .errors import Issue, IssueCollector, ScenarioError
from .events import read_events
from .fields import FieldReader
from .parse import (
    TOP_KEYS,
    TOP_REQUIRED,
    read_groups,
    read_horizon,
    read_interval,
    read_priorities,
    read_queues,
    read_shapes,
    read_staffing,
    read_technicians,
    read_top_number,
)
from .reader import read_yaml
from .schema import Scenario

LIBRARY_DIR = Path(__file__).with_name("library")


def build_scenario(data: Any, collector: IssueCollector) -> Scenario | None:
    """Read ``data`` into a :class:`Scenario`, recording problems in ``collector``."""
    r = FieldReader(collector)
    top = r.mapping((), data, TOP_KEYS, TOP_REQUIRED)
    if top is None:
        return None
    shapes = read_shapes(r, top.get("arrival_shapes"))
    queues = read_queues(r, top.get("queues"), [s.name for s in shapes or ()])
    queue_names = [q.name for q in queues]
    groups = read_groups(r, top.get("groups"), queue_names)
    scenario = Scenario(
        id=r.identifier(("id",), top["id"]) if "id" in top else None,
        title=r.text(("title",), top["title"]) if "title" in top else None,
        description=r.text(("description",), top["description"])
        if "description" in top else None,
        horizon_hours=read_horizon(r, top),
        interval_minutes=read_interval(r, top),
        start_hour=read_top_number(r, top, "start_hour", 0.0, low=0.0, high=24.0,
                                   high_open=True),
        warmup_hours=read_top_number(r, top, "warmup_hours", 0.0, low=0.0),
        priorities=read_priorities(r, top.get("priorities")),
        arrival_shapes=shapes,
        queues=queues,
        groups=groups,
        staffing=read_staffing(r, top.get("staffing"), [g.name for g in groups]),
        technicians=read_technicians(r, top.get("technicians")),
        events=read_events(r, top.get("events"), queue_names),
    )
    check_scenario(r, scenario)
    return scenario


def scenario_from_dict(data: Any, *, source: str = "",
                       lines: dict[tuple, int] | None = None) -> Scenario:
    """Validate a plain dict and return the :class:`Scenario`; raise :class:`ScenarioError`.

    ``lines`` maps key paths to YAML lines when the dict came from a file.
    """
    collector = IssueCollector(lines, source)
    scenario = build_scenario(data, collector)
    collector.raise_if_any()
    return scenario


def _read_source(path_or_text: str | os.PathLike) -> tuple[str, str]:
    """Return ``(yaml text, source name)`` for a path, a library id or YAML text."""
    if isinstance(path_or_text, os.PathLike):
        path = Path(path_or_text)
        return path.read_text(encoding="utf-8"), str(path)
    text = str(path_or_text)
    if "\n" in text or ":" in text:
        return text, "<text>"
    path = Path(text)
    if path.is_file():
        return path.read_text(encoding="utf-8"), str(path)
    library_file = LIBRARY_DIR / f"{text}.yaml"
    if library_file.is_file():
        return library_file.read_text(encoding="utf-8"), str(library_file)
    collector = IssueCollector(source=text)
    collector.add((), "not_found", got=repr(text))
    collector.raise_if_any()
    raise AssertionError("unreachable")


def load_scenario(path_or_text: str | os.PathLike) -> Scenario:
    """Load a scenario from a file path, a library id (e.g. ``normal_weekday``) or YAML text.

    Raises :class:`ScenarioError` listing every problem with key path and line.
    """
    text, source = _read_source(path_or_text)
    collector = IssueCollector(source=source)
    data = read_yaml(text, collector)
    if collector.issues:
        collector.raise_if_any()
    scenario = build_scenario(data, collector)
    collector.raise_if_any()
    return scenario


def validate(data_or_text: Any, *, source: str = "") -> Scenario:
    """Check a dict, YAML text or path; raise one :class:`ScenarioError` with ALL problems."""
    if isinstance(data_or_text, dict):
        return scenario_from_dict(data_or_text, source=source)
    return load_scenario(data_or_text)


def issues_of(data_or_text: Any) -> list[Issue]:
    """All problems of a dict, YAML text or path as ``(key_path, line, message)``; [] if valid."""
    try:
        validate(data_or_text)
    except ScenarioError as error:
        return list(error.issues)
    return []
