"""Moodle XML export: questions -> a ``<quiz>`` document Moodle and ``read_moodle_xml`` read.

Texts are written in CDATA when they hold markup characters, escaped otherwise. Fractions are
written as exact decimal percentages, so reading them back gives the same floats. A category
pseudo-question precedes each change of category. Case questions are left out (Moodle has no
equivalent) and listed in ``ExportResult.skipped``. Characters XML 1.0 cannot hold (control
characters other than tab and line break) are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from question_bank.datafields import number_data
from question_bank.formats.cloze_syntax import cloze_text
from question_bank.formats.common import ExportResult, not_exported
from question_bank.formats.gift_syntax import percent
from question_bank.model import (
    AnswerFormat,
    LocalText,
    NumericAnswer,
    Question,
    QuestionType,
    TextFormat,
    ToleranceType,
)

FORMAT_NAMES = {TextFormat.HTML: "html", TextFormat.MOODLE: "moodle_auto_format",
                TextFormat.PLAIN: "plain_text", TextFormat.MARKDOWN: "markdown"}
QTYPES = {QuestionType.SINGLE_CHOICE: "multichoice", QuestionType.MULTIPLE_CHOICE: "multichoice",
          QuestionType.TRUE_FALSE: "truefalse", QuestionType.SHORT_ANSWER: "shortanswer",
          QuestionType.NUMERICAL: "numerical", QuestionType.MATCHING: "matching",
          QuestionType.ESSAY: "essay", QuestionType.ORDERING: "ordering",
          QuestionType.CLOZE: "cloze", QuestionType.CALCULATED: "calculatedsimple",
          QuestionType.DESCRIPTION: "description"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cdata(text: str) -> str:
    """``text`` safe inside an element: CDATA when it holds markup, escaped otherwise."""
    text = _NOT_XML.sub("", text)
    if not any(char in text for char in "<>&"):
        return xml_escape(text)
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def export_moodle_xml(questions: Iterable[Question], language: str) -> ExportResult:
    """A Moodle XML document for ``questions`` in ``language``."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    skipped, category = [], None
    for question in questions:
        if question.type not in QTYPES:
            skipped.append(not_exported(question, "Moodle XML", "case questions"))
            continue
        if question.category != category:
            parts.append(_category(question.category))
            category = question.category
        parts.append(_Writer(question, language).element())
    parts.append("</quiz>\n")
    return ExportResult("\n".join(parts), tuple(skipped))


def _category(category: str) -> str:
    return ('  <question type="category">\n    <category>\n'
            f"      <text>{cdata('$course$/top/' + category)}</text>\n"
            "    </category>\n  </question>")


