"""Moodle XML: the type-specific part of each ``<question>``, one reader per qtype.

Each reader takes the XmlReader (for problems and language), the ``<question>`` element and
the common fields, and returns the question with a field path -> line map.
"""

from __future__ import annotations

from question_bank.formats.cloze_syntax import ClozeSyntaxError, parse_cloze
from question_bank.formats.common import scaled_multiple_response, scaled_warning
from question_bank.formats.xmltree import Element
from question_bank.model import (
    AnswerFormat,
    ChoiceOption,
    LocalTerms,
    LocalText,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    TextAnswer,
    ToleranceType,
    Wildcard,
)

_TRUE_WORDS = {"true", "1", "yes"}


def _flag(element: Element, tag: str, default: bool) -> bool:
    value = element.value(tag)
    return default if not value else value.lower() in _TRUE_WORDS


def _answers(element: Element) -> list[Element]:
    return element.findall("answer")


def _feedback(reader, answer: Element) -> LocalText | None:
    return reader.local(answer.text_of("feedback"))


def multichoice(reader, element: Element, base: dict) -> tuple[Question, dict]:
    """Single (``<single>true``) or multiple choice."""
    options, lines = [], {}
    for index, answer in enumerate(_answers(element)):
        lines[f"options[{index}]"] = answer.line
        options.append(ChoiceOption(reader.local(answer.text_of("text") or answer.text.strip())
                                    or LocalText(), reader.fraction(answer),
                                    _feedback(reader, answer)))
    kind = QuestionType.SINGLE_CHOICE if _flag(element, "single", True) else \
        QuestionType.MULTIPLE_CHOICE
    if kind == QuestionType.MULTIPLE_CHOICE:
        options = _scaled(reader, element, options)
    return Question(type=kind, options=tuple(options),
                    shuffle_options=_flag(element, "shuffleanswers", True), **base), lines


def _scaled(reader, element: Element, options: list[ChoiceOption]) -> list[ChoiceOption]:
    """Multiple response at more than 100 % scaled to 100 %, with a warning."""
    options, total = scaled_multiple_response(options)
    if total is not None:
        reader.warnings.append(scaled_warning(options, total, element.line))
    return options


def truefalse(reader, element: Element, base: dict) -> tuple[Question, dict]:
    """Two answers, ``true`` and ``false``; the one with full credit is right."""
    by_word = {}
    for answer in _answers(element):
        word = (answer.text_of("text") or "").lower()
        if word not in ("true", "false"):
            reader.fail("xml.value", answer, name="answer", value=word,
                        allowed=["true", "false"])
        by_word[word] = answer
    if set(by_word) != {"true", "false"}:
        reader.fail("xml.truefalse", element)
    right = reader.fraction(by_word["true"]) >= 0.5
    return Question(type=QuestionType.TRUE_FALSE, answer=right,
                    feedback_true=_feedback(reader, by_word["true"]),
                    feedback_false=_feedback(reader, by_word["false"]), **base), {}


def shortanswer(reader, element: Element, base: dict) -> tuple[Question, dict]:
    """One answer element per accepted answer; neighbours alike merge into one group."""
    if _flag(element, "usecase", False):
        reader.warn("xml.usecase", element.find("usecase"))
    groups: list[list] = []
    lines = {}
    for answer in _answers(element):
        term = answer.text_of("text") or ""
        fraction, feedback = reader.fraction(answer), _feedback(reader, answer)
        if groups and groups[-1][1] == fraction and groups[-1][2] == feedback:
            groups[-1][0].append(term)
            continue
        lines[f"answers[{len(groups)}]"] = answer.line
        groups.append([[term], fraction, feedback])
    language = reader.options.language
    answers = tuple(TextAnswer(LocalTerms(**{language: tuple(t for t in terms if t)}),
                               fraction, feedback) for terms, fraction, feedback in groups)
    return Question(type=QuestionType.SHORT_ANSWER, answers=answers, **base), lines


