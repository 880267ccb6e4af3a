"""The native question format as plain data: one question <-> one mapping.

This is the format of ``question_bank/banks/*.yaml`` (documented in README.md) without the
YAML: ``formats/yaml_native.py`` adds files and line numbers, and the web layer may store
``question_to_data(question)`` as the JSON snapshot of one question version and rebuild it
with ``question_from_data``.

A bank mapping holds ``curriculum``, a default ``category`` and ``questions``; each question
may override ``category`` (and, for snapshots, ``curriculum``). Sub-questions of a case take
only ``key``, ``type``, ``points``, ``text``, ``general_feedback`` and their type's fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from question_bank.datafields import Reader, join, number_data, put, text_data
from question_bank.issues import BankError, issue
from question_bank.model import Curriculum, Difficulty, Question, QuestionType, TextFormat
from question_bank.qtypes import kind_of

COMMON_FIELDS = ("key", "type", "category", "curriculum", "difficulty", "tags", "points",
                 "text", "general_feedback", "format")
SUBQUESTION_FIELDS = ("key", "type", "points", "text", "general_feedback")
BANK_FIELDS = ("curriculum", "category", "questions")


def read_question(data: Any, reader: Reader, path: str = "", *, subquestion: bool = False,
                  defaults: Mapping[str, Any] | None = None) -> Question | None:
    """Read one question mapping at ``path``; problems go to ``reader.issues``.

    The question is returned even when some fields had problems (with defaults in their
    place) so that the type's own checks can run too; callers import nothing while
    ``reader.issues`` is not empty. None only when there is no mapping or no valid type.
    ``defaults`` supplies the bank-level ``curriculum`` and ``category``.
    """
    data = reader.mapping(data, path)
    if data is None:
        return None
    defaults = defaults or {}
    sub_reader = Reader(reader.lines, join(reader.prefix, path))
    key = sub_reader.string(data, "key", required=True) or ""
    kind_name = sub_reader.enum(data, "type", QuestionType, required=True)
    if kind_name is None:
        reader.issues += [item.located(key=key or None) for item in sub_reader.issues]
        return None
    kind = kind_of(kind_name)
    allowed = (SUBQUESTION_FIELDS if subquestion else COMMON_FIELDS) + kind.fields
    sub_reader.check_fields(data, allowed)
    values = _common_values(data, sub_reader, subquestion, defaults)
    values.update(kind.read_fields(data, sub_reader))
    if kind_name == QuestionType.CASE and "points" not in data:
        values["points"] = sum(sub.points for sub in values["subquestions"]) or 1.0
    reader.issues += [item.located(key=key or None) for item in sub_reader.issues]
    return _with_case_format(Question(key=key, type=kind_name, **values))


def _common_values(data: Mapping, reader: Reader, subquestion: bool,
                   defaults: Mapping[str, Any]) -> dict[str, Any]:
    values = {
        "text": reader.text(data, "text", required=True),
        "points": reader.number(data, "points", default=1.0),
        "general_feedback": reader.text(data, "general_feedback"),
        "text_format": defaults.get("text_format", TextFormat.MARKDOWN),
    }
    if subquestion:
        return values
    values.update(
        difficulty=reader.enum(data, "difficulty", Difficulty, required=True),
        category=reader.string(data, "category", default=defaults.get("category", "")),
        curriculum=reader.enum(data, "curriculum", Curriculum,
                               default=defaults.get("curriculum")),
        tags=reader.tags(data),
        text_format=reader.enum(data, "format", TextFormat, default=TextFormat.MARKDOWN),
    )
    return values


def question_to_data(question: Question, *, subquestion: bool = False,
                     bank_category: str | None = None,
                     bank_curriculum: Curriculum | None = None) -> dict[str, Any]:
    """``question`` as a native mapping; fields equal to the bank's or to defaults omitted."""
    data: dict[str, Any] = {"key": question.key, "type": question.type.value}
    if not subquestion:
        if question.category and question.category != bank_category:
            data["category"] = question.category
        if question.curriculum and question.curriculum != bank_curriculum:
            data["curriculum"] = question.curriculum.value
        data["difficulty"] = question.difficulty.value
        put(data, "tags", list(question.tags))
        if question.text_format != TextFormat.MARKDOWN:
            data["format"] = question.text_format.value
    if _points_written(question):
        data["points"] = number_data(question.points)
    data["text"] = text_data(question.text)
    put(data, "general_feedback", text_data(question.general_feedback))
    data.update(kind_of(question).write_fields(question))
    return data


def _points_written(question: Question) -> bool:
    if not kind_of(question).scored:
        return False
    if question.type == QuestionType.CASE:
        return question.points != (sum(sub.points for sub in question.subquestions) or 1.0)
    return question.points != 1.0


def question_from_data(data: Mapping[str, Any]) -> Question:
    """Rebuild a question from ``question_to_data`` output; raises BankError if invalid."""
    reader = Reader()
    question = read_question(data, reader)
    if reader.issues or question is None:
        raise BankError(reader.issues or [issue("field.missing", field="key")])
    return question


def read_bank_data(data: Any, reader: Reader, *,
                   curriculum_required: bool = True) -> list[Question]:
    """The questions of a bank mapping (curriculum, category, questions).

    A shipped bank names its curriculum; an upload may leave it empty (an export of
    imported questions that have none reads back as it was written)."""
    bank = reader.mapping(data, "")
    if bank is None:
        return []
    reader.check_fields(bank, BANK_FIELDS)
    defaults = {
        "curriculum": reader.enum(bank, "curriculum", Curriculum,
                                  required=curriculum_required),
        "category": reader.string(bank, "category", default=""),
    }
    entries = reader.sequence(bank, "questions", required=True)
    if not entries and "questions" in bank:
        reader.fail("list.too_few", "questions", minimum=1, count=0)
    questions = [read_question(entry, reader, path, defaults=defaults) for path, entry in entries]
    return [question for question in questions if question is not None]


def bank_to_data(questions: list[Question] | tuple[Question, ...],
                 curriculum: Curriculum | None = None, category: str | None = None
                 ) -> dict[str, Any]:
    """A bank mapping for ``questions`` (curriculum and category default to the first's)."""
    first = questions[0] if questions else None
    curriculum = curriculum or (first.curriculum if first else None)
    category = category if category is not None else (first.category if first else "")
    data: dict[str, Any] = {"curriculum": curriculum.value if curriculum else None}
    if category:
        data["category"] = category
    data["questions"] = [question_to_data(question, bank_category=category,
                                          bank_curriculum=curriculum)
                         for question in questions]
    return data


def _with_case_format(question: Question) -> Question:
    # Sub-questions are written without "format": they share their case's.
    if question.type != QuestionType.CASE:
        return question
    subs = tuple(replace(sub, text_format=question.text_format) for sub in question.subquestions)
    return replace(question, subquestions=subs)