class _Writer:
    """Writes one ``<question>``."""

    def __init__(self, question: Question, language: str):
        self.question, self.language = question, language
        self.format = FORMAT_NAMES[question.text_format]

    def text(self, tag: str, text: LocalText | str | None, indent: int = 4,
             formatted: bool = True) -> str:
        """``<tag format="..."><text>...</text></tag>``."""
        value = text.get(self.language) if isinstance(text, LocalText) else (text or "")
        attribute = f" format={quoteattr(self.format)}" if formatted else ""
        pad = " " * indent
        return f"{pad}<{tag}{attribute}>\n{pad}  <text>{cdata(value)}</text>\n{pad}</{tag}>"

    def element(self) -> str:
        """The whole element."""
        question = self.question
        body = [
            self.text("name", question.key, formatted=False),
            self.text("questiontext", cloze_text(question.text.get(self.language),
                                                 question.gaps, self.language)
                      if question.type == QuestionType.CLOZE else question.text),
            self.text("generalfeedback", question.general_feedback),
            f"    <defaultgrade>{number_data(question.points)}</defaultgrade>",
            "    <penalty>0</penalty>", "    <hidden>0</hidden>",
            f"    <idnumber>{cdata(question.key)}</idnumber>",
            f"    <difficulty>{question.difficulty.value}</difficulty>",
        ]
        body += getattr(self, question.type.value)()
        if question.tags:
            body.append("    <tags>\n" + "\n".join(
                f"      <tag><text>{cdata(tag)}</text></tag>" for tag in question.tags)
                + "\n    </tags>")
        qtype = QTYPES[question.type]
        return f'  <question type="{qtype}">\n' + "\n".join(body) + "\n  </question>"

    def answer(self, fraction: float, text: str, feedback: LocalText | None,
               extra: str = "") -> str:
        """One ``<answer>`` with its feedback."""
        return (f'    <answer fraction="{percent(fraction)}" format="{self.format}">\n'
                f"      <text>{cdata(text)}</text>\n{extra}"
                + self.text("feedback", feedback, indent=6) + "\n    </answer>")

    def single_choice(self) -> list[str]:
        """``multichoice`` settings and answers."""
        question = self.question
        single = "true" if question.type == QuestionType.SINGLE_CHOICE else "false"
        shuffle = "true" if question.shuffle_options else "false"
        lines = [f"    <single>{single}</single>",
                 f"    <shuffleanswers>{shuffle}</shuffleanswers>",
                 "    <answernumbering>abc</answernumbering>"]
        return lines + [self.answer(option.fraction, option.text.get(self.language),
                                    option.feedback) for option in question.options]

    multiple_choice = single_choice

    def true_false(self) -> list[str]:
        """The ``true`` and ``false`` answers."""
        question = self.question
        return [self.answer(1.0 if question.answer else 0.0, "true", question.feedback_true),
                self.answer(0.0 if question.answer else 1.0, "false", question.feedback_false)]

    def short_answer(self) -> list[str]:
        """One answer per accepted text."""
        return ["    <usecase>0</usecase>"] + [
            self.answer(answer.fraction, term, answer.feedback)
            for answer in self.question.answers for term in answer.accept.get(self.language)]

    def numerical(self) -> list[str]:
        """Answers with tolerance (and our exact ``<range>``), then the unit."""
        lines = [self.answer(answer.fraction, *_numeric_parts(answer), answer.feedback,
                             _range_extra(answer)) for answer in self.question.answers]
        unit = self.question.unit.get(self.language) if self.question.unit else ""
        if unit:
            lines.append("    <units>\n      <unit>\n        <multiplier>1</multiplier>\n"
                         f"        <unit_name>{cdata(unit)}</unit_name>\n      </unit>\n"
                         "    </units>")
        return lines + ["    <unitgradingtype>0</unitgradingtype>",
                        "    <unitpenalty>0</unitpenalty>", "    <showunits>3</showunits>",
                        "    <unitsleft>0</unitsleft>"]

    def matching(self) -> list[str]:
        """Sub-questions; distractors as sub-questions without text."""
        pairs = [(pair.prompt.get(self.language), pair.answer.get(self.language))
                 for pair in self.question.pairs]
        pairs += [("", text.get(self.language)) for text in self.question.distractors]
        return ["    <shuffleanswers>true</shuffleanswers>"] + [
            f'    <subquestion format="{self.format}">\n      <text>{cdata(prompt)}</text>\n'
            f"      <answer>\n        <text>{cdata(answer)}</text>\n      </answer>\n"
            "    </subquestion>" for prompt, answer in pairs]

    def ordering(self) -> list[str]:
        """qtype_ordering settings, then the items in order (fraction = position)."""
        count = len(self.question.items)
        lines = ["    <layouttype>VERTICAL</layouttype>", "    <selecttype>ALL</selecttype>",
                 f"    <selectcount>{count}</selectcount>",
                 "    <gradingtype>ABSOLUTE_POSITION</gradingtype>",
                 "    <showgrading>SHOW</showgrading>"]
        return lines + [
            f'    <answer fraction="{position}" format="{self.format}">\n'
            f"      <text>{cdata(item.get(self.language))}</text>\n    </answer>"
            for position, item in enumerate(self.question.items, start=1)]

    def essay(self) -> list[str]:
        """Response settings, grader information and response template."""
        return ["    <responseformat>editor</responseformat>",
                "    <responserequired>1</responserequired>",
                "    <responsefieldlines>15</responsefieldlines>",
                "    <attachments>0</attachments>",
                "    <attachmentsrequired>0</attachmentsrequired>",
                self.text("graderinfo", self.question.grader_info),
                self.text("responsetemplate", self.question.response_template)]

    def cloze(self) -> list[str]:
        """Nothing besides the text: the gaps are written inside it."""
        return []

    def description(self) -> list[str]:
        """Nothing besides the text."""
        return []

    def calculated(self) -> list[str]:
        """The answer formula with tolerance and format, the unit, then one dataset per
        wildcard (its items, and its range and decimals when it has one)."""
        question = self.question
        tolerance_type = "1" if question.tolerance_type == ToleranceType.RELATIVE else "2"
        answer_format = "2" if question.answer_format == AnswerFormat.SIGNIFICANT else "1"
        extra = (f"      <tolerance>{number_data(question.tolerance)!r}</tolerance>\n"
                 f"      <tolerancetype>{tolerance_type}</tolerancetype>\n"
                 f"      <correctanswerformat>{answer_format}</correctanswerformat>\n"
                 f"      <correctanswerlength>{question.decimals}</correctanswerlength>\n")
        lines = ["    <synchronize>0</synchronize>", "    <single>0</single>",
                 "    <answernumbering>abc</answernumbering>",
                 "    <shuffleanswers>0</shuffleanswers>",
                 self.answer(1.0, question.formula, None, extra)]
        unit = question.unit.get(self.language) if question.unit else ""
        if unit:
            lines.append("    <units>\n      <unit>\n        <multiplier>1</multiplier>\n"
                         f"        <unit_name>{cdata(unit)}</unit_name>\n      </unit>\n"
                         "    </units>")
        lines += ["    <unitgradingtype>0</unitgradingtype>", "    <unitpenalty>0</unitpenalty>",
                  "    <showunits>3</showunits>", "    <unitsleft>0</unitsleft>",
                  "    <dataset_definitions>"]
        from question_bank.qtypes import kind_of

        kind = kind_of(question)
        count = kind.item_count(question)
        items = [kind.item_values(question, index) for index in range(count)]
        for wildcard in question.wildcards:
            values = [item[wildcard.name] for item in items]
            ranged = ""
            if wildcard.minimum is not None:
                ranged += (f"        <minimum><text>{number_data(wildcard.minimum)!r}</text>"
                           "</minimum>\n")
            if wildcard.maximum is not None:
                ranged += (f"        <maximum><text>{number_data(wildcard.maximum)!r}</text>"
                           "</maximum>\n")
            lines.append(
                "      <dataset_definition>\n"
                "        <status><text>private</text></status>\n"
                f"        <name><text>{cdata(wildcard.name)}</text></name>\n"
                "        <type>calculatedsimple</type>\n"
                "        <distribution><text>uniform</text></distribution>\n" + ranged
                + f"        <decimals><text>{wildcard.decimals}</text></decimals>\n"
                f"        <itemcount>{count}</itemcount>\n        <dataset_items>\n"
                + "".join(f"          <dataset_item><number>{n}</number>"
                          f"<value>{number_data(v)!r}</value></dataset_item>\n"
                          for n, v in enumerate(values, start=1))
                + f"        </dataset_items>\n        <number_of_items>{count}</number_of_items>\n"
                "      </dataset_definition>")
        return lines + ["    </dataset_definitions>"]


def _numeric_parts(answer: NumericAnswer) -> tuple[str]:
    if answer.any_other:
        return ("*",)
    if answer.is_range:
        middle = (answer.minimum + answer.maximum) / 2
        return (repr(number_data(middle)),)
    return (repr(number_data(answer.value)),)


def _range_extra(answer: NumericAnswer) -> str:
    if answer.any_other:
        return "      <tolerance>0</tolerance>\n"
    if answer.is_range:
        half = (answer.maximum - answer.minimum) / 2
        return (f"      <tolerance>{number_data(half)!r}</tolerance>\n"
                f'      <range min="{number_data(answer.minimum)!r}" '
                f'max="{number_data(answer.maximum)!r}"/>\n')
    return f"      <tolerance>{number_data(answer.tolerance)!r}</tolerance>\n"
