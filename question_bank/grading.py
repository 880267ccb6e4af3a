"""The result of grading one response, and what a review may show.

A ``Grade`` carries the fraction of the question's points earned (0..1 after clamping; the
unclamped sum is kept in ``raw_fraction`` so a trainer can see a penalty at work), the
per-part detail (options chosen, pairs matched, items placed, sub-questions of a case) and the
specific feedback the response earned. General feedback belongs to the question and is added by
``review_view``. Essays stay ``pending`` until a trainer gives a fraction.

``ReviewOptions`` are the four switches of issue 7 point 4: score, correctness, feedback and
the right answer; ``review_view`` leaves out whatever is switched off.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from question_bank.model import LocalText

# Fractions within this distance count as equal (Moodle stores 7 decimals).
FRACTION_EPSILON = 1e-6


class GradeState(StrEnum):
    """Where the grading of a response stands."""

    GRADED = "graded"
    PENDING = "pending"  # waits for a trainer (essay, or a case holding an essay)
    UNANSWERED = "unanswered"


class Correctness(StrEnum):
    """How a graded response is labelled in a review."""

    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"


def clamp(fraction: float) -> float:
    """``fraction`` limited to 0..1 (penalties never take a question below zero)."""
    return min(1.0, max(0.0, fraction))


def correctness_of(fraction: float | None) -> Correctness | None:
    """Correct, partially correct or incorrect for a clamped fraction."""
    if fraction is None:
        return None
    if fraction >= 1.0 - FRACTION_EPSILON:
        return Correctness.CORRECT
    if fraction > FRACTION_EPSILON:
        return Correctness.PARTIAL
    return Correctness.INCORRECT


@dataclass(frozen=True)
class PartResult:
    """How one part of a response fared: an option, a pair, an item or a sub-question."""

    #: Opaque id (option/prompt/item) or sub-question key.
    part: str
    #: What the trainee gave for this part (an option id, a choice id, a position, ...).
    response: Any
    correct: bool | None
    #: Credit this part contributes to the question (before clamping).
    fraction: float | None
    feedback: LocalText | None = None


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response to one question."""

    state: GradeState
    fraction: float | None
    raw_fraction: float | None = None
    parts: tuple[PartResult, ...] = ()
    feedback: tuple[LocalText, ...] = ()
    #: Why a response earned nothing although it was given, e.g. "not_a_number".
    note: str | None = None
    #: Sub-question grades of a case question, by sub-question key.
    subgrades: tuple[tuple[str, Grade], ...] = ()

    @property
    def correctness(self) -> Correctness | None:
        """Correct / partial / incorrect, or None while pending."""
        return correctness_of(self.fraction)

    def score(self, points: float) -> float | None:
        """Marks earned out of ``points``; None while pending."""
        return None if self.fraction is None else self.fraction * points

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for storing beside an attempt."""
        return {
            "state": self.state.value,
            "fraction": self.fraction,
            "raw_fraction": self.raw_fraction,
            "note": self.note,
            "parts": [_part_dict(part) for part in self.parts],
            "feedback": [{"zh": text.zh, "en": text.en} for text in self.feedback],
            "subgrades": {key: grade.to_dict() for key, grade in self.subgrades},
        }


def _part_dict(part: PartResult) -> dict[str, Any]:
    return {"part": part.part, "response": part.response, "correct": part.correct,
            "fraction": part.fraction}


def graded(raw: float, parts: tuple[PartResult, ...] = (),
           feedback: tuple[LocalText | None, ...] = (), note: str | None = None) -> Grade:
    """A finished grade from an unclamped fraction."""
    return Grade(GradeState.GRADED, clamp(raw), raw, parts,
                 tuple(text for text in feedback if text and not text.is_empty()), note)


def unanswered(parts: tuple[PartResult, ...] = ()) -> Grade:
    """The grade of a question left blank: nothing earned, nothing to wait for."""
    return Grade(GradeState.UNANSWERED, 0.0, 0.0, parts)


@dataclass(frozen=True)
class ReviewOptions:
    """What a review shows (issue 7 point 4): each switch off hides that part."""

    score: bool = True
    correctness: bool = True
    feedback: bool = True
    right_answer: bool = True

    @classmethod
    def nothing(cls) -> ReviewOptions:
        """Show the response only (e.g. during an attempt)."""
        return cls(False, False, False, False)
