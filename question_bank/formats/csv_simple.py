"""Simple CSV for single- and multiple-choice questions (a spreadsheet a trainer can fill).

One row per question; the first row names the columns (any order, names as below):

=================  ========  ================================================================
column             required  meaning
=================  ========  ================================================================
text               yes       question text
option_a..option_h yes (a,b) option texts; leave later ones empty
correct            yes*      right option letters: ``A`` or ``A,C`` (also ``AC``, ``A；C``,
                             full-width letters)
weight_a..weight_h no        exact credit in percent (``50``, ``-25``); when given they decide
                             and ``correct`` (if filled) must name the options with credit > 0
type               no        ``single_choice``/``multiple_choice`` (``单选``/``多选``); empty:
                             single when one letter is correct
key                no        our key; else made from the text
category           no        ``a/b`` path; else the import's category
difficulty         no        ``easy``/``medium``/``hard`` (``简单``/``中等``/``困难``)
tags               no        separated by ``;`` ``,`` or ``、``
points             no        default 1
general_feedback   no        explanation shown after the answer
feedback_a..h      no        feedback for each option
=================  ========  ================================================================

(*) ``correct`` or the weights. Without weights a multiple-choice question splits 100 % among
the right options and -100 % among the wrong ones, so ticking everything earns nothing.
Files saved by Excel as UTF-8 (with or without BOM) read as is; a file that is not UTF-8 is read
as GB18030 (Chinese Excel's default) with a warning, and bytes that are neither are refused.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from question_bank.datafields import number_data
from question_bank.formats.common import (
    DEFAULT_CATEGORY,
    Draft,
    ExportResult,
    ImportOptions,
    finish_import,
    not_exported,
)
from question_bank.formats.gift_syntax import percent, weight
from question_bank.issues import ImportResult, Issue, issue, result_from
from question_bank.model import ChoiceOption, Difficulty, LocalText, Question, QuestionType

LETTERS = "abcdefgh"
OPTION_COLUMNS = tuple(f"{kind}_{letter}" for kind in ("option", "feedback", "weight")
                       for letter in LETTERS)
COLUMNS = ("key", "type", "category", "difficulty", "tags", "points", "text",
           "general_feedback", "correct") + OPTION_COLUMNS
REQUIRED = ("text", "option_a", "option_b")
TYPE_NAMES = {"single_choice": QuestionType.SINGLE_CHOICE, "单选": QuestionType.SINGLE_CHOICE,
              "multiple_choice": QuestionType.MULTIPLE_CHOICE,
              "多选": QuestionType.MULTIPLE_CHOICE}
DIFFICULTY_NAMES = {"简单": Difficulty.EASY, "中等": Difficulty.MEDIUM, "困难": Difficulty.HARD,
                    **{item.value: item for item in Difficulty}}
_SEPARATORS = re.compile(r"[\s,;、，；/]+")


class _RowError(Exception):
    """A problem already recorded for this row."""


class CsvReader:
    """Reads the rows of one CSV text."""

    def __init__(self, options: ImportOptions):
        self.options = options
        self.errors: list[Issue] = []
        self.drafts: list[Draft] = []

    def fail(self, code: str, line: int, **params) -> None:
        """Record an error and stop this row."""
        self.errors.append(issue(code, line=line, **params))
        raise _RowError

    def read(self, text: str) -> None:
        """Header, then every non-empty row."""
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            self.read_rows(rows)
        except csv.Error as error:
            self.errors.append(issue("csv.syntax", line=rows.line_num, problem=str(error)))

    def read_rows(self, rows) -> None:
        """The header row, then each question row."""
        header = [name.strip().lower() for name in next(rows, [])]
        if not any(header):
            self.errors.append(issue("file.empty"))
            return
        if not self.check_header(header):
            return
        start = rows.line_num + 1
        for row in rows:
            if any(cell.strip() for cell in row):
                try:
                    self.read_row(dict(zip(header, (c.strip() for c in row), strict=False)),
                                  start)
                except _RowError:
                    pass
            start = rows.line_num + 1

    def check_header(self, header: list[str]) -> bool:
        """Known, unrepeated column names including the required ones."""
        before = len(self.errors)
        for name in header:
            if name not in COLUMNS:
                self.errors.append(issue("csv.unknown_column", line=1, value=name,
                                         allowed="key, type, category, difficulty, tags, "
                                         "points, text, general_feedback, correct, "
                                         "option_a..h, feedback_a..h, weight_a..h"))
            elif header.count(name) > 1:
                self.errors.append(issue("csv.repeated_column", line=1, value=name))
        missing = [name for name in REQUIRED if name not in header]
        if missing or ("correct" not in header and "weight_a" not in header):
            self.errors.append(issue("csv.missing_columns", line=1,
                                     value=missing or ["correct (or weight_a..)"]))
        return len(self.errors) == before

    def read_row(self, row: dict[str, str], line: int) -> None:
        """One question."""
        letters = [letter for letter in LETTERS if row.get(f"option_{letter}")]
        if len(letters) < 2:
            self.fail("csv.too_few_options", line)
        fractions = self.fractions(row, letters, line)
        kind = self.kind(row, fractions, line)
        if "weight_a" not in row or not any(row.get(f"weight_{x}") for x in letters):
            fractions = _default_fractions(kind, fractions)
        options = tuple(ChoiceOption(self.local(row[f"option_{letter}"]) or LocalText(),
                                     fractions[letter],
                                     self.local(row.get(f"feedback_{letter}", "")))
                        for letter in letters)
        question = Question(
            key="draft", type=kind, text=self.local(row["text"]) or LocalText(),
            difficulty=self.difficulty(row, line), category=row.get("category") or
            self.options.category, curriculum=self.options.curriculum, tags=_tags(row),
            points=self.number(row.get("points") or "1", line, "points"),
            general_feedback=self.local(row.get("general_feedback", "")), options=options)
        self.drafts.append(Draft(question, line, {}, (row.get("key"),)))

    def weight(self, text: str, line: int, field: str) -> float:
        """A percent as a fraction, in decimal so that 33.33333 reads back as 0.3333333."""
        value = self.number(text, line, field)
        try:
            return weight(text)
        except (InvalidOperation, ValueError):
            return value / 100

    def fractions(self, row: dict[str, str], letters: list[str], line: int) -> dict[str, float]:
        """Credit per option letter: from the weights, else 1/0 from ``correct``."""
        correct = self.correct(row, letters, line)
        weights = {x: row.get(f"weight_{x}", "") for x in letters}
        if not any(weights.values()):
            return {x: 1.0 if x in correct else 0.0 for x in letters}
        fractions = {x: self.weight(weights[x].rstrip("%").strip() or "0", line, f"weight_{x}")
                     for x in letters}
        if row.get("correct") and correct != {x for x in letters if fractions[x] > 0}:
            self.fail("csv.correct_mismatch", line, value=row["correct"])
        return fractions

    def correct(self, row: dict[str, str], letters: list[str], line: int) -> set[str]:
        """The letters named in ``correct``."""
        raw = unicodedata.normalize("NFKC", row.get("correct", "")).lower()
        named = set("".join(_SEPARATORS.split(raw)))
        unknown = sorted(named - set(letters))
        if unknown:
            self.fail("csv.correct_unknown", line, value=",".join(unknown).upper(),
                      allowed=",".join(letters).upper())
        if not named and not any(row.get(f"weight_{x}") for x in letters):
            self.fail("csv.correct_missing", line)
        return named

    def kind(self, row: dict[str, str], fractions: dict[str, float], line: int
             ) -> QuestionType:
        """The ``type`` column, or single when exactly one option is right."""
        name = row.get("type", "").strip().lower()
        if name:
            if name not in TYPE_NAMES:
                self.fail("csv.value", line, name="type", value=name, allowed=list(TYPE_NAMES))
            return TYPE_NAMES[name]
        positive = [value for value in fractions.values() if value > 0]
        return QuestionType.SINGLE_CHOICE if len(positive) == 1 else \
            QuestionType.MULTIPLE_CHOICE

    def difficulty(self, row: dict[str, str], line: int) -> Difficulty:
        """The ``difficulty`` column, else the import default."""
        name = row.get("difficulty", "").strip().lower()
        if not name:
            return self.options.difficulty
        if name not in DIFFICULTY_NAMES:
            self.fail("csv.value", line, name="difficulty", value=name,
                      allowed=list(DIFFICULTY_NAMES))
        return DIFFICULTY_NAMES[name]

    def number(self, raw: str, line: int, column: str) -> float:
        """A decimal number from a cell."""
        try:
            return float(Decimal(unicodedata.normalize("NFKC", raw).strip()))
        except InvalidOperation:
            self.fail("csv.value", line, name=column, value=raw, allowed="a number")
            return 0.0  # not reached: fail() stops the row

    def local(self, text: str) -> LocalText | None:
        """A cell's text in the import language, or None when empty."""
        return LocalText.single(self.options.language, text) if text else None


