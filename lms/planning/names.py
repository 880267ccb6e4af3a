"""Scenario names in the reader's language.

A planner's copy of a shipped scenario is stored under the library title in the language
the planner used when copying it ("群体投诉激增"), and run labels are built from those names.
Shown to a reader of the other language, a known library title is replaced by its title in
the reader's language; a name the planner typed is shown as typed. A title that exists only
in the other language is marked with that language's own name ("(中文)").
"""

from __future__ import annotations

from flask_babel import get_locale

from lms.planning import scenario_store

#: How a language names itself: the marker after a title shown in the other language.
OWN_NAME = {"zh": "中文", "en": "English"}


def reader_language() -> str:
    """The interface language of this request."""
    return str(get_locale() or "zh")[:2]


def titled(mapping, lang: str | None = None) -> str:
    """A bilingual title in ``lang`` (the reader's), else the other one with a marker."""
    if not mapping:
        return ""
    if isinstance(mapping, str):
        return mapping
    if not isinstance(mapping, dict):
        mapping = {"zh": getattr(mapping, "zh", ""), "en": getattr(mapping, "en", "")}
    lang = lang or reader_language()
    if mapping.get(lang):
        return mapping[lang]
    for other in ("zh", "en"):
        if other != lang and mapping.get(other):
            return f"{mapping[other]} ({OWN_NAME[other]})"
    return ""


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
