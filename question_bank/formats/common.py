"""What every importer shares: options, keys for imported questions, the final check.

Imported questions are single-language (the ``language`` option says which key to fill) and
get their key from, in order: the file's own id (GIFT ``// [id:...]``, Moodle ``idnumber``,
the CSV ``key`` column), the question title, or ``<format>-<content hash>``. Keys are folded
to ``[a-z0-9-]`` and made unique within the file with ``-2``, ``-3``...; reimporting the same
file gives the same keys, so a changed question arrives as a new version of the old one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from question_bank.datafields import parent_paths
from question_bank.hashing import content_hash
from question_bank.issues import ImportResult, Issue, result_from
from question_bank.model import LANGUAGES, Curriculum, Difficulty, Question
from question_bank.qtypes.base import KEY_PATTERN
from question_bank.validation import validate_questions

_NOT_KEY = re.compile(r"[^a-z0-9]+")
_CONTEXT_PREFIX = re.compile(r"^\$[a-z]+\$(/|$)")
DEFAULT_CATEGORY = "imported"


@dataclass(frozen=True)
class ImportOptions:
    """How to read a single-language file into the bank."""

    language: str
    category: str = DEFAULT_CATEGORY
    curriculum: Curriculum | None = None
    difficulty: Difficulty = Difficulty.MEDIUM

    def __post_init__(self):
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {self.language!r}")


def category_from_path(path: str, default: str) -> str:
    """A Moodle category path (``$course$/top/a/b``) as a bank category (``a/b``).

    The context prefix and Moodle's ``top`` level are dropped; ``//`` (Moodle's escaped
    slash inside a name) becomes ``-`` because a bank category level cannot hold a slash.
    """
    path = _CONTEXT_PREFIX.sub("", path.strip()).replace("//", "-")
    segments = [segment.strip() for segment in path.split("/") if segment.strip()]
    if segments and segments[0] == "top":
        segments = segments[1:]
    return "/".join(segments) or default or DEFAULT_CATEGORY


def slug(text: str | None) -> str:
    """``text`` folded to a key: lower-case ASCII letters, digits and single dashes."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return _NOT_KEY.sub("-", folded).strip("-")[:60].strip("-")


def choose_key(candidates: Iterable[str | None], question: Question, prefix: str,
               taken: set[str]) -> str:
    """The first usable candidate (or a content-hash key), unique among ``taken``."""
    usable = [c if KEY_PATTERN.match(c or "") else slug(c) for c in candidates]
    base = next((c for c in usable if c), "") or f"{prefix}-{content_hash(question)[:10]}"
    key, counter = base, 2
    while key in taken:
        key, counter = f"{base}-{counter}", counter + 1
    taken.add(key)
    return key


def scaled_multiple_response(options: list) -> tuple[list, float | None]:
    """Right options adding up to more than 100 % (e.g. two at 100 %, which Moodle imports
    with a notice): each positive fraction divided by their total so that they add up to
    100 %; penalties kept. Returns the options and the old total (None when unchanged)."""
    total = sum(option.fraction for option in options if option.fraction > 0)
    if total <= 1.0 + 0.001:
        return options, None
    return [replace(option, fraction=round(option.fraction / total, 7))
            if option.fraction > 0 else option for option in options], total


def scaled_warning(options: list, total: float, line: int | None) -> Issue:
    """The preview's notice that a multiple-response question was scaled."""
    from question_bank.issues import issue

    each = ", ".join(sorted({f"{100 * o.fraction:.7g}%" for o in options if o.fraction > 0}))
    return issue("import.multi_scaled", line=line, total=f"{100 * total:.7g}", each=each)


@dataclass
class Draft:
    """A question read from a file, with where its parts were and its key candidates."""

    question: Question
    line: int
    #: field path (``options[2]``) -> line, for locating validation problems.
    lines: dict[str, int]
    key_candidates: tuple[str | None, ...] = ()


def finish_import(drafts: list[Draft], errors: list[Issue], file: str | None, prefix: str,
                  warnings: list[Issue] | None = None) -> ImportResult:
    """Give keys, validate everything, and return all questions or only the errors."""
    taken: set[str] = set()
    questions, where = [], {}
    for draft in drafts:
        key = choose_key(draft.key_candidates, draft.question, prefix, taken)
        questions.append(_rekey(draft.question, key))
        where[key] = draft
    problems = list(errors)
    for found in validate_questions(questions, shipped=False):
        draft = where.get(found.key or "")
        problems.append(found.located(line=_line_of(draft, found.field)) if draft else found)
    return result_from(questions, problems, warnings, file=file)


def _rekey(question: Question, key: str) -> Question:
    # Interchange formats have no case questions, so there are no sub-question keys to set.
    return replace(question, key=key)


def _line_of(draft: Draft, field: str | None) -> int:
    for path in parent_paths(field or ""):
        if path in draft.lines:
            return draft.lines[path]
    return draft.line


@dataclass(frozen=True)
class ExportResult:
    """An exported text and the questions left out of it (with the reason for each)."""

    text: str
    skipped: tuple[Issue, ...] = ()


def not_exported(question: Question, format_name: str, reason: str) -> Issue:
    """The issue recorded for a question a format cannot carry."""
    from question_bank.issues import issue

    return issue("export.unsupported", key=question.key, format=format_name, reason=reason)
