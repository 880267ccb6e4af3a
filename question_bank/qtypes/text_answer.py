"""Short answer and numerical questions: the trainee types the answer.

Short answer: the typed text and every accepted answer are folded by ``normalise_answer``
(full/half width, case, surrounding and repeated spaces), then compared. An accepted answer may
hold ``*`` as a wildcard (Moodle's convention); ``*`` alone catches every other answer, which is
how an author attaches feedback to wrong answers. Accepted answers of both languages count,
whatever language the trainee works in. The best matching fraction wins.

Numerical: the typed text is read by ``parse_number`` (full-width digits, decimal comma, the
unit shown beside the box). An answer matches when ``|x - value| <= tolerance`` or
``min <= x <= max``, both inclusive with a relative slack of 1e-9 so that 0.1 + 0.2 counts as
0.3. The best matching fraction wins; an ``any`` answer applies only when nothing else matched.

Responses: a string (numerical also accepts a JSON number).
"""

from __future__ import annotations

import random
import re
from html import escape
from typing import Any

from question_bank.datafields import Reader, number_data, put, terms_data, text_data
from question_bank.editor import EditorField
from question_bank.grading import (
    FRACTION_EPSILON,
    Grade,
    PartResult,
    graded,
    unanswered,
)
from question_bank.issues import Issue, issue
from question_bank.model import NumericAnswer, Question, QuestionType, TextAnswer
from question_bank.qtypes.base import (
    QuestionKind,
    fraction_issues,
    shape_issue,
    too_few,
    too_long_issue,
)
from question_bank.text import normalise_answer, parse_number

#: Longest typed short or numerical answer accepted (characters); more is not an answer.
TYPED_LIMIT = 500


def term_matches(term: str, answer: str) -> bool:
    """Whether folded ``answer`` matches the folded accepted ``term`` (``*`` = anything)."""
    if "*" not in term:
        return term == answer
    pattern = ".*".join(re.escape(piece) for piece in term.split("*"))
    return re.fullmatch(pattern, answer, re.DOTALL) is not None


def full_credit_issue(answers) -> list[Issue]:
    """An issue when no answer earns full credit."""
    if any(abs(answer.fraction - 1.0) <= FRACTION_EPSILON for answer in answers):
        return []
    return [issue("answers.no_full_credit", field="answers")]


def _is_wildcard(answer: TextAnswer) -> bool:
    return any("*" in term for term in answer.accept.all_terms())


