"""Drill rules: actions stored with drill time, replay, refusal, scoring and its signal."""

import pytest

from lms.drills import replay, scoring, service
from lms.drills.service import ActionRefused
from lms.extensions import db
from lms.signals import activity_result
from tests.drills.factories import let_time_pass, make_drill
from tests.factories import make_user


@pytest.fixture
def drill(app):
    with app.test_request_context():
        found = make_drill()
        service.control(found, "start")
        db.session.commit()
        yield found


def test_actions_are_stored_with_their_drill_time_and_replayed(drill):
    let_time_pass(drill, 12)  # 12 s × 600 = 2 simulated hours
    action, repeated = service.take_action(drill, drill.trainee, "move_staff",
                                           {"from_group": "frontline",
                                            "to_group": "complaints_desk", "count": "3"})
    db.session.commit()
    assert not repeated
    assert action.drill_seconds == pytest.approx(7200, abs=60)
    assert action.params == {"from_group": "frontline", "to_group": "complaints_desk",
                             "count": 3}
    engine_actions = replay.engine_actions(drill)
    assert [a["type"] for a in engine_actions] == ["remove_agents", "add_agents"]
    before = replay.scenario_of(drill)
    state = replay.state_at(drill, action.drill_seconds + 1800)
    desk = state["agents"]["complaints_desk"]["on_phones"]
    plain = service.replay.EngineDrill(before, drill.seed, []).state_at(
        action.drill_seconds + 1800)["agents"]["complaints_desk"]["on_phones"]
    assert desk == plain + 3


def test_the_same_record_gives_the_same_state_after_a_restart(drill):
    let_time_pass(drill, 12)
    service.take_action(drill, drill.trainee, "enable_callbacks", {"queue": "all"})
    db.session.commit()
    first = replay.state_at(drill, 9000)
    replay._CACHE.clear()  # what a restarted process has
    again = replay.state_at(drill, 9000)
    assert first["kpis"] == again["kpis"]


def test_bad_action_parameters_are_refused_naming_the_allowed_values(drill):
    let_time_pass(drill, 1)
    with pytest.raises(ActionRefused) as refused:
        service.take_action(drill, drill.trainee, "add_agents", {"group": "nobody", "count": 1})
    assert refused.value.status == 400 and "frontline" in str(refused.value)
    with pytest.raises(ActionRefused):
        service.take_action(drill, drill.trainee, "dance", {})


def test_someone_elses_or_a_finished_drill_refuses_actions(drill):
    other = make_user(roles=["trainee"])
    with pytest.raises(ActionRefused) as refused:
        service.take_action(drill, other, "report_manager", {})
    assert refused.value.status == 403
    service.control(drill, "finish")
    db.session.commit()
    with pytest.raises(ActionRefused) as refused:
        service.take_action(drill, drill.trainee, "report_manager", {})
    assert refused.value.status == 409
    assert len(drill.actions) == 0


def test_scoring_rewards_the_reference_policy_and_sends_the_result(drill):
    received = []

    def listen(sender, **kw):
        received.append((sender, kw))

    let_time_pass(drill, 12.5)  # 5 minutes after the 10:00 onset
    service.take_action(drill, drill.trainee, "report_manager", {})
    service.take_action(drill, drill.trainee, "activate_emergency_plan", {})
    for raw in scoring.reference_actions(replay.scenario_of(drill))[1:]:
        service.take_action(drill, drill.trainee, raw["type"], raw["params"])
    db.session.commit()
    with activity_result.connected_to(listen):
        service.control(drill, "finish")
    db.session.commit()
    result = drill.debrief
    assert result["kpis"]["service_level"]["mine"] > result["kpis"]["service_level"]["nothing"]
    assert result["dimensions"]["efficiency"] > 0.8
    assert result["dimensions"]["satisfaction"] > 0.8
    verdicts = {s["kind"]: s["verdict"] for s in result["steps"]}
    assert verdicts["report_manager"] == "on_time"
    assert verdicts["start_emergency_mechanism"] == "on_time"
    assert verdicts["review"] == "missing"
    assert received[0][0] == "emergency_drill"
    assert received[0][1]["ref"] == "drill:group_complaint_surge"
    assert received[0][1]["score"] == drill.score


def test_doing_nothing_scores_only_the_unspent_resources(drill):
    service.control(drill, "finish")
    db.session.commit()
    dims = drill.debrief["dimensions"]
    assert dims["response"] == dims["efficiency"] == dims["satisfaction"] == 0.0
    assert drill.score == pytest.approx(scoring.WEIGHTS["resources"])


def test_situation_reports_arrive_with_the_emergency(app, drill):
    from lms.drills import live

    with app.test_request_context():
        before = live.state_json(drill, "en")["alerts"]
        assert not any("Social-media" in a["text"] for a in before)
        let_time_pass(drill, 13)  # 13 s × 600 = 10:10, past the 10:00 onset... and 10:05
        texts = [a["text"] for a in live.state_json(drill, "en")["alerts"]]
        assert any("same front-loader model" in text for text in texts)
        assert not any("Social-media" in text for text in texts)  # due at 10:20
