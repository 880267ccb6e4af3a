"""Scenario names in the reader's language.

A planner's copy of a shipped scenario is stored under the library title in the language
the planner used when copying it ("群体投诉激增"), and run labels are built from those names.
Shown to a reader of the other language, a known library title is replaced by its title in
the reader's language; a name the planner typed is shown as typed. A title that exists only
in the other language is marked with that language's own name ("(中文)").
"""

from __future__ import annotations

from lms.i18n import reader_language
from lms.planning import scenario_store


def _library_titles() -> list[tuple[str, str]]:
    return [(entry.title.zh, entry.title.en) for entry in scenario_store.library()]


def in_reader_language(text: str | None) -> str:
    """``text`` with every shipped scenario title swapped into the reader's language."""
    if not text:
        return ""
    lang = reader_language()
    for zh, en in sorted(_library_titles(), key=lambda pair: -len(pair[0] + pair[1])):
        source, target = (zh, en) if lang == "en" else (en, zh)
        if source and target and source in text:
            text = text.replace(source, target)
    return text
