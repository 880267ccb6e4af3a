"""Gate criteria fail a performance whatever the total; a card's not-applicable criteria are
neither shown on the scoring form nor counted in the total."""

import pytest

from lms.extensions import db
from lms.roleplay import service
from lms.roleplay.content import CARDS_PATH, load_cards, load_shipped_rubrics
from lms.roleplay.rubric import rubric_from_dict, score_total, validate_rubric
from lms.signals import activity_result
from tests.factories import make_user
from tests.roleplay.factories import levels_at, make_performance, score


def level(points):
    return {"points": points, "definition": {"zh": f"等级{points}", "en": f"level {points}"}}


GATED = rubric_from_dict({
    "key": "gated", "name": {"zh": "门槛", "en": "Gated"},
    "criteria": [
        {"key": "tone", "description": {"zh": "语气", "en": "Tone"},
         "levels": [level(0), level(1), level(2), level(3)]},
        {"key": "listening", "description": {"zh": "倾听", "en": "Listening"},
         "levels": [level(0), level(1), level(2), level(3)]},
        {"key": "no_blame", "gate": True, "description": {"zh": "不推诿", "en": "No blame"},
         "levels": [level(0), level(2), level(4)]},
    ],
})


def test_a_failed_gate_is_reported_even_with_a_high_total():
    total = score_total(GATED, {"tone": 3, "listening": 3, "no_blame": 0})
    assert total.fraction == pytest.approx(0.6)  # 6 of 10: at the pass mark
    assert total.gates_failed == ("no_blame",)
    assert not service.is_pass(total)
    good = score_total(GATED, {"tone": 3, "listening": 3, "no_blame": 2})
    assert good.gates_failed == () and service.is_pass(good)


def test_not_applicable_criteria_leave_the_total_and_must_not_be_scored():
    total = score_total(GATED, {"tone": 3, "no_blame": 4}, not_applicable=["listening", "x"])
    assert (total.points, total.min_points, total.max_points) == (7, 0, 7)
    assert total.fraction == 1.0 and total.not_applicable == ("listening",)
    with pytest.raises(ValueError, match="not applicable"):
        score_total(GATED, {"tone": 3, "listening": 1, "no_blame": 4}, ["listening"])
    with pytest.raises(ValueError, match="every criterion"):
        score_total(GATED, {}, ["tone", "listening", "no_blame"])


def test_gate_must_be_true_or_false():
    data = {"key": "r", "name": {"zh": "甲", "en": "A"},
            "criteria": [{"key": "c", "gate": "yes", "description": {"zh": "甲", "en": "A"},
                          "levels": [level(0), level(1)]}]}
    assert [p.where for p in validate_rubric(data)] == ["criteria[1].gate"]


def test_shipped_gates_cover_buck_passing_arguing_and_unsafe_advice():
    rubrics = load_shipped_rubrics()
    gates = {key: {c.key for c in r.criteria if c.gate} for key, r in rubrics.items()}
    assert gates["complaint_handling"] == {"no_buck_passing", "safe_advice"}
    assert gates["consultation"] == {"no_buck_passing", "safe_advice"}
    assert gates["safety_critical_call"] == {"safety_instructions"}
    assert "no_buck_passing" in gates["enterprise_technical_complaint"]
    lowest = rubrics["complaint_handling"].criterion("no_buck_passing").levels[0]
    assert "argues" in lowest.definition["en"] and "争辩" in lowest.definition["zh"]


def test_a_card_cannot_mark_its_own_standard_not_applicable(tmp_path):
    text = CARDS_PATH.read_text(encoding="utf-8")
    broken = text.replace("not_applicable: [safe_advice]",
                          "not_applicable: [calm_emotions, nonsense]", 1)
    path = tmp_path / "cards.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ValueError) as refused:
        load_cards(path)
    message = str(refused.value)
    assert "'calm_emotions'" in message and "'nonsense'" in message and "not_applicable" in message


def test_passing_the_buck_fails_the_performance_and_the_course_signal(app_ctx):
    received = []
    performance = make_performance()
    levels = levels_at(performance, 3)
    levels["no_buck_passing"] = 0  # blamed the technician, everything else at its best
    with activity_result.connected_to(lambda sender, **kw: received.append(kw)):
        score(performance, make_user(roles=["trainer"]), levels)
    assert received[0]["score"] > 0.8 and received[0]["passed"] is False
    result = service.trainee_result(performance)
    assert result.passed is False
    assert [text["en"] for text in result.gates_failed] == ["No buck-passing, no arguing (gate)"]


def test_a_not_applicable_criterion_is_off_the_form_and_out_of_the_total(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        performance = make_performance(card_key="personal_data_question")
        performance_id = performance.id
        assert service.not_applicable(performance) == ("negotiate_solution", "safe_advice")
        data = {f"level_{k}": f"{v:g}" for k, v in levels_at(performance, 3).items()}
    form_page = f"/roleplay/performances/{performance_id}/score"
    page = client.get(form_page).get_data(as_text=True)
    assert 'name="level_negotiate_solution"' not in page and 'id="not-applicable"' in page
    assert 'name="level_no_buck_passing"' in page and 'id="gate-note"' in page
    assert auth.post(form_page, data, form_page=form_page).status_code == 302
    with app.app_context():
        from lms.roleplay.models import Performance

        stored = db.session.get(Performance, performance_id).scores[0]
        assert "negotiate_solution" not in stored.levels and stored.fraction == 1.0
    shown = client.get(f"/roleplay/performances/{performance_id}").get_data(as_text=True)
    assert "不适用" in shown


def test_shipped_refresh_keeps_scores_valid(app_ctx):
    performance = make_performance()
    rubric = performance.card.rubric
    rubric.criteria = [{k: v for k, v in c.items() if k != "gate"} for c in rubric.criteria]
    performance.card.content = {k: v for k, v in performance.card.content.items()
                                if k != "not_applicable"}
    db.session.commit()
    refreshed = service.load_shipped_content()
    assert "refreshed:rubric:complaint_handling" in refreshed
    assert rubric.spec.criterion("no_buck_passing").gate
    assert service.load_shipped_content() == []


def test_the_builder_keeps_the_gate_flag_both_ways():
    from lms.roleplay.builder import form_values, read_rubric_form

    values = form_values(service._rubric_dict(load_shipped_rubrics()["safety_critical_call"]))
    assert values["c0_gate"] == "1" and "c1_gate" not in values
    data, _ = read_rubric_form(values)
    assert data["criteria"][0]["gate"] is True and "gate" not in data["criteria"][1]
