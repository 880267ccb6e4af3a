"""The in-lesson knowledge check (issue 15.1): a few bank questions on the lesson page.

Every shipped bank item names the lesson it tests with one ``lesson:<course>/<lesson>`` tag
(the content tests hold each item to exactly one). A lesson page shows up to ``CHECK_SIZE`` of
the items naming it, chosen per person and lesson from a seeded generator, so the same person
sees the same questions (in the same option order) on every visit, and a colleague may see
others. "Check" grades the answers with ``question_bank`` and shows right/wrong and the item's
feedback. Nothing is stored and nothing counts towards a result: the check is for the learner.

Only types a plain form can answer without the exam script are used (no ordering, which needs
the move buttons; no essay, which needs a trainer; no case). The questions come from the
shipped bank files (``question_bank.load_shipped_banks``), read once per process.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from question_bank import load_shipped_banks, qtypes
from question_bank.grading import ReviewOptions
from question_bank.model import Question, QuestionType

logger = logging.getLogger(__name__)

#: How many questions a lesson page shows at most.
CHECK_SIZE = 3
#: Types a learner can answer in a plain form on the lesson page.
CHECKABLE_TYPES = frozenset({
    QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE,
    QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL, QuestionType.MATCHING,
})
#: What a checked question shows: right/wrong and the feedback, no marks (it is not graded).
SHOWN = ReviewOptions(score=False, correctness=True, feedback=True, right_answer=False)


class AnswerRefused(ValueError):
    """A posted answer that does not fit its question (a forged option id, a wrong shape)."""


@dataclass(frozen=True)
class CheckQuestion:
    """One question of a lesson's check: the bank item, its form field name, its view."""

    question: Question
    #: Name of the question's field(s) in the lesson page's form.
    name: str
    #: ``public_view`` before "Check", ``review_view`` after it.
    view: dict
    checked: bool = False


@cache
def shipped_bank() -> tuple[Question, ...]:
    """The shipped bank, loaded once (the files change only with a release)."""
    return tuple(load_shipped_banks())


def lesson_tag(course_slug: str, lesson_slug: str) -> str:
    """The tag by which a bank item names the lesson it tests."""
    return f"lesson:{course_slug}/{lesson_slug}"


def questions_for_lesson(course_slug: str, lesson_slug: str,
                         bank: Sequence[Question] | None = None) -> list[Question]:
    """Every checkable item naming the lesson, in key order."""
    tag = lesson_tag(course_slug, lesson_slug)
    bank = shipped_bank() if bank is None else bank
    return sorted((q for q in bank if tag in q.tags and q.type in CHECKABLE_TYPES),
                  key=lambda q: q.key)


def _seed(user_id: int, course_slug: str, lesson_slug: str) -> str:
    return f"lesson-check:{user_id}:{course_slug}/{lesson_slug}"


def chosen_questions(user_id: int, course_slug: str, lesson_slug: str,
                     bank: Sequence[Question] | None = None) -> list[Question]:
    """The person's questions for the lesson: the same ones on every visit."""
    pool = questions_for_lesson(course_slug, lesson_slug, bank)
    rng = random.Random(_seed(user_id, course_slug, lesson_slug))
    return rng.sample(pool, min(CHECK_SIZE, len(pool)))


def _field_name(question: Question) -> str:
    return f"check-{question.key}"


def _rng(user_id: int, question: Question) -> random.Random:
    # The same order of options before and after "Check", visit after visit.
    return random.Random(f"lesson-check:{user_id}:{question.key}")


def unanswered(user_id: int, course_slug: str, lesson_slug: str, language: str,
               bank: Sequence[Question] | None = None) -> list[CheckQuestion]:
    """The lesson's check as the page first shows it: answerable, nothing revealed."""
    return [CheckQuestion(q, _field_name(q), qtypes.public_view(q, language, _rng(user_id, q)))
            for q in chosen_questions(user_id, course_slug, lesson_slug, bank)]


def check_answers(user_id: int, course_slug: str, lesson_slug: str, form: Mapping[str, Any],
                  language: str, bank: Sequence[Question] | None = None) -> list[CheckQuestion]:
    """Grade the posted answers to the person's questions; raises ``AnswerRefused``.

    Only the person's own questions are read from ``form`` (a multi-dict such as
    ``request.form``), so a posted key cannot bring in another item. A blank answer is shown
    as "not answered". The grades are returned for display and kept nowhere.
    """
    checked = []
    for question in chosen_questions(user_id, course_slug, lesson_slug, bank):
        name = _field_name(question)
        raw = qtypes.kind_of(question).response_from_form(question, form, name)
        response = qtypes.normalise_response(question, raw)
        problems = qtypes.validate_response(question, response)
        if problems:
            logger.info("lesson check %s/%s: refused answer to %s: %s", course_slug,
                        lesson_slug, question.key, "; ".join(str(p) for p in problems))
            raise AnswerRefused(question.key)
        grade = qtypes.grade(question, response)
        view = qtypes.review_view(question, response, grade, language, _rng(user_id, question),
                                  SHOWN)
        checked.append(CheckQuestion(question, name, view, checked=True))
    return checked
