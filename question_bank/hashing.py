"""Fingerprints of questions, for duplicate detection and version identity.

``content_hash`` covers what makes two questions "the same question": the type, the question
text and the answers (options with their credit, accepted answers, numbers, pairs, items,
sub-questions), each text folded by ``normalise_for_hash`` (markup stripped, width, case and
spacing folded) and order-free where order does not matter (options, pairs, accepted answers).
Keys, categories, tags, difficulty, points and feedback are left out: a copy with new feedback
is still a duplicate.

Imported questions hold one language while shipped ones hold two, so ``fingerprints`` also
hashes each language alone; two questions are duplicates when their fingerprints meet.

``definition_hash`` covers everything (feedback and metadata included): the web layer can use
it to tell whether an edit produced a new version.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from question_bank.model import (
    LANGUAGES,
    LocalTerms,
    LocalText,
    NumericAnswer,
    Question,
    TextAnswer,
)
from question_bank.text import normalise_for_hash


def _text(text: LocalText | None, languages: tuple[str, ...]) -> list[str]:
    if text is None:
        return []
    return [normalise_for_hash(getattr(text, language)) for language in languages]


def _terms(terms: LocalTerms, languages: tuple[str, ...]) -> list[list[str]]:
    return [sorted(normalise_for_hash(term) for term in getattr(terms, language))
            for language in languages]  # plain strings: natural order is fine


def _answer(answer: TextAnswer | NumericAnswer, languages: tuple[str, ...]) -> list[Any]:
    if isinstance(answer, TextAnswer):
        return [_terms(answer.accept, languages), round(answer.fraction, 4)]
    return [answer.value, answer.tolerance, answer.minimum, answer.maximum, answer.any_other,
            round(answer.fraction, 4)]


def _content(question: Question, languages: tuple[str, ...]) -> list[Any]:
    content = _base_content(question, languages)
    # Added only when present, so the hashes of the other types stay as they were.
    if question.gaps:
        content.append([[gap.kind.value, gap.marks, _unordered(
            [_text(a.text, languages), a.value, a.tolerance, round(a.fraction, 4)]
            for a in gap.answers)] for gap in question.gaps])
    if question.formula:
        content.append([question.formula.replace(" ", ""), _unordered(
            [w.name, list(w.values), w.minimum, w.maximum, w.decimals]
            for w in question.wildcards), question.tolerance, question.tolerance_type.value])
    return content


def _base_content(question: Question, languages: tuple[str, ...]) -> list[Any]:
    return [
        question.type.value,
        _text(question.text, languages),
        _unordered([_text(option.text, languages), round(option.fraction, 4)]
                   for option in question.options),
        question.answer,
        _unordered(_answer(answer, languages) for answer in question.answers),
        _unordered([_text(pair.prompt, languages), _text(pair.answer, languages)]
                   for pair in question.pairs),
        _unordered(_text(text, languages) for text in question.distractors),
        [_text(item, languages) for item in question.items],
        [_content(sub, languages) for sub in question.subquestions],
    ]


def _unordered(values) -> list[Any]:
    # Sorted by their JSON form: mixes of None and numbers have no natural order.
    return sorted(values, key=lambda value: json.dumps(value, ensure_ascii=False))


def _digest(value: Any) -> str:
    encoded = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def content_hash(question: Question, language: str | None = None) -> str:
    """Hash of the normalised text, type and answers (one language, or all)."""
    languages = (language,) if language else LANGUAGES
    return _digest(_content(question, languages))


def fingerprints(question: Question) -> frozenset[str]:
    """The all-language hash plus one hash per language the question holds."""
    present = question.text.languages()
    return frozenset({content_hash(question)} | {content_hash(question, language)
                                                  for language in present})


def definition_hash(question: Question) -> str:
    """Hash of the whole definition; any edit changes it."""
    from question_bank.native import question_to_data

    return _digest(question_to_data(question))
