"""Grading typed answers: short answer and numerical."""

import pytest

from question_bank import GradeState, NumericAnswer, ResponseError, grade
from question_bank.text import normalise_answer, parse_number
from tests.question_bank.builders import numerical, short_answer, text


@pytest.mark.parametrize("typed", [
    "首问负责制",
    "  首问负责制 ",
    "首问负责",
    "First Responder",
    "ＦＩＲＳＴ　ＲＥＳＰＯＮＤＥＲ",  # full-width letters and an ideographic space
    "first    responder",
    "FIRST-RESPONDER RESPONSIBILITY",
])
def test_short_answer_ignores_case_width_and_spaces(typed):
    assert grade(short_answer(), typed).fraction == 1.0


def test_short_answer_partial_answer_earns_its_fraction_and_feedback():
    result = grade(short_answer(), "first")
    assert result.fraction == 0.5
    assert [feedback.en for feedback in result.feedback] == ["Nearly."]


def test_short_answer_wrong_answer_earns_nothing():
    result = grade(short_answer(), "whoever is free")
    assert result.state == GradeState.GRADED
    assert result.fraction == 0.0


def test_short_answer_does_not_match_a_longer_answer_containing_the_term():
    assert grade(short_answer(), "not the first responder").fraction == 0.0


def test_short_answer_blank_is_unanswered():
    assert grade(short_answer(), "   ").state == GradeState.UNANSWERED


def test_short_answer_wildcard_catches_other_answers_for_feedback():
    from dataclasses import replace

    from question_bank import LocalTerms, TextAnswer

    question = short_answer()
    catch_all = TextAnswer(LocalTerms(en=("*",)), 0.0, text("Think of who picked up."))
    question = replace(question, answers=question.answers + (catch_all,))
    assert [f.en for f in grade(question, "the manager").feedback] == ["Think of who picked up."]
    assert grade(question, "first responder").fraction == 1.0


def test_short_answer_number_response_is_refused():
    with pytest.raises(ResponseError):
        grade(short_answer(), 42)


def test_normalise_answer_folds_width_case_and_spacing():
    assert normalise_answer(" Ａｂｃ　 DEF ") == "abc def"


@pytest.mark.parametrize(("typed", "fraction"), [
    ("24", 1.0),
    ("２４", 1.0),  # full-width digits
    ("24.0", 1.0),
    ("24,0", 1.0),  # decimal comma
    ("24 小时", 1.0),  # the unit typed after the number
    ("24 HOURS", 1.0),
    ("25", 0.5),
    ("30", 0.5),  # range boundary included
    ("19.99", 0.0),
    ("abc", 0.0),
])
def test_numerical_reads_what_trainees_type(typed, fraction):
    assert grade(numerical(), typed).fraction == fraction


def test_numerical_accepts_a_json_number():
    assert grade(numerical(), 24).fraction == 1.0


def test_numerical_tolerance_boundary_is_inclusive_and_tight():
    question = numerical(answers=(NumericAnswer(1.0, value=2.0, tolerance=0.5),))
    assert grade(question, "2.5").fraction == 1.0
    assert grade(question, "1.5").fraction == 1.0
    assert grade(question, "2.5001").fraction == 0.0
    assert grade(question, "1.4999").fraction == 0.0


def test_numerical_float_noise_does_not_fail_an_exact_answer():
    question = numerical(answers=(NumericAnswer(1.0, value=0.3),))
    assert grade(question, 0.1 + 0.2).fraction == 1.0


def test_numerical_not_a_number_earns_nothing_with_a_note():
    result = grade(numerical(), "twenty-four")
    assert result.fraction == 0.0
    assert result.note == "not_a_number"


def test_numerical_any_other_answer_gives_feedback_only_when_nothing_else_matches():
    question = numerical(answers=(NumericAnswer(1.0, value=24.0),
                                  NumericAnswer(0.0, any_other=True, feedback=text("Recheck."))))
    assert [f.en for f in grade(question, "48").feedback] == ["Recheck."]
    assert grade(question, "24").feedback == ()


def test_numerical_blank_is_unanswered():
    assert grade(numerical(), " ").state == GradeState.UNANSWERED


@pytest.mark.parametrize(("typed", "value"), [
    ("1,000", 1000.0), ("1,000,000.5", 1000000.5), ("3,5", 3.5), ("-2", -2.0),
    ("−2", -2.0), ("1e3", 1000.0), (".5", 0.5), ("nan", None), ("inf", None), ("", None),
    ("1.2.3", None),
])
def test_parse_number(typed, value):
    assert parse_number(typed) == value


def test_overlong_typed_answers_are_refused():
    from tests.question_bank.builders import essay

    with pytest.raises(ResponseError) as caught:
        grade(short_answer(), "x" * 501)
    assert caught.value.issues[0].code == "response.too_long"
    with pytest.raises(ResponseError):
        grade(essay(), "x" * 50_001)
