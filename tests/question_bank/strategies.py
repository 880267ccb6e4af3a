"""Hypothesis strategies that build valid questions for the format round-trip tests.

Texts are drawn from a wide alphabet (CJK, full-width forms, every GIFT special character,
markup characters) but are stripped and free of the few characters a format cannot hold:
carriage returns (every format folds line endings), surrogates and the control characters
XML 1.0 forbids, and the private-use block the GIFT reader reserves for escapes.
"""

from __future__ import annotations

from hypothesis import strategies as st

from question_bank import (
    ChoiceOption,
    Curriculum,
    Difficulty,
    LocalTerms,
    LocalText,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    TextAnswer,
    TextFormat,
)

SPECIALS = "~=#{}:\\[]%<>&/-\n\t_*'\""
_alphabet = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp")),
    st.sampled_from(SPECIALS),
    st.sampled_from("紧急问题首问负责制ＡＢＣ１２３　，。"),
)
_plain_alphabet = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789 -紧急首问")

raw_text = st.text(_alphabet, min_size=1, max_size=30).map(str.strip).filter(bool)
plain_text = st.text(_plain_alphabet, min_size=1, max_size=12).map(str.strip).filter(bool)
keys = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?", fullmatch=True)
categories = st.lists(plain_text.filter(lambda s: s == s.strip()), min_size=1, max_size=3).map(
    "/".join)
fractions = st.decimals(min_value=-100, max_value=100, places=3).map(lambda d: float(d) / 100)
numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(
    lambda x: round(x, 6))


def texts(languages: tuple[str, ...], base=raw_text) -> st.SearchStrategy[LocalText]:
    """A LocalText holding ``languages``."""
    return st.fixed_dictionaries({language: base for language in languages}).map(
        lambda values: LocalText(**values))


def maybe(strategy):
    """``strategy`` or None."""
    return st.none() | strategy


def distinct_texts(languages, count_min, count_max, base=raw_text):
    """Texts that stay distinct once width, case and spacing are folded."""
    from question_bank.text import normalise_for_hash

    return st.lists(texts(languages, base), min_size=count_min, max_size=count_max,
                    unique_by=lambda t: tuple(normalise_for_hash(getattr(t, lang))
                                              for lang in languages))


@st.composite
def choice_options(draw, languages, single: bool):
    """Options whose fractions obey the single/multiple rules."""
    option_texts = draw(distinct_texts(languages, 2, 5))
    count = len(option_texts)
    if single:
        right = draw(st.integers(0, count - 1))
        credit = [1.0 if i == right else draw(st.sampled_from([0.0, -0.5, -1.0, -0.25]))
                  for i in range(count)]
    else:
        positives = draw(st.integers(1, count - 1))
        shares = [round(1 / positives, 4)] * (positives - 1)
        credit = shares + [1.0 - sum(shares)] + [draw(st.sampled_from([0.0, -0.5, -1.0]))
                                                 for _ in range(count - positives)]
    feedback = st.lists(maybe(texts(languages)), min_size=count, max_size=count)
    return tuple(ChoiceOption(t, f, fb) for t, f, fb in zip(option_texts, credit,
                                                            draw(feedback), strict=True))


@st.composite
def short_answers(draw, languages):
    """Groups of accepted answers, one at full credit, no term twice, no '->'."""
    from question_bank.text import normalise_answer

    term = raw_text.filter(lambda s: "->" not in s and normalise_answer(s))
    terms = draw(st.lists(term, min_size=1, max_size=4, unique_by=normalise_answer))
    groups, position = [], 0
    credits = [1.0, 0.5, 0.25, 0.0]
    while position < len(terms):
        size = draw(st.integers(1, len(terms) - position))
        chunk = tuple(terms[position:position + size])
        accept = LocalTerms(**{lang: chunk for lang in languages})
        groups.append(TextAnswer(accept, credits[len(groups) % 4],
                                 draw(maybe(texts(languages)))))
        position += size
    return tuple(groups)


@st.composite
def numeric_answers(draw, languages, ranges: bool = True):
    """Value/tolerance and range answers (first at full credit), maybe an 'any' last."""
    answers = []
    for index in range(draw(st.integers(1, 3))):
        fraction = 1.0 if index == 0 else draw(st.sampled_from([0.5, 0.25, 1.0]))
        feedback = draw(maybe(texts(languages)))
        if ranges and draw(st.booleans()):
            low, high = sorted((draw(numbers), draw(numbers)))
            answers.append(NumericAnswer(fraction, minimum=low, maximum=high, feedback=feedback))
        else:
            tolerance = abs(draw(numbers))
            answers.append(NumericAnswer(fraction, value=draw(numbers), tolerance=tolerance,
                                         feedback=feedback))
    if draw(st.booleans()):
        answers.append(NumericAnswer(0.0, any_other=True, feedback=draw(maybe(texts(languages)))))
    return tuple(answers)