def numerical(reader, element: Element, base: dict) -> tuple[Question, dict]:
    """Value and tolerance (or our ``<range>``); ``*`` for any other answer."""
    answers, lines = [], {}
    for index, answer in enumerate(_answers(element)):
        lines[f"answers[{index}]"] = answer.line
        answers.append(_numeric_answer(reader, answer))
    return Question(type=QuestionType.NUMERICAL, answers=tuple(answers),
                    unit=_unit(reader, element), **base), lines


def _numeric_answer(reader, answer: Element) -> NumericAnswer:
    fraction, feedback = reader.fraction(answer), _feedback(reader, answer)
    value = (answer.text_of("text") or "").strip()
    span = answer.find("range")
    if span is not None:
        return NumericAnswer(fraction, minimum=reader.number(span.attrs.get("min", ""), span),
                             maximum=reader.number(span.attrs.get("max", ""), span),
                             feedback=feedback)
    if value == "*":
        return NumericAnswer(fraction, any_other=True, feedback=feedback)
    tolerance = answer.value("tolerance") or "0"
    return NumericAnswer(fraction, value=reader.number(value, answer),
                         tolerance=reader.number(tolerance, answer), feedback=feedback)


def _unit(reader, element: Element) -> LocalText | None:
    holder = element.find("units")
    units = holder.findall("unit") if holder is not None else []
    base_units = [unit for unit in units if reader.number(unit.value("multiplier") or "1",
                                                          unit) == 1.0]
    if len(units) > len(base_units[:1]):
        reader.warn("xml.units", holder)
    return reader.local(base_units[0].value("unit_name")) if base_units else None


def matching(reader, element: Element, base: dict) -> tuple[Question, dict]:
    """``<subquestion>`` prompt and ``<answer>``; no prompt text makes a distractor."""
    pairs, distractors, lines = [], [], {}
    for sub in element.findall("subquestion"):
        answer = reader.local(sub.text_of("answer")) or LocalText()
        prompt = reader.local(sub.text_of("text") or "")
        if prompt is None:
            distractors.append(answer)
            continue
        lines[f"pairs[{len(pairs)}]"] = sub.line
        pairs.append(MatchPair(prompt, answer))
    # The answer list is always shuffled here (in order it would give the pairs away).
    return Question(type=QuestionType.MATCHING, pairs=tuple(pairs),
                    distractors=tuple(distractors), **base), lines


def essay(reader, element: Element, base: dict) -> tuple[Question, dict]:
    """Grader information and response template."""
    return Question(type=QuestionType.ESSAY,
                    grader_info=reader.local(element.text_of("graderinfo")),
                    response_template=reader.local(element.text_of("responsetemplate")),
                    **base), {}


def ordering(reader, element: Element, base: dict) -> tuple[Question, dict]:
    """qtype_ordering: answers in the right order, as Moodle reads them (document order)."""
    items, lines = [], {}
    for index, answer in enumerate(_answers(element)):
        lines[f"items[{index}]"] = answer.line
        items.append(reader.local(answer.text_of("text") or "") or LocalText())
    grading = element.value("gradingtype").upper()
    if grading not in ("", "ABSOLUTE_POSITION", "ABSOLUTE", "ABS"):
        reader.warn("gift.ordering_grading", element.find("gradingtype"), value=grading)
    select = element.value("selecttype").upper()
    count = element.value("selectcount")
    if select not in ("", "ALL", "EXACT") and count.isdigit() and 0 < int(count) < len(items):
        reader.warn("gift.ordering_subset", element.find("selecttype"))
    return Question(type=QuestionType.ORDERING, items=tuple(items), **base), lines


READERS = {"multichoice": multichoice, "truefalse": truefalse, "shortanswer": shortanswer,
           "numerical": numerical, "matching": matching, "essay": essay, "ordering": ordering}


