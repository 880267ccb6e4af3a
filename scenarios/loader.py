"""Load and validate scenarios from YAML text, plain dicts, or (CLI and library only) files.

All entry points share one reader that records every problem with its key path and YAML line,
then raise a single :class:`~scenarios.errors.ScenarioError`; nothing is half-built.

Text that comes from a person (a form, an upload, an API) is only ever *parsed*:
:func:`parse_scenario` and :func:`validate` never look at the file system, whatever the text
says. Reading a file is :func:`load_scenario_file`, and a shipped scenario by its id is
:func:`library_scenario`; only the command line and the shipped library call those.
"""

from __future__ import annotations

import os
import re
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
    read_opening_hours,
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
        opening_hours=read_opening_hours(r, top.get("opening_hours")),
        start_weekday=read_top_number(r, top, "start_weekday", 0, low=0, high=6,
                                      integer=True),
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


#: A library id: lower-case letters, digits and underscores, never a path.
LIBRARY_ID = re.compile(r"^[a-z0-9_]{1,64}$")


def parse_scenario(text: str, *, source: str = "") -> Scenario:
    """Parse and validate YAML *text*; raise :class:`ScenarioError` listing every problem.

    The text is never taken for a file name, so nothing a person typed can read a file.
    """
    if not isinstance(text, str):
        raise TypeError("parse_scenario takes YAML text; use load_scenario_file for files")
    collector = IssueCollector(source=source)
    data = read_yaml(text, collector)
    if collector.issues:
        collector.raise_if_any()
    scenario = build_scenario(data, collector)
    collector.raise_if_any()
    return scenario


def load_scenario_file(path: str | os.PathLike) -> Scenario:
    """Read and validate the scenario file at ``path`` (command line and library only)."""
    path = Path(path)
    return parse_scenario(path.read_text(encoding="utf-8"), source=str(path))


def library_scenario(scenario_id: str) -> Scenario:
    """The shipped scenario ``scenario_id`` (e.g. ``normal_weekday``); ScenarioError if none."""
    if isinstance(scenario_id, str) and LIBRARY_ID.match(scenario_id):
        library_file = LIBRARY_DIR / f"{scenario_id}.yaml"
        if library_file.is_file():
            return parse_scenario(library_file.read_text(encoding="utf-8"),
                                  source=library_file.name)
    collector = IssueCollector(source="library")
    collector.add((), "not_found", got=repr(str(scenario_id)[:60]))
    collector.raise_if_any()
    raise AssertionError("unreachable")


def load_scenario(path_or_id: str | os.PathLike) -> Scenario:
    """Command line: load a library id (e.g. ``normal_weekday``) or a scenario file path.

    Never pass text from a person here: it may name a file. Web code uses :func:`validate`.
    """
    if isinstance(path_or_id, str) and LIBRARY_ID.match(path_or_id) \
            and (LIBRARY_DIR / f"{path_or_id}.yaml").is_file():
        return library_scenario(path_or_id)
    if isinstance(path_or_id, str) and "\n" in path_or_id:
        raise TypeError("load_scenario takes a path or library id; use parse_scenario for text")
    path = Path(path_or_id)
    if not path.is_file():
        return library_scenario(str(path_or_id))
    return load_scenario_file(path)


def validate(data_or_text: Any, *, source: str = "") -> Scenario:
    """Check a dict or YAML text (never a path); raise one :class:`ScenarioError` with ALL
    problems."""
    if isinstance(data_or_text, dict):
        return scenario_from_dict(data_or_text, source=source)
    if not isinstance(data_or_text, str):
        collector = IssueCollector(source=source)
        collector.add((), "not_a_mapping", got=type(data_or_text).__name__)
        collector.raise_if_any()
    return parse_scenario(data_or_text, source=source)


def issues_of(data_or_text: Any) -> list[Issue]:
    """All problems of a dict or YAML text as ``(key_path, line, message)``; [] if valid."""
    try:
        validate(data_or_text)
    except ScenarioError as error:
        return list(error.issues)
    return []
