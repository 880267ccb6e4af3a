"""GIFT import (Moodle's plain-text question format); export is in ``gift_export.py``.

Supported, as Moodle's ``qformat_gift`` reads them: questions separated by blank lines;
``//`` comment lines (with Moodle's ``[id:...]`` and ``[tag:...]`` plus our ``[difficulty:...]``
and ``[points:...]``); ``$CATEGORY:`` lines; ``::title::``; ``[html]``, ``[markdown]``,
``[plain]``, ``[moodle]`` format markers; escapes ``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``; single
choice ``{=right ~wrong}`` and multiple choice ``{~%50%a ~%50%b ~%-100%c}``; true/false
``{T}``/``{TRUE}``/``{F}``/``{FALSE}`` with ``#wrong-answer feedback#right-answer feedback``;
short answer ``{=a =%50%b}``; matching ``{=a -> 1 =b -> 2 = -> distractor}``; numerical
``{#3:0.5}``, ``{#1..5}``, ``{#=%100%3:0 =%50%3:1 ~#feedback}``; essay ``{}``; per-answer
feedback ``#...``; general feedback ``####...``; missing-word questions (text after the
braces: the gap becomes ``_____``); qtype_ordering's ``{>N ALL VERTICAL ABSOLUTE_POSITION ...}``
extension with one item per line.

A question without an answer block (``::title:: text``) is a description, as Moodle reads it.

Stricter than Moodle, on purpose: text before the first answer marker, a brace inside the
answer block and a second answer block (cloze: use Moodle XML) are errors, each with its
line, and nothing of the file is imported.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from question_bank.formats import gift_answers as answers
from question_bank.formats.common import (
    DEFAULT_CATEGORY,
    Draft,
    ImportOptions,
    category_from_path,
    finish_import,
)
from question_bank.formats.gift_syntax import RESERVED, escape_placeholders, restore, split_format
from question_bank.issues import ImportResult, Issue, issue, result_from
from question_bank.model import Difficulty, LocalText, Question, QuestionType, TextFormat

_META = re.compile(r"\[(id|tag|difficulty|points):((?:\\\]|[^\]])*)\]")


@dataclass
class Chunk:
    """One blank-line-separated block: its text (escapes replaced) and line numbers."""

    text: str
    starts: list[int]  # offset where each line begins in ``text``
    numbers: list[int]  # the file line number of each of those lines
    comments: list[tuple[int, str]] = field(default_factory=list)

    def line_at(self, offset: int) -> int:
        """The file line number of ``offset`` in ``text``."""
        return self.numbers[max(0, bisect.bisect_right(self.starts, offset) - 1)]


def chunks(text: str) -> list[tuple[list[tuple[int, str]], list[tuple[int, str]]]]:
    """``(comment lines, other lines)`` per block, each line with its number."""
    blocks, current = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            current.append((number, line))
            continue
        if current:
            blocks.append(current)
        current = []
    if current:
        blocks.append(current)
    return [([entry for entry in block if entry[1].strip().startswith("//")],
             [entry for entry in block if not entry[1].strip().startswith("//")])
            for block in blocks]


class GiftReader:
    """Reads a whole GIFT text, collecting every problem with its line."""

    def __init__(self, options: ImportOptions):
        self.options = options
        self.category = options.category
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.drafts: list[Draft] = []

    def read(self, text: str) -> None:
        """Parse every block of ``text``."""
        for number, line in enumerate(text.split("\n"), start=1):
            if RESERVED.search(line):
                self.errors.append(issue("gift.reserved_char", line=number))
        if self.errors:
            return
        for comments, body in chunks(text):
            if body and body[0][1].strip().startswith("$CATEGORY:"):
                self.category = self.parse_category(body[0][1].strip()[len("$CATEGORY:"):])
                body = body[1:]
            if body:
                self.read_block(comments, body)

    def parse_category(self, path: str) -> str:
        """A Moodle category path as a bank category."""
        return category_from_path(path, self.options.category)

    def read_block(self, comments: list[tuple[int, str]], body: list[tuple[int, str]]) -> None:
        """One question block."""
        lines = [escape_placeholders(line) for _, line in body]
        starts, offset = [], 0
        for line in lines:
            starts.append(offset)
            offset += len(line) + 1
        chunk = Chunk("\n".join(lines), starts, [number for number, _ in body], comments)
        before = len(self.errors)
        draft = self.read_question(chunk)
        if draft is not None and len(self.errors) == before:
            self.drafts.append(draft)

    def fail(self, code: str, line: int, **params) -> None:
        """Record an error at ``line``."""
        self.errors.append(issue(code, line=line, **params))

    def read_question(self, chunk: Chunk) -> Draft | None:
        """Title, text, answer block; then the answers by type."""
        text = chunk.text
        position = len(text) - len(text.lstrip())
        title = None
        if text.startswith("::", position):
            end = text.find("::", position + 2)
            if end < 0:
                return self.fail("gift.title_unclosed", chunk.line_at(position))
            title = restore(text[position + 2:end]).strip()
            position = end + 2
        if "{" not in text[position:] and "}" not in text[position:]:
            return self.description(chunk, text[position:], title)
        block = self.find_block(chunk, position)
        if block is None:
            return None
        opening, closing = block
        after = text[closing + 1:]
        stem = text[position:opening] + ("_____" + after if after.strip() else "")
        text_format, stem = split_format(stem, TextFormat.MOODLE)
        body = text[opening + 1:closing]
        meta = self.metadata(chunk)
        base = {"key": "draft", "text": self.local(restore(stem)),
                "difficulty": meta.get("difficulty", self.options.difficulty),
                "category": self.category, "curriculum": self.options.curriculum,
                "tags": meta.get("tags", ()), "points": meta.get("points", 1.0),
                "text_format": text_format}
        parsed = answers.parse_block(self, chunk, body, opening + 1, base)
        if parsed is None:
            return None
        question, lines = parsed
        lines.setdefault("", chunk.numbers[0])
        return Draft(question, chunk.numbers[0], lines, (meta.get("id"), title))

    def description(self, chunk: Chunk, stem: str, title: str | None) -> Draft | None:
        """A question without an answer block is a description, as Moodle reads it."""
        text_format, stem = split_format(stem, TextFormat.MOODLE)
        if not restore(stem).strip():
            return self.fail("gift.no_answer_block", chunk.numbers[0])
        meta = self.metadata(chunk)
        question = Question(key="draft", type=QuestionType.DESCRIPTION,
                            text=self.local(restore(stem)), points=0.0,
                            difficulty=meta.get("difficulty", self.options.difficulty),
                            category=self.category, curriculum=self.options.curriculum,
                            tags=meta.get("tags", ()), text_format=text_format)
        return Draft(question, chunk.numbers[0], {"": chunk.numbers[0]}, (meta.get("id"), title))

    def find_block(self, chunk: Chunk, position: int) -> tuple[int, int] | None:
        """Offsets of the one ``{`` ... ``}`` answer block, or None after an error."""
        text = chunk.text
        opening, closing = text.find("{", position), text.find("}", position)
        if opening < 0 and closing < 0:
            return self.fail("gift.no_answer_block", chunk.numbers[0])
        if opening < 0 or 0 <= closing < opening:
            return self.fail("gift.brace_unopened", chunk.line_at(closing))
        if closing < 0:
            return self.fail("gift.brace_unclosed", chunk.line_at(opening))
        nested = text.find("{", opening + 1, closing)
        if nested >= 0:
            return self.fail("gift.brace_nested", chunk.line_at(nested))
        extra = min((i for i in (text.find("{", closing), text.find("}", closing + 1)) if i >= 0),
                    default=-1)
        if extra >= 0:
            return self.fail("gift.two_blocks", chunk.line_at(extra))
        return opening, closing

    def metadata(self, chunk: Chunk) -> dict:
        """``[id:]``, ``[tag:]``, ``[difficulty:]`` and ``[points:]`` from the comments."""
        found: dict = {}
        tags: list[str] = []
        for number, comment in chunk.comments:
            for name, value in _META.findall(comment):
                value = value.replace("\\]", "]").strip()
                if name == "tag" and value and value not in tags:
                    tags.append(value)
                elif name == "id":
                    found.setdefault("id", value)
                elif name == "difficulty":
                    self.meta_difficulty(found, value, number)
                elif name == "points":
                    self.meta_points(found, value, number)
        found["tags"] = tuple(tags)
        return found

    def meta_difficulty(self, found: dict, value: str, line: int) -> None:
        """``[difficulty:easy|medium|hard]``."""
        try:
            found["difficulty"] = Difficulty(value)
        except ValueError:
            self.fail("gift.meta_value", line, name="difficulty", value=value,
                      allowed=[item.value for item in Difficulty])

    def meta_points(self, found: dict, value: str, line: int) -> None:
        """``[points:2]``."""
        try:
            points = float(Decimal(value))
        except InvalidOperation:
            points = -1.0
        if 0 < points < math.inf:
            found["points"] = points
        else:
            self.fail("gift.meta_value", line, name="points", value=value, allowed="> 0")

    def local(self, text: str) -> LocalText:
        """``text`` in the import language."""
        return LocalText.single(self.options.language, text) if text else LocalText()


def read_gift(text: str, file: str | None = None, *, language: str,
              category: str = DEFAULT_CATEGORY, curriculum=None,
              difficulty: Difficulty = Difficulty.MEDIUM) -> ImportResult:
    """All questions of a GIFT text, or every error (file, line, problem) and none."""
    reader = GiftReader(ImportOptions(language, category, curriculum, difficulty))
    # Lines end at "\n" only (as in Moodle): other Unicode line separators are text.
    reader.read(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    if reader.errors:
        return result_from([], reader.errors, reader.warnings, file=file)
    return finish_import(reader.drafts, [], file, "gift", reader.warnings)


def load_gift(path: str | Path, **options) -> ImportResult:
    """``read_gift`` of a UTF-8 file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return result_from([], [issue("file.encoding")], file=path.name)
    return read_gift(text, path.name, **options)


def export_gift(questions, language: str):
    """GIFT text for ``questions`` (see ``gift_export.export_gift``)."""
    from question_bank.formats.gift_export import export_gift as export

    return export(questions, language)