class ShortAnswer(QuestionKind):
    """A typed word or phrase compared with accepted answers."""

    type = QuestionType.SHORT_ANSWER
    template_name = "exams/questions/short_answer.html"
    fields = ("answers",)

    def editor_fields(self) -> tuple[EditorField, ...]:
        """Rows of accepted answers (per language, one per line), credit and feedback."""
        return (EditorField("answers", "rows", "answers", min_rows=3, help="answers_help",
                            fields=(EditorField("accept", "terms", "accept", required=True),
                                    EditorField("fraction", "percent", "credit", default=1.0),
                                    EditorField("feedback", "line", "answer_feedback"))),)

    def read_fields(self, data, reader: Reader) -> dict[str, Any]:
        """Accepted answer groups with their credit and feedback."""
        answers = []
        for path, entry in reader.sequence(data, "answers", required=True):
            entry = reader.mapping(entry, path)
            if entry is None:
                continue
            reader.check_fields(entry, ("accept", "fraction", "feedback"), path)
            answers.append(TextAnswer(
                accept=reader.terms(entry, "accept", f"{path}.accept"),
                fraction=reader.number(entry, "fraction", f"{path}.fraction", required=True,
                                       default=0.0),
                feedback=reader.text(entry, "feedback", f"{path}.feedback")))
        return {"answers": tuple(answers)}

    def write_fields(self, question: Question, writer=None) -> dict[str, Any]:
        """Accepted answers in the native format."""
        answers = []
        for answer in question.answers:
            entry = {"accept": terms_data(answer.accept),
                     "fraction": number_data(answer.fraction)}
            put(entry, "feedback", text_data(answer.feedback))
            answers.append(entry)
        return {"answers": answers}

    def check(self, question: Question) -> list[Issue]:
        """Every group accepts something, one earns full credit, no answer twice."""
        found = too_few(len(question.answers), 1, "answers")
        seen: dict[str, str] = {}
        for index, answer in enumerate(question.answers):
            field = f"answers[{index}]"
            found += fraction_issues(answer.fraction, f"{field}.fraction", 0.0, 1.0)
            if not answer.accept.all_terms():
                found.append(issue("field.missing", field=f"{field}.accept"))
            for term in answer.accept.all_terms():
                folded = normalise_answer(term)
                if not folded:
                    found.append(issue("field.missing", field=f"{field}.accept"))
                elif seen.get(folded, field) != field:
                    found.append(issue("short.duplicate_term", field=f"{field}.accept",
                                       value=term, other=seen[folded]))
                seen.setdefault(folded, field)
        return found + full_credit_issue(question.answers)

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """A string of reasonable length (or nothing)."""
        if response is None or isinstance(response, str):
            return too_long_issue(response, TYPED_LIMIT)
        return shape_issue("text")

    def is_blank(self, response: Any) -> bool:
        """Nothing but spaces counts as no answer."""
        return response is None or not normalise_answer(str(response))

    def best_match(self, question: Question, response: str) -> TextAnswer | None:
        """The matching answer group with the highest fraction (wildcards last)."""
        folded = normalise_answer(response)
        matches = [answer for answer in question.answers
                   if any(term_matches(normalise_answer(term), folded)
                          for term in answer.accept.all_terms())]
        return max(matches, key=lambda answer: (answer.fraction, not _is_wildcard(answer)),
                   default=None)

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """The best matching group's fraction; no match earns nothing."""
        if self.is_blank(response):
            return unanswered()
        match = self.best_match(question, response)
        fraction = match.fraction if match else 0.0
        feedback = match.feedback if match else None
        part = PartResult(part="answer", response=response,
                          correct=fraction >= 1.0 - FRACTION_EPSILON, fraction=fraction,
                          feedback=feedback)
        return graded(fraction, (part,), (feedback,))

    def right_answer_html(self, question: Question, language: str) -> str:
        """The full-credit answers in ``language`` (wildcards left out)."""
        terms = [term for answer in question.answers
                 if answer.fraction >= 1.0 - FRACTION_EPSILON
                 for term in answer.accept.get(language) if "*" not in term]
        return " / ".join(escape(term) for term in terms)


