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
    gas = cards["safety_critical_gas_smell"]
    assert "within 1 h" in gas.situation["en"] and "1 小时内响应" in gas.situation["zh"]
    # 24 h is only the outer limit for safety cases, never the time a gas leak may wait.
    assert not any("24" in g["en"] for g in gas.good_response)
    assert gas.rubric == "safety_critical_call" and gas.standards[0] == "safety_instructions"
    # Spoiled food is a loss: a level-1 complaint, contacted by the supervisor within 24 h.
    freezer = cards["delay_compensation_demand"]
    assert "level-1" in freezer.situation["en"] and "一级" in freezer.situation["zh"]
    assert "within 24 h" in freezer.situation["en"]
    assert "二级（一般）投诉：" not in freezer.situation["zh"]
    assert "12 h" in cards["colleague_gave_wrong_answer"].situation["en"] or any(
        "12 h" in g["en"] for g in cards["colleague_gave_wrong_answer"].good_response)


def test_level_2_complaints_have_one_owner_in_both_languages():
    """The shift lead (值班组长) owns level-2 complaints everywhere; 值班主管 is not a role."""
    text = CARDS_PATH.read_text(encoding="utf-8")
    assert "值班主管" not in text
    assert "值班组长" in text


def test_consultation_cards_use_the_consultation_rubric():
    cards = load_cards()
    assert cards["consultation_first_response"].rubric == "consultation"


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
