"""The question model: frozen dataclasses for every question type of the bank.

What is modelled:
- A ``Question`` is one immutable version of a question. Editing a question in the web layer
  makes a new ``Question`` (and a new stored version); attempts keep the version they saw, so
  nothing here ever mutates.
- All type-specific fields live on the one ``Question`` class, mirroring the native YAML format
  (``question_bank/README.md``); the type registry (``question_bank.qtypes``) decides which
  fields a type uses and validates them.
- User-facing text is a ``LocalText`` holding Simplified Chinese (``zh``) and English (``en``).
  Shipped banks fill both; imported questions (GIFT, Moodle XML, CSV) fill one. Display falls
  back to the other language when one is missing.
- Every text of a question shares one markup format (``TextFormat``), as GIFT and Moodle XML
  mostly do: Markdown for the native banks, ``moodle``/``html``/``plain`` for imports.

Assumptions: fractions are plain floats (credit as a share of the question's points, -1..1);
points are positive floats; keys are ``[a-z0-9-]+`` of at most ``KEY_MAX_LENGTH`` characters
and unique across all banks; a category path holds at most ``CATEGORY_MAX_LENGTH`` characters.
Both limits are the lengths of the database columns that store them, so a question that passes
validation can always be stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

LANGUAGES: tuple[str, ...] = ("zh", "en")
#: Longest question key (``exam_questions.key`` is ``String(80)``).
KEY_MAX_LENGTH = 80
#: Longest category path (``exam_question_categories.path`` is ``String(200)``).
CATEGORY_MAX_LENGTH = 200


class QuestionType(StrEnum):
    """The question types of the bank; the value is the name used in files and the database."""

    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"
    NUMERICAL = "numerical"
    MATCHING = "matching"
    ORDERING = "ordering"
    ESSAY = "essay"
    CASE = "case"
    CLOZE = "cloze"
    CALCULATED = "calculated"
    DESCRIPTION = "description"


class Difficulty(StrEnum):
    """How hard a question is meant to be; random exam draws filter on it."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Curriculum(StrEnum):
    """The four curricula the shipped banks cover (DOMAIN.md, "Training")."""

    SERVICE_STANDARDS = "service_standards"
    TECHNICAL_SKILLS = "technical_skills"
    SERVICE_AWARENESS = "service_awareness"
    EMERGENCY_HANDLING = "emergency_handling"


class TextFormat(StrEnum):
    """Markup of a question's texts; the names match GIFT's ``[format]`` markers."""

    MARKDOWN = "markdown"
    HTML = "html"
    PLAIN = "plain"
    MOODLE = "moodle"  # Moodle auto-format: HTML allowed, line breaks kept


@dataclass(frozen=True)
class LocalText:
    """A text in Simplified Chinese and/or English."""

    zh: str | None = None
    en: str | None = None

    def get(self, language: str) -> str:
        """The text in ``language``, falling back to the other language, else ''."""
        preferred = getattr(self, language, None) if language in LANGUAGES else None
        if preferred:
            return preferred
        return next((value for value in (self.zh, self.en) if value), "")

    def languages(self) -> tuple[str, ...]:
        """The languages that hold a non-empty text."""
        return tuple(lang for lang in LANGUAGES if getattr(self, lang))

    def is_empty(self) -> bool:
        """True when no language holds any text."""
        return not self.languages()

    @classmethod
    def single(cls, language: str, text: str) -> LocalText:
        """A text in one language only (what importers produce)."""
        return cls(**{language: text})


@dataclass(frozen=True)
class LocalTerms:
    """Accepted short answers per language, e.g. ``zh: ("首问负责制", "首问负责")``."""

    zh: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    def languages(self) -> tuple[str, ...]:
        """The languages that hold at least one accepted answer."""
        return tuple(lang for lang in LANGUAGES if getattr(self, lang))

    def all_terms(self) -> tuple[str, ...]:
        """Every accepted answer of every language, Chinese first."""
        return self.zh + self.en

    def get(self, language: str) -> tuple[str, ...]:
        """The answers in ``language``, falling back to the other language."""
        preferred = getattr(self, language, ()) if language in LANGUAGES else ()
        return preferred or self.zh or self.en


