"""GIFT export: questions -> GIFT text that ``gift.read_gift`` reads back unchanged.

Each question is written as a ``// [id:key] [tag:...] [difficulty:...] [points:...]`` comment
(Moodle reads ``id`` and ``tag``; the rest is ours and harmless to Moodle), a ``::key::``
title, the text with its format marker, and the answer block with explicit weights.
Categories become ``$CATEGORY: $course$/top/<category>`` lines.

A description is written as its text without an answer block (as Moodle writes it).

GIFT cannot carry: case, cloze and calculated questions, essay rubric notes and response
templates, numerical units, a description's general feedback, a second language, and (as in
Moodle) a ``->`` inside a matching prompt or a short answer; questions that need them are
left out and listed in ``ExportResult.skipped``, except that rubric notes, templates, units
and the other language are simply not written.
"""

from __future__ import annotations

from collections.abc import Iterable

from question_bank.datafields import number_data
from question_bank.formats.common import ExportResult, not_exported
from question_bank.formats.gift_syntax import escape, percent
from question_bank.grading import FRACTION_EPSILON
from question_bank.model import LocalText, NumericAnswer, Question, QuestionType, TextFormat


def export_gift(questions: Iterable[Question], language: str) -> ExportResult:
    """GIFT text for ``questions`` in ``language`` (the other language where one is missing)."""
    blocks, skipped, category = [], [], None
    for question in questions:
        reason = _unsupported(question)
        if reason:
            skipped.append(not_exported(question, "GIFT", reason))
            continue
        if question.category != category:
            blocks.append(f"$CATEGORY: $course$/top/{question.category}\n")
            category = question.category
        blocks.append(_Writer(question, language).block())
    return ExportResult("\n".join(blocks), tuple(skipped))


def _unsupported(question: Question) -> str | None:
    if question.type == QuestionType.CASE:
        return "case questions"
    if question.type == QuestionType.CLOZE:
        return "cloze questions (export Moodle XML)"
    if question.type == QuestionType.CALCULATED:
        return "calculated questions (export Moodle XML)"
    if question.type == QuestionType.MATCHING and any(
            "->" in pair.prompt.get("zh") + pair.prompt.get("en") for pair in question.pairs):
        return "'->' inside a matching prompt"
    if question.type == QuestionType.SHORT_ANSWER and any(
            "->" in term for answer in question.answers for term in answer.accept.all_terms()):
        return "'->' inside a short answer"
    if question.type == QuestionType.NUMERICAL and any(
            answer.any_other and answer.fraction for answer in question.answers):
        return "credit for 'any other answer'"
    return None


class _Writer:
    """Writes one question."""

    def __init__(self, question: Question, language: str):
        self.question, self.language = question, language
        self.marker = f"[{question.text_format.value}]"

    def text(self, text: LocalText | None) -> str:
        """An escaped text; a marker first if the text itself starts like one."""
        return self.raw(text.get(self.language) if text else "")

    def raw(self, raw: str) -> str:
        """``raw`` escaped; a marker first if it starts like a marker or a comment."""
        written = escape(raw)
        return self.marker + written if raw.startswith(("[", "//")) else written

    def feedback(self, text: LocalText | None) -> str:
        """``#feedback`` or nothing."""
        return f"#{self.text(text)}" if text and text.get(self.language) else ""

    def block(self) -> str:
        """Comment, title, text and answers."""
        question = self.question
        meta = [f"[id:{question.key}]"] + [
            "[tag:" + tag.replace("\n", " ").replace("]", "\\]") + "]" for tag in question.tags]
        meta.append(f"[difficulty:{question.difficulty.value}]")
        if question.points != 1.0 and question.type != QuestionType.DESCRIPTION:
            meta.append(f"[points:{number_data(question.points)}]")
        stem = escape(question.text.get(self.language))
        if question.text_format != TextFormat.MOODLE or stem.startswith("["):
            stem = self.marker + stem
        if question.type == QuestionType.DESCRIPTION:
            return f"// {' '.join(meta)}\n::{question.key}::{stem}\n"
        inner = getattr(self, f"answers_{question.type.value}")() + self.general()
        if "\n" in inner:
            inner += "\n"  # the closing brace on a line of its own
        return f"// {' '.join(meta)}\n::{question.key}::{stem}{{{inner}}}\n"

    def general(self) -> str:
        """``####general feedback`` or nothing."""
        feedback = self.question.general_feedback
        return f"\n\t####{self.text(feedback)}" if feedback and feedback.get(
            self.language) else ""

    def answers_single_choice(self) -> str:
        """``=right`` and ``~wrong`` / ``~%-50%penalty`` lines."""
        lines = []
        for option in self.question.options:
            text = self.text(option.text)
            full = abs(option.fraction - 1.0) <= FRACTION_EPSILON
            if self.question.type == QuestionType.SINGLE_CHOICE and full:
                mark = "=%100%" if text.startswith("%") else "="
            elif option.fraction == 0:
                mark = "~%0%" if text.startswith("%") else "~"
            else:
                mark = f"~%{percent(option.fraction)}%"
            lines.append(f"\n\t{mark}{text}{self.feedback(option.feedback)}")
        return "".join(lines)

    answers_multiple_choice = answers_single_choice

    def answers_true_false(self) -> str:
        """``TRUE#feedback if wrong#feedback if right``."""
        question = self.question
        right = question.feedback_true if question.answer else question.feedback_false
        wrong = question.feedback_false if question.answer else question.feedback_true
        written = "TRUE" if question.answer else "FALSE"
        right_text, wrong_text = self.feedback(right), self.feedback(wrong)
        if right_text:
            return f"{written}{wrong_text or '#'}{right_text}"
        return f"{written}{wrong_text}"

    def answers_short_answer(self) -> str:
        """``=%100%answer#feedback`` per accepted answer."""
        lines = [f"\n\t=%{percent(answer.fraction)}%{self.raw(term)}"
                 f"{self.feedback(answer.feedback)}"
                 for answer in self.question.answers for term in answer.accept.get(self.language)]
        return "".join(lines)

    def answers_numerical(self) -> str:
        """``#`` then ``=%100%value:tolerance`` / ``=%50%min..max`` and ``~#feedback``."""
        lines, other = [], ""
        for answer in self.question.answers:
            if answer.any_other:
                other = f"\n\t~{self.feedback(answer.feedback)}"
                continue
            lines.append(f"\n\t=%{percent(answer.fraction)}%{_number_text(answer)}"
                         f"{self.feedback(answer.feedback)}")
        return "#" + "".join(lines) + other

    def answers_matching(self) -> str:
        """``=prompt -> answer``; distractors as ``= -> distractor``."""
        lines = [f"\n\t={self.text(pair.prompt)} -> {escape(pair.answer.get(self.language))}"
                 for pair in self.question.pairs]
        lines += [f"\n\t= -> {escape(text.get(self.language))}"
                  for text in self.question.distractors]
        return "".join(lines)

    def answers_ordering(self) -> str:
        """qtype_ordering's header line, then one item a line."""
        count = len(self.question.items)
        lines = [f"\n{self.text(item)}" for item in self.question.items]
        return f">{count} ALL VERTICAL ABSOLUTE_POSITION SHOW" + "".join(lines)

    def answers_essay(self) -> str:
        """Nothing: an empty block is an essay."""
        return ""


def _number_text(answer: NumericAnswer) -> str:
    if answer.is_range:
        return f"{number_data(answer.minimum)}..{number_data(answer.maximum)}"
    if answer.tolerance:
        return f"{number_data(answer.value)}:{number_data(answer.tolerance)}"
    return f"{number_data(answer.value)}"