class Numerical(QuestionKind):
    """A typed number, right within a tolerance or a range."""

    type = QuestionType.NUMERICAL
    template_name = "exams/questions/numerical.html"
    fields = ("answers", "unit")

    def editor_fields(self) -> tuple[EditorField, ...]:
        """The unit, and rows of answers: a value with a tolerance, a range, or "any other"."""
        return (EditorField("unit", "line", "unit"),
                EditorField("answers", "rows", "answers", min_rows=3, help="numbers_help",
                            fields=(EditorField("value", "number", "value"),
                                    EditorField("tolerance", "number", "tolerance"),
                                    EditorField("min", "number", "minimum"),
                                    EditorField("max", "number", "maximum"),
                                    EditorField("any", "boolean", "any_other", default=False),
                                    EditorField("fraction", "percent", "credit", default=1.0),
                                    EditorField("feedback", "line", "answer_feedback"))))

    def read_fields(self, data, reader: Reader) -> dict[str, Any]:
        """Answers (value ± tolerance, min..max or any) and the unit."""
        answers = []
        for path, entry in reader.sequence(data, "answers", required=True):
            entry = reader.mapping(entry, path)
            if entry is None:
                continue
            reader.check_fields(entry, ("value", "tolerance", "min", "max", "any", "fraction",
                                        "feedback"), path)
            answers.append(self._read_answer(entry, path, reader))
        return {"answers": tuple(answers), "unit": reader.text(data, "unit")}

    @staticmethod
    def _read_answer(entry, path: str, reader: Reader) -> NumericAnswer:
        forms = [name for name in ("value", "min", "max", "any") if name in entry]
        if not forms:
            reader.fail("numerical.form", path)
        return NumericAnswer(
            fraction=reader.number(entry, "fraction", f"{path}.fraction", required=True,
                                   default=0.0),
            value=reader.number(entry, "value", f"{path}.value"),
            tolerance=reader.number(entry, "tolerance", f"{path}.tolerance", default=0.0),
            minimum=reader.number(entry, "min", f"{path}.min", required="max" in entry),
            maximum=reader.number(entry, "max", f"{path}.max", required="min" in entry),
            any_other=bool(reader.boolean(entry, "any", f"{path}.any", default=False)),
            feedback=reader.text(entry, "feedback", f"{path}.feedback"))

    def write_fields(self, question: Question, writer=None) -> dict[str, Any]:
        """Answers and unit in the native format."""
        answers = []
        for answer in question.answers:
            entry: dict[str, Any] = {}
            if answer.any_other:
                entry["any"] = True
            elif answer.is_range:
                entry.update(min=number_data(answer.minimum), max=number_data(answer.maximum))
            else:
                entry["value"] = number_data(answer.value)
                if answer.tolerance:
                    entry["tolerance"] = number_data(answer.tolerance)
            entry["fraction"] = number_data(answer.fraction)
            put(entry, "feedback", text_data(answer.feedback))
            answers.append(entry)
        data: dict[str, Any] = {"answers": answers}
        put(data, "unit", text_data(question.unit))
        return data

    def check(self, question: Question) -> list[Issue]:
        """One form per answer, tolerance >= 0, min <= max, one full-credit answer."""
        found = too_few(len(question.answers), 1, "answers")
        for index, answer in enumerate(question.answers):
            field = f"answers[{index}]"
            found += fraction_issues(answer.fraction, f"{field}.fraction", 0.0, 1.0)
            forms = sum((answer.value is not None, answer.is_range, answer.any_other))
            if forms != 1:
                found.append(issue("numerical.form", field=field))
            if answer.tolerance < 0:
                found.append(issue("numerical.tolerance", field=f"{field}.tolerance",
                                   value=answer.tolerance))
            if answer.is_range and (answer.minimum is None or answer.maximum is None
                                    or answer.minimum > answer.maximum):
                found.append(issue("numerical.range", field=field, low=answer.minimum,
                                   high=answer.maximum))
        return found + full_credit_issue(question.answers)

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """A string or a number (an unreadable string is stored and earns nothing)."""
        if response is None or isinstance(response, str):
            return too_long_issue(response, TYPED_LIMIT)
        if isinstance(response, int | float) and not isinstance(response, bool):
            return []
        return shape_issue("number")

    def is_blank(self, response: Any) -> bool:
        """An empty box is no answer."""
        return response is None or (isinstance(response, str) and not response.strip())

    @staticmethod
    def matches(answer: NumericAnswer, number: float) -> bool:
        """Whether ``number`` falls within ``answer`` (boundaries included)."""
        if answer.any_other:
            return True
        if answer.is_range:
            slack = 1e-9 * max(1.0, abs(answer.minimum), abs(answer.maximum))
            return answer.minimum - slack <= number <= answer.maximum + slack
        slack = 1e-9 * max(1.0, abs(answer.value))
        return abs(number - answer.value) <= answer.tolerance + slack

    def read_number(self, question: Question, response: Any) -> float | None:
        """The typed number, with either language's unit allowed after it."""
        units = [question.unit.zh, question.unit.en] if question.unit else []
        for unit in units + [None]:
            number = parse_number(response, unit)
            if number is not None:
                return number
        return None

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """The best matching answer's fraction; not a number earns nothing."""
        if self.is_blank(response):
            return unanswered()
        number = self.read_number(question, response)
        if number is None:
            part = PartResult("answer", response, False, 0.0)
            return graded(0.0, (part,), note="not_a_number")
        specific = [a for a in question.answers if not a.any_other and self.matches(a, number)]
        fallback = [a for a in question.answers if a.any_other]
        match = max(specific, key=lambda a: a.fraction, default=None) or \
            (fallback[0] if fallback else None)
        fraction = match.fraction if match else 0.0
        feedback = match.feedback if match else None
        part = PartResult("answer", response, fraction >= 1.0 - FRACTION_EPSILON, fraction,
                          feedback)
        return graded(fraction, (part,), (feedback,))

    def public_parts(self, question: Question, language: str, rng: random.Random) -> dict:
        """The unit shown beside the box."""
        return {"unit": question.unit.get(language) if question.unit else ""}

    def right_answer_html(self, question: Question, language: str) -> str:
        """The first full-credit answer: value ± tolerance or min – max, with the unit."""
        answer = next((a for a in question.answers
                       if a.fraction >= 1.0 - FRACTION_EPSILON and not a.any_other), None)
        if answer is None:
            return ""
        unit = f" {question.unit.get(language)}" if question.unit else ""
        if answer.is_range:
            shown = f"{number_data(answer.minimum)} – {number_data(answer.maximum)}"
        elif answer.tolerance:
            shown = f"{number_data(answer.value)} ± {number_data(answer.tolerance)}"
        else:
            shown = f"{number_data(answer.value)}"
        return escape(shown + unit)
