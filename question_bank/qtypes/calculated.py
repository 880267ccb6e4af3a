"""Calculated questions (Moodle's "calculated simple"): a formula over wildcards.

The text shows wildcards as ``{a}``; ``formula`` (e.g. ``{a} * {b}``) is read by the safe
parser of ``qtypes/formula.py``, never by ``eval``. Each wildcard has a dataset: its
``values`` (one per item), or a range ``min``..``max`` with ``decimals`` from which the items
are made (item i of wildcard ``w`` of question ``k``: ``Random("k:w:i").uniform(min, max)``
rounded, so the same question always has the same items). With values, every wildcard holds
the same number of them (at most ``MAX_ITEMS``); with ranges only, ``dataset_size`` items are
made.

Each attempt draws one item with the attempt's seeded generator (the first number it takes
from it), so a trainee sees the same values on every page load, in the review too. The
response names the item it answers (an opaque id; a trainee sees only the one drawn), so the
grade never depends on the generator: the answer is right when it lies within the tolerance
of the formula's value for that item, relative (``|x - v| <= t * |v|``) or nominal
(``|x - v| <= t``). ``answer_format`` and ``decimals`` say how the right answer is shown.

Response: ``{"item": "<item id>", "answer": "typed number"}``.
"""

from __future__ import annotations

import random
import re
from html import escape
from typing import Any

from question_bank.datafields import Reader, number_data, put, text_data
from question_bank.editor import EditorField
from question_bank.grading import Grade, PartResult, graded, unanswered
from question_bank.issues import Issue, issue
from question_bank.model import (
    AnswerFormat,
    Question,
    QuestionType,
    ToleranceType,
    Wildcard,
    stable_id,
)
from question_bank.qtypes import formula as formulas
from question_bank.qtypes.base import QuestionKind, shape_issue, too_long_issue, unknown_id_issue
from question_bank.qtypes.text_answer import TYPED_LIMIT
from question_bank.text import parse_number, render_text

MAX_ITEMS = 100
MAX_DECIMALS = 10
_WILDCARD_IN_TEXT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,30})\}")


def shown_number(value: float) -> str:
    """A dataset value as the text shows it (``2`` not ``2.0``)."""
    return repr(number_data(value))


def formula_issue(error: formulas.FormulaError, field: str = "formula") -> Issue:
    """The issue of a formula the parser refused (the position is 1-based)."""
    return issue(error.code, field=field, position=error.position, value=error.value)


