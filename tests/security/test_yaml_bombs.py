"""Alias bombs and runaway nesting in every YAML reader that sees a person's text (issue 10,
item 6). A 493-byte question import once took 47 s of CPU and 2.2 GB; 10,000 nested brackets
gave a RecursionError (a 500 on the web). Each reader now refuses both quickly, naming the line,
in Chinese and English, through its own error type.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager

import pytest

import scenarios
from lms.courses.bundle import BundleInvalid, read_course_zip
from lms.evaluation.content import SurveyError, load_survey
from lms.roleplay.content import CardError, load_cards
from lms.roleplay.rubric import RubricError, parse_rubrics
from question_bank.formats import import_questions
from tests.courses.helpers import make_zip, valid_course_files

#: The classic "billion laughs": nine levels of nine aliases, 9**9 strings from ~500 bytes.
BOMB = "\n".join(
    ["id: bomb", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]) + "\n"
#: 10,000 nested lists, starting on line 3.
DEEP = "id: deep\ntitle: deep\nqueues: " + "[" * 10_000 + "]" * 10_000 + "\n"
LOOP = "id: loop\nqueues: &q [*q]\n"
assert len(BOMB.encode()) < 520


@contextmanager
def deadline(seconds: float):
    """Fail (instead of hanging for minutes) when the block runs longer than ``seconds``."""
    def expire(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(("text", "line", "en", "zh"), [
    (BOMB, 6, "would expand to more than 10000 values", "展开后超过 10000 个取值"),
    (DEEP, 3, "deeper than 50 levels", "嵌套超过 50 层"),
    (LOOP, 2, "refers to the anchor", "形成循环"),
])
def test_scenario_text(text, line, en, zh):
    with deadline(2), pytest.raises(scenarios.ScenarioError) as raised:
        scenarios.validate(text)
    assert raised.value.issues[0].line == line
    assert en in raised.value.messages("en")[0] and zh in raised.value.messages("zh")[0]


def _bank(body: str) -> bytes:
    return ("curriculum: service_standards\n" + body).encode()


@pytest.mark.parametrize(("text", "code", "line", "zh"), [
    (BOMB, "yaml.alias_expansion", 7, "展开后超过 10000 个取值"),
    (DEEP, "yaml.too_deep", 4, "嵌套超过 50 层"), (LOOP, "yaml.recursive_alias", 3, "形成循环"),
])
def test_question_bank_yaml(text, code, line, zh):
    with deadline(2):
        result = import_questions(_bank(text), "bank.yaml", language="zh")
    (error,) = result.errors
    assert (error.code, error.line, error.file) == (code, line, "bank.yaml")
    assert zh in error.message("zh") and "alias" in error.message("en") + error.message("zh") \
        or "levels" in error.message("en")


@pytest.mark.parametrize(("text", "code", "line"), [
    (BOMB, "yaml.alias_expansion", 6), (DEEP, "yaml.too_deep", 3),
    (LOOP, "yaml.recursive_alias", 2),
])
def test_course_zip(text, code, line):
    with deadline(2), pytest.raises(BundleInvalid) as raised:
        read_course_zip(make_zip({**valid_course_files(), "course.yaml": text.encode()}))
    (error,) = raised.value.errors
    assert (error.file, error.line, error.code) == ("course.yaml", line, code)
    assert "course.yaml" in str(error)
    assert error.message("zh") != error.message("en")


@pytest.mark.parametrize(("text", "line", "en", "zh"), [
    (BOMB, 6, "would expand to more than 10000 values", "展开后超过 10000 个取值"),
    (DEEP, 3, "deeper than 50 levels", "嵌套超过 50 层"),
])
def test_rubric_card_and_survey_files(tmp_path, text, line, en, zh):
    with deadline(2), pytest.raises(RubricError) as raised:
        parse_rubrics(text, "rubrics.yaml")
    assert f"rubrics.yaml:{line}:" in str(raised.value)
    (problem,) = raised.value.problems
    assert en in problem.message["en"] and zh in problem.message["zh"]
    path = tmp_path / "content.yaml"
    path.write_text(text, encoding="utf-8")
    for load, error in ((lambda: load_cards(path, rubrics={}), CardError),
                        (lambda: load_survey(path), SurveyError)):
        with deadline(2), pytest.raises(error) as raised:
            load()
        assert f"content.yaml:{line}:" in str(raised.value)
