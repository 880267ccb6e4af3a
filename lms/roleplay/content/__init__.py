"""Shipped role-play content: the cards and rubrics, and the loader that checks the cards.

What is modelled: a role-play card is a scenario one trainee plays as the service specialist
against a customer played from the card's persona, who escalates along the card's escalation
path when handled badly. A card names the rubric it is scored on and the rubric criteria it
tests (its `standards`). It may mark criteria of that rubric `not_applicable` (say, negotiating
a solution when the customer only asks what data is held): those are left out of the scoring
form and the total. A criterion cannot be both a standard of the card and not applicable, and
at least one criterion must remain. Loading is all-or-nothing: any problem refuses the whole
file with the file name, line and field of every problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lms.roleplay.rubric import (
    KEY_PATTERN,
    Rubric,
    RubricError,
    RubricProblem,
    check_bilingual,
    load_rubrics,
    read_yaml_text,
    yaml_line,
)

CONTENT_DIR = Path(__file__).resolve().parent
CARDS_PATH = CONTENT_DIR / "cards.yaml"
RUBRICS_PATH = CONTENT_DIR / "rubrics.yaml"

DIFFICULTIES = ("basic", "intermediate", "advanced")
CHANNELS = ("phone", "email", "online_chat", "walk_in")
MINUTES_RANGE = (3, 60)
CARD_FIELDS = ("key", "rubric", "title", "channel", "difficulty", "minutes", "persona",
               "situation", "escalation", "good_response", "standards", "not_applicable")
PERSONA_FIELDS = ("who", "mood", "wants")


@dataclass(frozen=True)
class Persona:
    """The customer the trainer plays: who they are, their mood, what they want."""

    who: dict
    mood: dict
    wants: dict


@dataclass(frozen=True)
class RolePlayCard:
    """One shipped role-play scenario."""

    key: str
    rubric: str
    title: dict
    channel: str
    difficulty: str
    minutes: int
    persona: Persona
    situation: dict
    escalation: tuple[dict, ...]
    good_response: tuple[dict, ...]
    standards: tuple[str, ...]
    #: Criteria of the rubric that do not apply to this card (not scored, not shown).
    not_applicable: tuple[str, ...] = ()


class CardError(RubricError):
    """The card file was refused; `problems` lists every reason."""


def _problem(location: tuple, en: str, zh: str) -> RubricProblem:
    return RubricProblem(location, {"zh": zh, "en": en})


def _choice_problems(card: Mapping, where: tuple) -> list[RubricProblem]:
    problems = []
    for field, allowed in (("channel", CHANNELS), ("difficulty", DIFFICULTIES)):
        value = card.get(field)
        if value not in allowed:
            problems.append(_problem((*where, field),
                                     f"{value!r} is not allowed; use one of {', '.join(allowed)}.",
                                     f"取值 {value!r} 无效，可选：{'、'.join(allowed)}。"))
    minutes, (low, high) = card.get("minutes"), MINUTES_RANGE
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
        problems.append(_problem((*where, "minutes"),
                                 f"{minutes!r} is not a whole number of minutes {low}..{high}.",
                                 f"{minutes!r} 不是 {low} 到 {high} 之间的整数分钟。"))
    return problems


def _text_list_problems(values, where: tuple, minimum: int, maximum: int | None):
    if not isinstance(values, list) or len(values) < minimum or (maximum and len(values) > maximum):
        span = f"{minimum}..{maximum}" if maximum else f"at least {minimum}"
        return [_problem(where, f"needs a list of {span} bilingual texts.",
                         f"需要 {span} 条双语文本组成的列表。")]
    problems = []
    for index, value in enumerate(values):
        problems += check_bilingual(value, (*where, index))
    return problems


def _standards_problems(card: Mapping, where: tuple, rubrics: Mapping[str, Rubric]):
    rubric = rubrics.get(card.get("rubric"))
    if rubric is None:
        return [_problem((*where, "rubric"), f"unknown rubric {card.get('rubric')!r}; allowed: "
                         f"{', '.join(rubrics)}.", f"未知评分表 {card.get('rubric')!r}。")]
    standards = card.get("standards")
    if not isinstance(standards, list) or not standards:
        return [_problem((*where, "standards"), "needs a non-empty list of criterion keys.",
                         "需要至少一个评分项标识。")]
    allowed = [criterion.key for criterion in rubric.criteria]
    return [
        _problem((*where, "standards", index),
                 f"{key!r} is not a criterion of rubric {rubric.key!r} (or is repeated); "
                 f"allowed: {', '.join(allowed)}.",
                 f"{key!r} 不是评分表 {rubric.key!r} 的评分项，或重复出现。")
        for index, key in enumerate(standards)
        if key not in allowed or key in standards[:index]
    ]


def _not_applicable_problems(card: Mapping, where: tuple, rubrics: Mapping[str, Rubric]):
    rubric, marked = rubrics.get(card.get("rubric")), card.get("not_applicable", [])
    if rubric is None:
        return []  # the unknown rubric is reported with the standards
    if not isinstance(marked, list):
        return [_problem((*where, "not_applicable"), "needs a list of criterion keys.",
                         "需要评分项标识组成的列表。")]
    allowed = [criterion.key for criterion in rubric.criteria]
    standards = card.get("standards") if isinstance(card.get("standards"), list) else []
    problems = [
        _problem((*where, "not_applicable", index),
                 f"{key!r} is not a criterion of rubric {rubric.key!r}, is repeated or is one of "
                 f"the card's standards; allowed: {', '.join(allowed)}.",
                 f"{key!r} 不是评分表 {rubric.key!r} 的评分项、重复出现，或已列为本卡考查项。")
        for index, key in enumerate(marked)
        if key not in allowed or key in marked[:index] or key in standards
    ]
    if not problems and set(allowed) <= set(marked):
        problems.append(_problem((*where, "not_applicable"),
                                 "at least one criterion must stay applicable.",
                                 "至少要保留一个适用的评分项。"))
    return problems


def validate_card(card, where: tuple, rubrics: Mapping[str, Rubric]) -> list[RubricProblem]:
    """Every problem with one card given as plain data."""
    if not isinstance(card, Mapping):
        return [_problem(where, "a card must be a mapping of fields.", "卡片必须是键值映射。")]
    problems = [_problem((*where, field), f"unknown field; allowed: {', '.join(CARD_FIELDS)}.",
                         "未知字段。") for field in card if field not in CARD_FIELDS]
    key = card.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        problems.append(_problem((*where, "key"), f"key {key!r} is invalid: lower-case letters, "
                                 "digits and underscores, starting with a letter.",
                                 f"标识 {key!r} 无效。"))
    problems += check_bilingual(card.get("title"), (*where, "title"))
    problems += check_bilingual(card.get("situation"), (*where, "situation"))
    persona = card.get("persona")
    if not isinstance(persona, Mapping):
        problems.append(_problem((*where, "persona"), "needs who, mood and wants.",
                                 "需要 who、mood、wants。"))
    else:
        for field in PERSONA_FIELDS:
            problems += check_bilingual(persona.get(field), (*where, "persona", field))
    problems += _choice_problems(card, where)
    problems += _text_list_problems(card.get("escalation"), (*where, "escalation"), 2, 3)
    problems += _text_list_problems(card.get("good_response"), (*where, "good_response"), 2, None)
    problems += _not_applicable_problems(card, where, rubrics)
    return problems + _standards_problems(card, where, rubrics)


def _card_from_dict(card: Mapping) -> RolePlayCard:
    persona = card["persona"]
    return RolePlayCard(
        card["key"], card["rubric"], dict(card["title"]), card["channel"], card["difficulty"],
        card["minutes"], Persona(*(dict(persona[field]) for field in PERSONA_FIELDS)),
        dict(card["situation"]), tuple(dict(s) for s in card["escalation"]),
        tuple(dict(g) for g in card["good_response"]), tuple(card["standards"]),
        tuple(card.get("not_applicable", ())),
    )


def load_cards(path: str | Path = CARDS_PATH,
               rubrics: Mapping[str, Rubric] | None = None) -> dict[str, RolePlayCard]:
    """Load and check every card of a file ({cards: [...]}); all or nothing (CardError)."""
    path = Path(path)
    rubrics = load_rubrics(RUBRICS_PATH) if rubrics is None else rubrics
    data, root = read_yaml_text(path.read_text(encoding="utf-8"), str(path), CardError)
    cards = data.get("cards") if isinstance(data, Mapping) else None
    if not isinstance(cards, list) or not cards:
        raise CardError([_problem(("cards",), "the file needs a non-empty list 'cards'.",
                                  "文件必须包含非空的 cards 列表。")], str(path), [1])
    problems = []
    for index, card in enumerate(cards):
        problems += validate_card(card, ("cards", index), rubrics)
    keys = [card.get("key") for card in cards if isinstance(card, Mapping)]
    problems += [_problem(("cards", i, "key"), f"card key {k!r} is used twice.",
                          f"卡片标识 {k!r} 重复。") for i, k in enumerate(keys) if k in keys[:i]]
    if problems:
        raise CardError(problems, str(path), [yaml_line(root, p.location) for p in problems])
    return {card["key"]: _card_from_dict(card) for card in cards}


def load_shipped_rubrics() -> dict[str, Rubric]:
    """The rubrics shipped with the platform."""
    return load_rubrics(RUBRICS_PATH)
