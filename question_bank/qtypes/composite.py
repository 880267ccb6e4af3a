"""Essay (graded by a trainer) and case questions (a case text with sub-questions).

Essay: grading returns ``pending`` until a trainer supplies a fraction (``manual``); an empty
essay is ``unanswered`` and earns nothing without troubling a trainer. ``grader_info`` (what a
good answer contains) is for the trainer's rubric and never appears in a trainee's view.
Response: a string.

Case: each sub-question is graded by its own type; the case earns the points-weighted mean of
the sub-question fractions. While any sub-question waits for a trainer the case is pending.
Response: ``{"<sub-question key>": <that sub-question's response>, ...}``; ``manual`` for a
case is ``{"<sub-question key>": fraction}`` for its essays.
"""

from __future__ import annotations

import random
from typing import Any

from question_bank.datafields import Reader, put, text_data
from question_bank.editor import EditorField
from question_bank.grading import Grade, GradeState, ReviewOptions, graded, unanswered
from question_bank.issues import Issue, issue
from question_bank.model import Question, QuestionType, TextFormat
from question_bank.qtypes.base import QuestionKind, shape_issue, too_few, too_long_issue
from question_bank.text import render_text

#: Longest essay accepted (characters): several pages, far beyond any honest answer.
ESSAY_LIMIT = 50_000


class Essay(QuestionKind):
    """A written answer a trainer grades against a rubric."""

    type = QuestionType.ESSAY
    template_name = "exams/questions/essay.html"
    fields = ("grader_info", "response_template")
    auto_graded = False

    def editor_fields(self) -> tuple[EditorField, ...]:
        """The rubric notes for trainers and the optional starting text."""
        return (EditorField("grader_info", "text", "grader_info"),
                EditorField("response_template", "text", "response_template"))

    def read_fields(self, data, reader: Reader) -> dict[str, Any]:
        """The rubric notes and the optional starting text."""
        return {"grader_info": reader.text(data, "grader_info"),
                "response_template": reader.text(data, "response_template")}

    def write_fields(self, question: Question, writer=None) -> dict[str, Any]:
        """Rubric notes and template in the native format."""
        data: dict[str, Any] = {}
        put(data, "grader_info", text_data(question.grader_info))
        put(data, "response_template", text_data(question.response_template))
        return data

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """A string of at most ESSAY_LIMIT characters (or nothing)."""
        if response is None or isinstance(response, str):
            return too_long_issue(response, ESSAY_LIMIT)
        return shape_issue("text")

    def is_blank(self, response: Any) -> bool:
        """Only spaces is no answer."""
        return response is None or not str(response).strip()

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """Pending until a trainer's fraction arrives in ``manual``."""
        if self.is_blank(response):
            return unanswered()
        if manual is None:
            return Grade(GradeState.PENDING, None)
        if not 0.0 <= float(manual) <= 1.0:
            raise ValueError(f"a trainer's fraction must lie in 0..1, got {manual!r}")
        return graded(float(manual))

    def public_parts(self, question: Question, language: str, rng: random.Random) -> dict:
        """The starting text for the answer box (plain text)."""
        template = question.response_template
        return {"response_template": template.get(language) if template else ""}

    def review_parts(self, view, question, response, grade, language, show) -> None:
        """The essay as the trainee wrote it, escaped."""
        view["response_html"] = render_text(response or "", TextFormat.PLAIN)

    def grader_info_html(self, question: Question, language: str) -> str:
        """The rubric notes for the trainer grading this essay."""
        return self.render(question, question.grader_info, language)


