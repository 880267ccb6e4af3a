"""What the web layer shows before an import is confirmed, and duplicate detection.

An import is shown first: every error (file, line, question, field, message in the trainer's
language) or, for a clean file, one row per question with its type, category, difficulty,
points, a text excerpt, whether its key already exists (then importing makes a new version of
that question) and whether it duplicates another question of the file or of the bank.
Duplicates are reported, not refused: the trainer decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from question_bank.hashing import definition_hash, fingerprints
from question_bank.issues import ImportResult
from question_bank.model import Question
from question_bank.text import excerpt

EXISTING = "existing"


@dataclass(frozen=True)
class Duplicate:
    """``key`` duplicates ``other`` (a key of the same file, or of the bank)."""

    key: str
    other: str
    within_file: bool


def find_duplicates(questions: Iterable[Question],
                    existing: Mapping[str, str] | Collection[str] = ()) -> list[Duplicate]:
    """Questions whose content equals an earlier one in the file or one already stored.

    ``existing`` holds the fingerprints of stored questions (``hashing.fingerprints``), as a
    set, or as a mapping fingerprint -> stored key to name the question duplicated.
    """
    seen: dict[str, str] = {}
    found = []
    for question in questions:
        prints = fingerprints(question)
        stored = next((print_ for print_ in prints if print_ in existing), None)
        earlier = next((seen[print_] for print_ in prints if print_ in seen), None)
        if stored is not None:
            other = existing[stored] if isinstance(existing, Mapping) else EXISTING
            found.append(Duplicate(question.key, other, within_file=False))
        elif earlier is not None:
            found.append(Duplicate(question.key, earlier, within_file=True))
        for print_ in prints:
            seen.setdefault(print_, question.key)
    return found


def preview(result: ImportResult, language: str = "zh", *,
            existing_fingerprints: Mapping[str, str] | Collection[str] = (),
            existing_keys: Collection[str] = (),
            existing_hashes: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Plain data for the import preview page.

    ``existing_hashes`` (stored key -> ``definition_hash`` of its latest version) tells an
    unchanged question (importing it changes nothing) from a new version; a question is
    never called a duplicate of its own stored self."""
    hashes = existing_hashes or {}
    duplicates = {item.key: item for item in find_duplicates(result.questions,
                                                             existing_fingerprints)
                  if item.within_file or item.other != item.key}
    rows = [_row(question, language, duplicates.get(question.key), existing_keys, hashes)
            for question in result.questions]
    return {
        "ok": result.ok,
        "errors": [item.to_dict(language) for item in result.errors],
        "warnings": [item.to_dict(language) for item in result.warnings],
        "questions": rows,
        "counts": {
            "total": len(rows),
            "by_type": dict(Counter(row["type"] for row in rows)),
            "duplicates": len(duplicates),
            "new_versions": sum(1 for row in rows if row["new_version"]),
            "unchanged": sum(1 for row in rows if row["unchanged"]),
        },
    }


def _row(question: Question, language: str, duplicate: Duplicate | None,
         existing_keys: Collection[str], hashes: Mapping[str, str]) -> dict[str, Any]:
    unchanged = question.key in hashes and hashes[question.key] == definition_hash(question)
    return {
        "key": question.key,
        "type": question.type.value,
        "category": question.category,
        "difficulty": question.difficulty.value,
        "points": question.points,
        "tags": list(question.tags),
        "excerpt": excerpt(question.text.get(language)),
        "new_version": (question.key in existing_keys or question.key in hashes)
        and not unchanged,
        "unchanged": unchanged,
        "duplicate_of": duplicate.other if duplicate else None,
        "duplicate_within_file": duplicate.within_file if duplicate else False,
    }
