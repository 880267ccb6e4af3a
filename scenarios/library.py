"""The shipped scenario library: ``scenarios/library/*.yaml``, listed with bilingual titles."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .loader import LIBRARY_DIR, load_scenario_file
from .schema import Scenario, Text


@dataclass(frozen=True)
class LibraryEntry:
    """One shipped scenario: its id, bilingual title and description, and file."""

    id: str
    title: Text
    description: Text
    path: Path

    def load(self) -> Scenario:
        """Load and validate the scenario."""
        return load_scenario_file(self.path)


def library() -> list[LibraryEntry]:
    """Every shipped scenario, sorted by id (each file is validated on listing)."""
    entries = []
    for path in sorted(LIBRARY_DIR.glob("*.yaml")):
        scenario = load_scenario_file(path)
        entries.append(LibraryEntry(scenario.id, scenario.title, scenario.description, path))
    return entries