def _default_fractions(kind: QuestionType, marks: dict[str, float]) -> dict[str, float]:
    right = [x for x, value in marks.items() if value > 0]
    wrong = [x for x in marks if x not in right]
    if kind == QuestionType.SINGLE_CHOICE or not right:
        return marks
    return {x: (1 / len(right) if x in right else -1 / len(wrong)) for x in marks}


def _tags(row: dict[str, str]) -> tuple[str, ...]:
    found: list[str] = []
    for tag in re.split(r"[;,、，；]", row.get("tags", "")):
        if tag.strip() and tag.strip() not in found:
            found.append(tag.strip())
    return tuple(found)


def read_csv(text: str, file: str | None = None, *, language: str,
             category: str = DEFAULT_CATEGORY, curriculum=None,
             difficulty: Difficulty = Difficulty.MEDIUM) -> ImportResult:
    """All questions of a CSV text, or every error (file, line, problem) and none."""
    reader = CsvReader(ImportOptions(language, category, curriculum, difficulty))
    reader.read(text.lstrip("\ufeff"))
    if reader.errors:
        return result_from([], reader.errors, file=file)
    return finish_import(reader.drafts, [], file, "csv")


def read_csv_bytes(data: bytes, file: str | None = None, **options) -> ImportResult:
    """``read_csv`` of raw bytes: UTF-8 (BOM or not), else strict GB18030 with a warning.

    Bytes that are neither are refused (``file.encoding``), never decoded with replacement
    characters. (The web import decodes with ``lms.tabular.decode_upload`` before this.)
    """
    try:
        return read_csv(data.decode("utf-8-sig"), file, **options)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return result_from([], [issue("file.encoding")], file=file)
    result = read_csv(text, file, **options)
    warning = issue("csv.gb18030").located(file=file)
    return ImportResult(result.questions, result.errors, result.warnings + (warning,))


