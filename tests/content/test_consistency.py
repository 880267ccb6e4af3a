"""Lessons, cards, rubrics and questions agree with the seed facts in ``facts.py``."""

from __future__ import annotations

import re

from tests.content.facts import COMPLAINT_LEVELS, WRONG_OWNERS, texts

TEXTS = list(texts())


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；;.!?！？\n])\s*", text) if s.strip()]


def test_the_texts_cover_lessons_cards_rubrics_and_questions_in_both_languages():
    kinds = {(where.split()[0].split(".")[0], language) for where, language, _ in TEXTS}
    for kind in ("lesson", "case", "cards", "rubrics", "question"):
        assert {(kind, "zh"), (kind, "en")} <= kinds


def test_no_text_names_an_owner_the_sources_do_not_have():
    found = [(where, name) for where, language, text in TEXTS
             for name in WRONG_OWNERS[language] if name in text]
    assert found == []


def test_a_sentence_naming_a_complaint_level_names_its_owner_and_figures():
    wrong = []
    for where, language, text in TEXTS:
        for sentence in _sentences(text):
            named = [number for number, level in COMPLAINT_LEVELS.items()
                     if any(name in sentence for name in level.names[language])]
            if len(named) != 1:
                continue  # a sentence comparing levels is checked by the one-level sentences
            level = COMPLAINT_LEVELS[named[0]]
            others = [owner for number, other in COMPLAINT_LEVELS.items() if number != named[0]
                      for owner in other.owner[language]
                      if owner not in " ".join(level.owner[language])]
            if any(owner in sentence for owner in others):
                wrong.append((where, sentence))
            hours = re.findall(r"(\d+)\s*小时内(?:联系|与客户)", sentence) + re.findall(
                r"contact(?:s|ed)?(?: the customer| him| her)? within (\d+)", sentence)
            if level.contact_hours and hours and str(level.contact_hours) not in hours:
                wrong.append((where, sentence))
    assert wrong == []


def test_the_gas_leak_card_never_allows_the_24_hour_backstop():
    gas = [(where, text) for where, _, text in TEXTS
           if where.startswith("cards.yaml.cards[") and "good_response" in where]
    assert gas, "cards carry good responses"
    assert not [where for where, text in gas
                if ("燃气" in text or "gas" in text.lower()) and "24" in text]
