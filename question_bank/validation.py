"""Validation of whole banks: every question's definition plus the rules across questions.

Two levels:
- always: each question's definition is valid for its type (``qtypes.validate_definition``)
  and keys, sub-question keys included, are unique;
- shipped banks (``shipped=True``): every text has Chinese and
  English, every question and sub-question has general feedback that teaches why, every
  essay tells the trainer what a good answer contains, and wrong single-choice options earn
  nothing or a penalty. Imports relax these two rules because
  GIFT, Moodle XML and CSV files hold one language and often no feedback.
"""

from __future__ import annotations

from collections.abc import Iterable

from question_bank.issues import Issue, issue
from question_bank.model import LANGUAGES, LocalTerms, Question, QuestionType, iter_texts
from question_bank.qtypes import kind_of, validate_definition


def all_keys(question: Question) -> list[str]:
    """The question's key and the keys of its sub-questions."""
    return [question.key] + [sub.key for sub in question.subquestions]


def validate_questions(questions: Iterable[Question], *, shipped: bool = True,
                       bilingual: bool | None = None) -> list[Issue]:
    """Every problem in ``questions``, each naming the question key and field.

    ``shipped`` adds the shipped-bank rules (feedback, rubric notes, no partial credit in
    single choice); ``bilingual`` (default: same as ``shipped``) demands zh and en texts.
    """
    questions = list(questions)
    found: list[Issue] = []
    for question in questions:
        found += question_issues(question, shipped=shipped, bilingual=bilingual)
    return found + duplicate_keys((None, None, question) for question in questions)


def question_issues(question: Question, *, shipped: bool = True,
                    bilingual: bool | None = None) -> list[Issue]:
    """The problems of one question on its own (keys across questions not compared)."""
    bilingual = shipped if bilingual is None else bilingual
    extra = missing_languages(question) if bilingual else []
    if shipped:
        extra += missing_feedback(question) + kind_of(question).strict_check(question)
    return validate_definition(question) + [item.located(key=question.key) for item in extra]


def missing_languages(question: Question) -> list[Issue]:
    """An issue for each text that lacks Chinese or English."""
    found = []
    for path, text in iter_texts(question):
        present = text.languages()
        if not present and isinstance(text, LocalTerms):
            continue  # reported as a missing answer by the type check
        for language in LANGUAGES:
            if language not in present:
                found.append(issue("text.missing_language", field=path, language=language))
    return found


def missing_feedback(question: Question) -> list[Issue]:
    """Issues for a question or sub-question without general feedback, or an essay
    without rubric notes."""
    found = []
    for prefix, item in [("", question)] + [(f"subquestions[{index}].", sub)
                                            for index, sub in enumerate(question.subquestions)]:
        if item.general_feedback is None or item.general_feedback.is_empty():
            found.append(issue("feedback.missing", field=f"{prefix}general_feedback"))
        if item.type == QuestionType.ESSAY and (item.grader_info is None
                                                or item.grader_info.is_empty()):
            found.append(issue("field.missing", field=f"{prefix}grader_info"))
    return found


def duplicate_keys(located: Iterable[tuple[str | None, int | None, Question]]) -> list[Issue]:
    """An issue for each key (sub-question keys included) used a second time.

    ``located`` gives each question with its file and line (either may be None); the issue
    sits at the second use and names the first.
    """
    first_seen: dict[str, str] = {}
    found = []
    for file, line, question in located:
        for key in all_keys(question):
            if key in first_seen:
                found.append(issue("key.duplicate", field="key", value=key,
                                   other=first_seen[key]).located(key=question.key, file=file,
                                                                  line=line))
            else:
                first_seen[key] = f"{file or question.key}:{line}" if line else \
                    f"{file}: {question.key}" if file else question.key
    return found
