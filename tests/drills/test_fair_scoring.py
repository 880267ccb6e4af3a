"""Scoring that cannot be gamed: limited reserves that take time and cost, no self-set effect
sizes, and steps that count only after the first sign of the emergency."""

import pytest
from flask_babel import force_locale

import scenarios
from lms.drills import clock, policy, replay, scoring, service, steps
from lms.drills.service import ActionRefused
from lms.extensions import db
from tests.drills.factories import let_time_pass, make_drill

MINUTE = 60.0


@pytest.fixture
def drill(app):
    with app.test_request_context(), force_locale("en"):
        found = make_drill()
        service.control(found, "start")
        db.session.commit()
        yield found


def _take(drill, kind, params=None):
    action, _ = service.take_action(drill, drill.trainee, kind, params or {})
    db.session.commit()
    return action


def test_the_gaming_recipe_of_the_issue_no_longer_passes(drill):
    """All five steps and 500 agents twice at 08:00: the agents are refused, and even every
    resource there is, called in at 08:00, with every step clicked, stays below the pass mark."""
    scenario = replay.scenario_of(drill)
    for kind in steps.STEP_KINDS:
        _take(drill, kind)
    for _ in range(2):
        with pytest.raises(ActionRefused) as refused:
            service.take_action(drill, drill.trainee, "add_agents",
                                {"group": "frontline", "count": 500})
        assert refused.value.status == 409 and "reserve" in str(refused.value)
    for group in scenario.groups:
        if group.reserve_staff:
            _take(drill, "add_agents", {"group": group.name, "count": group.reserve_staff})
        if group.back_office_staff:
            _take(drill, "pull_back_office", {"group": group.name,
                                              "count": group.back_office_staff})
    for kind, params in (("enable_callbacks", {"queue": "all"}),
                         ("ivr_announcement", {"queue": "all"}),
                         ("publish_unified_reply", {"queue": "complaint"}),
                         ("escalate_to_emergency_team",
                          {"extra_technicians": policy.technician_reserve(scenario)})):
        _take(drill, kind, params)
    service.control(drill, "finish")
    db.session.commit()
    result = drill.debrief
    assert {s["verdict"] for s in result["steps"]} <= {"before_signal", "too_early"}
    assert result["dimensions"]["response"] == 0.0
    assert result["cost"]["total"] > result["reference_cost"]["total"]
    assert result["dimensions"]["resources"] < 0.6
    assert drill.score < scoring.PASS_MARK - 0.05


def test_the_reference_policy_played_after_the_first_sign_passes(drill):
    scenario = replay.scenario_of(drill)
    sign = scoring.first_sign(scenario, replay.EngineDrill(scenario, drill.seed, []).state_at(
        scenario.horizon_seconds)["alerts"])
    records = scoring.reference_records(scenario, sign)
    for kind, params, at in records:
        current = clock.drill_seconds(drill, scenario.horizon_seconds)
        if at > current:
            let_time_pass(drill, (at - current) / drill.compression)
        _take(drill, kind, params)
    service.control(drill, "finish")
    db.session.commit()
    assert drill.score >= 0.9
    assert all(s["verdict"] == "on_time" for s in drill.debrief["steps"])


@pytest.mark.parametrize("scenario_id", ["group_complaint_surge", "quality_recall", "typhoon"])
def test_everything_at_the_start_and_doing_nothing_score_below_the_reference(scenario_id):
    scenario = next(e.load() for e in scenarios.library() if e.id == scenario_id)
    nothing = scoring.evaluate(scenario, 3, [])
    reference = scoring.evaluate(scenario, 3, scoring.reference_records(scenario,
                                                                        nothing["sign"]))
    everything = [(kind, params, 0.0) for kind, params, _ in
                  scoring.reference_records(scenario, nothing["sign"])]
    everything += [("add_agents", {"group": g.name, "count": g.reserve_staff}, 0.0)
                   for g in scenario.groups if g.reserve_staff]
    at_once = scoring.evaluate(scenario, 3, everything)
    assert reference["score"] >= scoring.PASS_MARK
    assert at_once["score"] < scoring.PASS_MARK
    assert nothing["score"] < scoring.PASS_MARK
    assert max(at_once["score"], nothing["score"]) < reference["score"] - 0.25


