"""Planner scenarios in the database: create, copy, validate and save, owner-checked.

Every save goes through the scenario loader (:mod:`scenarios`), whether the planner used the
forms, the interval tables or the YAML editor, so the three cannot disagree about what is
valid. Problems come back as ``{key_path: message}`` in the planner's language, so a page can
put each one beside the field or table cell it belongs to; nothing is saved when any remain.
"""

from functools import lru_cache

from flask import abort
from sqlalchemy import select

import scenarios
from lms.auth.models import User, utcnow
from lms.extensions import db
from lms.planning.models import PlanningScenario


class ScenarioInvalid(ValueError):
    """The scenario has problems; ``errors`` maps key paths to messages, ``lines`` key paths
    to the YAML line of the problem (when the scenario was YAML text)."""

    def __init__(self, errors: dict[str, str], lines: dict[str, int] | None = None):
        self.errors = errors
        self.lines = lines or {}
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))

    def listed(self, text: str | None = None) -> list[dict]:
        """Problems in line order: ``{key, line, message, excerpt}`` (the line's text)."""
        source = (text or "").splitlines()
        rows = []
        for key, message in self.errors.items():
            line = self.lines.get(key)
            excerpt = source[line - 1].strip() if line and 0 < line <= len(source) else ""
            rows.append({"key": key, "line": line, "message": message,
                         "excerpt": excerpt if len(excerpt) <= 60 else excerpt[:59] + "…"})
        return sorted(rows, key=lambda row: (row["line"] is None, row["line"] or 0))


def problems(error: scenarios.ScenarioError, lang: str) -> dict[str, str]:
    """``{key_path: message in lang}`` for every issue of ``error`` (joined per key)."""
    found: dict[str, str] = {}
    for issue, line in zip(error.issues, error.messages(lang), strict=True):
        key = issue.key_path or "(top)"
        message = line.split(f"{key}: ", 1)[-1]
        if issue.line is not None and issue.key_path == "":
            message = f"{message} (line {issue.line})"
        found[key] = f"{found[key]} {message}" if key in found else message
    return found


def problem_lines(error: scenarios.ScenarioError) -> dict[str, int]:
    """``{key_path: YAML line}`` of the issues that have a line (the first per key)."""
    lines: dict[str, int] = {}
    for issue in error.issues:
        if issue.line is not None:
            lines.setdefault(issue.key_path or "(top)", issue.line)
    return lines


def check(data_or_text, lang: str) -> scenarios.Scenario:
    """The validated scenario, or :class:`ScenarioInvalid` with every problem."""
    try:
        return scenarios.validate(data_or_text)
    except scenarios.ScenarioError as error:
        raise ScenarioInvalid(problems(error, lang), problem_lines(error)) from error


def owned(scenario_id: int, user: User, *, write: bool = False) -> PlanningScenario:
    """The scenario if ``user`` owns it (admins may read any); 404/403 otherwise."""
    found = db.session.get(PlanningScenario, scenario_id)
    if found is None:
        abort(404)
    if found.owner_id != user.id and (write or not user.has_role("admin")):
        abort(403)
    return found


def list_for(user: User) -> list[PlanningScenario]:
    """The user's scenarios, newest first (admins see everyone's)."""
    query = select(PlanningScenario).order_by(PlanningScenario.updated_at.desc(),
                                              PlanningScenario.id.desc())
    if not user.has_role("admin"):
        query = query.where(PlanningScenario.owner_id == user.id)
    return list(db.session.scalars(query))


def parsed(stored: PlanningScenario) -> scenarios.Scenario:
    """The stored scenario as a validated :class:`scenarios.Scenario`."""
    return scenarios.validate(stored.yaml_text)


def as_dict(stored: PlanningScenario) -> dict:
    """The stored scenario as the loader's canonical dict."""
    return scenarios.scenario_to_dict(parsed(stored))


def create(owner: User, name: str, data_or_text, lang: str, *, based_on=None,
           library_id: str | None = None) -> PlanningScenario:
    """Validate and add a new scenario (not committed)."""
    scenario = check(data_or_text, lang)
    stored = PlanningScenario(name=name.strip() or scenario.title.get(lang), owner_id=owner.id,
                              yaml_text=scenarios.scenario_to_yaml(scenario), valid=True,
                              based_on=based_on, library_id=library_id)
    db.session.add(stored)
    return stored


@lru_cache(maxsize=1)
def library() -> tuple:
    """The shipped scenario library (validated once per process: the files do not change)."""
    return tuple(scenarios.library())


def copy_from_library(owner: User, library_id: str, lang: str) -> PlanningScenario:
    """A planner's own copy of a shipped scenario (not committed)."""
    entries = {entry.id: entry for entry in library()}
    if library_id not in entries:
        abort(404)
    scenario = entries[library_id].load()
    return create(owner, scenario.title.get(lang), scenarios.scenario_to_dict(scenario), lang,
                  library_id=library_id)


def variant(owner: User, source: PlanningScenario, name: str, lang: str) -> PlanningScenario:
    """A copy of ``source`` to change one thing and compare (not committed)."""
    data = as_dict(source)
    return create(owner, name, data, lang, based_on=source, library_id=source.library_id)


def save(stored: PlanningScenario, data_or_text, lang: str,
         name: str | None = None) -> PlanningScenario:
    """Replace the scenario's content after validation; unchanged on any problem."""
    scenario = check(data_or_text, lang)
    stored.yaml_text = scenarios.scenario_to_yaml(scenario)
    stored.valid = True
    stored.updated_at = utcnow()
    if name:
        stored.name = name.strip()
    return stored
