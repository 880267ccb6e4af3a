"""The contract every question type fulfils, and helpers the types share.

A question type (``QuestionKind`` subclass, one per ``QuestionType``) knows how to:

- read and write its own fields of the native format (``read_fields`` / ``write_fields``);
- validate its definition (``check``), naming the key and field of each problem;
- validate the shape of a response (``validate_response``), refusing forged ids;
- grade a response (``grade``) into a ``Grade``;
- describe itself for the browser before review (``public_view``: no credit, no right answers,
  no accepted-answer lists, options under opaque ids) and after (``review_view``, filtered by
  ``ReviewOptions``); the web layer renders the view with ``template_name``;
- behave on the page: ``reader`` names how the page script reads a response from the
  rendered template (one of ``PAGE_READERS``), ``response_from_form`` reads the same response
  from a plain form post, and ``shuffle_view`` puts a public view in one trainee's order;
- describe its authoring form (``editor_fields``, see ``question_bank.editor``).

So a new type is one module here (registered in ``qtypes/__init__.py``) plus its template.

Responses are JSON values; each type documents its shape on its class.
"""

from __future__ import annotations

import dataclasses
import math
import random
import re
from collections.abc import Iterable, Iterator, Mapping
from enum import Enum
from typing import Any, ClassVar

from question_bank.grading import FRACTION_EPSILON, Grade, GradeState, ReviewOptions
from question_bank.issues import Issue, issue
from question_bank.model import (
    CATEGORY_MAX_LENGTH,
    KEY_MAX_LENGTH,
    LocalText,
    Question,
    QuestionType,
)
from question_bank.text import normalise_for_hash, render_text

KEY_PATTERN = re.compile(r"^[a-z0-9-]+\Z")
#: Characters no text of a question may hold: NUL (never meant, and refused by PostgreSQL text
#: columns) and lone surrogates (a broken ``\ud83d`` escape that no page can encode).
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
#: A category is one line: no control characters (tabs, line breaks, NUL...).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def common_issues(question: Question) -> list[Issue]:
    """Problems in the fields every question has: key, text, points, category, and anything
    that could not be stored (see ``storable_issues``)."""
    found = []
    key = question.key or ""
    if not KEY_PATTERN.match(key):
        found.append(issue("key.invalid", field="key", value=question.key))
    elif len(key) > KEY_MAX_LENGTH:
        found.append(issue("key.too_long", field="key", value=key, length=len(key),
                           limit=KEY_MAX_LENGTH))
    found += required_text(question.text, "text")
    if not question.points > 0:
        found.append(issue("points.invalid", field="points", value=question.points))
    found += category_issues(question.category)
    return found + storable_issues(question)


def category_issues(category: str) -> list[Issue]:
    """Problems with a category path: too long, a control character, an empty level."""
    if len(category) > CATEGORY_MAX_LENGTH:
        return [issue("category.too_long", field="category", value=category,
                      length=len(category), limit=CATEGORY_MAX_LENGTH)]
    if _CONTROL.search(category):
        return [issue("category.character", field="category", value=category)]
    segments = category.split("/") if category else []
    if any(not segment.strip() or segment != segment.strip() for segment in segments):
        return [issue("category.invalid", field="category", value=category)]
    return []


def storable_issues(question: Question) -> list[Issue]:
    """Values the database or a page could not take: NUL or lone surrogates in a text, and
    numbers that are not finite (JSON has no ``Infinity``). Sub-questions check their own."""
    found = []
    for field, value in _values(question, ""):
        if isinstance(value, str) and _UNSTORABLE.search(value):
            found.append(issue("text.character", field=field))
        elif isinstance(value, float) and not math.isfinite(value):
            found.append(issue("number.not_finite", field=field, value=value))
    return found


def _values(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Enum | bool):
        return
    if isinstance(value, str | float):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for spec in dataclasses.fields(value):
            if spec.name not in ("subquestions", "key", "category"):
                yield from _values(getattr(value, spec.name),
                                   f"{path}.{spec.name}" if path else spec.name)
    elif isinstance(value, tuple):
        for index, child in enumerate(value):
            yield from _values(child, f"{path}[{index}]")


