"""Import preview, duplicate detection and question fingerprints."""

from dataclasses import replace

from question_bank import (
    LocalText,
    content_hash,
    definition_hash,
    detect_format,
    export_questions,
    find_duplicates,
    fingerprints,
    import_questions,
    preview,
    read_gift,
)
from tests.question_bank.builders import fixture, single_choice, text


def test_content_hash_ignores_key_feedback_markup_width_case_and_option_order():
    original = single_choice()
    shuffled = replace(original, key="other", general_feedback=text("Different."),
                       options=original.options[::-1],
                       text=LocalText(zh=original.text.zh, en="<p>QUESTION   ｓｃ-1</p>"))
    assert content_hash(shuffled) == content_hash(original)
    assert definition_hash(shuffled) != definition_hash(original)


def test_content_hash_changes_when_the_right_answer_changes():
    assert content_hash(single_choice(fractions=(1.0, 0.0, -0.5))) != \
        content_hash(single_choice(fractions=(0.0, 1.0, -0.5)))


def test_single_language_import_is_found_as_duplicate_of_a_bilingual_question():
    shipped = single_choice()
    imported = replace(shipped, key="imp", text=LocalText(en=shipped.text.en),
                       options=tuple(replace(o, text=LocalText(en=o.text.en))
                                     for o in shipped.options))
    existing = {print_: shipped.key for print_ in fingerprints(shipped)}
    [duplicate] = find_duplicates([imported], existing)
    assert (duplicate.key, duplicate.other, duplicate.within_file) == ("imp", "sc-1", False)


def test_duplicates_within_one_file_are_found():
    result = read_gift("::a::Same?{T}\n\n::b::  SAME?{T}\n\n::c::Other?{T}", language="en")
    assert [(d.key, d.other, d.within_file) for d in find_duplicates(result.questions)] == [
        ("b", "a", True)]


def test_preview_of_a_clean_file_lists_questions_new_versions_and_duplicates():
    result = import_questions(fixture("gift/constructs.gift").read_bytes(), "constructs.gift",
                              language="en")
    existing = fingerprints(result.questions[0])
    data = preview(result, "zh", existing_fingerprints=existing, existing_keys={"kpis"})
    assert data["ok"] and data["errors"] == []
    assert data["counts"]["total"] == 15
    assert data["counts"]["by_type"]["single_choice"] == 2
    assert data["questions"][0]["duplicate_of"] == "existing"
    assert data["counts"]["duplicates"] == 1
    kpis = next(row for row in data["questions"] if row["key"] == "kpis")
    assert kpis["new_version"] and kpis["excerpt"] == "Which of these are **staff KPIs**?"


def test_preview_of_a_broken_file_shows_errors_in_the_trainers_language():
    result = import_questions(fixture("gift/malformed.gift").read_bytes(), "malformed.gift",
                              language="en")
    data = preview(result, "zh")
    assert not data["ok"] and data["questions"] == []
    first = data["errors"][0]
    assert (first["file"], first["line"], first["code"]) == ("malformed.gift", 3,
                                                             "gift.title_unclosed")
    assert "题目名称" in first["message"]


def test_import_dispatches_on_the_extension():
    assert detect_format("bank.YML") == "yaml" and detect_format("q.txt") == "gift"
    for name in ("gift/constructs.gift", "xml/moodle_sample.xml", "csv/choices.csv",
                 "yaml/valid_bank.yaml"):
        result = import_questions(fixture(name).read_bytes(), name, language="zh")
        assert result.errors == () and result.questions, name


def test_unknown_extension_and_bad_encoding_are_refused():
    assert import_questions(b"x", "bank.docx", language="zh").errors[0].code == "file.format"
    assert import_questions(b"\xff\xfe", "a.gift", language="zh").errors[0].code == \
        "file.encoding"


def test_export_questions_in_every_format():
    questions = [single_choice()]
    for file_format in ("yaml", "gift", "xml", "csv"):
        assert "Option 0" in export_questions(questions, file_format, "en").text
