"""Cloze questions (Moodle's "embedded answers"): a text with gaps ``[[1]]``, ``[[2]]``...

Each gap (``ClozeGap``) is a short answer (typed words, compared as short-answer questions
compare them, ``*`` a wildcard), a numerical answer (value ± tolerance, the typed text read
by ``parse_number``) or a choice among options (a dropdown, or radio buttons side by side or
one under the other). Every gap has its own marks and per-answer feedback; the best matching
answer of a gap gives its credit. The question's fraction is the marks-weighted sum of the
gaps' credits: ``sum(marks * credit) / sum(marks)``, so partial credit is the share of marks
earned.

Every language of the text must hold each marker ``[[1]]``..``[[n]]`` once (n = the number of
gaps); answers and options are shared by both languages (an accepted text of either language
counts).

Response: ``{"<gap number>": "typed text" | "<option id>"}`` (gaps left blank are left out).
"""

from __future__ import annotations

import random
import re
from html import escape
from typing import Any

from question_bank.datafields import Reader, number_data, put, text_data
from question_bank.editor import EditorField
from question_bank.grading import FRACTION_EPSILON, Grade, PartResult, graded, unanswered
from question_bank.issues import Issue, issue
from question_bank.model import (
    LANGUAGES,
    ClozeGap,
    GapAnswer,
    GapDisplay,
    GapKind,
    LocalText,
    Question,
    QuestionType,
    stable_id,
)
from question_bank.qtypes.base import (
    QuestionKind,
    duplicate_texts,
    fraction_issues,
    shape_issue,
    shuffled,
    too_few,
    unknown_id_issue,
)
from question_bank.qtypes.text_answer import TYPED_LIMIT, term_matches
from question_bank.text import normalise_answer, parse_number, render_text

#: ``[[n]]`` marks gap n in the text.
MARKER = re.compile(r"\[\[(\d{1,3})\]\]")
MAX_GAPS = 30
#: Stands in for a gap while the text is rendered (letters and digits survive any markup).
_TOKEN = "qbclozegap{}x"
_TOKEN_SPLIT = re.compile(r"qbclozegap(\d{1,3})x")

ANSWER_FIELDS = (EditorField("text", "line", "gap_answer"),
                 EditorField("value", "number", "value"),
                 EditorField("tolerance", "number", "tolerance"),
                 EditorField("fraction", "percent", "credit", default=1.0),
                 EditorField("feedback", "line", "answer_feedback"))


def markers(text: str) -> list[int]:
    """The gap numbers of ``[[n]]`` markers in ``text``, in order."""
    return [int(number) for number in MARKER.findall(text or "")]


def gap_option_id(question: Question, number: int, answer: GapAnswer) -> str:
    """The opaque id of one option of choice gap ``number``."""
    text = answer.text or LocalText()
    return stable_id("o", question.key, str(number), text.zh or "", text.en or "")