def stable_id(prefix: str, *parts: str) -> str:
    """An opaque id derived from content only, so it never tells right from wrong."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}{digest[:10]}"


def _text_id(prefix: str, key: str, text: LocalText) -> str:
    return stable_id(prefix, key, text.zh or "", text.en or "")


@dataclass(frozen=True)
class ChoiceOption:
    """One option of a single- or multiple-choice question."""

    text: LocalText
    #: Credit for choosing it: 1.0 right, 0 wrong, negative a penalty (multiple choice).
    fraction: float
    feedback: LocalText | None = None


@dataclass(frozen=True)
class TextAnswer:
    """A group of accepted short answers that earn the same credit and feedback."""

    accept: LocalTerms
    fraction: float
    feedback: LocalText | None = None


@dataclass(frozen=True)
class NumericAnswer:
    """A numerical answer: ``value`` ± ``tolerance``, a range ``minimum``..``maximum``,
    or ``any_other`` (catches every other number, usually for feedback at 0 credit)."""

    fraction: float
    value: float | None = None
    tolerance: float = 0.0
    minimum: float | None = None
    maximum: float | None = None
    any_other: bool = False
    feedback: LocalText | None = None

    @property
    def is_range(self) -> bool:
        """True for the ``min``/``max`` form."""
        return self.minimum is not None or self.maximum is not None


@dataclass(frozen=True)
class MatchPair:
    """One prompt and the answer it must be matched with."""

    prompt: LocalText
    answer: LocalText


class GapKind(StrEnum):
    """What a cloze gap takes: typed words, a typed number, or one choice of a list."""

    SHORT_ANSWER = "short_answer"
    NUMERICAL = "numerical"
    CHOICE = "choice"


class GapDisplay(StrEnum):
    """How a choice gap shows its options (Moodle's MULTICHOICE, _V and _H)."""

    DROPDOWN = "dropdown"
    VERTICAL = "vertical"
    HORIZONTAL = "horizontal"


@dataclass(frozen=True)
class GapAnswer:
    """One answer of a cloze gap: an accepted text (short answer, ``*`` a wildcard), a value
    ± tolerance (numerical) or an option (choice), with its credit and feedback."""

    fraction: float
    text: LocalText | None = None
    value: float | None = None
    tolerance: float = 0.0
    feedback: LocalText | None = None


@dataclass(frozen=True)
class ClozeGap:
    """One gap of a cloze text, written ``[[n]]`` in the text (n counts from 1)."""

    kind: GapKind
    answers: tuple[GapAnswer, ...]
    #: The gap's weight within the question (Moodle's ``{2:...}``).
    marks: float = 1.0
    display: GapDisplay = GapDisplay.DROPDOWN
    shuffle: bool = False


class ToleranceType(StrEnum):
    """How a calculated answer's tolerance is read (Moodle's relative and nominal)."""

    RELATIVE = "relative"  # |x - v| <= tolerance * |v|
    NOMINAL = "nominal"    # |x - v| <= tolerance


class AnswerFormat(StrEnum):
    """How the right answer of a calculated question is shown: decimals or significant
    figures (Moodle's ``correctanswerformat`` 1 and 2)."""

    DECIMALS = "decimals"
    SIGNIFICANT = "significant"


@dataclass(frozen=True)
class Wildcard:
    """A wildcard ``{name}`` of a calculated formula: its dataset ``values`` (one per item),
    or a range ``minimum``..``maximum`` with ``decimals`` from which the items are drawn."""

    name: str
    values: tuple[float, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    decimals: int = 0


@dataclass(frozen=True)
class Question:
    """One version of a question; see the module docstring for what each field means."""

    key: str
    type: QuestionType
    text: LocalText
    difficulty: Difficulty = Difficulty.MEDIUM
    category: str = ""
    curriculum: Curriculum | None = None
    tags: tuple[str, ...] = ()
    points: float = 1.0
    general_feedback: LocalText | None = None
    text_format: TextFormat = TextFormat.MARKDOWN
    # single_choice / multiple_choice (shuffle_options also used by matching's choices)
    options: tuple[ChoiceOption, ...] = ()
    shuffle_options: bool = True
    # true_false
    answer: bool | None = None
    feedback_true: LocalText | None = None
    feedback_false: LocalText | None = None
    # short_answer (TextAnswer) / numerical (NumericAnswer)
    answers: tuple[TextAnswer | NumericAnswer, ...] = ()
    unit: LocalText | None = None
    # matching
    pairs: tuple[MatchPair, ...] = ()
    distractors: tuple[LocalText, ...] = ()
    # ordering: items in the correct order
    items: tuple[LocalText, ...] = ()
    # essay
    grader_info: LocalText | None = None
    response_template: LocalText | None = None
    # case: sub-questions of any type except case and description
    subquestions: tuple[Question, ...] = field(default=())
    # cloze: the gaps [[1]], [[2]]... of the text
    gaps: tuple[ClozeGap, ...] = ()
    # calculated: a formula over wildcards, graded within a tolerance (unit: numerical's)
    formula: str = ""
    wildcards: tuple[Wildcard, ...] = ()
    #: How many dataset items range-only wildcards make (wildcards with values set the count).
    dataset_size: int = 10
    tolerance: float = 0.01
    tolerance_type: ToleranceType = ToleranceType.RELATIVE
    answer_format: AnswerFormat = AnswerFormat.DECIMALS
    decimals: int = 2

    def option_id(self, index: int) -> str:
        """The opaque id of option ``index`` as sent to the browser.

        It hashes the key and the option's text only, never its position or credit, so it
        tells the browser nothing it does not already show."""
        return _text_id("o", self.key, self.options[index].text)

    def item_id(self, index: int) -> str:
        """The opaque id of ordering item ``index``."""
        return _text_id("i", self.key, self.items[index])

    def prompt_id(self, index: int) -> str:
        """The opaque id of matching prompt ``index``."""
        return _text_id("p", self.key, self.pairs[index].prompt)

    def choice_id(self, text: LocalText) -> str:
        """The opaque id of a matching answer (equal texts share one id)."""
        return _text_id("c", self.key, text)

    def subquestion(self, key: str) -> Question | None:
        """The sub-question with ``key`` of a case question, if any."""
        return next((sub for sub in self.subquestions if sub.key == key), None)


def iter_texts(value: object, path: str = "") -> Iterator[tuple[str, LocalText | LocalTerms]]:
    """Yield ``(field path, text)`` for every LocalText/LocalTerms inside a question."""
    if isinstance(value, LocalText | LocalTerms):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for spec in dataclasses.fields(value):
            child = getattr(value, spec.name)
            yield from iter_texts(child, f"{path}.{spec.name}" if path else spec.name)
    elif isinstance(value, tuple):
        for index, child in enumerate(value):
            yield from iter_texts(child, f"{path}[{index}]")
