"""Moodle's embedded-answer (cloze) syntax <-> ``ClozeGap``s.

A gap is written ``{marks:TYPE:answer~answer...}`` inside the question text, e.g.
``{1:SHORTANSWER:=answer#feedback~%50%half}``, ``{2:NUMERICAL:=3.5:0.1}`` or
``{1:MULTICHOICE:=right~wrong}``. ``marks`` may be left out (1). An answer starts with ``=``
(100 %) or ``%n%`` (n %), else it is worth 0; ``#`` starts its feedback; a numerical answer
is ``value:tolerance``. ``\\`` escapes ``} ~ # \\`` and the other special characters.

Types read: SHORTANSWER (SA, MW), SHORTANSWER_C (SAC, MWC; case-sensitive, read with a
warning), NUMERICAL (NM), MULTICHOICE (MC, dropdown), MULTICHOICE_V (MCV, vertical),
MULTICHOICE_H (MCH, horizontal) and their shuffled forms MULTICHOICE_S, _VS, _HS (MCS, MCVS,
MCHS). Multiple-response gaps (MULTIRESPONSE, MR...) are refused. Writing uses the long names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from question_bank.datafields import number_data
from question_bank.formats.gift_syntax import percent
from question_bank.model import ClozeGap, GapAnswer, GapDisplay, GapKind, LocalText

_SHORT = {"SHORTANSWER", "SA", "MW"}
_SHORT_CASE = {"SHORTANSWER_C", "SAC", "MWC"}
_NUMERICAL = {"NUMERICAL", "NM"}
_CHOICE = {  # name -> (display, shuffle)
    "MULTICHOICE": (GapDisplay.DROPDOWN, False), "MC": (GapDisplay.DROPDOWN, False),
    "MULTICHOICE_V": (GapDisplay.VERTICAL, False), "MCV": (GapDisplay.VERTICAL, False),
    "MULTICHOICE_H": (GapDisplay.HORIZONTAL, False), "MCH": (GapDisplay.HORIZONTAL, False),
    "MULTICHOICE_S": (GapDisplay.DROPDOWN, True), "MCS": (GapDisplay.DROPDOWN, True),
    "MULTICHOICE_VS": (GapDisplay.VERTICAL, True), "MCVS": (GapDisplay.VERTICAL, True),
    "MULTICHOICE_HS": (GapDisplay.HORIZONTAL, True), "MCHS": (GapDisplay.HORIZONTAL, True),
}
GAP_TYPES = sorted(_SHORT | _SHORT_CASE | _NUMERICAL | set(_CHOICE))
#: The start of an embedded answer: ``{``, optional marks, ``:TYPE:``.
_START = re.compile(r"\{(\d+(?:\.\d+)?)?:([A-Za-z_]+):")
_SPECIAL = "\\}{~#/\"%=:"


class ClozeSyntaxError(ValueError):
    """An embedded answer that cannot be read: ``code``, the offending ``value`` and, for
    an unsupported type, the ``allowed`` ones."""

    def __init__(self, code: str, value: str, **params):
        self.code, self.value, self.params = code, value, params
        super().__init__(f"{code}: {value}")


@dataclass(frozen=True)
class ParsedCloze:
    """The text with ``[[n]]`` markers, the gaps, and whether any gap was case-sensitive."""

    text: str
    gaps: tuple[ClozeGap, ...]
    case_sensitive: bool = False


def _split(body: str, separator: str) -> list[str]:
    """``body`` split at unescaped ``separator`` characters (escapes kept)."""
    parts, current, index = [], [], 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            current.append(body[index:index + 2])
            index += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: m.group(1) if m.group(1) in _SPECIAL else m.group(0),
                  text)


def _escape(text: str) -> str:
    return re.sub(r"([\\}{~#])", r"\\\1", text)


def _end_of(text: str, start: int) -> int:
    """The offset of the unescaped ``}`` closing the gap that starts at ``start``, or -1."""
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == "}":
            return index
        index += 1
    return -1


def parse_cloze(text: str, language: str) -> ParsedCloze:
    """The gaps of a Moodle cloze text; raises ``ClozeSyntaxError``."""
    out, gaps, position, case_sensitive = [], [], 0, False
    while True:
        match = _START.search(text, position)
        if match is None:
            out.append(text[position:])
            break
        end = _end_of(text, match.end())
        if end < 0:
            raise ClozeSyntaxError("xml.cloze_syntax", text[match.start():match.start() + 40])
        out.append(text[position:match.start()])
        name = match.group(2).upper()
        marks = float(match.group(1)) if match.group(1) else 1.0
        gap = _gap(name, marks, text[match.end():end], language, text[match.start():end + 1])
        case_sensitive = case_sensitive or name in _SHORT_CASE
        gaps.append(gap)
        out.append(f"[[{len(gaps)}]]")
        position = end + 1
    return ParsedCloze("".join(out), tuple(gaps), case_sensitive)


def _gap(name: str, marks: float, body: str, language: str, whole: str) -> ClozeGap:
    if name in _SHORT or name in _SHORT_CASE:
        kind, display, shuffle = GapKind.SHORT_ANSWER, GapDisplay.DROPDOWN, False
    elif name in _NUMERICAL:
        kind, display, shuffle = GapKind.NUMERICAL, GapDisplay.DROPDOWN, False
    elif name in _CHOICE:
        kind, (display, shuffle) = GapKind.CHOICE, _CHOICE[name]
    else:
        raise ClozeSyntaxError("xml.cloze_gap_type", name, allowed=GAP_TYPES)
    answers = [_answer(kind, raw, language, whole) for raw in _split(body, "~")
               if raw.strip()]
    return ClozeGap(kind, tuple(answers), marks, display, shuffle)


def _answer(kind: GapKind, raw: str, language: str, whole: str) -> GapAnswer:
    raw = raw.strip()
    fraction = 0.0
    if raw.startswith("="):
        fraction, raw = 1.0, raw[1:]
    elif raw.startswith("%"):
        closing = raw.find("%", 1)
        try:
            fraction = float(Decimal(raw[1:closing]) / 100) if closing > 0 else None
        except InvalidOperation:
            fraction = None
        if fraction is None:
            raise ClozeSyntaxError("xml.cloze_syntax", whole[:60])
        raw = raw[closing + 1:]
    pieces = _split(raw, "#")
    answer_text = pieces[0]
    feedback_text = _unescape("#".join(pieces[1:])).strip() if len(pieces) > 1 else ""
    feedback = LocalText.single(language, feedback_text) if feedback_text else None
    if kind == GapKind.NUMERICAL:
        value_part, *tolerance = _split(answer_text, ":")
        value_text = _unescape(value_part).strip()
        if value_text == "*":
            raise ClozeSyntaxError("xml.cloze_any", whole[:60])
        try:
            value = float(Decimal(value_text))
            spread = float(Decimal(_unescape(tolerance[0]).strip())) if tolerance else 0.0
        except InvalidOperation:
            raise ClozeSyntaxError("xml.cloze_syntax", whole[:60]) from None
        return GapAnswer(fraction, value=value, tolerance=spread, feedback=feedback)
    text = _unescape(answer_text).strip()
    return GapAnswer(fraction, text=LocalText.single(language, text) if text else None,
                     feedback=feedback)


def gap_syntax(gap: ClozeGap, language: str) -> str:
    """``gap`` in Moodle's embedded-answer syntax."""
    if gap.kind == GapKind.NUMERICAL:
        name = "NUMERICAL"
    elif gap.kind == GapKind.SHORT_ANSWER:
        name = "SHORTANSWER"
    else:
        name = "MULTICHOICE" + {GapDisplay.DROPDOWN: "", GapDisplay.VERTICAL: "_V",
                                GapDisplay.HORIZONTAL: "_H"}[gap.display]
        if gap.shuffle:
            name += "S" if gap.display != GapDisplay.DROPDOWN else "_S"
    answers = []
    for answer in gap.answers:
        weight = "=" if answer.fraction == 1.0 else f"%{percent(answer.fraction)}%"
        if gap.kind == GapKind.NUMERICAL:
            body = repr(number_data(answer.value))
            if answer.tolerance:
                body += f":{number_data(answer.tolerance)!r}"
        else:
            body = _escape(answer.text.get(language) if answer.text else "")
        if answer.feedback and answer.feedback.get(language):
            body += "#" + _escape(answer.feedback.get(language))
        answers.append(weight + body)
    return f"{{{number_data(gap.marks)}:{name}:{'~'.join(answers)}}}"


def cloze_text(text: str, gaps: tuple[ClozeGap, ...], language: str) -> str:
    """A text with ``[[n]]`` markers written with Moodle's embedded answers."""
    def replace(match: re.Match) -> str:
        number = int(match.group(1))
        return gap_syntax(gaps[number - 1], language) if 1 <= number <= len(gaps) else \
            match.group(0)
    return re.sub(r"\[\[(\d{1,3})\]\]", replace, text)