class Cloze(QuestionKind):
    """A text with short-answer, numerical and choice gaps, each with its own marks."""

    type = QuestionType.CLOZE
    template_name = "exams/questions/cloze.html"
    fields = ("gaps",)
    reader = "map"

    def editor_fields(self) -> tuple[EditorField, ...]:
        """The gaps: kind, marks, how a choice shows, and answer rows."""
        return (EditorField("gaps", "rows", "gaps", min_rows=4, max_rows=10, help="gaps_help",
                            fields=(
                                EditorField("kind", "choice", "gap_kind",
                                            choices=tuple(kind.value for kind in GapKind),
                                            default=GapKind.SHORT_ANSWER.value),
                                EditorField("marks", "number", "gap_marks", default=1.0),
                                EditorField("display", "choice", "gap_display",
                                            choices=tuple(d.value for d in GapDisplay),
                                            default=GapDisplay.DROPDOWN.value),
                                EditorField("shuffle", "boolean", "gap_shuffle", default=False),
                                EditorField("answers", "rows", "answers", fields=ANSWER_FIELDS,
                                            min_rows=3, max_rows=10))),)

    # --- native format ----------------------------------------------------------------
    def read_fields(self, data, reader: Reader) -> dict[str, Any]:
        """The gaps with their answers."""
        gaps = []
        for path, entry in reader.sequence(data, "gaps", required=True):
            entry = reader.mapping(entry, path)
            if entry is None:
                continue
            reader.check_fields(entry, ("kind", "marks", "display", "shuffle", "answers"), path)
            kind = reader.enum(entry, "kind", GapKind, f"{path}.kind", required=True,
                               default=GapKind.SHORT_ANSWER)
            choice = kind == GapKind.CHOICE
            display = reader.enum(entry, "display", GapDisplay, f"{path}.display",
                                  default=GapDisplay.DROPDOWN)
            shuffle = reader.boolean(entry, "shuffle", f"{path}.shuffle", default=False)
            answers = []
            for answer_path, answer in reader.sequence(entry, "answers", f"{path}.answers",
                                                       required=True):
                answer = reader.mapping(answer, answer_path)
                if answer is None:
                    continue
                reader.check_fields(answer, ("text", "value", "tolerance", "fraction",
                                             "feedback"), answer_path)
                answers.append(GapAnswer(
                    fraction=reader.number(answer, "fraction", f"{answer_path}.fraction",
                                           required=True, default=0.0),
                    text=reader.text(answer, "text", f"{answer_path}.text"),
                    value=reader.number(answer, "value", f"{answer_path}.value"),
                    tolerance=reader.number(answer, "tolerance", f"{answer_path}.tolerance",
                                            default=0.0),
                    feedback=reader.text(answer, "feedback", f"{answer_path}.feedback")))
            gaps.append(ClozeGap(
                kind=kind, answers=tuple(answers),
                marks=reader.number(entry, "marks", f"{path}.marks", default=1.0),
                display=display if choice else GapDisplay.DROPDOWN,
                shuffle=bool(shuffle) if choice else False))
        return {"gaps": tuple(gaps)}

    def write_fields(self, question: Question, writer=None) -> dict[str, Any]:
        """The gaps in the native format (defaults left out)."""
        gaps = []
        for gap in question.gaps:
            entry: dict[str, Any] = {"kind": gap.kind.value}
            if gap.marks != 1.0:
                entry["marks"] = number_data(gap.marks)
            if gap.kind == GapKind.CHOICE and gap.display != GapDisplay.DROPDOWN:
                entry["display"] = gap.display.value
            if gap.kind == GapKind.CHOICE and gap.shuffle:
                entry["shuffle"] = True
            answers = []
            for answer in gap.answers:
                row: dict[str, Any] = {}
                put(row, "text", text_data(answer.text))
                if answer.value is not None:
                    row["value"] = number_data(answer.value)
                if answer.tolerance:
                    row["tolerance"] = number_data(answer.tolerance)
                row["fraction"] = number_data(answer.fraction)
                put(row, "feedback", text_data(answer.feedback))
                answers.append(row)
            entry["answers"] = answers
            gaps.append(entry)
        return {"gaps": gaps}

    # --- definition ---------------------------------------------------------------------
    def check(self, question: Question) -> list[Issue]:
        """Markers match the gaps; each gap has valid answers and one at full credit."""
        found = too_few(len(question.gaps), 1, "gaps")
        if len(question.gaps) > MAX_GAPS:
            found.append(issue("list.too_many", field="gaps", limit=MAX_GAPS,
                               count=len(question.gaps)))
        wanted = list(range(1, len(question.gaps) + 1))
        for language in question.text.languages():
            numbers = markers(getattr(question.text, language))
            if sorted(numbers) != wanted:
                missing = [n for n in wanted if n not in numbers]
                extra = sorted({n for n in numbers if n not in wanted or numbers.count(n) > 1})
                found.append(issue("cloze.markers", field=f"text.{language}",
                                   count=len(question.gaps),
                                   missing=", ".join(f"[[{n}]]" for n in missing) or "-",
                                   extra=", ".join(f"[[{n}]]" for n in extra) or "-"))
        for index, gap in enumerate(question.gaps):
            found += self._gap_issues(gap, f"gaps[{index}]")
        return found

    @staticmethod
    def _gap_issues(gap: ClozeGap, field: str) -> list[Issue]:
        found = []
        if not gap.marks > 0:
            found.append(issue("points.invalid", field=f"{field}.marks", value=gap.marks))
        minimum = 2 if gap.kind == GapKind.CHOICE else 1
        found += too_few(len(gap.answers), minimum, f"{field}.answers")
        for index, answer in enumerate(gap.answers):
            path = f"{field}.answers[{index}]"
            found += fraction_issues(answer.fraction, f"{path}.fraction", 0.0, 1.0)
            has_text = answer.text is not None and not answer.text.is_empty()
            if gap.kind == GapKind.NUMERICAL:
                if answer.value is None or has_text:
                    found.append(issue("cloze.numerical_answer", field=path))
                if answer.tolerance < 0:
                    found.append(issue("numerical.tolerance", field=f"{path}.tolerance",
                                       value=answer.tolerance))
            elif not has_text or answer.value is not None or answer.tolerance:
                found.append(issue("cloze.text_answer", field=path))
        if gap.kind == GapKind.CHOICE:
            found += duplicate_texts((answer.text or LocalText() for answer in gap.answers),
                                     f"{field}.answers")
        if not any(abs(answer.fraction - 1.0) <= FRACTION_EPSILON for answer in gap.answers):
            found.append(issue("answers.no_full_credit", field=f"{field}.answers"))
        return found

    # --- responses ----------------------------------------------------------------------
    def response_from_form(self, question: Question, form: Any, name: str) -> Any:
        """Each gap under ``<name>-g<n>``."""
        values = {str(n): form.get(f"{name}-g{n}", "")
                  for n in range(1, len(question.gaps) + 1)}
        return {n: value for n, value in values.items() if value.strip()} or None

    def is_blank(self, response: Any) -> bool:
        """No gap holds anything but spaces."""
        if not isinstance(response, dict):
            return response is None or response == ""
        return not any(isinstance(v, str) and v.strip() for v in response.values())

    def _options(self, question: Question, number: int) -> dict[str, GapAnswer]:
        gap = question.gaps[number - 1]
        return {gap_option_id(question, number, answer): answer for answer in gap.answers}

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """A mapping of gap numbers to text (choice gaps: one of their option ids)."""
        if response is None:
            return []
        if not isinstance(response, dict):
            return shape_issue("gap number -> answer")
        for key, value in response.items():
            if not (isinstance(key, str) and key.isdigit()
                    and 1 <= int(key) <= len(question.gaps)):
                return unknown_id_issue(key)
            if not isinstance(value, str):
                return shape_issue("text")
            if len(value) > TYPED_LIMIT:
                return [issue("response.too_long", field="response", limit=TYPED_LIMIT)]
            gap = question.gaps[int(key) - 1]
            if gap.kind == GapKind.CHOICE and value.strip() and \
                    value not in self._options(question, int(key)):
                return unknown_id_issue(value)
        return []

    def best_answer(self, question: Question, number: int, given: str) -> GapAnswer | None:
        """The matching answer of gap ``number`` with the highest credit, if any."""
        gap = question.gaps[number - 1]
        if gap.kind == GapKind.CHOICE:
            return self._options(question, number).get(given)
        if gap.kind == GapKind.NUMERICAL:
            typed = parse_number(given)
            if typed is None:
                return None
            matches = [a for a in gap.answers if abs(typed - a.value) <= a.tolerance
                       + 1e-9 * max(1.0, abs(a.value))]
            return max(matches, key=lambda a: a.fraction, default=None)
        folded = normalise_answer(given)
        matches = [a for a in gap.answers
                   if any(term_matches(normalise_answer(getattr(a.text, lang) or ""), folded)
                          for lang in LANGUAGES if getattr(a.text, lang))]
        return max(matches, key=lambda a: (a.fraction, "*" not in (a.text.zh or "")
                                           + (a.text.en or "")), default=None)

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """The marks-weighted sum of the gaps' credits."""
        response = response if isinstance(response, dict) else {}
        total = sum(gap.marks for gap in question.gaps) or 1.0
        parts, feedback, raw = [], [], 0.0
        for number, gap in enumerate(question.gaps, start=1):
            given = response.get(str(number))
            if not isinstance(given, str) or not given.strip():
                parts.append(PartResult(str(number), None, None, 0.0))
                continue
            match = self.best_answer(question, number, given)
            credit = match.fraction if match else 0.0
            earned = gap.marks * credit / total
            raw += earned
            parts.append(PartResult(str(number), given, credit >= 1.0 - FRACTION_EPSILON,
                                    earned, match.feedback if match else None))
            feedback.append(match.feedback if match else None)
        if self.is_blank(response):
            return unanswered(tuple(parts))
        return graded(raw, tuple(parts), tuple(feedback))

    def response_text(self, question: Question, response: Any, language: str) -> str:
        """``<n>: <answer>`` per gap answered (option texts for choice gaps)."""
        if not isinstance(response, dict):
            return ""
        shown = []
        for number, gap in enumerate(question.gaps, start=1):
            given = response.get(str(number))
            if not given:
                continue
            if gap.kind == GapKind.CHOICE:
                option = self._options(question, number).get(given)
                given = option.text.get(language) if option and option.text else given
            shown.append(f"{number}: {given}")
        return "; ".join(shown)

    # --- views --------------------------------------------------------------------------
    def public_view(self, question: Question, language: str, rng: random.Random) -> dict:
        """The text in pieces around the gaps (``segments``); ``text_html`` stays empty
        because the gaps sit inside the text."""
        view = super().public_view(question, language, rng)
        view["text_html"] = ""
        return view

    def public_parts(self, question: Question, language: str, rng: random.Random) -> dict:
        """``segments``: ``{"html": ...}`` pieces of the rendered text and ``{"gap": ...}``
        entries (number, kind, display, options under opaque ids)."""
        source = MARKER.sub(lambda m: _TOKEN.format(m.group(1)), question.text.get(language))
        rendered = render_text(source, question.text_format)
        pieces = _TOKEN_SPLIT.split(rendered)
        segments: list[dict] = []
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                if piece:
                    segments.append({"html": piece})
                continue
            number = int(piece)
            if not 1 <= number <= len(question.gaps):
                segments.append({"html": escape(f"[[{number}]]")})
                continue
            segments.append({"gap": self._gap_view(question, number, language, rng)})
        return {"segments": segments}

    def _gap_view(self, question: Question, number: int, language: str,
                  rng: random.Random) -> dict:
        gap = question.gaps[number - 1]
        view = {"number": number, "kind": gap.kind.value, "display": gap.display.value}
        if gap.kind == GapKind.CHOICE:
            options = [{"id": gap_option_id(question, number, answer),
                        "text_html": self.render(question, answer.text, language, inline=True)}
                       for answer in gap.answers]
            if gap.shuffle and question.shuffle_options:
                # The same shuffle as shuffle_view's (from the order of the opaque ids), so a
                # review shows the options where the trainee saw them.
                options = shuffled(sorted(options, key=lambda option: option["id"]), rng)
            view["options"] = options
            view["shuffle"] = gap.shuffle
        return view

    def shuffle_view(self, view: dict, rng: random.Random, shuffle_options: bool) -> None:
        """Options of shuffled choice gaps in this trainee's order."""
        for segment in view.get("segments", []):
            gap = segment.get("gap")
            if gap and gap.get("shuffle") and shuffle_options:
                gap["options"].sort(key=lambda option: option["id"])
                rng.shuffle(gap["options"])

    def review_parts(self, view, question, response, grade, language, show) -> None:
        """Each gap's response and, as allowed, its rightness, feedback and right answer."""
        parts = {part.part: part for part in grade.parts}
        for segment in view["segments"]:
            gap = segment.get("gap")
            if not gap:
                continue
            part = parts.get(str(gap["number"]))
            gap["response"] = part.response if part else None
            if show.correctness and part is not None:
                gap["correct"] = part.correct
            if show.feedback and part is not None and part.feedback is not None:
                gap["feedback_html"] = self.render(question, part.feedback, language,
                                                   inline=True)
            if show.right_answer:
                gap["right_html"] = self._gap_right(question, gap["number"], language)

    def _gap_right(self, question: Question, number: int, language: str) -> str:
        gap = question.gaps[number - 1]
        right = next((a for a in gap.answers if a.fraction >= 1.0 - FRACTION_EPSILON), None)
        if right is None:
            return ""
        if gap.kind == GapKind.NUMERICAL:
            shown = f"{number_data(right.value)}"
            if right.tolerance:
                shown += f" ± {number_data(right.tolerance)}"
            return escape(shown)
        return self.render(question, right.text, language, inline=True)

    def right_answer_html(self, question: Question, language: str) -> str:
        """The right answer of every gap, as a numbered list."""
        return "<ol>" + "".join(f"<li>{self._gap_right(question, n, language)}</li>"
                                for n in range(1, len(question.gaps) + 1)) + "</ol>"
