"""Single choice, multiple choice and true/false.

Grading (as Moodle's multichoice and truefalse):
- single choice: the chosen option's fraction (exactly one option is worth 1.0; wrong ones 0
  or a negative penalty, which clamps to 0 for the question);
- multiple choice: the sum of the chosen options' fractions, clamped to 0..1. Right options
  share 1.0 between them; wrong ones are 0 or negative, which is what stops "tick everything"
  from earning full marks;
- true/false: 1.0 for the right answer; the feedback shown is the one for the answer chosen.

Responses: single choice ``"<option id>"``; multiple choice ``["<option id>", ...]``;
true/false ``true``/``false`` (``"true"``/``"false"`` from a form are accepted).
"""

from __future__ import annotations

import random
from typing import Any

from question_bank.datafields import Reader, number_data, put, text_data
from question_bank.editor import EditorField
from question_bank.grading import FRACTION_EPSILON, Grade, PartResult, graded, unanswered
from question_bank.issues import Issue, issue, message_text
from question_bank.model import ChoiceOption, LocalText, Question, QuestionType
from question_bank.qtypes.base import (
    QuestionKind,
    duplicate_texts,
    fraction_issues,
    required_text,
    shape_issue,
    shuffled,
    too_few,
    unknown_id_issue,
)

OPTION_FIELDS = (EditorField("text", "line", "option", required=True),
                 EditorField("fraction", "percent", "credit", default=0.0),
                 EditorField("feedback", "line", "option_feedback"))


class _Choice(QuestionKind):
    """What single and multiple choice share: options, shuffling, option review."""

    fields = ("shuffle_options", "options")
    reader = "one"

    def editor_fields(self) -> tuple[EditorField, ...]:
        """The shuffle switch and the option rows (text, credit, feedback)."""
        return (EditorField("shuffle_options", "boolean", "shuffle_options", default=True),
                EditorField("options", "rows", "options", fields=OPTION_FIELDS, min_rows=5,
                            max_rows=12, help="options_help"))

    def response_text(self, question: Question, response: Any, language: str) -> str:
        """The chosen options' texts, in the author's order."""
        chosen = self.chosen(response) if response is not None else set()
        return "; ".join(option.text.get(language) for index, option in
                         enumerate(question.options) if question.option_id(index) in chosen)

    def shuffle_view(self, view: dict, rng: random.Random, shuffle_options: bool) -> None:
        """Options in this trainee's order (unless shuffling is off)."""
        if shuffle_options:
            rng.shuffle(view["options"])

    def read_fields(self, data, reader: Reader) -> dict[str, Any]:
        """Options and the shuffle switch."""
        options = []
        for path, entry in reader.sequence(data, "options", required=True):
            entry = reader.mapping(entry, path)
            if entry is None:
                continue
            reader.check_fields(entry, ("text", "fraction", "feedback"), path)
            options.append(ChoiceOption(
                text=reader.text(entry, "text", f"{path}.text", required=True) or LocalText(),
                fraction=reader.number(entry, "fraction", f"{path}.fraction", required=True,
                                       default=0.0),
                feedback=reader.text(entry, "feedback", f"{path}.feedback"),
            ))
        return {"options": tuple(options),
                "shuffle_options": reader.boolean(data, "shuffle_options", default=True)}

    def write_fields(self, question: Question, writer=None) -> dict[str, Any]:
        """Options in the native format."""
        data: dict[str, Any] = {}
        if not question.shuffle_options:
            data["shuffle_options"] = False
        options = []
        for option in question.options:
            entry = {"text": text_data(option.text), "fraction": number_data(option.fraction)}
            put(entry, "feedback", text_data(option.feedback))
            options.append(entry)
        data["options"] = options
        return data

    def check(self, question: Question) -> list[Issue]:
        """At least two options, each with a text, fractions within -1..1, no twins."""
        found = too_few(len(question.options), 2, "options")
        for index, option in enumerate(question.options):
            found += required_text(option.text, f"options[{index}].text")
            found += fraction_issues(option.fraction, f"options[{index}].fraction", -1.0, 1.0)
        found += duplicate_texts((option.text for option in question.options), "options")
        return found

    def option_ids(self, question: Question) -> dict[str, int]:
        """Opaque option id -> index."""
        return {question.option_id(index): index for index in range(len(question.options))}

    def public_parts(self, question: Question, language: str, rng: random.Random) -> dict:
        """Options under opaque ids, shuffled unless the author said not to."""
        options = [{"id": question.option_id(index),
                    "text_html": self.render(question, option.text, language, inline=True)}
                   for index, option in enumerate(question.options)]
        return {"options": shuffled(options, rng, question.shuffle_options)}

    def chosen(self, response: Any) -> set[str]:
        """The option ids a response selects."""
        raise NotImplementedError

    def review_parts(self, view, question, response, grade, language, show) -> None:
        """Mark chosen options; add rightness and per-option feedback when allowed."""
        chosen = self.chosen(response) if response is not None else set()
        by_id = self.option_ids(question)
        for option_view in view["options"]:
            option = question.options[by_id[option_view["id"]]]
            option_view["selected"] = option_view["id"] in chosen
            if show.correctness:
                option_view["correct"] = option.fraction > FRACTION_EPSILON
            if show.feedback and option_view["selected"]:
                option_view["feedback_html"] = self.render(question, option.feedback, language)

    def right_answer_html(self, question: Question, language: str) -> str:
        """The right option(s), as a list."""
        right = [self.render(question, option.text, language, inline=True)
                 for option in question.options if option.fraction > FRACTION_EPSILON]
        return "<ul>" + "".join(f"<li>{text}</li>" for text in right) + "</ul>"

    def option_parts(self, question: Question, chosen: set[str]) -> tuple[PartResult, ...]:
        """One part per option: was it chosen, is it right, what it earned."""
        parts = []
        for index, option in enumerate(question.options):
            option_id = question.option_id(index)
            selected = option_id in chosen
            parts.append(PartResult(
                part=option_id, response=selected,
                correct=(option.fraction > FRACTION_EPSILON) == selected,
                fraction=option.fraction if selected else 0.0,
                feedback=option.feedback if selected else None))
        return tuple(parts)


