"""GIFT answer blocks: the part between the braces, read per question type.

The type is told from the block the way Moodle tells it: empty -> essay; ``>`` -> ordering
(qtype_ordering); ``#`` -> numerical; any ``~`` -> choice (single when some answer starts with
``=``, multiple otherwise); ``=`` with ``->`` -> matching; ``T``/``TRUE``/``F``/``FALSE`` ->
true/false; anything else -> short answer. Escaped characters are already private-use
stand-ins here (see ``gift.escape_placeholders``), so every ``=``, ``~``, ``#`` seen is markup.
"""

from __future__ import annotations

import re
from typing import Any

from question_bank.formats.common import scaled_multiple_response, scaled_warning
from question_bank.formats.gift_syntax import TF_WORDS, restore, split_format, weight
from question_bank.issues import issue
from question_bank.model import (
    ChoiceOption,
    LocalTerms,
    LocalText,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    TextAnswer,
)

_WEIGHT = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
_LOOKS_LIKE_WEIGHT = re.compile(r"\s*%[^%\s]*%")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_SELECT_ALL = {"", "ALL", "EXACT"}
_ABSOLUTE = {"", "ABS", "ABSOLUTE", "ABSOLUTE_POSITION"}


class _Stop(Exception):
    """A problem already recorded; stop reading this question."""


def parse_block(reader, chunk, body: str, offset: int, base: dict[str, Any]
                ) -> tuple[Question, dict[str, int]] | None:
    """The question for one answer block, with field path -> line; None after an error."""
    block = _Block(reader, chunk, base)
    try:
        return block.parse(body, offset)
    except _Stop:
        return None