class Calculated(QuestionKind):
    """A number computed from a formula over the values of one dataset item."""

    type = QuestionType.CALCULATED
    template_name = "exams/questions/calculated.html"
    fields = ("formula", "wildcards", "dataset_size", "tolerance", "tolerance_type",
              "answer_format", "decimals", "unit")
    reader = "map"
    drawn = True

    def editor_fields(self) -> tuple[EditorField, ...]:
        """Formula, wildcards (values or a range), tolerance and how the answer is shown."""
        return (
            EditorField("formula", "string", "formula", required=True, help="formula_help"),
            EditorField("wildcards", "rows", "wildcards", min_rows=3, max_rows=10,
                        help="wildcards_help", fields=(
                            EditorField("name", "string", "wildcard_name"),
                            EditorField("values", "numbers", "wildcard_values"),
                            EditorField("min", "number", "minimum"),
                            EditorField("max", "number", "maximum"),
                            EditorField("decimals", "number", "wildcard_decimals"))),
            EditorField("dataset_size", "number", "dataset_size", default=10),
            EditorField("tolerance", "number", "calc_tolerance", default=0.01),
            EditorField("tolerance_type", "choice", "tolerance_type",
                        choices=tuple(t.value for t in ToleranceType),
                        default=ToleranceType.RELATIVE.value),
            EditorField("answer_format", "choice", "answer_format",
                        choices=tuple(f.value for f in AnswerFormat),
                        default=AnswerFormat.DECIMALS.value),
            EditorField("decimals", "number", "answer_decimals", default=2),
            EditorField("unit", "line", "unit"))

    # --- native format ----------------------------------------------------------------
    def read_fields(self, data, reader: Reader) -> dict[str, Any]:
        """Formula, wildcards and the grading settings."""
        wildcards = []
        for path, entry in reader.sequence(data, "wildcards", required=True):
            entry = reader.mapping(entry, path)
            if entry is None:
                continue
            reader.check_fields(entry, ("name", "values", "min", "max", "decimals"), path)
            values = []
            for value_path, value in reader.sequence(entry, "values", f"{path}.values"):
                number = reader.number({"v": value}, "v", value_path, required=True)
                if number is not None:
                    values.append(number)
            wildcards.append(Wildcard(
                name=reader.string(entry, "name", f"{path}.name", required=True) or "",
                values=tuple(values),
                minimum=reader.number(entry, "min", f"{path}.min"),
                maximum=reader.number(entry, "max", f"{path}.max"),
                decimals=self._whole(reader, entry, "decimals", f"{path}.decimals", 0)))
        formula = reader.string(data, "formula", required=True) or ""
        return {
            "formula": formula, "wildcards": tuple(wildcards),
            "dataset_size": self._whole(reader, data, "dataset_size", "dataset_size", 10),
            "tolerance": reader.number(data, "tolerance", default=0.01),
            "tolerance_type": reader.enum(data, "tolerance_type", ToleranceType,
                                          default=ToleranceType.RELATIVE),
            "answer_format": reader.enum(data, "answer_format", AnswerFormat,
                                         default=AnswerFormat.DECIMALS),
            "decimals": self._whole(reader, data, "decimals", "decimals", 2),
            "unit": reader.text(data, "unit"),
        }

    @staticmethod
    def _whole(reader: Reader, data, name: str, field: str, default: int) -> int:
        number = reader.number(data, name, field, default=float(default))
        if number is None or not float(number).is_integer():
            reader.fail("field.type", field, expected="whole number")
            return default
        return int(number)

    def write_fields(self, question: Question, writer=None) -> dict[str, Any]:
        """Formula, wildcards and settings in the native format (defaults left out)."""
        wildcards = []
        for wildcard in question.wildcards:
            entry: dict[str, Any] = {"name": wildcard.name}
            if wildcard.values:
                entry["values"] = [number_data(value) for value in wildcard.values]
            if wildcard.minimum is not None:
                entry["min"] = number_data(wildcard.minimum)
            if wildcard.maximum is not None:
                entry["max"] = number_data(wildcard.maximum)
            if wildcard.decimals:
                entry["decimals"] = wildcard.decimals
            wildcards.append(entry)
        data: dict[str, Any] = {"formula": question.formula, "wildcards": wildcards}
        if question.dataset_size != 10:
            data["dataset_size"] = question.dataset_size
        if question.tolerance != 0.01:
            data["tolerance"] = number_data(question.tolerance)
        if question.tolerance_type != ToleranceType.RELATIVE:
            data["tolerance_type"] = question.tolerance_type.value
        if question.answer_format != AnswerFormat.DECIMALS:
            data["answer_format"] = question.answer_format.value
        if question.decimals != 2:
            data["decimals"] = question.decimals
        put(data, "unit", text_data(question.unit))
        return data

    # --- the dataset --------------------------------------------------------------------
    def matches_view(self, response, view: dict) -> bool:
        """The answer names the item drawn for this attempt (not one seen elsewhere)."""
        if not isinstance(response, dict) or response.get("item") in (None, ""):
            return True
        return response["item"] == view.get("item")

    @staticmethod
    def item_count(question: Question) -> int:
        """How many dataset items the question has."""
        counts = [len(w.values) for w in question.wildcards if w.values]
        return max(counts) if counts else question.dataset_size

    @staticmethod
    def item_values(question: Question, index: int) -> dict[str, float]:
        """The wildcard values of item ``index`` (ranges made reproducibly from the key)."""
        values = {}
        for wildcard in question.wildcards:
            if wildcard.values:
                values[wildcard.name] = wildcard.values[index % len(wildcard.values)]
            else:
                low = wildcard.minimum if wildcard.minimum is not None else 0.0
                high = wildcard.maximum if wildcard.maximum is not None else low
                made = random.Random(f"{question.key}:{wildcard.name}:{index}").uniform(low,
                                                                                       high)
                values[wildcard.name] = round(made, wildcard.decimals)
        return values

    def item_id(self, question: Question, index: int) -> str:
        """The opaque id of item ``index`` (hashes the key and the values, not the answer)."""
        values = self.item_values(question, index)
        return stable_id("d", question.key, str(index),
                         *(f"{name}={shown_number(v)}" for name, v in sorted(values.items())))

    def item_ids(self, question: Question) -> dict[str, int]:
        """Item id -> index."""
        return {self.item_id(question, index): index
                for index in range(self.item_count(question))}

    def right_value(self, question: Question, index: int) -> float:
        """The formula's value for item ``index``."""
        return formulas.evaluate(formulas.parse(question.formula),
                                 self.item_values(question, index))

    # --- definition ---------------------------------------------------------------------
    def check(self, question: Question) -> list[Issue]:
        """A formula the parser reads, each of its wildcards defined once with values or a
        range, datasets of one size, and a finite value for every item."""
        found: list[Issue] = []
        try:
            tree = formulas.parse(question.formula)
        except formulas.FormulaError as error:
            return [formula_issue(error)] + self._wildcard_issues(question, set())
        used = formulas.wildcards(tree)
        found += self._wildcard_issues(question, used)
        if question.tolerance < 0:
            found.append(issue("numerical.tolerance", field="tolerance",
                               value=question.tolerance))
        if not 0 <= question.decimals <= MAX_DECIMALS:
            found.append(issue("calculated.decimals", field="decimals", value=question.decimals,
                               limit=MAX_DECIMALS))
        if not 1 <= question.dataset_size <= MAX_ITEMS:
            found.append(issue("calculated.items", field="dataset_size",
                               count=question.dataset_size, limit=MAX_ITEMS))
        if found:
            return found
        for index in range(self.item_count(question)):
            try:
                formulas.evaluate(tree, self.item_values(question, index))
            except formulas.FormulaError as error:
                found.append(issue("calculated.item_math", field="formula", n=index + 1,
                                   value=error.value))
                break
        return found

    def _wildcard_issues(self, question: Question, used: set[str]) -> list[Issue]:
        found = []
        names = [wildcard.name for wildcard in question.wildcards]
        for name in sorted(used - set(names)):
            found.append(issue("calculated.undefined", field="wildcards", value=name))
        counts = {len(w.values) for w in question.wildcards if w.values}
        for index, wildcard in enumerate(question.wildcards):
            field = f"wildcards[{index}]"
            if not formulas.WILDCARD_NAME.match(wildcard.name):
                found.append(issue("formula.wildcard_name", field=f"{field}.name", position=1,
                                   value=wildcard.name))
            elif names.count(wildcard.name) > 1 and names.index(wildcard.name) != index:
                found.append(issue("calculated.twice", field=f"{field}.name",
                                   value=wildcard.name))
            elif used and wildcard.name not in used:
                found.append(issue("calculated.unused", field=f"{field}.name",
                                   value=wildcard.name))
            ranged = wildcard.minimum is not None or wildcard.maximum is not None
            if not wildcard.values and not ranged:
                found.append(issue("calculated.no_values", field=field, value=wildcard.name))
            if ranged and (wildcard.minimum is None or wildcard.maximum is None
                           or wildcard.minimum > wildcard.maximum):
                found.append(issue("numerical.range", field=field, low=wildcard.minimum,
                                   high=wildcard.maximum))
            if not 0 <= wildcard.decimals <= MAX_DECIMALS:
                found.append(issue("calculated.decimals", field=f"{field}.decimals",
                                   value=wildcard.decimals, limit=MAX_DECIMALS))
            if len(wildcard.values) > MAX_ITEMS:
                found.append(issue("calculated.items", field=f"{field}.values",
                                   count=len(wildcard.values), limit=MAX_ITEMS))
            elif wildcard.values and len(counts) > 1:
                found.append(issue("calculated.sizes", field=f"{field}.values",
                                   value=wildcard.name, count=len(wildcard.values)))
        return found

    # --- responses ----------------------------------------------------------------------
    def response_from_form(self, question: Question, form: Any, name: str) -> Any:
        """The typed answer under ``name`` and the item it answers under ``<name>-item``."""
        answer = form.get(name, "")
        if not answer.strip():
            return None
        return {"item": form.get(f"{name}-item", ""), "answer": answer}

    def is_blank(self, response: Any) -> bool:
        """No typed answer is no answer."""
        if not isinstance(response, dict):
            return response is None
        answer = response.get("answer")
        return answer is None or (isinstance(answer, str) and not answer.strip())

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """``{"item": <an item id of this question>, "answer": text or number}``."""
        if response is None:
            return []
        if not isinstance(response, dict) or set(response) - {"item", "answer"}:
            return shape_issue("{item, answer}")
        answer = response.get("answer")
        if answer is not None and not isinstance(answer, str | int | float) or \
                isinstance(answer, bool):
            return shape_issue("number")
        if self.is_blank(response):
            return []
        if response.get("item") not in self.item_ids(question):
            return unknown_id_issue(response.get("item"))
        return too_long_issue(answer, TYPED_LIMIT)

    def read_number(self, question: Question, answer: Any) -> float | None:
        """The typed number, either language's unit allowed after it."""
        units = [question.unit.zh, question.unit.en] if question.unit else []
        for unit in units + [None]:
            number = parse_number(answer, unit)
            if number is not None:
                return number
        return None

    def within(self, question: Question, typed: float, right: float) -> bool:
        """Whether ``typed`` lies within the tolerance of ``right``."""
        allowed = question.tolerance * (abs(right) if question.tolerance_type ==
                                        ToleranceType.RELATIVE else 1.0)
        return abs(typed - right) <= allowed + 1e-9 * max(1.0, abs(right))

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """1 within the tolerance of the formula's value for the item answered, else 0."""
        if self.is_blank(response):
            return unanswered()
        answer = response["answer"]
        index = self.item_ids(question)[response["item"]]
        typed = self.read_number(question, answer)
        if typed is None:
            return graded(0.0, (PartResult("answer", answer, False, 0.0),), note="not_a_number")
        right = self.within(question, typed, self.right_value(question, index))
        fraction = 1.0 if right else 0.0
        return graded(fraction, (PartResult("answer", answer, right, fraction),))

    def response_text(self, question: Question, response: Any, language: str) -> str:
        """The typed answer and the values it answered, e.g. ``12.5 (a=2.5, b=5)``."""
        if not isinstance(response, dict) or self.is_blank(response):
            return ""
        index = self.item_ids(question).get(response.get("item"))
        if index is None:
            return str(response.get("answer"))
        values = ", ".join(f"{name}={shown_number(value)}" for name, value in
                           self.item_values(question, index).items())
        return f"{response.get('answer')} ({values})"

    # --- views --------------------------------------------------------------------------
    def _text_for(self, question: Question, language: str, index: int) -> str:
        values = self.item_values(question, index)
        text = _WILDCARD_IN_TEXT.sub(
            lambda m: shown_number(values[m.group(1)]) if m.group(1) in values else m.group(0),
            question.text.get(language))
        return render_text(text, question.text_format)

    def public_parts(self, question: Question, language: str, rng: random.Random) -> dict:
        """The drawn item (the generator's first number) and the text with its values;
        ``draws`` holds every item for ``shuffle_view`` and never reaches a trainee."""
        count = self.item_count(question)
        draws = [{"item": self.item_id(question, index),
                  "text_html": self._text_for(question, language, index)}
                 for index in range(count)]
        chosen = draws[rng.randrange(count)] if count else {"item": "", "text_html": ""}
        return {"item": chosen["item"], "text_html": chosen["text_html"], "draws": draws,
                "unit": question.unit.get(language) if question.unit else ""}

    def shuffle_view(self, view: dict, rng: random.Random, shuffle_options: bool) -> None:
        """Draw this trainee's item (always, whatever the shuffle setting) and drop the
        others from the view."""
        draws = view.pop("draws", None) or []
        if draws:
            chosen = draws[rng.randrange(len(draws))]
            view["item"], view["text_html"] = chosen["item"], chosen["text_html"]

    def review_view(self, question, response, grade, language, rng, show) -> dict:
        """The review shows the item the response answered (else the drawn one)."""
        view = super().review_view(question, response, grade, language, rng, show)
        draws = view.pop("draws", [])
        if isinstance(response, dict):
            chosen = next((d for d in draws if d["item"] == response.get("item")), None)
            if chosen:
                view["item"], view["text_html"] = chosen["item"], chosen["text_html"]
        view["answer"] = response.get("answer") if isinstance(response, dict) else None
        if show.right_answer:
            index = self.item_ids(question).get(view["item"])
            view["right_answer_html"] = self._right(question, index, language)
        return view

    def format_value(self, question: Question, value: float) -> str:
        """The right answer written as ``answer_format`` and ``decimals`` say."""
        if question.answer_format == AnswerFormat.SIGNIFICANT:
            return f"{value:.{max(question.decimals, 1)}g}"
        return f"{value:.{question.decimals}f}"

    def _right(self, question: Question, index: int | None, language: str) -> str:
        if index is None:
            return escape(question.formula)
        value = self.format_value(question, self.right_value(question, index))
        unit = f" {question.unit.get(language)}" if question.unit else ""
        return escape(value + unit)

    def right_answer_html(self, question: Question, language: str) -> str:
        """The formula (the value depends on the item drawn; the review shows it)."""
        return escape(question.formula)

