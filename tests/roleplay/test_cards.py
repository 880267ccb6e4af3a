"""The shipped role-play cards and the card loader's refusals."""

import pytest
import yaml

from lms.roleplay.content import (
    CARDS_PATH,
    CHANNELS,
    DIFFICULTIES,
    CardError,
    load_cards,
    load_shipped_rubrics,
)

REQUIRED_SITUATIONS = [  # one card for each situation the training plan asks for
    "ac_failed_again_after_repair", "enterprise_technical_complaint", "group_complaint_caller",
    "recall_enquiry", "delay_compensation_demand", "abusive_caller_attitude_complaint",
    "elderly_remote_assistance", "personal_data_question", "callback_finds_dissatisfaction",
    "typhoon_service_interruption", "colleague_gave_wrong_answer", "safety_critical_gas_smell",
    "social_media_threat", "walk_in_warranty_dispute",
]


def bilingual(text):
    return set(text) == {"zh", "en"} and text["zh"].strip() and text["en"].strip()


def test_enough_cards_for_the_training_plan():
    cards = load_cards()
    assert len(cards) >= 14
    for key in REQUIRED_SITUATIONS:
        assert key in cards


def test_every_card_tests_criteria_of_its_rubric():
    rubrics = load_shipped_rubrics()
    for card in load_cards().values():
        criteria = {criterion.key for criterion in rubrics[card.rubric].criteria}
        assert card.standards and set(card.standards) <= criteria, card.key


def test_every_card_text_is_bilingual_and_complete():
    for card in load_cards().values():
        texts = [card.title, card.situation, card.persona.who, card.persona.mood,
                 card.persona.wants, *card.escalation, *card.good_response]
        assert all(bilingual(text) for text in texts), card.key
        assert 2 <= len(card.escalation) <= 3 and len(card.good_response) >= 2
        assert card.channel in CHANNELS and card.difficulty in DIFFICULTIES
        assert 3 <= card.minutes <= 60


def test_cards_carry_the_documented_deadlines():
    cards = load_cards()
    enterprise = cards["enterprise_technical_complaint"]
    assert "10 minutes" in " ".join(g["en"] for g in enterprise.good_response)
    assert "2 hours" in " ".join(g["en"] for g in enterprise.good_response)
    assert "24" in cards["safety_critical_gas_smell"].situation["en"]
    assert "12 h" in cards["delay_compensation_demand"].situation["en"]


def test_a_broken_card_file_is_refused_whole_with_places(tmp_path):
    data = yaml.safe_load(CARDS_PATH.read_text(encoding="utf-8"))
    data["cards"][0]["standards"].append("charm")
    data["cards"][1]["difficulty"] = "expert"
    data["cards"][2]["escalation"] = data["cards"][2]["escalation"][:1]
    data["cards"][3]["persona"]["mood"] = {"en": "worried"}
    data["cards"][4]["key"] = data["cards"][5]["key"]
    path = tmp_path / "cards.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CardError) as error:
        load_cards(path)
    text = str(error.value)
    assert "cards[1].standards[7]" in text and "'charm' is not a criterion" in text
    assert "cards[2].difficulty" in text and "basic, intermediate, advanced" in text
    assert "cards[3].escalation" in text and "2..3" in text
    assert "cards[4].persona.mood" in text
    assert "cards[6].key" in text and "used twice" in text
    assert all(line.startswith(f"{path}:") for line in text.splitlines()[1:])