def test_reserves_arrive_after_the_call_in_delay(drill):
    let_time_pass(drill, 6)  # 09:00
    action = _take(drill, "add_agents", {"group": "frontline", "count": 4})
    at = action.drill_seconds
    plain = replay.EngineDrill(replay.scenario_of(drill), drill.seed, [])

    def on_phones(engine_drill, t):
        return engine_drill.state_at(t)["agents"]["frontline"]["on_phones"]

    delay = policy.RESERVE_CALL_IN_MINUTES * MINUTE
    assert replay.state_at(drill, at + delay - 5 * MINUTE)["agents"]["frontline"][
        "on_phones"] == on_phones(plain, at + delay - 5 * MINUTE)
    assert replay.state_at(drill, at + delay + MINUTE)["agents"]["frontline"][
        "on_phones"] == on_phones(plain, at + delay + MINUTE) + 4


def test_the_reserve_pool_is_shared_with_the_emergency_plan(drill):
    frontline = replay.scenario_of(drill).group("frontline")
    _take(drill, "add_agents", {"group": "frontline", "count": frontline.reserve_staff - 2})
    with pytest.raises(ActionRefused) as refused:
        service.take_action(drill, drill.trainee, "add_agents",
                            {"group": "frontline", "count": 3})
    assert "only 2 reserve staff" in str(refused.value)
    _take(drill, "activate_emergency_plan")
    used = replay.usage(drill)
    assert used.reserve["frontline"] == frontline.reserve_staff
    with pytest.raises(ActionRefused):
        service.take_action(drill, drill.trainee, "add_agents",
                            {"group": "frontline", "count": 1})


def test_technicians_and_moved_staff_are_limited_to_what_exists(drill):
    scenario = replay.scenario_of(drill)
    let_time_pass(drill, 6)
    with pytest.raises(ActionRefused) as refused:
        service.take_action(drill, drill.trainee, "escalate_to_emergency_team",
                            {"extra_technicians": policy.technician_reserve(scenario) + 1})
    assert "params.extra_technicians" in str(refused.value)
    on_phones = replay.state_at(drill, 3600)["agents"]["frontline"]["on_phones"]
    with pytest.raises(ActionRefused) as refused:
        service.take_action(drill, drill.trainee, "move_staff",
                            {"from_group": "frontline", "to_group": "complaints_desk",
                             "count": on_phones + 50})
    assert "on the phones" in str(refused.value)


@pytest.mark.parametrize("kind, params", [
    ("publish_unified_reply", {"queue": "complaint", "handle_time_factor": 0.1}),
    ("ivr_announcement", {"redial_factor": 0.0}),
    ("enable_callbacks", {"accept_probability": 1.0}),
])
def test_trainees_cannot_set_the_effect_sizes_of_their_actions(drill, kind, params):
    with pytest.raises(ActionRefused) as refused:
        service.take_action(drill, drill.trainee, kind, params)
    assert refused.value.status == 400 and "not yours to set" in str(refused.value)
    assert not drill.actions


def test_the_unified_reply_has_the_fixed_effect(drill):
    _take(drill, "publish_unified_reply", {"queue": "complaint"})
    engine = [a for a in replay.engine_actions(drill) if a["type"] == "publish_unified_reply"]
    assert engine[0]["params"]["handle_time_factor"] == policy.UNIFIED_REPLY_HANDLE_FACTOR


def test_calling_in_costs_from_arrival_to_the_end(drill):
    scenario = replay.scenario_of(drill)
    _take(drill, "add_agents", {"group": "frontline", "count": 2})
    cost = policy.cost(scenario, replay.usage(drill))
    arrives = drill.actions[0].drill_seconds + policy.RESERVE_CALL_IN_MINUTES * MINUTE
    hours = (scenario.horizon_seconds - arrives) / 3600
    assert cost["total"] == pytest.approx(2 * hours * policy.RATES["reserve"], abs=0.02)
    assert scoring.resource_score(100, 100) == 1.0
    assert scoring.resource_score(125, 100) == pytest.approx(0.5)
    assert scoring.resource_score(0, 0) == 1.0


def test_a_step_before_the_first_sign_counts_nothing():
    sign, resolved = 7200.0, 25200.0
    early = steps.timeliness("report_manager", 7000, sign, resolved)
    assert early["verdict"] == "before_signal"
    assert scoring.STEP_POINTS["before_signal"] == 0.0
    assert steps.timeliness("report_manager", 7300, sign, resolved)["verdict"] == "on_time"
