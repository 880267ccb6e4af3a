"""Item-writing measures of the shipped question bank (issue 15, deliverable 3).

Run ``.venv/bin/python -m tests.content.bank_metrics`` to print the figures; the tests in
``test_question_bank.py`` hold them to their limits.

What is measured:
- *Longest-option cue*: in a single-choice item the key is "the longest" when no other option is
  longer (ties count against the item). Lengths are characters without spaces, per language.
- *All-but-one*: a multiple-response item whose right options are all options but one.
- *Near-duplicates*: two items that test the same fact with the same answer. The score is the
  share of the shorter right answer found in the other (numbers must be the same) times the
  Jaccard index of the stems' character bigrams; a pair at or above ``DUPLICATE_THRESHOLD`` is
  a duplicate. Chinese is compared because its bigrams do not depend on word endings; the
  English texts translate the same items. Matching and ordering items sum a topic up and are
  not compared with single-fact items.
- *Lesson coverage*: every item carries exactly one ``lesson:<course>/<lesson>`` tag naming a
  shipped lesson, and every shipped lesson is named by at least one item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from question_bank import load_shipped_banks
from question_bank.model import LANGUAGES, Question, QuestionType

LESSON_TAG = "lesson:"
DUPLICATE_THRESHOLD = 0.1
LONGEST_KEY_LIMIT = 0.35
ALL_BUT_ONE_LIMIT = 0.25


def _length(text: str) -> int:
    return len(re.sub(r"\s+", "", text))


def key_is_longest(question: Question, language: str) -> bool:
    """True when the single-choice key is at least as long as every other option."""
    lengths = [(_length(option.text.get(language)), option.fraction >= 1.0)
               for option in question.options]
    key = max(length for length, right in lengths if right)
    return all(key >= length for length, right in lengths if not right)


def all_but_one(question: Question) -> bool:
    """True when every option of a multiple-response item but one earns credit."""
    right = sum(1 for option in question.options if option.fraction > 0)
    return right == len(question.options) - 1


def _flatten(questions: Iterable[Question]) -> list[Question]:
    found = []
    for question in questions:
        found.append(question)
        found.extend(question.subquestions)
    return found


def single_choice(questions: Iterable[Question]) -> list[Question]:
    """Every single-choice item, sub-questions of cases included."""
    return [q for q in _flatten(questions) if q.type == QuestionType.SINGLE_CHOICE]


def multiple_choice(questions: Iterable[Question]) -> list[Question]:
    """Every multiple-response item, sub-questions of cases included."""
    return [q for q in _flatten(questions) if q.type == QuestionType.MULTIPLE_CHOICE]


def right_answer_text(question: Question, language: str = "zh") -> str:
    """The right answer of an item as one text (what a duplicate would repeat)."""
    if question.options:
        return " ".join(o.text.get(language) for o in question.options if o.fraction > 0)
    if question.type == QuestionType.TRUE_FALSE:
        return str(question.answer)
    if question.answers:
        best = max(question.answers, key=lambda a: a.fraction)
        accept = getattr(best, "accept", None)
        if accept is not None:
            return " ".join(accept.get(language))
        return f"{best.value}" if best.value is not None else f"{best.minimum}-{best.maximum}"
    if question.pairs:
        return " ".join(p.prompt.get(language) + p.answer.get(language) for p in question.pairs)
    if question.items:
        return " ".join(item.get(language) for item in question.items)
    return ""


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[\s\W_]+", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _jaccard(first: set[str], second: set[str]) -> float:
    return len(first & second) / len(first | second) if first | second else 0.0


def _answer_parts(question: Question) -> tuple[frozenset[float], set[str]]:
    """The numbers of an item's right answer, and the bigrams of its words."""
    text = right_answer_text(question)
    numbers = frozenset(float(n) for n in re.findall(r"\d+(?:\.\d+)?", text))
    return numbers, _bigrams(re.sub(r"\d+(?:\.\d+)?", " ", text))


def same_answer(first: Question, second: Question) -> float:
    """How far two items share their right answer (0..1): the same numbers, and the words of
    the shorter answer found in the longer one."""
    (numbers_a, words_a), (numbers_b, words_b) = _answer_parts(first), _answer_parts(second)
    if numbers_a != numbers_b:
        return 0.0
    if not words_a or not words_b:
        return 1.0 if words_a == words_b else 0.0
    return len(words_a & words_b) / min(len(words_a), len(words_b))


def similarity(first: Question, second: Question) -> float:
    """Same fact, same answer: answer overlap times the Jaccard index of the stems' bigrams."""
    return same_answer(first, second) * _jaccard(_bigrams(first.text.get("zh")),
                                                 _bigrams(second.text.get("zh")))


#: Matching and ordering items sum up a topic, so they overlap single-fact items by design.
SUMMARY_TYPES = (QuestionType.CASE, QuestionType.MATCHING, QuestionType.ORDERING)


def near_duplicates(questions: Iterable[Question],
                    threshold: float = DUPLICATE_THRESHOLD) -> list[tuple[str, str, float]]:
    """Pairs of top-level items that test the same fact with the same answer."""
    items = [q for q in questions if q.type not in SUMMARY_TYPES]
    found = []
    for first, second in combinations(items, 2):
        score = similarity(first, second)
        if score >= threshold:
            found.append((first.key, second.key, round(score, 2)))
    return found


def lesson_tags(question: Question) -> list[str]:
    """The ``<course>/<lesson>`` names an item's lesson tags give."""
    return [tag[len(LESSON_TAG):] for tag in question.tags if tag.startswith(LESSON_TAG)]


@dataclass(frozen=True)
class BankFigures:
    """The measured figures of one bank (see the module docstring)."""

    items: int
    single_choice: int
    longest_key: dict[str, int]
    multiple_choice: int
    all_but_one: int
    duplicates: list[tuple[str, str, float]]

    def longest_share(self, language: str) -> float:
        """Share of single-choice items whose key is the longest option."""
        return self.longest_key[language] / self.single_choice

    @property
    def all_but_one_share(self) -> float:
        """Share of multiple-response items that are "all but one"."""
        return self.all_but_one / self.multiple_choice


def measure(questions: list[Question] | None = None) -> BankFigures:
    """The figures of ``questions`` (default: the shipped bank)."""
    questions = load_shipped_banks() if questions is None else questions
    singles = single_choice(questions)
    multiples = multiple_choice(questions)
    return BankFigures(
        items=len(questions),
        single_choice=len(singles),
        longest_key={lang: sum(key_is_longest(q, lang) for q in singles) for lang in LANGUAGES},
        multiple_choice=len(multiples),
        all_but_one=sum(all_but_one(q) for q in multiples),
        duplicates=near_duplicates(questions),
    )


def report(figures: BankFigures) -> str:
    """The figures as the lines the issue report quotes."""
    lines = [f"items: {figures.items}"]
    for language in LANGUAGES:
        lines.append(f"single choice, key is the longest option ({language}): "
                     f"{figures.longest_key[language]}/{figures.single_choice} = "
                     f"{figures.longest_share(language):.1%} (limit {LONGEST_KEY_LIMIT:.0%})")
    lines.append(f"multiple response, all but one option right: {figures.all_but_one}/"
                 f"{figures.multiple_choice} = {figures.all_but_one_share:.1%} "
                 f"(limit {ALL_BUT_ONE_LIMIT:.0%})")
    lines.append(f"near-duplicate pairs (same answer × stem similarity ≥ {DUPLICATE_THRESHOLD}): "
                 f"{len(figures.duplicates)}")
    lines += [f"  {a} ~ {b}: {score}" for a, b, score in figures.duplicates]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(measure()))
