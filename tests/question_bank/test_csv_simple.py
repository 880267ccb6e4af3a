"""Simple CSV for choice questions: columns, defaults, errors with lines, round trip."""

import pytest

from question_bank import Difficulty, QuestionType, export_csv, read_csv
from question_bank.formats.csv_simple import load_csv
from tests.question_bank.builders import fixture, multiple_choice, single_choice, true_false


@pytest.fixture(scope="module")
def imported():
    result = load_csv(fixture("csv/choices.csv"), language="zh")
    assert result.errors == () and result.warnings == ()
    return result.questions


def test_single_choice_row_with_every_optional_column(imported):
    question = imported[0]
    assert question.key == "csv-urgent"
    assert question.type == QuestionType.SINGLE_CHOICE
    assert [(o.text.zh, o.fraction) for o in question.options] == [
        ("2 小时内", 1.0), ("1 小时内", 0.0), ("4 小时内", 0.0)]
    assert question.options[0].feedback.zh == "对。"
    assert question.tags == ("时限", "紧急")
    assert (question.difficulty, question.points, question.category) == (
        Difficulty.EASY, 2.0, "售后/时限")


def test_several_letters_make_a_multiple_choice_that_punishes_ticking_everything(imported):
    question = imported[1]
    assert question.type == QuestionType.MULTIPLE_CHOICE
    assert [round(o.fraction, 4) for o in question.options] == [0.3333, 0.3333, -1.0, 0.3333]
    assert question.difficulty == Difficulty.MEDIUM  # written 中等


def test_quoted_multiline_text_and_full_width_letter(imported):
    question = imported[2]
    assert question.text.zh == "多行\n题目？"
    assert [o.fraction for o in question.options] == [0.0, 1.0]


def test_weights_give_exact_credit_and_chinese_type_names():
    result = load_csv(fixture("csv/weights.csv"), language="en")
    first, second = result.questions
    assert [o.fraction for o in first.options] == [0.6, 0.4, -1.0]
    assert second.type == QuestionType.SINGLE_CHOICE
    assert [o.fraction for o in second.options] == [1.0, -0.25, 0.0]


def test_row_errors_carry_their_line_and_nothing_is_imported():
    result = load_csv(fixture("csv/broken.csv"), language="en")
    assert result.questions == ()
    assert [(e.line, e.code) for e in result.errors] == [
        (3, "csv.correct_unknown"), (4, "csv.correct_missing"), (5, "csv.too_few_options"),
        (6, "csv.value")]
    assert "A,B,C" in result.errors[0].message("en")


def test_header_problems_are_reported_on_line_one():
    result = load_csv(fixture("csv/bad_header.csv"), language="en")
    assert {(e.line, e.code) for e in result.errors} == {(1, "csv.unknown_column"),
                                                        (1, "csv.missing_columns")}


def test_correct_must_agree_with_weights():
    text = "text,option_a,option_b,weight_a,weight_b,correct\nQ,a,b,100,0,B\n"
    assert read_csv(text, language="en").errors[0].code == "csv.correct_mismatch"


def test_gb18030_file_from_chinese_excel_is_read_with_a_warning(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("text,option_a,option_b,correct\n哪个对？,甲,乙,A\n".encode("gb18030"))
    result = load_csv(path, language="zh")
    assert result.questions[0].text.zh == "哪个对？"
    assert result.warnings[0].code == "csv.gb18030"


def test_export_then_import_gives_the_same_questions():
    questions = (single_choice("a-1", fractions=(1.0, 0.0, -0.25)),
                 multiple_choice("a-2", fractions=(0.6, 0.4, -1.0, 0.0)))
    exported = export_csv(questions + (true_false(),), "en")
    assert [s.key for s in exported.skipped] == ["tf-1"]
    back = read_csv(exported.text, language="en", category="tests")
    assert back.errors == ()
    assert [(q.key, q.type, [o.fraction for o in q.options], [o.text.en for o in q.options])
            for q in back.questions] == [
        (q.key, q.type, [o.fraction for o in q.options], [o.text.en for o in q.options])
        for q in questions]


def test_thirds_read_back_exactly():
    """33.33333 % is 0.3333333 after a round trip, not 0.33333329999999994."""
    question = multiple_choice("a-3", fractions=(0.3333333, 0.3333333, 0.3333334, -1.0))
    exported = export_csv((question,), "en")
    back = read_csv(exported.text, language="en", category="tests")
    assert back.errors == ()
    assert [o.fraction for o in back.questions[0].options] == [0.3333333, 0.3333333,
                                                                0.3333334, -1.0]