def cloze(reader, element: Element, base: dict) -> tuple[Question, dict]:
    """Moodle's ``cloze`` (multianswer): the gaps are read out of the question text; the
    points are ``defaultgrade`` when given, else the sum of the gaps' marks (as Moodle)."""
    try:
        parsed = parse_cloze(base["text"].get(reader.options.language), reader.options.language)
    except ClozeSyntaxError as error:
        reader.fail(error.code, element.find("questiontext") or element, value=error.value,
                    **{k: ", ".join(v) for k, v in error.params.items()})
    if parsed.case_sensitive:
        reader.warn("xml.cloze_case", element.find("questiontext") or element)
    fields = dict(base, text=LocalText.single(reader.options.language, parsed.text))
    if element.find("defaultgrade") is None:
        fields["points"] = sum(gap.marks for gap in parsed.gaps) or 1.0
    line = (element.find("questiontext") or element).line
    lines = {f"gaps[{index}]": line for index in range(len(parsed.gaps))}
    return Question(type=QuestionType.CLOZE, gaps=parsed.gaps, **fields), lines


_TOLERANCE_TYPES = {"1": ToleranceType.RELATIVE, "2": ToleranceType.NOMINAL}


def calculated(reader, element: Element, base: dict) -> tuple[Question, dict]:
    """``calculated`` / ``calculatedsimple``: one answer formula at 100 %, its tolerance
    and answer format, and a dataset per wildcard (items, range and decimals)."""
    answers = _answers(element)
    if len(answers) != 1 or abs(reader.fraction(answers[0]) - 1.0) > 1e-9:
        reader.fail("xml.calculated_answers", answers[1] if len(answers) > 1 else element)
    answer = answers[0]
    kind = answer.value("tolerancetype") or "1"
    if kind not in _TOLERANCE_TYPES:
        reader.fail("xml.tolerance_type", answer.find("tolerancetype"), value=kind)
    answer_format = AnswerFormat.SIGNIFICANT if answer.value("correctanswerformat") == "2" \
        else AnswerFormat.DECIMALS
    lines = {"formula": answer.line}
    wildcards = []
    holder = element.find("dataset_definitions")
    for index, definition in enumerate(holder.findall("dataset_definition")
                                       if holder is not None else []):
        lines[f"wildcards[{index}]"] = definition.line
        wildcards.append(_wildcard(reader, definition))
    decimals = answer.value("correctanswerlength") or "2"
    return Question(
        type=QuestionType.CALCULATED, formula=(answer.text_of("text") or "").strip(),
        wildcards=tuple(wildcards),
        tolerance=reader.number(answer.value("tolerance") or "0.01", answer),
        tolerance_type=_TOLERANCE_TYPES[kind], answer_format=answer_format,
        decimals=int(reader.number(decimals, answer)), unit=_unit(reader, element),
        **base), lines


def _wildcard(reader, definition: Element) -> Wildcard:
    name = (definition.text_of("name") or "").strip()
    items = definition.find("dataset_items")
    numbered = []
    for item in items.findall("dataset_item") if items is not None else []:
        number = item.value("number") or "0"
        numbered.append((reader.number(number, item), reader.number(item.value("value"), item)))
    low, high = definition.text_of("minimum"), definition.text_of("maximum")
    if not name or (not numbered and not (low and high)):
        reader.fail("xml.dataset", definition, value=name or "?")
    decimals = definition.text_of("decimals") or "0"
    return Wildcard(name=name, values=tuple(value for _, value in sorted(numbered)),
                    minimum=reader.number(low, definition) if low else None,
                    maximum=reader.number(high, definition) if high else None,
                    decimals=int(reader.number(decimals, definition)))


def description(reader, element: Element, base: dict) -> tuple[Question, dict]:
    """Text only; worth 0 points whatever ``defaultgrade`` says."""
    return Question(type=QuestionType.DESCRIPTION, **dict(base, points=0.0)), {}


READERS.update({"cloze": cloze, "multianswer": cloze, "calculated": calculated,
                "calculatedsimple": calculated, "description": description})
