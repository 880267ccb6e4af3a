"""Grading matching, ordering, essay and case questions."""

import pytest

from question_bank import GradeState, ResponseError, grade, kind_of
from tests.question_bank.builders import case, essay, matching, ordering


def matching_response(question, answers):
    """Prompt index -> answer text (English) as a response of opaque ids."""
    choices = {text.en: choice_id for choice_id, text in kind_of(question).choices(
        question).items()}
    return {question.prompt_id(index): choices[answer] for index, answer in answers.items()}


def test_matching_all_pairs_right_is_full_credit():
    question = matching()
    response = matching_response(question, {0: "2 h", 1: "4 h", 2: "8 h"})
    assert grade(question, response).fraction == pytest.approx(1.0)


def test_matching_partial_credit_per_pair():
    question = matching()
    response = matching_response(question, {0: "2 h", 1: "8 h", 2: "24 h"})
    result = grade(question, response)
    assert result.fraction == pytest.approx(1 / 3)
    assert [part.correct for part in result.parts] == [True, False, False]


def test_matching_unmatched_prompts_count_as_wrong():
    question = matching()
    result = grade(question, matching_response(question, {0: "2 h"}))
    assert result.fraction == pytest.approx(1 / 3)


def test_matching_nothing_matched_is_unanswered():
    assert grade(matching(), {}).state == GradeState.UNANSWERED


def test_matching_forged_choice_id_is_refused():
    question = matching()
    with pytest.raises(ResponseError):
        grade(question, {question.prompt_id(0): "c-forged"})


def test_ordering_right_order_is_full_credit():
    question = ordering()
    assert grade(question, kind_of(question).item_ids(question)).fraction == 1.0


def test_ordering_partial_credit_counts_items_in_their_absolute_position():
    question = ordering()
    a, b, c, d = kind_of(question).item_ids(question)
    assert grade(question, [b, a, c, d]).fraction == pytest.approx(0.5)
    assert grade(question, [a, c, b, d]).fraction == pytest.approx(0.5)


def test_ordering_shifted_by_one_earns_nothing():
    question = ordering()
    a, b, c, d = kind_of(question).item_ids(question)
    result = grade(question, [d, a, b, c])
    assert result.fraction == 0.0
    assert [part.response for part in result.parts] == [2, 3, 4, 1]


def test_ordering_missing_or_repeated_item_is_refused():
    question = ordering()
    a, b, c, _ = kind_of(question).item_ids(question)
    with pytest.raises(ResponseError):
        grade(question, [a, b, c])
    with pytest.raises(ResponseError):
        grade(question, [a, b, c, c])


def test_essay_waits_for_a_trainer():
    result = grade(essay(), "Calm, clarify, negotiate, confirm.")
    assert result.state == GradeState.PENDING
    assert result.fraction is None
    assert result.score(5) is None


def test_essay_trainer_fraction_finishes_the_grade():
    result = grade(essay(), "Calm, clarify, negotiate, confirm.", manual=0.75)
    assert result.state == GradeState.GRADED
    assert result.score(4) == 3.0


def test_essay_trainer_fraction_outside_0_1_is_refused():
    with pytest.raises(ValueError):
        grade(essay(), "text", manual=1.5)


def test_empty_essay_needs_no_trainer():
    assert grade(essay(), "  ").state == GradeState.UNANSWERED


def test_case_weights_subquestions_by_points_and_waits_for_the_essay():
    question = case()
    right = question.subquestions[0].option_id(0)
    response = {"ca-1-a": right, "ca-1-b": False, "ca-1-c": "My answer"}
    pending = grade(question, response)
    assert pending.state == GradeState.PENDING
    assert dict(pending.subgrades)["ca-1-a"].fraction == 1.0
    done = grade(question, response, manual={"ca-1-c": 0.5})
    # (1 * 1 + 0 * 1 + 0.5 * 2) / 4 points
    assert done.fraction == pytest.approx(0.5)


def test_case_all_blank_is_unanswered():
    assert grade(case(), {}).state == GradeState.UNANSWERED


def test_case_answer_to_unknown_subquestion_is_refused():
    with pytest.raises(ResponseError) as caught:
        grade(case(), {"someone-else": "x"})
    assert caught.value.issues[0].code == "response.unknown_id"


def test_case_bad_subresponse_names_the_subquestion():
    with pytest.raises(ResponseError) as caught:
        grade(case(), {"ca-1-a": "o-forged"})
    assert caught.value.issues[0].field == "ca-1-a.response"
