"""Moodle XML: import of every supported type, refusals with lines, lossless round trips."""

import pytest

from question_bank import (
    QuestionType,
    TextFormat,
    export_moodle_xml,
    load_shipped_banks,
    read_moodle_xml,
)
from question_bank.formats.moodle_xml import load_moodle_xml
from question_bank.formats.xmltree import parse_xml
from tests.question_bank.builders import case, fixture, numerical


@pytest.fixture(scope="module")
def imported():
    result = load_moodle_xml(fixture("xml/moodle_sample.xml"), language="zh")
    assert result.errors == ()
    return result.questions


def test_every_supported_type_is_read(imported):
    assert [q.type for q in imported] == [
        QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE,
        QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL, QuestionType.MATCHING,
        QuestionType.ESSAY, QuestionType.ORDERING]
    assert {q.category for q in imported} == {"售后服务/响应时限"}


def test_multichoice_single_with_cdata_html_tags_and_negative_fraction(imported):
    question = imported[0]
    assert question.key == "xml-urgent"  # idnumber
    assert question.text_format == TextFormat.HTML
    assert question.text.zh == "<p>紧急问题最迟应在<strong>多长时间内</strong>解决？</p>"
    assert question.points == 2.0
    assert [o.fraction for o in question.options] == [1.0, 0.0, -0.3333333]
    assert question.options[2].text.zh == "8 小时内 & 更久"
    assert question.options[1].feedback.zh == "<p>这是响应时限。</p>"
    assert question.options[2].feedback is None
    assert question.tags == ("时限", "紧急")
    assert question.general_feedback.zh == "<p>紧急：1 小时响应，2 小时解决。</p>"


def test_multichoice_multiple_without_shuffle(imported):
    question = imported[1]
    assert question.shuffle_options is False
    assert [o.fraction for o in question.options] == [0.5, 0.5, -1.0]
    assert question.text_format == TextFormat.MOODLE


def test_truefalse_feedback_per_answer(imported):
    question = imported[2]
    assert question.answer is True and question.text_format == TextFormat.PLAIN
    assert question.feedback_true.zh == "正确。"
    assert question.feedback_false.zh == "再看看回访规定。"


def test_shortanswer_answers_with_equal_credit_and_feedback_form_one_group(imported):
    question = imported[3]
    assert [(a.accept.zh, a.fraction) for a in question.answers] == [
        (("首问负责制", "首问负责"), 1.0), (("首问",), 0.5)]


def test_numerical_value_any_other_and_unit(imported):
    question = imported[4]
    assert (question.answers[0].value, question.answers[0].tolerance) == (4.0, 0.0)
    assert question.answers[1].any_other
    assert question.unit.zh == "小时"


def test_matching_subquestions_and_distractor(imported):
    question = imported[5]
    assert [p.prompt.zh for p in question.pairs] == ["紧急", "一般", "普通"]
    assert [d.zh for d in question.distractors] == ["24 小时"]


def test_essay_grader_information_and_template(imported):
    question = imported[6]
    assert question.grader_info.zh == "<p>问到是否解决、是否满意、有何建议。</p>"
    assert question.response_template.zh == "第一步："


def test_ordering_items_in_order(imported):
    assert [item.zh for item in imported[7].items] == ["情绪安抚", "问题澄清", "方案协商",
                                                        "结果确认"]


def test_keys_come_from_idnumber_then_name_then_content(imported):
    assert imported[1].key == "kpi"
    assert imported[2].key.startswith("xml-")  # Chinese name: no usable key


def test_import_export_import_is_lossless(imported):
    exported = export_moodle_xml(imported, "zh")
    assert exported.skipped == ()
    again = read_moodle_xml(exported.text, language="zh")
    assert again.errors == ()
    assert again.questions == imported


def test_export_uses_cdata_for_markup_and_percent_fractions(imported):
    written = export_moodle_xml(imported[:1], "zh").text
    assert ("<text><![CDATA[<p>紧急问题最迟应在<strong>多长时间内</strong>解决？</p>]]></text>"
            in written)
    assert 'fraction="-33.33333"' in written
    assert "<text>$course$/top/售后服务/响应时限</text>" in written
    parse_xml(written)  # well-formed


def test_cdata_end_marker_inside_text_survives():
    from dataclasses import replace

    from tests.question_bank.builders import text, true_false

    question = replace(true_false(), text=text("odd <b>]]></b> text"))
    written = export_moodle_xml([question], "en").text
    assert read_moodle_xml(written, language="en").questions[0].text.en == "odd <b>]]></b> text"


def test_numerical_ranges_survive_through_our_range_extension():
    question = numerical()
    written = export_moodle_xml([question], "en").text
    assert '<range min="20" max="30"/>' in written and "<tolerance>5</tolerance>" in written
    back = read_moodle_xml(written, language="en").questions[0]
    assert (back.answers[1].minimum, back.answers[1].maximum) == (20.0, 30.0)


def test_shipped_banks_export_and_reimport_in_both_languages():
    shipped = load_shipped_banks()
    for language in ("zh", "en"):
        exported = export_moodle_xml(shipped, language)
        back = read_moodle_xml(exported.text, language=language)
        assert back.errors == ()
        assert len(back.questions) == len(shipped) - len(exported.skipped)


def test_case_questions_are_listed_as_not_exported():
    assert export_moodle_xml([case()], "en").skipped[0].key == "ca-1"


def test_malformed_xml_names_the_line_and_imports_nothing():
    result = load_moodle_xml(fixture("xml/malformed.xml"), language="en")
    assert result.questions == ()
    [error] = result.errors
    assert (error.code, error.line, error.file) == ("xml.syntax", 5, "malformed.xml")


def test_unsupported_content_is_refused_with_lines_and_nothing_imported():
    result = load_moodle_xml(fixture("xml/unsupported.xml"), language="en")
    assert result.questions == ()
    assert [(e.line, e.code) for e in result.errors] == [
        (9, "xml.unsupported_type"), (17, "xml.files"), (25, "xml.not_number"),
        (30, "xml.format")]


def test_type_rules_are_checked_once_the_file_parses():
    text = """<quiz><question type="multichoice"><name><text>two right</text></name>
<questiontext><text>Pick.</text></questiontext>
<answer fraction="100"><text>a</text></answer>
<answer fraction="100"><text>b</text></answer></question></quiz>"""
    [error] = read_moodle_xml(text, "t.xml", language="en").errors
    assert (error.key, error.code, error.line) == ("two-right", "single.full_credit_count", 1)


def test_document_type_declarations_are_refused():
    [error] = load_moodle_xml(fixture("xml/doctype.xml"), language="en").errors
    assert (error.code, error.line) == ("xml.syntax", 2)


def test_not_a_quiz_is_refused():
    assert read_moodle_xml("<html/>", language="en").errors[0].code == "xml.root"


def test_declared_encoding_is_honoured():
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?><quiz><question type="truefalse">'
            '<questiontext><text>Caf\xe9</text></questiontext>'
            '<answer fraction="100"><text>true</text></answer>'
            '<answer fraction="0"><text>false</text></answer></question></quiz>')
    result = read_moodle_xml(data.encode("latin-1"), language="en")
    assert result.questions[0].text.en == "Caf\xe9"
