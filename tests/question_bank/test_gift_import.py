"""GIFT import: every construct listed in issue 7, and malformed files."""

import pytest

from question_bank import Difficulty, QuestionType, TextFormat
from question_bank.formats.gift import load_gift, read_gift
from tests.question_bank.builders import fixture


@pytest.fixture(scope="module")
def imported():
    result = load_gift(fixture("gift/constructs.gift"), language="en")
    assert result.errors == ()
    return {question.key: question for question in result.questions}


def test_every_block_becomes_one_question(imported):
    assert len(imported) == 15


def test_single_choice_with_weights_feedback_title_and_metadata(imported):
    question = imported["gift-single"]  # the [id:...] comment wins over the title
    assert question.type == QuestionType.SINGLE_CHOICE
    assert question.text.en == "Within what time must an urgent case be resolved?"
    assert question.text.zh is None
    assert [(o.text.en, o.fraction) for o in question.options] == [
        ("Within 2 hours", 1.0), ("Within 1 hour", 0.0), ("Within 8 hours", -0.5)]
    assert question.options[0].feedback.en == "Right: respond in 1 h, resolve in 2 h."
    assert question.general_feedback.en.startswith("Urgent cases: respond")
    assert question.tags == ("targets", "urgent")
    assert question.difficulty == Difficulty.EASY
    assert question.points == 2.0
    assert question.category == "service-standards/targets"


def test_multiple_choice_percent_weights_and_markdown_marker(imported):
    question = imported["kpis"]
    assert question.type == QuestionType.MULTIPLE_CHOICE
    assert question.text_format == TextFormat.MARKDOWN
    assert question.text.en == "Which of these are **staff KPIs**?"
    assert [o.fraction for o in question.options] == [0.5, 0.5, -1.0]
    assert question.options[1].feedback is None


def test_true_false_feedback_for_wrong_and_right_answers(imported):
    question = next(q for q in imported.values() if q.text.en.startswith("A callback"))
    assert question.type == QuestionType.TRUE_FALSE and question.answer is True
    assert question.feedback_false.en == "Check the callback rule again."  # wrong answer
    assert question.feedback_true.en == "Correct."
    assert question.general_feedback.en == "24 h, or 72 h for long cases."
    false = next(q for q in imported.values() if q.text.en.startswith("Staff may argue"))
    assert false.answer is False


def test_untitled_questions_get_a_stable_key_from_their_content():
    first = read_gift("Staff may argue with a customer.{F}", language="en").questions[0]
    again = read_gift("\n\nStaff may argue with a customer.{F}\n", language="en").questions[0]
    assert first.key == again.key and first.key.startswith("gift-")


def test_short_answer_groups_and_partial_credit(imported):
    question = imported["first-responder"]
    assert question.type == QuestionType.SHORT_ANSWER
    assert [(a.accept.en, a.fraction, a.feedback.en if a.feedback else None)
            for a in question.answers] == [
        (("first responder",), 1.0, None),
        (("the first responder",), 1.0, "Yes, the one who answered first."),
        (("the agent",), 0.5, "Which agent?")]


def test_numerical_tolerance(imported):
    [answer] = imported["urgent-hours"].answers
    assert (answer.value, answer.tolerance, answer.fraction) == (2.0, 0.5, 1.0)


def test_numerical_range(imported):
    [answer] = imported["callback-window"].answers
    assert (answer.minimum, answer.maximum) == (24.0, 72.0)


def test_numerical_several_answers_with_weights_and_wrong_answer_feedback(imported):
    answers = imported["satisfaction"].answers
    assert [(a.value, a.minimum, a.maximum, a.fraction, a.any_other) for a in answers] == [
        (90.0, None, None, 1.0, False), (None, 85.0, 89.0, 0.5, False),
        (None, None, None, 0.0, True)]
    assert answers[2].feedback.en == "The target is 90 %."


def test_matching_pairs_and_distractor(imported):
    question = imported["match-targets"]
    assert [(p.prompt.en, p.answer.en) for p in question.pairs] == [
        ("urgent", "2 hours"), ("general", "4 hours"), ("normal", "8 hours")]
    assert [d.en for d in question.distractors] == ["24 hours"]