class Case(QuestionKind):
    """A case text followed by sub-questions of any other type."""

    type = QuestionType.CASE
    template_name = "exams/questions/case.html"
    fields = ("subquestions",)
    reader = "parts"

    def editor_fields(self) -> tuple[EditorField, ...]:
        """The sub-questions, each with its own type's form."""
        return (EditorField("subquestions", "subquestions", "subquestions"),)

    def response_from_form(self, question: Question, form: Any, name: str) -> Any:
        """Each sub-question's response under ``<name>--<sub key>``."""
        from question_bank.qtypes import kind_of

        subs = {sub.key: kind_of(sub).response_from_form(sub, form, f"{name}--{sub.key}")
                for sub in question.subquestions}
        return {key: value for key, value in subs.items() if value not in (None, "")} or None

    def response_text(self, question: Question, response: Any, language: str) -> str:
        """``<sub key>: <its response>`` per sub-question answered."""
        from question_bank.qtypes import kind_of

        response = response if isinstance(response, dict) else {}
        return " | ".join(
            f"{sub.key}: {kind_of(sub).response_text(sub, response[sub.key], language)}"
            for sub in question.subquestions if response.get(sub.key) is not None)

    def shuffle_view(self, view: dict, rng: random.Random, shuffle_options: bool) -> None:
        """Each sub-question in order, shuffled by its own type."""
        from question_bank.qtypes import kind_of

        for sub in view.get("subquestions", []):
            kind_of(sub["type"]).shuffle_view(sub, rng, shuffle_options)

    def read_fields(self, data, reader: Reader) -> dict[str, Any]:
        """The sub-questions, read as questions of their own type."""
        # Imported here: the native reader imports this registry.
        from question_bank.native import read_question

        subquestions = []
        for path, entry in reader.sequence(data, "subquestions", required=True):
            sub = read_question(entry, reader, path, subquestion=True)
            if sub is not None:
                subquestions.append(sub)
        return {"subquestions": tuple(subquestions)}

    def write_fields(self, question: Question, writer=None) -> dict[str, Any]:
        """The sub-questions in the native format."""
        from question_bank.native import question_to_data

        return {"subquestions": [question_to_data(sub, subquestion=True)
                                 for sub in question.subquestions]}

    def check(self, question: Question) -> list[Issue]:
        """Sub-questions exist, none is a case, each is valid, keys distinct."""
        from question_bank.qtypes import kind_of

        found = too_few(len(question.subquestions), 1, "subquestions")
        seen: set[str] = set()
        for index, sub in enumerate(question.subquestions):
            field = f"subquestions[{index}]"
            if sub.type == QuestionType.CASE:
                found.append(issue("case.nested", field=f"{field}.type"))
                continue
            if sub.type == QuestionType.DESCRIPTION:
                found.append(issue("case.description", field=f"{field}.type"))
                continue
            if sub.key in seen:
                found.append(issue("key.duplicate", field=f"{field}.key", value=sub.key,
                                   other=question.key))
            seen.add(sub.key)
            found += [item.under(field) for item in kind_of(sub).validate_definition(sub)]
        return found

    def strict_check(self, question: Question) -> list[Issue]:
        """The shipped-bank rules of each sub-question's type."""
        from question_bank.qtypes import kind_of

        return [item.under(f"subquestions[{index}]")
                for index, sub in enumerate(question.subquestions)
                for item in kind_of(sub).strict_check(sub)]

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """A mapping of this case's sub-question keys to valid sub-responses."""
        from question_bank.qtypes import kind_of

        if self.is_blank(response):
            return []
        if not isinstance(response, dict):
            return shape_issue("sub-question key -> response")
        for key, sub_response in response.items():
            sub = question.subquestion(key)
            if sub is None:
                return [issue("response.unknown_id", field="response", value=str(key)[:40])]
            found = kind_of(sub).validate_response(sub, sub_response)
            if found:
                return [item.under(key) for item in found]
        return []

    def normalise_response(self, question: Question, raw: Any) -> Any:
        """Each sub-response normalised by its own type."""
        from question_bank.qtypes import kind_of

        if not isinstance(raw, dict):
            return raw
        return {key: kind_of(sub).normalise_response(sub, value) if (sub := question.subquestion(
            key)) else value for key, value in raw.items()}

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """Points-weighted mean of the sub-question grades."""
        from question_bank.qtypes import kind_of

        response, manual = response or {}, manual or {}
        subgrades = tuple((sub.key, kind_of(sub).grade(sub, response.get(sub.key),
                                                       manual.get(sub.key)))
                          for sub in question.subquestions)
        states = {grade.state for _, grade in subgrades}
        if states == {GradeState.UNANSWERED}:
            return Grade(GradeState.UNANSWERED, 0.0, 0.0, subgrades=subgrades)
        if GradeState.PENDING in states:
            return Grade(GradeState.PENDING, None, subgrades=subgrades)
        total = sum(sub.points for sub in question.subquestions)
        raw = sum(grade.fraction * sub.points
                  for sub, (_, grade) in zip(question.subquestions, subgrades, strict=True))
        result = graded(raw / total if total else 0.0)
        return Grade(result.state, result.fraction, result.raw_fraction, subgrades=subgrades)

    def public_parts(self, question: Question, language: str, rng: random.Random) -> dict:
        """Each sub-question's public view, in order."""
        from question_bank.qtypes import kind_of

        return {"subquestions": [kind_of(sub).public_view(sub, language, rng)
                                 for sub in question.subquestions]}

    def review_view(self, question: Question, response: Any, grade: Grade, language: str,
                    rng: random.Random, show: ReviewOptions) -> dict:
        """The case view with each sub-question's own review view."""
        from question_bank.qtypes import kind_of

        view = super().review_view(question, response, grade, language, random.Random(0), show)
        response, subgrades = response or {}, dict(grade.subgrades)
        view["subquestions"] = [
            kind_of(sub).review_view(sub, response.get(sub.key),
                                     subgrades.get(sub.key) or unanswered(), language, rng, show)
            for sub in question.subquestions]
        return view

    def right_answer_html(self, question: Question, language: str) -> str:
        """Given per sub-question in the sub-question views."""
        return ""