class SingleChoice(_Choice):
    """One right option among several (radio buttons)."""

    type = QuestionType.SINGLE_CHOICE
    template_name = "exams/questions/single_choice.html"

    def check(self, question: Question) -> list[Issue]:
        """Exactly one option at 1.0."""
        found = super().check(question)
        full = [option for option in question.options
                if abs(option.fraction - 1.0) <= FRACTION_EPSILON]
        if len(full) != 1:
            found.append(issue("single.full_credit_count", field="options", count=len(full)))
        return found

    def strict_check(self, question: Question) -> list[Issue]:
        """Shipped banks: wrong options score 0 or a penalty, never partial credit
        (Moodle allows partial credit in single choice, so imports may keep it)."""
        found = []
        for index, option in enumerate(question.options):
            if FRACTION_EPSILON < option.fraction < 1.0 - FRACTION_EPSILON:
                found.append(issue("single.partial_credit", field=f"options[{index}].fraction",
                                   value=option.fraction))
        return found

    def chosen(self, response: Any) -> set[str]:
        """The one chosen option id."""
        return {response} if isinstance(response, str) else set()

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """One option id of this question, or nothing."""
        if self.is_blank(response):
            return []
        if not isinstance(response, str):
            return shape_issue("option id")
        return [] if response in self.option_ids(question) else unknown_id_issue(response)

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """The chosen option's fraction (a penalty clamps to 0)."""
        if self.is_blank(response):
            return unanswered(self.option_parts(question, set()))
        index = self.option_ids(question)[response]
        option = question.options[index]
        return graded(option.fraction, self.option_parts(question, {response}),
                      (option.feedback,))