#: Types these strategies do not make (cases, and the types of issue 16 point 5, whose
#: round trips are tested by example in test_new_types.py).
NOT_GENERATED = (QuestionType.CASE, QuestionType.CLOZE, QuestionType.CALCULATED,
                 QuestionType.DESCRIPTION)


@st.composite
def questions(draw, languages=("en",), kinds=None, *, extras=False, curriculum=None):
    """A valid question of one of ``kinds`` whose texts hold ``languages``.

    ``extras`` adds what GIFT cannot carry (units, rubric notes, response templates,
    unshuffled options).
    """
    kinds = kinds or [kind for kind in QuestionType if kind not in NOT_GENERATED]
    kind = draw(st.sampled_from(kinds))
    common = {
        "key": draw(keys), "type": kind, "text": draw(texts(languages)),
        "difficulty": draw(st.sampled_from(list(Difficulty))),
        "category": draw(categories), "curriculum": curriculum,
        "tags": tuple(draw(st.lists(plain_text, max_size=3, unique=True))),
        "points": draw(st.sampled_from([1.0, 2.0, 0.5, 3.25])),
        "general_feedback": draw(maybe(texts(languages))),
        "text_format": draw(st.sampled_from(list(TextFormat))),
    }
    common.update(draw(_type_fields(kind, languages, extras)))
    return Question(**common)


@st.composite
def _type_fields(draw, kind, languages, extras):
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        shuffle = draw(st.booleans()) if extras else True
        return {"options": draw(choice_options(languages, kind == QuestionType.SINGLE_CHOICE)),
                "shuffle_options": shuffle}
    if kind == QuestionType.TRUE_FALSE:
        return {"answer": draw(st.booleans()), "feedback_true": draw(maybe(texts(languages))),
                "feedback_false": draw(maybe(texts(languages)))}
    if kind == QuestionType.SHORT_ANSWER:
        return {"answers": draw(short_answers(languages))}
    if kind == QuestionType.NUMERICAL:
        unit = draw(maybe(texts(languages))) if extras else None
        return {"answers": draw(numeric_answers(languages)), "unit": unit}
    if kind == QuestionType.MATCHING:
        return _matching(draw, languages)
    if kind == QuestionType.ORDERING:
        return {"items": tuple(draw(distinct_texts(languages, 2, 5)))}
    if kind == QuestionType.ESSAY and extras:
        return {"grader_info": draw(maybe(texts(languages))),
                "response_template": draw(maybe(texts(languages)))}
    return {}


def _matching(draw, languages):
    from question_bank.text import normalise_for_hash

    prompt = raw_text.filter(lambda s: "->" not in s)
    prompts = draw(distinct_texts(languages, 2, 4, prompt))
    answers = [draw(texts(languages)) for _ in prompts]
    folded = {tuple(normalise_for_hash(getattr(a, lang)) for lang in languages) for a in answers}
    distractors = [d for d in draw(distinct_texts(languages, 0, 2))
                   if tuple(normalise_for_hash(getattr(d, lang)) for lang in languages)
                   not in folded]
    return {"pairs": tuple(MatchPair(p, a) for p, a in zip(prompts, answers, strict=True)),
            "distractors": tuple(distractors)}


@st.composite
def bilingual_questions(draw):
    """A bilingual question of any type, case questions included, for the native format."""
    curriculum = draw(st.sampled_from(list(Curriculum)))
    if draw(st.integers(0, 5)) == 0:
        return draw(_case(curriculum))
    return draw(questions(("zh", "en"), extras=True, curriculum=curriculum))


@st.composite
def _case(draw, curriculum):
    from dataclasses import replace

    parent = draw(questions(("zh", "en"), [QuestionType.ESSAY], extras=True,
                            curriculum=curriculum))
    subs = []
    for index in range(draw(st.integers(1, 3))):
        sub = draw(questions(("zh", "en"), extras=True))
        subs.append(replace(sub, key=f"{parent.key}-{index}", category="", tags=(),
                            curriculum=None, difficulty=Difficulty.MEDIUM,
                            text_format=parent.text_format))
    return replace(parent, type=QuestionType.CASE, grader_info=None, response_template=None,
                   subquestions=tuple(subs), points=sum(sub.points for sub in subs))
