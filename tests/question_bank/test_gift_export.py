"""GIFT export: what is written, what is left out, and export -> import round trips."""

from dataclasses import replace

from question_bank import export_gift, load_shipped_banks, read_gift
from question_bank.formats.gift import load_gift
from tests.question_bank.builders import case, fixture, matching, short_answer, text


def test_imported_file_exports_and_reimports_unchanged():
    original = load_gift(fixture("gift/constructs.gift"), language="en").questions
    exported = export_gift(original, "en")
    assert exported.skipped == ()
    assert read_gift(exported.text, language="en").questions == original


def test_export_writes_moodle_readable_metadata_comment_and_category():
    original = load_gift(fixture("gift/constructs.gift"), language="en").questions
    text_ = export_gift(original[:1], "en").text
    assert text_.startswith("$CATEGORY: $course$/top/service-standards/targets\n")
    assert "// [id:gift-single] [tag:targets] [tag:urgent] [difficulty:easy] [points:2]" in text_
    assert "\t~%-50%Within 8 hours#That is the normal-case target." in text_


def test_special_characters_are_escaped():
    question = replace(short_answer(), text=text("Use {braces}, a=b, ~ # : and \\ here"))
    written = export_gift([question], "en").text
    assert "Use \\{braces\\}, a\\=b, \\~ \\# \\: and \\\\ here" in written


def test_shipped_banks_export_to_gift_and_come_back_in_each_language():
    shipped = load_shipped_banks()
    for language in ("zh", "en"):
        exported = export_gift(shipped, language)
        back = read_gift(exported.text, language=language, category="x")
        assert back.errors == ()
        assert len(back.questions) + len(exported.skipped) == len(shipped)
        by_key = {question.key: question for question in back.questions}
        for question in shipped:
            if question.key in by_key:
                assert by_key[question.key].text.get(language) == question.text.get(language)


def test_case_questions_are_listed_as_not_exported():
    exported = export_gift([case()], "en")
    [skipped] = exported.skipped
    assert (skipped.key, skipped.code) == ("ca-1", "export.unsupported")
    assert "GIFT" in skipped.message("en")
    assert exported.text == ""


def test_arrow_inside_a_matching_prompt_cannot_be_written():
    question = matching()
    question = replace(question, pairs=(replace(question.pairs[0], prompt=text("a -> b")),)
                       + question.pairs[1:])
    assert export_gift([question], "en").skipped[0].key == "ma-1"