class MultipleChoice(_Choice):
    """Several right options with partial credit and negative weights (checkboxes)."""

    type = QuestionType.MULTIPLE_CHOICE
    template_name = "exams/questions/multiple_choice.html"
    reader = "many"

    def response_from_form(self, question: Question, form: Any, name: str) -> Any:
        """Every ticked box."""
        return form.getlist(name) or None

    def check(self, question: Question) -> list[Issue]:
        """Positive fractions add up to 1.0 (± 0.001)."""
        found = super().check(question)
        total = sum(option.fraction for option in question.options if option.fraction > 0)
        if abs(total - 1.0) > 0.001:
            found.append(issue("multiple.positive_sum", field="options", total=round(total, 4)))
        return found

    def normalise_response(self, question: Question, raw: Any) -> Any:
        """A single id posted alone becomes a one-element list."""
        return [raw] if isinstance(raw, str) else raw

    def chosen(self, response: Any) -> set[str]:
        """The chosen option ids."""
        return set(response) if isinstance(response, list) else set()

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """A list of distinct option ids of this question."""
        if self.is_blank(response):
            return []
        if not isinstance(response, list) or not all(isinstance(v, str) for v in response):
            return shape_issue("list of option ids")
        if len(set(response)) != len(response):
            return shape_issue("list of distinct option ids")
        known = self.option_ids(question)
        return next((unknown_id_issue(value) for value in response if value not in known), [])

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """Sum of the chosen fractions, clamped to 0..1."""
        if self.is_blank(response):
            return unanswered(self.option_parts(question, set()))
        known = self.option_ids(question)
        chosen = [question.options[known[value]] for value in response]
        raw = sum(option.fraction for option in chosen)
        return graded(raw, self.option_parts(question, set(response)),
                      tuple(option.feedback for option in chosen))


class TrueFalse(QuestionKind):
    """A statement that is true or false."""

    type = QuestionType.TRUE_FALSE
    template_name = "exams/questions/true_false.html"
    fields = ("answer", "feedback_true", "feedback_false")
    reader = "one"

    def editor_fields(self) -> tuple[EditorField, ...]:
        """The right answer and the feedback for each choice."""
        return (EditorField("answer", "truth", "answer", required=True),
                EditorField("feedback_true", "text", "feedback_true"),
                EditorField("feedback_false", "text", "feedback_false"))

    def read_fields(self, data, reader: Reader) -> dict[str, Any]:
        """The right answer and the feedback for each choice."""
        return {"answer": reader.boolean(data, "answer", required=True),
                "feedback_true": reader.text(data, "feedback_true"),
                "feedback_false": reader.text(data, "feedback_false")}

    def write_fields(self, question: Question, writer=None) -> dict[str, Any]:
        """The right answer and feedback in the native format."""
        data: dict[str, Any] = {"answer": question.answer}
        put(data, "feedback_true", text_data(question.feedback_true))
        put(data, "feedback_false", text_data(question.feedback_false))
        return data

    def check(self, question: Question) -> list[Issue]:
        """The answer must be true or false."""
        if isinstance(question.answer, bool):
            return []
        return [issue("field.missing", field="answer")]

    def response_text(self, question: Question, response: Any, language: str) -> str:
        """'True' or 'False' in ``language``."""
        if response is None:
            return ""
        return message_text("label.true" if response else "label.false", language)

    def normalise_response(self, question: Question, raw: Any) -> Any:
        """Form values ``"true"``/``"false"`` become booleans."""
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
            return raw.strip().lower() == "true"
        return raw

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """True, false or nothing."""
        if response is None or isinstance(response, bool):
            return []
        return shape_issue("true / false")

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """1.0 for the right answer, with the feedback for the choice made."""
        if response is None:
            return unanswered()
        right = response == question.answer
        feedback = question.feedback_true if response else question.feedback_false
        part = PartResult(part="answer", response=response, correct=right,
                          fraction=1.0 if right else 0.0, feedback=feedback)
        return graded(1.0 if right else 0.0, (part,), (feedback,))

    def public_parts(self, question: Question, language: str, rng: random.Random) -> dict:
        """The two choices, always true first."""
        return {"choices": [{"id": "true", "label": message_text("label.true", language)},
                            {"id": "false", "label": message_text("label.false", language)}]}

    def review_parts(self, view, question, response, grade, language, show) -> None:
        """Mark the chosen answer and, when allowed, the right one."""
        for choice in view["choices"]:
            value = choice["id"] == "true"
            choice["selected"] = response is value
            if show.correctness:
                choice["correct"] = value == question.answer

    def right_answer_html(self, question: Question, language: str) -> str:
        """'True' or 'False' in ``language``."""
        return message_text("label.true" if question.answer else "label.false", language)
