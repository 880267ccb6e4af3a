"""Small builders for questions used across the question-bank tests."""

from __future__ import annotations

from pathlib import Path

from question_bank import (
    ChoiceOption,
    Difficulty,
    LocalTerms,
    LocalText,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    TextAnswer,
)

FIXTURES = Path(__file__).with_name("fixtures")


def fixture(name: str) -> Path:
    """Path of a fixture file."""
    return FIXTURES / name


def text(en: str, zh: str | None = None) -> LocalText:
    """A bilingual text (Chinese made up from the English when not given)."""
    return LocalText(zh=zh or f"中文：{en}", en=en)


def question(kind: QuestionType, key: str = "q-1", **fields) -> Question:
    """A question with sensible common fields."""
    fields.setdefault("text", text(f"Question {key}"))
    fields.setdefault("difficulty", Difficulty.MEDIUM)
    fields.setdefault("category", "tests")
    fields.setdefault("general_feedback", text("Because."))
    return Question(key=key, type=kind, **fields)


def single_choice(key: str = "sc-1", fractions=(1.0, 0.0, -0.5), **fields) -> Question:
    """Options 'Option 0..n' with the given fractions."""
    options = tuple(ChoiceOption(text(f"Option {i}"), f, text(f"Feedback {i}"))
                    for i, f in enumerate(fractions))
    return question(QuestionType.SINGLE_CHOICE, key, options=options, **fields)


def multiple_choice(key: str = "mc-1", fractions=(0.5, 0.5, -0.5, -0.5), **fields) -> Question:
    """Options 'Option 0..n' with the given fractions."""
    options = tuple(ChoiceOption(text(f"Option {i}"), f, text(f"Feedback {i}"))
                    for i, f in enumerate(fractions))
    return question(QuestionType.MULTIPLE_CHOICE, key, options=options, **fields)


def true_false(key: str = "tf-1", answer: bool = True, **fields) -> Question:
    """A true/false question with feedback for both answers."""
    return question(QuestionType.TRUE_FALSE, key, answer=answer,
                    feedback_true=text("You said true."),
                    feedback_false=text("You said false."), **fields)


def short_answer(key: str = "sa-1", **fields) -> Question:
    """Accepts 'first responder' (1.0) and 'first' (0.5), plus Chinese forms."""
    answers = (
        TextAnswer(LocalTerms(zh=("首问负责制", "首问负责"),
                              en=("first-responder responsibility", "first responder")),
                   1.0, text("Exactly.")),
        TextAnswer(LocalTerms(zh=("首问",), en=("first",)), 0.5, text("Nearly.")),
    )
    return question(QuestionType.SHORT_ANSWER, key, answers=answers, **fields)


def numerical(key: str = "nu-1", answers=None, **fields) -> Question:
    """24 ± 0 for full credit, 20..30 for half, hours as the unit."""
    answers = answers or (NumericAnswer(1.0, value=24.0, feedback=text("Right.")),
                          NumericAnswer(0.5, minimum=20.0, maximum=30.0, feedback=text("Close.")))
    fields.setdefault("unit", LocalText(zh="小时", en="hours"))
    return question(QuestionType.NUMERICAL, key, answers=tuple(answers), **fields)


def matching(key: str = "ma-1", **fields) -> Question:
    """Three case classes matched with their resolution targets, one distractor."""
    pairs = (MatchPair(text("urgent"), text("2 h")), MatchPair(text("general"), text("4 h")),
             MatchPair(text("normal"), text("8 h")))
    return question(QuestionType.MATCHING, key, pairs=pairs,
                    distractors=(text("24 h"),), **fields)


def ordering(key: str = "or-1", count: int = 4, **fields) -> Question:
    """The complaint-handling steps (first ``count`` of them) in order."""
    steps = ("calm the customer", "clarify the problem", "negotiate a solution",
             "confirm the result", "record the case")
    return question(QuestionType.ORDERING, key, items=tuple(text(s) for s in steps[:count]),
                    **fields)


def essay(key: str = "es-1", **fields) -> Question:
    """An essay with rubric notes and a template."""
    return question(QuestionType.ESSAY, key, grader_info=text("Mentions the four steps."),
                    response_template=text("Step 1:"), **fields)


def case(key: str = "ca-1", **fields) -> Question:
    """A case with a single-choice (1 point), a true/false (1) and an essay (2)."""
    subs = (single_choice(f"{key}-a"), true_false(f"{key}-b"), essay(f"{key}-c", points=2.0))
    subs = tuple(_as_sub(sub) for sub in subs)
    return question(QuestionType.CASE, key, subquestions=subs, points=4.0, **fields)


def _as_sub(sub: Question) -> Question:
    from dataclasses import replace

    return replace(sub, category="", difficulty=Difficulty.MEDIUM, tags=())


def cloze(key: str = "cz-1", **fields) -> Question:
    """A cloze text: a short answer (1 mark), a numerical gap (1) and a choice gap (2)."""
    from question_bank.model import ClozeGap, GapAnswer, GapDisplay, GapKind

    gaps = (
        ClozeGap(GapKind.SHORT_ANSWER, (
            GapAnswer(1.0, text=text("first responder", "首问负责")),
            GapAnswer(0.5, text=text("responder", "负责"), feedback=text("Nearly.")))),
        ClozeGap(GapKind.NUMERICAL, (GapAnswer(1.0, value=24.0, tolerance=1.0),
                                     GapAnswer(0.5, value=48.0, feedback=text("Too slow."))),),
        ClozeGap(GapKind.CHOICE, (GapAnswer(1.0, text=text("phone")),
                                  GapAnswer(0.0, text=text("fax"),
                                            feedback=text("Nobody faxes."))),
                 marks=2.0, display=GapDisplay.VERTICAL),
    )
    fields.setdefault("text", LocalText(zh="[[1]] 在 [[2]] 小时内通过 [[3]] 回访。",
                                        en="The [[1]] calls back within [[2]] hours by [[3]]."))
    return question(QuestionType.CLOZE, key, gaps=gaps, **fields)


def calculated(key: str = "cc-1", **fields) -> Question:
    """A refund: {price} * {rate} / 100, three dataset items, 1 % relative tolerance."""
    from question_bank.model import Wildcard

    fields.setdefault("text", text("Refund {rate} % of {price} yuan: how much?",
                                   "退还 {price} 元的 {rate}%：多少元？"))
    fields.setdefault("wildcards", (Wildcard("price", (200.0, 350.0, 80.0)),
                                    Wildcard("rate", (10.0, 20.0, 50.0))))
    fields.setdefault("formula", "{price} * {rate} / 100")
    return question(QuestionType.CALCULATED, key, **fields)


def description(key: str = "de-1", **fields) -> Question:
    """A text-only item (0 points)."""
    return question(QuestionType.DESCRIPTION, key, points=0.0, **fields)