def test_essay_with_html_marker_and_general_feedback(imported):
    question = imported["callback-essay"]
    assert question.type == QuestionType.ESSAY
    assert question.text_format == TextFormat.HTML
    assert question.text.en == "<p>Describe how you run a <b>callback</b>.</p>"
    assert question.general_feedback.en.startswith("A good answer asks")


def test_missing_word_question_gets_a_gap(imported):
    question = next(q for q in imported.values() if "_____" in q.text.en)
    assert question.text.en == ("The four complaint-handling steps start with _____ and end "
                                "with confirming the result.")
    assert question.type == QuestionType.SINGLE_CHOICE


def test_escaped_characters_and_newline(imported):
    question = imported["escapes"]
    assert question.text.en == ("Write { braces }, an equals sign =, a tilde ~, a hash #, "
                                "a colon : and a backslash \\.\nSecond line.")
    assert question.answers[0].accept.en == ("a=b#c",)


def test_plain_and_moodle_format_markers(imported):
    assert imported["plain-text"].text_format == TextFormat.PLAIN
    assert imported["plain-text"].text.en == "Use <angle brackets> as text."
    assert imported["moodle-format"].text_format == TextFormat.MOODLE


def test_ordering_extension(imported):
    question = imported["steps"]
    assert question.type == QuestionType.ORDERING
    assert [item.en for item in question.items] == [
        "calm the customer", "clarify the problem", "negotiate a solution", "confirm the result"]
    assert question.general_feedback.en == "Emotions first, then facts."


def test_category_paths_drop_moodle_context_and_top():
    result = load_gift(fixture("gift/categories.gift"), language="zh", category="fallback")
    assert [q.category for q in result.questions] == [
        "emergency/recall", "fallback", "Default for course-with slash/sub"]


def test_chinese_file_fills_the_chinese_text():
    result = read_gift("::q::紧急问题多久内响应？{=1 小时 ~4 小时}", language="zh")
    assert result.questions[0].text.zh == "紧急问题多久内响应？"
    assert result.questions[0].options[0].text.en is None


def test_language_must_be_zh_or_en():
    with pytest.raises(ValueError):
        read_gift("Q{T}", language="fr")


EXPECTED_ERRORS = [
    (3, "gift.title_unclosed"), (5, "gift.brace_unclosed"), (7, "gift.brace_unopened"),
    (9, "gift.two_blocks"), (11, "gift.text_before_answer"), (13, "gift.not_number"),
    (15, "gift.bad_weight"), (17, "gift.matching_arrow"),
    (21, "gift.brace_nested"), (23, "gift.meta_value"),
]


def test_malformed_file_reports_every_error_with_its_line_and_imports_nothing():
    result = load_gift(fixture("gift/malformed.gift"), language="en")
    assert result.questions == ()
    assert [(e.line, e.code) for e in result.errors] == EXPECTED_ERRORS
    assert {e.file for e in result.errors} == {"malformed.gift"}


def test_malformed_messages_are_bilingual_and_specific():
    result = load_gift(fixture("gift/malformed.gift"), language="en")
    by_code = {e.code: e for e in result.errors}
    assert "two" in by_code["gift.not_number"].message("en")
    assert "easy, medium, hard" in by_code["gift.meta_value"].message("zh")
    assert "答案" in by_code["gift.brace_unclosed"].message("zh")


def test_type_errors_found_after_parsing_carry_line_and_key():
    result = read_gift("\n::two right::Pick one.{=a =b ~c}", "x.gift", language="en")
    [error] = result.errors
    assert (error.line, error.key, error.code) == (2, "two-right", "single.full_credit_count")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.gift"
    path.write_bytes("Caf\xe9?{T}".encode("latin-1"))
    assert load_gift(path, language="en").errors[0].code == "file.encoding"


def test_ordering_settings_we_do_not_model_import_with_warnings():
    text = "Order {>2 RANDOM VERTICAL RELATIVE_NEXT_EXCLUDE_LAST SHOW\na\nb\nc\n}"
    result = read_gift(text, language="en")
    assert result.errors == ()
    assert {w.code for w in result.warnings} == {"gift.ordering_subset",
                                                 "gift.ordering_grading"}