#: How the attempt page's script reads a response from a rendered question (``data-reader``):
#: ``one`` the checked radio's value; ``many`` the checked boxes' values; ``text`` the one
#: input's value; ``map`` ``{data-part: value}`` of the selects/inputs; ``order`` the
#: ``data-item`` ids in page order once touched; ``parts`` ``{data-sub: response}`` of nested
#: question bodies; ``none`` nothing (a description: never listed as "not answered").
#: ``map`` skips radio buttons and boxes that are not ticked.
PAGE_READERS = ("one", "many", "text", "map", "order", "parts", "none")


class QuestionKind:
    """Base class of the question types; see the module docstring."""

    type: ClassVar[QuestionType]
    #: Jinja template the web layer renders the public/review view with.
    template_name: ClassVar[str]
    #: How the page reads a response (one of ``PAGE_READERS``).
    reader: ClassVar[str] = "text"
    #: Native-format fields this type reads besides the common ones.
    fields: ClassVar[tuple[str, ...]] = ()
    #: Whether the type can be graded without a trainer.
    auto_graded: ClassVar[bool] = True
    #: Whether the type carries points (a description does not: its form has no points).
    #: An unscored item asks nothing: it is never listed as unanswered nor worth marks.
    scored: ClassVar[bool] = True
    #: Whether an attempt draws something the response must refer to (a calculated item's
    #: values): then :meth:`matches_view` is checked against the attempt's own view.
    drawn: ClassVar[bool] = False

    # --- native format -------------------------------------------------------------------
    def read_fields(self, data: Mapping[str, Any], reader: Any) -> dict[str, Any]:
        """Question keyword arguments for this type's fields of ``data``."""
        return {}

    def write_fields(self, question: Question, writer: Any) -> dict[str, Any]:
        """This type's fields of ``question`` in the native format, in documented order."""
        return {}

    # --- definition ----------------------------------------------------------------------
    def validate_definition(self, question: Question) -> list[Issue]:
        """Every problem in ``question``: the common fields, then this type's."""
        return common_issues(question) + self.check(question)

    def check(self, question: Question) -> list[Issue]:
        """Problems in the type-specific part of ``question`` (fields relative to it)."""
        return []

    def strict_check(self, question: Question) -> list[Issue]:
        """Extra rules for shipped banks only (imports from Moodle may break them)."""
        return []

    # --- responses -----------------------------------------------------------------------
    def normalise_response(self, question: Question, raw: Any) -> Any:
        """``raw`` (as posted by a form or JSON) in this type's response shape."""
        return raw

    def is_blank(self, response: Any) -> bool:
        """True when the trainee has not answered."""
        return response is None or response == "" or response == [] or response == {}

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """Problems with the shape of ``response``; [] when it may be stored."""
        return []

    def matches_view(self, response: Any, view: dict) -> bool:
        """True when ``response`` answers what ``view`` (this attempt's view) shows."""
        return True

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """Grade ``response``; ``manual`` is a trainer's fraction where one is needed."""
        raise NotImplementedError

    def response_from_form(self, question: Question, form: Any, name: str) -> Any:
        """The raw response posted by a plain form under field ``name`` (None when blank).

        ``form`` is a multi-dict (``get``/``getlist``), e.g. Flask's ``request.form``."""
        value = form.get(name, "")
        return value if value.strip() else None

    def response_text(self, question: Question, response: Any, language: str) -> str:
        """A response as plain text for exports (option texts, not ids); '' when blank."""
        if response is None:
            return ""
        return str(response)

    # --- the page ------------------------------------------------------------------------
    def shuffle_view(self, view: dict, rng: random.Random, shuffle_options: bool) -> None:
        """Put a public view's parts in one trainee's order, in place (default: none)."""

    def editor_fields(self) -> tuple:
        """This type's part of the authoring form (``question_bank.editor.EditorField``)."""
        return ()

    # --- views ---------------------------------------------------------------------------
    def public_view(self, question: Question, language: str, rng: random.Random) -> dict:
        """What the browser may see before review. Same ``rng`` state, same order."""
        view = {
            "key": question.key,
            "type": question.type.value,
            "template": self.template_name,
            "reader": self.reader,
            "text_html": render_text(question.text.get(language), question.text_format),
            "points": question.points,
        }
        view.update(self.public_parts(question, language, rng))
        return view

    def public_parts(self, question: Question, language: str, rng: random.Random) -> dict:
        """Type-specific part of the public view."""
        return {}

    def review_view(self, question: Question, response: Any, grade: Grade, language: str,
                    rng: random.Random, show: ReviewOptions) -> dict:
        """The public view (same order) plus the response and what ``show`` allows."""
        view = self.public_view(question, language, rng)
        view["response"] = response
        view["state"] = grade.state.value
        if show.score:
            view["fraction"] = grade.fraction
            view["score"] = grade.score(question.points)
        if show.correctness:
            correctness = grade.correctness if grade.state != GradeState.PENDING else None
            view["correctness"] = correctness.value if correctness else None
        if show.feedback:
            view["feedback_html"] = [self.render(question, text, language)
                                     for text in grade.feedback]
            view["general_feedback_html"] = self.render(question, question.general_feedback,
                                                        language)
        if show.right_answer:
            view["right_answer_html"] = self.right_answer_html(question, language)
        self.review_parts(view, question, response, grade, language, show)
        return view

    def review_parts(self, view: dict, question: Question, response: Any, grade: Grade,
                     language: str, show: ReviewOptions) -> None:
        """Add type-specific review detail to ``view`` in place."""

    def right_answer_html(self, question: Question, language: str) -> str:
        """The right answer as safe HTML (empty when there is none to show)."""
        return ""

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def render(question: Question, text: LocalText | None, language: str,
               inline: bool = False) -> str:
        """Safe HTML of ``text`` in the question's format."""
        if text is None:
            return ""
        return render_text(text.get(language), question.text_format, inline=inline)


