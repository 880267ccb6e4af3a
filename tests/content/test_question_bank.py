"""The shipped question bank measures what the lessons teach (issue 15, deliverable 3).

The figures are printed by ``python -m tests.content.bank_metrics``; see its docstring for what
each one measures.
"""

from __future__ import annotations

import pytest

from lms.courses.bundle import CONTENT_DIR, read_content_dir
from question_bank import load_shipped_banks
from question_bank.model import LANGUAGES, ChoiceOption, LocalText, Question, QuestionType
from tests.content import bank_metrics
from tests.content.bank_metrics import (
    ALL_BUT_ONE_LIMIT,
    LONGEST_KEY_LIMIT,
    all_but_one,
    key_is_longest,
    lesson_tags,
    measure,
    near_duplicates,
)

QUESTIONS = load_shipped_banks()
FIGURES = measure(QUESTIONS)
COURSES, _ = read_content_dir(CONTENT_DIR)
LESSONS = {f"{course.slug}/{lesson.slug}" for course in COURSES for lesson in course.lessons}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_key_is_seldom_the_longest_option(language):
    assert FIGURES.longest_share(language) <= LONGEST_KEY_LIMIT, bank_metrics.report(FIGURES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_key_is_not_reliably_the_shortest_either(language):
    # Rewriting cues away must not plant the opposite cue: with four options a key that is
    # never the longest would be as easy to spot as one that always is.
    assert FIGURES.longest_share(language) >= 0.15, bank_metrics.report(FIGURES)


def test_few_multiple_response_items_are_all_but_one():
    assert FIGURES.all_but_one_share <= ALL_BUT_ONE_LIMIT, bank_metrics.report(FIGURES)


def test_no_two_items_test_the_same_fact_with_the_same_answer():
    assert FIGURES.duplicates == [], bank_metrics.report(FIGURES)


def test_every_item_names_exactly_one_shipped_lesson():
    wrong = {q.key: lesson_tags(q) for q in QUESTIONS
             if len(lesson_tags(q)) != 1 or lesson_tags(q)[0] not in LESSONS}
    assert wrong == {}


def test_every_lesson_is_tested_by_the_bank():
    tested = {lesson_tags(q)[0] for q in QUESTIONS if lesson_tags(q)}
    assert sorted(LESSONS - tested) == []


# The measures themselves, on items built for the purpose.

def _choice(key: str, texts: list[str], right: list[int], kind=QuestionType.SINGLE_CHOICE):
    share = 1.0 / len(right)
    options = tuple(ChoiceOption(LocalText(zh=text, en=text), share if i in right else 0.0)
                    for i, text in enumerate(texts))
    return Question(key=key, type=kind, text=LocalText(zh="题目", en="stem"), options=options)


def test_a_key_longer_than_every_distractor_is_counted_and_a_tie_counts_too():
    assert key_is_longest(_choice("a", ["the long right answer", "no", "nope"], [0]), "en")
    assert key_is_longest(_choice("b", ["same", "size"], [0]), "en")
    assert not key_is_longest(_choice("c", ["short", "a much longer distractor"], [0]), "en")


def test_all_but_one_counts_right_options_against_the_total():
    multiple = QuestionType.MULTIPLE_CHOICE
    assert all_but_one(_choice("d", ["a", "b", "c", "d"], [0, 1, 2], multiple))
    assert not all_but_one(_choice("e", ["a", "b", "c", "d", "e"], [0, 1, 2], multiple))


def test_the_same_fact_asked_twice_is_a_duplicate_but_a_different_number_is_not():
    first = Question(key="f", type=QuestionType.SINGLE_CHOICE,
                     text=LocalText(zh="紧急问题最迟应在多长时间内解决？", en="x"),
                     options=(ChoiceOption(LocalText(zh="2 小时内", en="2 h"), 1.0),
                              ChoiceOption(LocalText(zh="4 小时内", en="4 h"), 0.0)))
    again = Question(key="g", type=QuestionType.SINGLE_CHOICE,
                     text=LocalText(zh="紧急问题最迟要在多长时间内解决完毕？", en="y"),
                     options=(ChoiceOption(LocalText(zh="2 小时内", en="2 h"), 1.0),
                              ChoiceOption(LocalText(zh="8 小时内", en="8 h"), 0.0)))
    other = Question(key="h", type=QuestionType.SINGLE_CHOICE,
                     text=LocalText(zh="普通问题最迟应在多长时间内解决？", en="z"),
                     options=(ChoiceOption(LocalText(zh="8 小时内", en="8 h"), 1.0),
                              ChoiceOption(LocalText(zh="2 小时内", en="2 h"), 0.0)))
    assert [pair[:2] for pair in near_duplicates([first, again, other])] == [("f", "g")]
