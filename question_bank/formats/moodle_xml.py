"""Moodle XML import; export is in ``moodle_xml_export.py``.

Read: category pseudo-questions (``$course$/top/...`` paths), ``multichoice`` (single and
multiple), ``truefalse``, ``shortanswer``, ``numerical`` (value and tolerance, ``*`` for any
other answer, one unit with multiplier 1), ``matching`` (a sub-question without text is a
distractor), ``essay`` (grader information, response template), qtype_ordering's
``ordering``, ``cloze`` (also ``multianswer``: gaps in Moodle's embedded-answer syntax, see
``cloze_syntax.py``), ``calculated``/``calculatedsimple`` (one answer formula, tolerance,
answer format, a dataset per wildcard) and ``description``; per question: name, idnumber
(our key), question text and its format (``html``, ``moodle_auto_format``, ``plain_text``,
``markdown``; CDATA or escaped), general feedback, per-answer feedback, default grade (our
points), tags. Two extensions of ours that Moodle ignores make the round trip exact:
``<difficulty>`` on a question and ``<range min=".." max=".."/>`` on a numerical answer.

A multiple-response question whose right options add up to more than 100 % is scaled to
100 % with a warning (Moodle keeps it and shows a notice).

Refused with the element's line, importing nothing: any other question type (drag-and-drop,
calculated multichoice ...), embedded files (``<file>``), a DTD, malformed XML.
Moodle settings this bank does not model (case-sensitive short answers, unit conversions,
ordering subsets or other ordering grading) import with a warning.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from question_bank.formats import moodle_xml_types as types
from question_bank.formats.common import (
    DEFAULT_CATEGORY,
    Draft,
    ImportOptions,
    category_from_path,
    finish_import,
)
from question_bank.formats.xmltree import Element, XmlError, parse_xml
from question_bank.issues import ImportResult, Issue, issue, result_from
from question_bank.model import Difficulty, LocalText, TextFormat

FORMATS = {"html": TextFormat.HTML, "moodle_auto_format": TextFormat.MOODLE,
           "plain_text": TextFormat.PLAIN, "markdown": TextFormat.MARKDOWN}
SUPPORTED = ("category", "multichoice", "truefalse", "shortanswer", "numerical", "matching",
             "essay", "ordering", "cloze", "multianswer", "calculated", "calculatedsimple",
             "description")


class Stop(Exception):
    """A problem already recorded; skip the rest of this question."""


class XmlReader:
    """Reads a Moodle XML tree, collecting every problem with its line."""

    def __init__(self, options: ImportOptions):
        self.options = options
        self.category = options.category
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.drafts: list[Draft] = []

    def fail(self, code: str, element: Element, **params) -> None:
        """Record an error at ``element``'s line and stop this question."""
        self.errors.append(issue(code, line=element.line, **params))
        raise Stop

    def warn(self, code: str, element: Element, **params) -> None:
        """Record a warning at ``element``'s line."""
        self.warnings.append(issue(code, line=element.line, **params))

    def read(self, root: Element) -> None:
        """Every ``<question>`` under ``<quiz>``."""
        if root.tag != "quiz":
            self.errors.append(issue("xml.root", line=root.line, value=root.tag))
            return
        for element in root.findall("question"):
            try:
                self.read_question(element)
            except Stop:
                continue

    def read_question(self, element: Element) -> None:
        """One question (or a category switch)."""
        qtype = element.attrs.get("type", "")
        if qtype not in SUPPORTED:
            self.fail("xml.unsupported_type", element, value=qtype, allowed=list(SUPPORTED))
        if qtype == "category":
            self.category = self.category_path(element.text_of("category") or "")
            return
        embedded = next((node for node in element.walk() if node.tag == "file"), None)
        if embedded is not None:
            self.fail("xml.files", embedded)
        base, candidates = self.common(element)
        question, lines = types.READERS[qtype](self, element, base)
        lines.setdefault("", element.line)
        self.drafts.append(Draft(question, element.line, lines, candidates))

    def category_path(self, path: str) -> str:
        """A Moodle category path as a bank category."""
        return category_from_path(path, self.options.category)

    def common(self, element: Element) -> tuple[dict, tuple[str | None, ...]]:
        """The fields every question has, and the candidates for its key."""
        text_node = element.find("questiontext")
        text_format = self.text_format(text_node) if text_node is not None else \
            TextFormat.MOODLE
        base = {
            "key": "draft", "text": self.local(element.text_of("questiontext")) or LocalText(),
            "general_feedback": self.local(element.text_of("generalfeedback")),
            "points": self.points(element), "difficulty": self.difficulty(element),
            "category": self.category, "curriculum": self.options.curriculum,
            "tags": self.tags(element), "text_format": text_format,
        }
        return base, (element.value("idnumber") or None, element.text_of("name"))

    def text_format(self, node: Element) -> TextFormat:
        """The ``format`` attribute as a TextFormat."""
        name = node.attrs.get("format", "moodle_auto_format")
        if name not in FORMATS:
            self.fail("xml.format", node, value=name, allowed=list(FORMATS))
        return FORMATS[name]

    def points(self, element: Element) -> float:
        """``<defaultgrade>``, 1 when absent."""
        node = element.find("defaultgrade")
        if node is None:
            return 1.0
        return self.number(node.text, node)

    def difficulty(self, element: Element) -> Difficulty:
        """Our ``<difficulty>`` extension, else the import default."""
        node = element.find("difficulty")
        if node is None:
            return self.options.difficulty
        try:
            return Difficulty(node.text.strip())
        except ValueError:
            self.fail("xml.value", node, name="difficulty", value=node.text.strip(),
                      allowed=[item.value for item in Difficulty])
            return self.options.difficulty  # not reached: fail() stops the question

    def tags(self, element: Element) -> tuple[str, ...]:
        """``<tags><tag><text>`` values, in order, without repeats."""
        found: list[str] = []
        holder = element.find("tags")
        for tag in holder.findall("tag") if holder is not None else []:
            value = (tag.text_of("text") if tag.find("text") is not None else tag.text).strip()
            if value and value not in found:
                found.append(value)
        return tuple(found)

    def number(self, raw: str, node: Element) -> float:
        """A decimal number written in the file."""
        try:
            return float(Decimal(raw.strip()))
        except InvalidOperation:
            self.fail("xml.not_number", node, value=raw.strip())
            return 0.0  # not reached: fail() stops the question

    def fraction(self, node: Element) -> float:
        """An answer's ``fraction`` attribute (a percentage) as 0..1."""
        raw = node.attrs.get("fraction", "0")
        try:
            return float(Decimal(raw.strip()) / 100)
        except InvalidOperation:
            self.fail("xml.not_number", node, value=raw)
            return 0.0  # not reached: fail() stops the question

    def local(self, text: str | None) -> LocalText | None:
        """``text`` in the import language, or None when empty."""
        return LocalText.single(self.options.language, text) if text else None


def read_moodle_xml(data: bytes | str, file: str | None = None, *, language: str,
                    category: str = DEFAULT_CATEGORY, curriculum=None,
                    difficulty: Difficulty = Difficulty.MEDIUM) -> ImportResult:
    """All questions of a Moodle XML document, or every error and none."""
    reader = XmlReader(ImportOptions(language, category, curriculum, difficulty))
    try:
        root = parse_xml(data)
    except XmlError as error:
        return result_from([], [issue("xml.syntax", line=error.line, problem=error.problem)],
                           file=file)
    reader.read(root)
    if reader.errors:
        return result_from([], reader.errors, reader.warnings, file=file)
    return finish_import(reader.drafts, [], file, "xml", reader.warnings)


def load_moodle_xml(path: str | Path, **options) -> ImportResult:
    """``read_moodle_xml`` of a file (its XML declaration decides the encoding)."""
    path = Path(path)
    return read_moodle_xml(path.read_bytes(), path.name, **options)