class _Block:
    """Reads one answer block of one question."""

    def __init__(self, reader, chunk, base: dict[str, Any]):
        self.reader, self.chunk, self.base = reader, chunk, dict(base)
        self.lines: dict[str, int] = {}

    # --- helpers -------------------------------------------------------------------------
    def fail(self, code: str, offset: int, **params) -> None:
        """Record an error at ``offset`` and stop this question."""
        self.reader.fail(code, self.chunk.line_at(offset), **params)
        raise _Stop

    def text(self, raw: str) -> str:
        """Escapes restored, a leading format marker dropped, spaces trimmed."""
        return split_format(restore(raw), self.base["text_format"])[1]

    def local(self, raw: str) -> LocalText | None:
        """``raw`` as a text in the import language, or None when empty."""
        text = self.text(raw)
        return LocalText.single(self.reader.options.language, text) if text else None

    def weight(self, piece: str, default: float, offset: int) -> tuple[float, str]:
        """A leading ``%n%`` weight (or ``default``) and the rest of the piece."""
        match = _WEIGHT.match(piece)
        if match:
            return weight(match.group(1)), piece[match.end():]
        if _LOOKS_LIKE_WEIGHT.match(piece):
            self.fail("gift.bad_weight", offset, value=piece.strip().split("%")[1])
        return default, piece

    def number(self, raw: str, offset: int) -> float:
        """A number written in an answer."""
        text = restore(raw).strip()
        if not _NUMBER.match(text):
            self.fail("gift.not_number", offset, value=text)
        return float(text)

    @staticmethod
    def pieces(body: str, offset: int, markers: str) -> list[tuple[str, str, int]]:
        """``(marker, text, offset)`` for each answer; the first marker may be ''."""
        found, start, marker = [], 0, ""
        for index, char in enumerate(body):
            if char in markers:
                found.append((marker, body[start:index], offset + start))
                start, marker = index + 1, char
        found.append((marker, body[start:], offset + start))
        return found

    def marked(self, body: str, offset: int, markers: str) -> list[tuple[str, str, int]]:
        """The pieces after the first marker; text before it is an error."""
        pieces = self.pieces(body, offset, markers)
        if pieces[0][1].strip():
            self.fail("gift.text_before_answer", pieces[0][2], value=self.text(pieces[0][1]))
        return pieces[1:]

    def build(self, kind: QuestionType, **fields) -> tuple[Question, dict[str, int]]:
        """The finished question and its field lines."""
        return Question(type=kind, **self.base, **fields), self.lines

    # --- dispatch ------------------------------------------------------------------------
    def parse(self, body: str, offset: int) -> tuple[Question, dict[str, int]]:
        """Split off general feedback, tell the type, read the answers."""
        general_at = body.rfind("####")
        if general_at >= 0:
            self.base["general_feedback"] = self.local(body[general_at + 4:])
            self.lines["general_feedback"] = self.chunk.line_at(offset + general_at)
            body = body[:general_at]
        stripped = body.strip()
        start = offset + len(body) - len(body.lstrip())
        if not stripped:
            return self.build(QuestionType.ESSAY)
        if stripped.startswith(">"):
            return self.ordering(stripped[1:], start + 1)
        if stripped.startswith("#"):
            return self.numerical(stripped[1:], start + 1)
        if "~" in stripped:
            return self.choice(body, offset)
        if "=" in stripped and "->" in stripped:
            return self.matching(body, offset)
        if stripped.split("#", 1)[0].strip() in TF_WORDS:
            return self.true_false(stripped)
        return self.short_answer(body, offset)

    # --- types ---------------------------------------------------------------------------
    def choice(self, body: str, offset: int) -> tuple[Question, dict[str, int]]:
        """``=right ~wrong ~%50%partial #feedback``."""
        options = []
        pieces = self.marked(body, offset, "=~")
        for index, (marker, piece, at) in enumerate(pieces):
            fraction, rest = self.weight(piece, 1.0 if marker == "=" else 0.0, at)
            answer, _, feedback = rest.partition("#")
            options.append(ChoiceOption(self.local(answer) or LocalText(), fraction,
                                        self.local(feedback) if _ else None))
            self.lines[f"options[{index}]"] = self.chunk.line_at(at)
        if len(options) < 2:
            self.fail("gift.too_few_answers", offset, minimum=2)
        single = any(marker == "=" for marker, _, _ in pieces)
        kind = QuestionType.SINGLE_CHOICE if single else QuestionType.MULTIPLE_CHOICE
        if not single:
            options, total = scaled_multiple_response(options)
            if total is not None:
                self.reader.warnings.append(scaled_warning(options, total,
                                                           self.chunk.line_at(offset)))
        return self.build(kind, options=tuple(options))

    def true_false(self, stripped: str) -> tuple[Question, dict[str, int]]:
        """``T#feedback if wrong#feedback if right``."""
        parts = stripped.split("#", 2) + ["", ""]
        value = TF_WORDS[parts[0].strip()]
        wrong, right = self.local(parts[1]), self.local(parts[2])
        return self.build(QuestionType.TRUE_FALSE, answer=value,
                          feedback_true=right if value else wrong,
                          feedback_false=wrong if value else right)

    def short_answer(self, body: str, offset: int) -> tuple[Question, dict[str, int]]:
        """``=answer =%50%close answer #feedback``; equal neighbours merge into one group."""
        groups: list[list[Any]] = []
        for marker, piece, at in self.pieces(body, offset, "="):
            if not marker and not piece.strip():
                continue
            fraction, rest = self.weight(piece, 1.0, at)
            answer, _, feedback_raw = rest.partition("#")
            term, feedback = self.text(answer), self.local(feedback_raw)
            if not term:
                self.fail("gift.empty_answer", at)
            if groups and groups[-1][1] == fraction and groups[-1][2] == feedback:
                groups[-1][0].append(term)
            else:
                self.lines[f"answers[{len(groups)}]"] = self.chunk.line_at(at)
                groups.append([[term], fraction, feedback])
        language = self.reader.options.language
        answers = tuple(TextAnswer(LocalTerms(**{language: tuple(terms)}), fraction, feedback)
                        for terms, fraction, feedback in groups)
        return self.build(QuestionType.SHORT_ANSWER, answers=answers)

    def numerical(self, body: str, offset: int) -> tuple[Question, dict[str, int]]:
        """``3:0.5``, ``1..5``, ``=%50%3:2 #feedback``, ``~#feedback for anything else``."""
        wrong_at = body.find("~")
        wrong = body[wrong_at + 1:] if wrong_at >= 0 else None
        body = body[:wrong_at] if wrong_at >= 0 else body
        answers = []
        for marker, piece, at in self.pieces(body, offset, "="):
            if not marker and not piece.strip():
                continue
            fraction, rest = self.weight(piece, 1.0, at)
            value, _, feedback = rest.partition("#")
            self.lines[f"answers[{len(answers)}]"] = self.chunk.line_at(at)
            answers.append(self.numeric_answer(value, at, fraction, self.local(feedback)))
        if not answers:
            self.fail("gift.too_few_answers", offset, minimum=1)
        if wrong is not None:
            self.lines[f"answers[{len(answers)}]"] = self.chunk.line_at(offset + wrong_at)
            answers.append(NumericAnswer(0.0, any_other=True,
                                         feedback=self.local(wrong.partition("#")[2])))
        return self.build(QuestionType.NUMERICAL, answers=tuple(answers))

    def numeric_answer(self, raw: str, at: int, fraction: float, feedback) -> NumericAnswer:
        """``min..max``, ``value:tolerance`` or ``value``."""
        text = raw.strip()
        if text.find("..") > 0:
            low, high = text.split("..", 1)
            return NumericAnswer(fraction, minimum=self.number(low, at),
                                 maximum=self.number(high, at), feedback=feedback)
        if text.find(":") > 0:
            value, tolerance = text.split(":", 1)
            return NumericAnswer(fraction, value=self.number(value, at),
                                 tolerance=self.number(tolerance, at), feedback=feedback)
        return NumericAnswer(fraction, value=self.number(text, at), feedback=feedback)

    def matching(self, body: str, offset: int) -> tuple[Question, dict[str, int]]:
        """``=prompt -> answer``; an empty prompt makes a distractor."""
        pairs, distractors = [], []
        language = self.reader.options.language
        for _, piece, at in self.marked(body, offset, "="):
            prompt, arrow, answer_raw = piece.partition("->")
            if not arrow:
                self.fail("gift.matching_arrow", at, value=self.text(piece))
            answer = LocalText.single(language, restore(answer_raw).strip())
            if self.text(prompt):
                self.lines[f"pairs[{len(pairs)}]"] = self.chunk.line_at(at)
                pairs.append(MatchPair(self.local(prompt), answer))
            else:
                distractors.append(answer)
        return self.build(QuestionType.MATCHING, pairs=tuple(pairs),
                          distractors=tuple(distractors))

    def ordering(self, body: str, offset: int) -> tuple[Question, dict[str, int]]:
        """qtype_ordering's ``>count SELECT LAYOUT GRADING SHOW`` line, then one item a line."""
        header, *rows = body.split("\n")
        self.ordering_header(header, offset, len([row for row in rows if row.strip()]))
        items, at = [], offset + len(header) + 1
        for row in rows:
            if row.strip():
                self.lines[f"items[{len(items)}]"] = self.chunk.line_at(at)
                items.append(self.local(row) or LocalText())
            at += len(row) + 1
        return self.build(QuestionType.ORDERING, items=tuple(items))

    def ordering_header(self, header: str, offset: int, count: int) -> None:
        """Warn where Moodle's settings differ from how this bank grades ordering."""
        words = [word.upper() for word in header.split()]
        shown = next((int(word) for word in words if word.isdigit()), 0)
        select = next((w for w in words if w in {"ALL", "EXACT", "RANDOM", "REL", "CONTIGUOUS",
                                                   "CONTIG"}), "")
        grading = next((w for w in words if w.startswith(("ABS", "REL", "ALL_OR", "LONGEST"))
                        and w != "REL"), "")
        line = self.chunk.line_at(offset)
        if select not in _SELECT_ALL and 0 < shown < count:
            self.reader.warnings.append(_warning("gift.ordering_subset", line))
        if grading not in _ABSOLUTE:
            self.reader.warnings.append(_warning("gift.ordering_grading", line, value=grading))


def _warning(code: str, line: int, **params):
    return issue(code, line=line, **params)