def fraction_issues(fraction: float, field: str, low: float, high: float) -> list[Issue]:
    """An issue when ``fraction`` lies outside ``low``..``high``."""
    if low - FRACTION_EPSILON <= fraction <= high + FRACTION_EPSILON:
        return []
    return [issue("fraction.range", field=field, value=fraction, low=low, high=high)]


def required_text(text: LocalText | None, field: str) -> list[Issue]:
    """An issue when a text that must be there is missing or empty."""
    if text is None or text.is_empty():
        return [issue("field.missing", field=field)]
    return []


def duplicate_texts(texts: Iterable[LocalText], field: str) -> list[Issue]:
    """An issue for each text equal (after folding) to an earlier one in the list."""
    seen: set[tuple[str, str]] = set()
    found = []
    for index, text in enumerate(texts):
        folded = (normalise_for_hash(text.zh), normalise_for_hash(text.en))
        if folded in seen:
            found.append(issue("text.duplicate", field=f"{field}[{index}]",
                               value=text.zh or text.en))
        seen.add(folded)
    return found


def too_few(count: int, minimum: int, field: str) -> list[Issue]:
    """An issue when a list holds fewer than ``minimum`` entries."""
    if count >= minimum:
        return []
    return [issue("list.too_few", field=field, minimum=minimum, count=count)]


def shuffled(values: list, rng: random.Random, enabled: bool = True) -> list:
    """A shuffled copy of ``values`` (or the copy unshuffled when disabled)."""
    copy = list(values)
    if enabled:
        rng.shuffle(copy)
    return copy


def shape_issue(expected: str) -> list[Issue]:
    """The issue for a response of the wrong shape."""
    return [issue("response.shape", field="response", expected=expected)]


def too_long_issue(response: Any, limit: int) -> list[Issue]:
    """The issue for a typed response longer than ``limit`` characters (else none)."""
    if isinstance(response, str) and len(response) > limit:
        return [issue("response.too_long", field="response", limit=limit)]
    return []


def unknown_id_issue(value: Any) -> list[Issue]:
    """The issue for a response naming an id the question does not have."""
    return [issue("response.unknown_id", field="response", value=str(value)[:40])]
