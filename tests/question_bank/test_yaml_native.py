"""The native YAML format: loading with line numbers, all-or-nothing, exact round trip."""

from question_bank import (
    QuestionType,
    dump_yaml,
    load_bank,
    question_from_data,
    question_to_data,
    read_yaml,
)
from question_bank.formats.yaml_native import load_file
from question_bank.issues import BankError
from tests.question_bank.builders import fixture


def test_valid_bank_loads_every_type_with_file_defaults():
    questions = load_bank(fixture("yaml/valid_bank.yaml"))
    new_types = {QuestionType.CLOZE, QuestionType.CALCULATED, QuestionType.DESCRIPTION}
    assert [q.type for q in questions] == [t for t in QuestionType if t not in new_types]
    single, multi = questions[0], questions[1]
    assert single.category == "service-standards/targets"
    assert multi.category == "service-standards/kpi"
    assert single.curriculum.value == "service_standards"
    assert single.tags == ("targets", "urgent")
    assert multi.points == 2.0 and multi.shuffle_options is False


def test_case_points_default_to_the_sum_of_its_subquestions():
    case = load_bank(fixture("yaml/valid_bank.yaml"))[-1]
    assert case.points == 3.0
    assert [sub.key for sub in case.subquestions] == ["t-case-a", "t-case-b"]


def test_english_no_stays_a_word_not_a_boolean():
    true_false = load_bank(fixture("yaml/valid_bank.yaml"))[2]
    assert true_false.feedback_false.en == "No"


def test_syntax_error_names_the_line_and_imports_nothing():
    result = load_file(fixture("yaml/broken_syntax.yaml"))
    assert result.questions == ()
    [error] = result.errors
    assert (error.file, error.line, error.code) == ("broken_syntax.yaml", 6, "yaml.syntax")
    assert "line 5" in error.message("en")


def test_a_merge_of_something_not_a_mapping_is_a_syntax_error_on_its_line():
    result = read_yaml("curriculum: service_standards\nquestions:\n  - <<: 3\n", "m.yaml")
    error = result.errors[0]
    assert (error.file, error.line, error.code) == ("m.yaml", 3, "yaml.syntax")
    assert "merging" in error.message("en") and result.questions == ()
    # while texts shared through anchors (well within the alias budget) still load
    text = ("curriculum: service_standards\nquestions:\n"
            "  - {key: tf-a, type: true_false, difficulty: easy, answer: true,\n"
            "     text: &same {zh: 对吗, en: Right}}\n"
            "  - {key: tf-b, type: true_false, difficulty: easy, answer: false, text: *same}\n")
    result = read_yaml(text, "a.yaml", shipped=False)
    assert [q.text.en for q in result.questions] == ["Right", "Right"]


def test_every_field_problem_is_reported_with_its_line_and_nothing_is_imported():
    result = load_file(fixture("yaml/broken_fields.yaml"))
    assert result.questions == ()
    found = {(e.line, e.key, e.field, e.code) for e in result.errors}
    assert found == {
        (6, "b-one", "difficulty", "field.choice"),
        (9, "b-one", "colour", "field.unknown"),
        (10, "b-one", "options", "single.full_credit_count"),
        (18, "b-two", "text.en", "text.not_string"),
        (20, "b-two", "answer", "field.type"),
        (21, "b-one", "key", "key.duplicate"),
        (24, "b-one", "text", "text.missing_language"),
        (27, None, "questions[2].grader_info", "yaml.duplicate_key"),
    }
    assert all(e.file == "broken_fields.yaml" for e in result.errors)


def test_messages_name_the_allowed_values():
    result = load_file(fixture("yaml/broken_fields.yaml"))
    difficulty = next(e for e in result.errors if e.field == "difficulty")
    assert "easy, medium, hard" in difficulty.message("en")
    assert "easy, medium, hard" in difficulty.message("zh")


def test_load_bank_raises_with_every_problem():
    try:
        load_bank(fixture("yaml/broken_fields.yaml"))
    except BankError as error:
        assert len(error.issues) == 8
        assert "broken_fields.yaml:9" in str(error)
    else:
        raise AssertionError("a broken bank loaded")


def test_trainer_upload_may_be_single_language_without_feedback():
    text = """
curriculum: technical_skills
questions:
  - key: up-1
    type: true_false
    difficulty: easy
    text: {zh: "先断电再检修。"}
    answer: true
"""
    assert {e.code for e in read_yaml(text).errors} == {"text.missing_language",
                                                        "feedback.missing"}
    [question] = read_yaml(text, shipped=False).questions
    assert question.text.en is None and question.text.get("en") == "先断电再检修。"


def test_missing_curriculum_and_empty_question_list_are_errors():
    result = read_yaml("category: x\nquestions: []\n", "empty.yaml")
    assert {e.code for e in result.errors} == {"field.missing", "list.too_few"}


def test_empty_file_is_an_error():
    assert read_yaml("", "blank.yaml").errors[0].code == "file.empty"


def test_dump_then_load_gives_the_same_questions():
    questions = load_bank(fixture("yaml/valid_bank.yaml"))
    text = dump_yaml(questions)
    assert read_yaml(text).questions == questions
    assert "tags: [targets, urgent]" in text
    assert "紧急问题最迟多久内解决？" in text  # Chinese written as is, not escaped


def test_question_snapshot_round_trip():
    for question in load_bank(fixture("yaml/valid_bank.yaml")):
        data = question_to_data(question)
        assert data["curriculum"] == "service_standards"
        assert question_from_data(data) == question


def test_invalid_snapshot_raises():
    try:
        question_from_data({"key": "x", "type": "true_false", "difficulty": "easy",
                            "text": {"en": "t"}})
    except BankError as error:
        assert error.issues[0].field == "answer"
    else:
        raise AssertionError("accepted a true/false question without an answer")
