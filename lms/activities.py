"""Activity references: one format for what a course asks a person to do elsewhere.

A reference is ``<prefix>:<key>``: ``exam:service-standards-final``,
``roleplay:ac_failed_again_after_repair``, ``drill:group_complaint_surge``,
``survey:post-course``, ``practice:onsite-signoff``. The key is the owning feature's own
identifier, spelled exactly as that feature spells it (exam slugs, role-play card keys,
scenario ids, ...), so what a course file names, what the course editor stores and what the
feature reports through ``lms.signals.activity_result`` are one string.

Each feature registers its prefix once with :func:`register` (in ``lms/<feature>/
activities.py``, imported by :func:`load_kinds`): what course activities of that kind are
called, how to list the keys that exist (the editor's picker), how to check one key, and where
a person does it. Course files, the editor and ``flask courses check`` resolve references only
through this registry, so a reference that names nothing is refused where it is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

#: ``prefix:key``: a lower-case prefix, then letters, digits, ``_``, ``-`` or ``.``.
REFERENCE = re.compile(r"^([a-z]+):([A-Za-z0-9_.-]{1,100})$")


@dataclass(frozen=True)
class ActivityKind:
    """How one feature's activities are referred to, listed, checked and reached."""

    #: The reference prefix (``exam``).
    prefix: str
    #: ``course_activities.kind`` for activities of this prefix (``exam``, ``emergency_drill``).
    activity_kind: str
    #: ``() -> {key: {"zh": title, "en": title}}`` of every key that exists now (the picker).
    choices: Callable[[], dict[str, dict]]
    #: ``(key) -> bool``: does the key name something that exists? (defaults to ``choices``)
    exists: Callable[[str], bool] | None = None
    #: ``(key) -> url or None``: where a person does this activity (course pages link it).
    url_for_key: Callable[[str], str | None] | None = None

    def has(self, key: str) -> bool:
        """Whether ``key`` names something that exists."""
        if self.exists is not None:
            return self.exists(key)
        return key in self.choices()


_KINDS: dict[str, ActivityKind] = {}


def register(kind: ActivityKind) -> None:
    """Make ``kind.prefix`` a known reference prefix (a feature calls this once)."""
    _KINDS[kind.prefix] = kind


def kinds() -> dict[str, ActivityKind]:
    """Every registered prefix and its kind."""
    load_kinds()
    return dict(_KINDS)


def load_kinds() -> None:
    """Import every ``lms.<feature>.activities`` module so each registers its prefix."""
    from lms.web import feature_modules

    feature_modules("activities")


def parse(reference: str) -> tuple[str, str] | None:
    """``(prefix, key)`` of a well-formed reference, else None."""
    match = REFERENCE.match(reference or "")
    return (match.group(1), match.group(2)) if match else None


def problem(reference: str, activity_kind: str | None = None) -> str | None:
    """Why ``reference`` cannot be used (an English code-like phrase), or None when it resolves.

    ``"malformed"``, ``"unknown_prefix"``, ``"wrong_kind"`` or ``"not_found"``; callers turn
    these into messages in the person's language, with the field or file and line.
    """
    parsed = parse(reference)
    if parsed is None:
        return "malformed"
    prefix, key = parsed
    kind = kinds().get(prefix)
    if kind is None:
        return "unknown_prefix"
    if activity_kind is not None and kind.activity_kind != activity_kind:
        return "wrong_kind"
    return None if kind.has(key) else "not_found"


def url_for_reference(reference: str) -> str | None:
    """Where a person does the activity ``reference`` (None when nowhere to link)."""
    parsed = parse(reference)
    kind = kinds().get(parsed[0]) if parsed else None
    if kind is None or kind.url_for_key is None:
        return None
    return kind.url_for_key(parsed[1])
