"""Validation of question definitions: every problem names the key and the field."""

from dataclasses import replace

from question_bank import (
    LocalText,
    NumericAnswer,
    QuestionType,
    validate_definition,
    validate_questions,
)
from tests.question_bank.builders import (
    calculated,
    case,
    cloze,
    description,
    essay,
    matching,
    multiple_choice,
    numerical,
    ordering,
    question,
    short_answer,
    single_choice,
    text,
    true_false,
)


def problems(found):
    return {(item.key, item.field, item.code) for item in found}


def test_valid_questions_of_every_type_have_no_problems():
    every = [single_choice(), multiple_choice(), true_false(), short_answer(), numerical(),
             matching(), ordering(), essay(), case(), cloze(), calculated(), description()]
    assert {q.type for q in every} == set(QuestionType)
    assert validate_questions(every) == []


def test_single_choice_needs_exactly_one_full_credit_option():
    found = validate_definition(single_choice(fractions=(1.0, 1.0, 0.0)))
    assert ("sc-1", "options", "single.full_credit_count") in problems(found)
    assert "2" in found[0].message("en")


def test_single_choice_partial_credit_is_refused_in_shipped_banks_only():
    partial = single_choice(fractions=(1.0, 0.5, 0.0))
    assert validate_questions([partial], shipped=False) == []
    assert ("sc-1", "options[1].fraction", "single.partial_credit") in problems(
        validate_questions([partial]))


def test_multiple_choice_positive_fractions_must_sum_to_one():
    found = validate_definition(multiple_choice(fractions=(0.5, 0.4, -1.0)))
    assert ("mc-1", "options", "multiple.positive_sum") in problems(found)


def test_multiple_choice_sum_within_a_thousandth_is_accepted():
    assert validate_definition(multiple_choice(fractions=(0.3333, 0.3333, 0.3333, -1))) == []


def test_fraction_outside_minus_one_to_one_is_refused():
    found = validate_definition(multiple_choice(fractions=(0.5, 0.5, -1.5)))
    assert ("mc-1", "options[2].fraction", "fraction.range") in problems(found)


def test_duplicate_option_texts_are_refused():
    base = single_choice()
    options = (base.options[0], base.options[1], replace(base.options[2],
                                                        text=text("option 1 ")))
    found = validate_definition(replace(base, options=options))
    assert ("sc-1", "options[2]", "text.duplicate") in problems(found)


def test_bad_key_points_and_category_are_named():
    found = validate_definition(single_choice(key="Bad Key", points=0, category="a//b"))
    assert {item.code for item in found} >= {"key.invalid", "points.invalid",
                                             "category.invalid"}


def test_what_the_database_cannot_store_is_refused_in_the_definition():
    found = validate_definition(replace(
        single_choice(key="k" * 81, category="a/" + "b" * 199), points=float("inf"),
        text=LocalText(zh="题\x00干", en="stem \ud83d")))
    assert {(item.field, item.code) for item in found} >= {
        ("key", "key.too_long"), ("category", "category.too_long"),
        ("points", "number.not_finite"), ("text.zh", "text.character"),
        ("text.en", "text.character")}
    tabbed = validate_definition(single_choice(category="a/b\tc"))
    assert [item.code for item in tabbed] == ["category.character"]
    assert validate_definition(single_choice(key="k" * 80, category="c" * 200)) == []


def test_messages_quote_at_most_60_characters_of_a_value():
    (found,) = validate_definition(single_choice(key="K" * 5000))
    assert found.code == "key.invalid" and len(found.message("en")) < 150
    assert len(str(found)) < 250


def test_short_answer_needs_a_full_credit_answer_and_no_twice_accepted_term():
    base = short_answer()
    twice = replace(base.answers[1], accept=replace(base.answers[1].accept,
                                                    en=("FIRST RESPONDER",)), fraction=0.5)
    found = validate_definition(replace(base, answers=(replace(base.answers[0], fraction=0.9),
                                                       twice)))
    codes = problems(found)
    assert ("sa-1", None, "answers.no_full_credit") not in codes
    assert ("sa-1", "answers", "answers.no_full_credit") in codes
    assert ("sa-1", "answers[1].accept", "short.duplicate_term") in codes


def test_numerical_answer_needs_one_form_and_a_sane_range():
    found = validate_definition(numerical(answers=(
        NumericAnswer(1.0, value=1.0, minimum=0.0, maximum=2.0),
        NumericAnswer(0.5, minimum=5.0, maximum=1.0),
        NumericAnswer(0.5, value=3.0, tolerance=-1.0))))
    codes = problems(found)
    assert ("nu-1", "answers[0]", "numerical.form") in codes
    assert ("nu-1", "answers[1]", "numerical.range") in codes
    assert ("nu-1", "answers[2].tolerance", "numerical.tolerance") in codes


def test_matching_distractor_equal_to_an_answer_is_refused():
    found = validate_definition(replace(matching(), distractors=(text("4 h"),)))
    assert ("ma-1", "distractors[0]", "matching.distractor_is_answer") in problems(found)


def test_ordering_needs_two_distinct_items():
    found = validate_definition(ordering(count=1))
    assert ("or-1", "items", "list.too_few") in problems(found)


def test_case_subquestion_problems_carry_the_subquestion_path():
    bad = case()
    subs = (replace(bad.subquestions[0], options=bad.subquestions[0].options[:1]),) + \
        bad.subquestions[1:]
    found = validate_definition(replace(bad, subquestions=subs))
    assert ("ca-1", "subquestions[0].options", "list.too_few") in problems(found)


def test_case_inside_a_case_is_refused():
    inner = case("ca-2")
    outer = replace(case(), subquestions=case().subquestions + (inner,))
    assert ("ca-1", "subquestions[3].type", "case.nested") in problems(
        validate_definition(outer))


def test_shipped_rules_demand_both_languages_and_teaching_feedback():
    lonely = single_choice(text=LocalText(en="English only"), general_feedback=None)
    found = problems(validate_questions([lonely]))
    assert ("sc-1", "text", "text.missing_language") in found
    assert ("sc-1", "general_feedback", "feedback.missing") in found
    assert validate_questions([lonely], shipped=False) == []


def test_shipped_essay_needs_rubric_notes():
    found = validate_questions([replace(essay(), grader_info=None)])
    assert ("es-1", "grader_info", "field.missing") in problems(found)


def test_duplicate_keys_are_found_across_questions_and_subquestions():
    found = validate_questions([single_choice("dup"), case("ca-1"), true_false("ca-1-a")])
    assert ("ca-1-a", "key", "key.duplicate") in problems(found)
    assert validate_questions([single_choice("dup"), true_false("dup")])[0].code == \
        "key.duplicate"


def test_issue_messages_exist_in_both_languages():
    found = validate_definition(question(QuestionType.TRUE_FALSE, "tf-x"))
    assert found[0].message("zh") != found[0].message("en")
    assert "tf-x" in str(found[0])