def load_csv(path: str | Path, **options) -> ImportResult:
    """``read_csv_bytes`` of a file."""
    path = Path(path)
    return read_csv_bytes(path.read_bytes(), path.name, **options)


def export_csv(questions: Iterable[Question], language: str) -> ExportResult:
    """CSV text for the choice questions among ``questions`` (others listed as skipped)."""
    chosen, skipped = [], []
    for question in questions:
        if question.type not in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            skipped.append(not_exported(question, "CSV", "this question type"))
        elif len(question.options) > len(LETTERS):
            skipped.append(not_exported(question, "CSV", "more than 8 options"))
        else:
            chosen.append(question)
    width = max((len(question.options) for question in chosen), default=2)
    header = list(COLUMNS[:9]) + [f"{kind}_{letter}" for kind in ("option", "feedback", "weight")
                                  for letter in LETTERS[:width]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for question in chosen:
        writer.writerow(_row(question, language))
    return ExportResult(buffer.getvalue(), tuple(skipped))


def _row(question: Question, language: str) -> dict[str, str]:
    row = {"key": question.key, "type": question.type.value, "category": question.category,
           "difficulty": question.difficulty.value, "tags": "; ".join(question.tags),
           "points": str(number_data(question.points)), "text": question.text.get(language),
           "general_feedback": question.general_feedback.get(language)
           if question.general_feedback else "",
           "correct": ",".join(letter.upper() for letter, option
                               in zip(LETTERS, question.options, strict=False)
                               if option.fraction > 0)}
    for letter, option in zip(LETTERS, question.options, strict=False):
        row[f"option_{letter}"] = option.text.get(language)
        row[f"feedback_{letter}"] = option.feedback.get(language) if option.feedback else ""
        row[f"weight_{letter}"] = percent(option.fraction)
    return row
