"""Grading single choice, multiple choice and true/false."""

import pytest

from question_bank import GradeState, ResponseError, grade, normalise_response
from question_bank.grading import Correctness
from tests.question_bank.builders import multiple_choice, single_choice, true_false


def option_id(question, index):
    return question.option_id(index)


def test_single_choice_right_option_earns_full_credit_and_its_feedback():
    question = single_choice()
    result = grade(question, option_id(question, 0))
    assert result.state == GradeState.GRADED
    assert result.fraction == 1.0
    assert result.correctness == Correctness.CORRECT
    assert [text.en for text in result.feedback] == ["Feedback 0"]


def test_single_choice_penalty_option_clamps_to_zero_but_keeps_raw_fraction():
    question = single_choice(fractions=(1.0, 0.0, -0.5))
    result = grade(question, option_id(question, 2))
    assert result.fraction == 0.0
    assert result.raw_fraction == -0.5
    assert result.correctness == Correctness.INCORRECT


def test_single_choice_unanswered_earns_nothing_and_says_so():
    result = grade(single_choice(), None)
    assert result.state == GradeState.UNANSWERED
    assert result.fraction == 0.0


def test_single_choice_forged_option_id_is_refused():
    with pytest.raises(ResponseError) as caught:
        grade(single_choice(), "o-made-up")
    assert caught.value.issues[0].code == "response.unknown_id"
    assert caught.value.issues[0].key == "sc-1"


def test_single_choice_list_response_is_the_wrong_shape():
    question = single_choice()
    with pytest.raises(ResponseError) as caught:
        grade(question, [option_id(question, 0)])
    assert caught.value.issues[0].code == "response.shape"


def test_multiple_choice_all_right_options_earn_full_credit():
    question = multiple_choice()
    result = grade(question, [option_id(question, 0), option_id(question, 1)])
    assert result.fraction == pytest.approx(1.0)


def test_multiple_choice_one_right_option_earns_partial_credit():
    question = multiple_choice()
    result = grade(question, [option_id(question, 1)])
    assert result.fraction == pytest.approx(0.5)
    assert result.correctness == Correctness.PARTIAL


def test_multiple_choice_ticking_everything_is_cancelled_by_negative_weights():
    question = multiple_choice(fractions=(0.5, 0.5, -0.5, -0.5))
    result = grade(question, [option_id(question, i) for i in range(4)])
    assert result.raw_fraction == pytest.approx(0.0)
    assert result.fraction == 0.0


def test_multiple_choice_negative_total_clamps_at_zero():
    question = multiple_choice(fractions=(0.5, 0.5, -1.0, -1.0))
    result = grade(question, [option_id(question, 0), option_id(question, 2),
                              option_id(question, 3)])
    assert result.raw_fraction == pytest.approx(-1.5)
    assert result.fraction == 0.0


def test_multiple_choice_shows_feedback_of_each_chosen_option():
    question = multiple_choice()
    result = grade(question, [option_id(question, 0), option_id(question, 2)])
    assert [text.en for text in result.feedback] == ["Feedback 0", "Feedback 2"]


def test_multiple_choice_parts_mark_each_option_right_or_wrong():
    question = multiple_choice()
    result = grade(question, [option_id(question, 0), option_id(question, 2)])
    assert [part.correct for part in result.parts] == [True, False, False, True]


def test_multiple_choice_repeated_id_is_refused():
    question = multiple_choice()
    with pytest.raises(ResponseError):
        grade(question, [option_id(question, 0), option_id(question, 0)])


def test_multiple_choice_empty_selection_is_unanswered():
    assert grade(multiple_choice(), []).state == GradeState.UNANSWERED


def test_multiple_choice_single_posted_id_becomes_a_list():
    question = multiple_choice()
    assert normalise_response(question, option_id(question, 1)) == [option_id(question, 1)]


@pytest.mark.parametrize(("answer", "response", "fraction", "feedback"), [
    (True, True, 1.0, "You said true."),
    (True, False, 0.0, "You said false."),
    (False, False, 1.0, "You said false."),
    (False, True, 0.0, "You said true."),
])
def test_true_false_grades_and_shows_feedback_for_the_choice_made(answer, response, fraction,
                                                                  feedback):
    result = grade(true_false(answer=answer), response)
    assert result.fraction == fraction
    assert [text.en for text in result.feedback] == [feedback]


def test_true_false_form_strings_are_normalised():
    question = true_false()
    assert normalise_response(question, "false") is False
    assert normalise_response(question, " TRUE ") is True


def test_true_false_string_response_is_refused_until_normalised():
    with pytest.raises(ResponseError):
        grade(true_false(), "true")


def test_grade_to_dict_is_json_ready():
    question = single_choice()
    data = grade(question, option_id(question, 0)).to_dict()
    assert data["state"] == "graded"
    assert data["fraction"] == 1.0
    assert data["feedback"] == [{"zh": "中文：Feedback 0", "en": "Feedback 0"}]
