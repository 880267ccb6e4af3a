"""The registry of question types and the functions the web layer calls.

``registry`` maps each ``QuestionType`` to the object that knows the type (like CTFd's
``CHALLENGE_CLASSES``). The module functions dispatch through it:

- ``validate_definition(question)`` -> issues in the definition;
- ``normalise_response`` / ``validate_response`` -> the posted answer in shape, or issues;
- ``grade(question, response, manual=None)`` -> ``Grade`` (raises ``ResponseError`` for a
  response that does not fit the question, e.g. a forged option id);
- ``public_view(question, language, rng)`` -> what the browser may see before review;
- ``review_view(question, response, grade, language, rng, show)`` -> the review.

Pass the same seeded ``rng`` (e.g. ``random.Random(f"{attempt_id}:{question.key}")``) to
``public_view`` and ``review_view`` so a trainee sees the same order on every page load.
"""

from __future__ import annotations

import random
from typing import Any

from question_bank.grading import Grade, ReviewOptions
from question_bank.issues import Issue, issue
from question_bank.model import Question, QuestionType
from question_bank.qtypes.arrangement import Matching, Ordering
from question_bank.qtypes.base import QuestionKind
from question_bank.qtypes.calculated import Calculated
from question_bank.qtypes.choice import MultipleChoice, SingleChoice, TrueFalse
from question_bank.qtypes.cloze import Cloze
from question_bank.qtypes.composite import Case, Essay
from question_bank.qtypes.description import Description
from question_bank.qtypes.text_answer import Numerical, ShortAnswer

registry: dict[QuestionType, QuestionKind] = {
    kind.type: kind for kind in (
        SingleChoice(), MultipleChoice(), TrueFalse(), ShortAnswer(), Numerical(),
        Matching(), Ordering(), Essay(), Case(), Cloze(), Calculated(), Description())
}


class ResponseError(ValueError):
    """A response that does not fit its question; ``issues`` says why."""

    def __init__(self, question: Question, issues: list[Issue]):
        self.issues = [item.located(key=question.key) for item in issues]
        super().__init__("; ".join(str(item) for item in self.issues))


def kind_of(question: Question | QuestionType | str) -> QuestionKind:
    """The type object for a question, a QuestionType or its name."""
    if isinstance(question, Question):
        return registry[question.type]
    return registry[QuestionType(question)]


def validate_definition(question: Question) -> list[Issue]:
    """Every problem in ``question``'s definition, each naming its key and field."""
    return [item.located(key=question.key)
            for item in kind_of(question).validate_definition(question)]


def normalise_response(question: Question, raw: Any) -> Any:
    """A posted answer in the question's response shape (e.g. "true" -> True)."""
    return kind_of(question).normalise_response(question, raw)


def validate_response(question: Question, response: Any) -> list[Issue]:
    """Problems with the shape of ``response`` (forged ids included); [] when fine."""
    return [item.located(key=question.key)
            for item in kind_of(question).validate_response(question, response)]


def grade(question: Question, response: Any, manual: Any = None) -> Grade:
    """Grade ``response``; ``manual`` is a trainer's fraction for essays (a dict for cases)."""
    found = validate_response(question, response)
    if found:
        raise ResponseError(question, found)
    return kind_of(question).grade(question, response, manual)


def public_view(question: Question, language: str, rng: random.Random) -> dict:
    """What may be sent to the browser before review: no credit, no right answers."""
    return kind_of(question).public_view(question, language, rng)


def review_view(question: Question, response: Any, grade: Grade, language: str,
                rng: random.Random, show: ReviewOptions | None = None) -> dict:
    """The review of one response, showing what ``show`` allows (all by default)."""
    return kind_of(question).review_view(question, response, grade, language, rng,
                                         show or ReviewOptions())


def needs_trainer(question: Question) -> bool:
    """Whether responses to ``question`` may need a trainer to grade them."""
    if question.type == QuestionType.CASE:
        return any(needs_trainer(sub) for sub in question.subquestions)
    return not kind_of(question).auto_graded


__all__ = [
    "Calculated", "Case", "Cloze", "Description", "Essay", "Matching", "MultipleChoice",
    "Numerical", "Ordering", "QuestionKind",
    "ResponseError", "ShortAnswer", "SingleChoice", "TrueFalse", "grade", "issue", "kind_of",
    "needs_trainer", "normalise_response", "public_view", "registry", "review_view",
    "validate_definition", "validate_response",
]
