"""The logistics-interruption and epidemic drills (issue 14.4): bilingual, graded, drillable,
shown by their signals, and calibrated so that doing nothing clearly misses and the reference
policy clearly beats doing nothing and the gaming recipes."""

import re

import pytest

import scenarios
from lms.drills import policy, scoring, service
from simulation import Drill
from simulation.drill_signals import SIGNAL_CODES

NEW = ["logistics_interruption", "epidemic"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _scenario(scenario_id):
    return scenarios.library_scenario(scenario_id)


@pytest.mark.parametrize("scenario_id", NEW)
def test_the_scenario_is_bilingual_graded_and_drillable(app, scenario_id):
    scenario = _scenario(scenario_id)
    for text in (scenario.title, scenario.description):
        assert CJK.search(text.zh) and not CJK.search(text.en) and text.en.strip()
    assert scenario.events and all(e.title and e.grade in scenarios.EVENT_GRADES
                                   for e in scenario.events)
    assert scoring.true_grade(scenario) == "L2"
    with app.app_context():
        assert scenario_id in {entry.id for entry in service.drill_scenarios()}
    again = scenarios.scenario_from_dict(scenarios.scenario_to_dict(scenario))
    assert again == scenario


def test_an_unknown_grade_is_refused_with_its_path():
    data = scenarios.scenario_to_dict(_scenario("epidemic"))
    data["events"][0]["grade"] = "L4"
    with pytest.raises(scenarios.ScenarioError) as caught:
        scenarios.scenario_from_dict(data)
    assert [issue[0] for issue in caught.value.issues] == ["events[0].grade"]
    assert "L1, L2, L3" in str(caught.value)


def _signals(scenario_id, seed=3):
    scenario = _scenario(scenario_id)
    state = Drill(scenario, seed).state_at(scenario.horizon_seconds)
    return [a for a in state["alerts"] if a["code"] in SIGNAL_CODES or
            a["code"] == "staff_absent"]


def test_the_logistics_interruption_shows_as_backlog_repeat_calls_and_complaints():
    found = _signals("logistics_interruption")
    codes = {a["code"] for a in found}
    assert {"technician_backlog", "contacts_rising", "repeat_rate"} <= codes
    assert "same_problem" not in codes and "staff_absent" not in codes  # no product, no absence
    backlog = [a["params"]["backlog"] for a in found if a["code"] == "technician_backlog"]
    assert len(backlog) >= 3 and backlog == sorted(backlog)      # the backlog keeps growing
    rising = {a["params"]["queue"] for a in found if a["code"] == "contacts_rising"}
    assert {"technical", "complaint"} <= rising


def test_the_epidemic_shows_as_absence_and_repeat_calls_on_shorter_hours():
    scenario = _scenario("epidemic")
    assert (scenario.opening_hours.open_hour, scenario.opening_hours.close_hour) == (9, 20)
    assert all(g.handle_time_factor > 1.0 for g in scenario.groups)  # remote work
    found = _signals("epidemic")
    codes = {a["code"] for a in found}
    assert {"staff_absent", "repeat_rate"} <= codes and "same_problem" not in codes
    absent = next(a for a in found if a["code"] == "staff_absent")
    assert absent["time"] == scenario.events[0].start_hour * 3600.0
    assert absent["params"]["on_phones"] < 0.5 * absent["params"]["scheduled"]


def test_each_new_scenario_has_its_own_reference_policy():
    logistics = dict(policy.reference_decisions(_scenario("logistics_interruption")))
    assert logistics["publish_unified_reply"] == {"queue": "technical"}
    assert logistics["escalate_to_emergency_team"]["extra_technicians"] == \
        policy.technician_reserve(_scenario("logistics_interruption"))
    epidemic = dict(policy.reference_decisions(_scenario("epidemic")))
    assert "publish_unified_reply" not in epidemic
    assert epidemic["escalate_to_emergency_team"]["extra_technicians"] == 0
    generic = dict(policy.reference_decisions(_scenario("group_complaint_surge")))
    assert generic["publish_unified_reply"] == {"queue": "complaint"}


@pytest.mark.parametrize("scenario_id", NEW)
def test_the_reference_beats_doing_nothing_and_the_gaming_recipes(scenario_id):
    scenario = _scenario(scenario_id)
    nothing = scoring.evaluate(scenario, 3, [])
    sign = nothing["sign"]
    reference = scoring.evaluate(scenario, 3, scoring.reference_records(scenario, sign))
    everything = [(kind, params, 0.0) for kind, params, _ in
                  scoring.reference_records(scenario, sign)]
    everything += [("add_agents", {"group": g.name, "count": g.reserve_staff}, 0.0)
                   for g in scenario.groups if g.reserve_staff]
    at_once = scoring.evaluate(scenario, 3, everything)
    # every lever pulled on the dot of the first sign, but no grade and every reserve too
    flat_out = [(kind, {k: v for k, v in params.items() if k != "grade"}, sign)
                for kind, params, _ in scoring.reference_records(scenario, sign)]
    flat_out += [("add_agents", {"group": g.name, "count": g.reserve_staff}, sign)
                 for g in scenario.groups if g.reserve_staff]
    overspent = scoring.evaluate(scenario, 3, flat_out)

    target = min(q.service_level.percent for q in scenario.queues) / 100.0
    sl = reference["kpis"]["service_level"]
    assert sl["nothing"] < target - 0.15                      # doing nothing clearly misses
    assert sl["reference"] > sl["nothing"] + 0.2               # the reference clearly helps
    ab = reference["kpis"]["abandon_rate"]
    assert ab["reference"] < 0.5 * ab["nothing"]
    assert reference["grade"]["verdict"] == "correct"
    assert reference["score"] >= 0.9
    assert nothing["score"] < scoring.PASS_MARK
    assert at_once["score"] < scoring.PASS_MARK
    assert max(at_once["score"], nothing["score"]) < reference["score"] - 0.25
    assert overspent["score"] < reference["score"] - 0.1
