"""Signals, not diagnoses (issue 14.4): the live feed shows observations with numbers that a
supervisor must interpret; the event and its true grade appear only in the debrief, where the
declared grade is scored against the true one."""

import re

import pytest
from flask_babel import force_locale

import scenarios
from lms.drills import narrative, replay, scoring, service
from lms.extensions import db
from simulation import Drill
from simulation.drill_signals import CHECK_SECONDS, SIGNAL_CODES
from tests.drills.factories import let_time_pass, make_drill

DRILLED = ["group_complaint_surge", "quality_recall", "typhoon", "logistics_interruption",
           "epidemic"]
#: Words that would give the event (or its grade) away.
GIVEAWAYS = ("群体投诉", "召回", "灾害", "台风", "疫情", "物流", "group-complaint",
             "group complaint", "recall", "disaster", "typhoon", "epidemic", "logistics",
             "quality problem", "l1", "l2", "l3", "一级", "二级", "三级")


def _feed(scenario, seed=3):
    state = Drill(scenario, seed).state_at(scenario.horizon_seconds)
    return state["alerts"], narrative.situation_reports(scenario)


@pytest.mark.parametrize("scenario_id", DRILLED)
def test_the_live_feed_never_names_the_event_or_its_grade(scenario_id):
    scenario = scenarios.library_scenario(scenario_id)
    alerts, reports = _feed(scenario)
    assert alerts and reports
    titles = [t for e in scenario.events if e.title for t in (e.title.zh, e.title.en)]
    for item in [*alerts, *reports]:
        assert not item["code"].startswith(scenarios.EVENT_TYPES), item
        for lang in ("zh", "en"):
            text = item["text"][lang].lower()
            assert not any(word in text for word in GIVEAWAYS), (item["code"], text)
            assert not any(title.lower() in text for title in titles), text


@pytest.mark.parametrize("scenario_id", DRILLED)
def test_signals_are_observations_with_numbers_after_the_onset(scenario_id):
    scenario = scenarios.library_scenario(scenario_id)
    alerts, _ = _feed(scenario)
    onset, _ = scoring.onset_and_resolution(scenario)
    signals = [a for a in alerts if a["code"] in SIGNAL_CODES]
    assert signals, "the emergency must show in the numbers"
    for alert in signals:
        assert re.search(r"\d", alert["text"]["en"]) and re.search(r"\d", alert["text"]["zh"])
        assert alert["time"] % CHECK_SECONDS == 0
    assert min(a["time"] for a in signals) >= onset  # nothing before the event starts


def test_the_surge_shows_as_rising_complaints_about_one_model():
    scenario = scenarios.library_scenario("group_complaint_surge")
    alerts, _ = _feed(scenario)
    rising = [a for a in alerts if a["code"] == "contacts_rising"
              and a["params"]["queue"] == "complaint"]
    assert rising and rising[0]["params"]["observed"] >= 1.6 * rising[0]["params"]["usual"]
    same = [a for a in alerts if a["code"] == "same_problem"]
    assert same and same[0]["time"] == rising[0]["time"]
    assert "same problem with one product model" in same[0]["text"]["en"]
    over = [a for a in alerts if a["code"] == "incident_over"]
    assert [a["time"] for a in over] == [scenario.events[0].end_hour * 3600.0]


@pytest.mark.parametrize("seed", [1, 3, 5])
def test_a_normal_day_raises_almost_no_signal(seed):
    scenario = scenarios.library_scenario("normal_weekday")
    state = Drill(scenario, seed).state_at(scenario.horizon_seconds)
    signals = [a for a in state["alerts"] if a["code"] in SIGNAL_CODES]
    assert len(signals) <= 1
    assert not [a for a in signals if a["code"] in ("contacts_rising", "same_problem",
                                                     "technician_backlog")]


@pytest.mark.parametrize("scenario_id", DRILLED)
def test_the_first_sign_is_the_first_signal_or_report_after_the_onset(scenario_id):
    scenario = scenarios.library_scenario(scenario_id)
    alerts, reports = _feed(scenario)
    onset, _ = scoring.onset_and_resolution(scenario)
    seen = [a["time"] for a in alerts if a["code"] not in ("action_applied", "incident_over")]
    seen += [r["time"] for r in reports]
    expected = min(t for t in seen if t >= onset)
    assert scoring.first_sign(scenario, alerts) == expected
    assert scoring.evaluate(scenario, 3, [])["sign"] == expected


def test_the_first_sign_ignores_noise_before_the_onset_and_the_end_notice():
    scenario = scenarios.library_scenario("group_complaint_surge")
    onset, resolved = scoring.onset_and_resolution(scenario)
    first_report = narrative.situation_reports(scenario)[0]["time"]
    alerts = [{"time": onset - 600, "code": "contacts_rising"},
              {"time": onset + 60, "code": "action_applied"},
              {"time": onset + 120, "code": "incident_over"}]
    assert scoring.first_sign(scenario, alerts) == first_report
    alerts.append({"time": onset + 180, "code": "queue_growth"})
    assert scoring.first_sign(scenario, alerts) == onset + 180


def test_steps_after_the_onset_but_before_the_first_sign_count_nothing():
    scenario = scenarios.library_scenario("group_complaint_surge")
    sign = scoring.evaluate(scenario, 3, [])["sign"]
    onset, _ = scoring.onset_and_resolution(scenario)
    assert sign > onset
    early = scoring.evaluate(scenario, 3, [("report_manager", {"grade": "L2"}, onset + 60)])
    step = next(s for s in early["steps"] if s["kind"] == "report_manager")
    assert step["verdict"] == "before_signal" and early["grade"]["verdict"] == "missing"
    assert early["dimensions"]["response"] == 0.0
    timely = scoring.evaluate(scenario, 3, [("report_manager", {"grade": "L2"}, sign)])
    step = next(s for s in timely["steps"] if s["kind"] == "report_manager")
    assert step["verdict"] == "on_time" and timely["grade"]["verdict"] == "correct"
    assert timely["dimensions"]["response"] > 0.0


@pytest.mark.parametrize("declared, verdict, points", [
    ("L2", "correct", 1.0), ("L1", "one_level_off", 0.5), ("L3", "one_level_off", 0.5),
    (None, "missing", 0.0)])
def test_the_declared_grade_is_scored_against_the_true_grade(declared, verdict, points):
    scenario = scenarios.library_scenario("group_complaint_surge")
    assert scoring.true_grade(scenario) == "L2"
    sign = scoring.evaluate(scenario, 3, [])["sign"]
    params = {"grade": declared} if declared else {}
    result = scoring.evaluate(scenario, 3, [("report_manager", params, sign + 60)])
    assert (result["grade"]["verdict"], result["grade"]["points"]) == (verdict, points)
    # one step on time out of five, plus the grade item
    assert result["dimensions"]["response"] == pytest.approx((1.0 + points) / 6)


def test_two_levels_off_is_wrong_and_the_most_severe_event_sets_the_true_grade():
    scenario = scenarios.library_scenario("quality_recall")
    assert scoring.true_grade(scenario) == "L1"
    sign = scoring.evaluate(scenario, 3, [])["sign"]
    result = scoring.evaluate(scenario, 3, [("report_manager", {"grade": "L3"}, sign)])
    assert result["grade"]["verdict"] == "wrong" and result["grade"]["points"] == 0.0


def test_the_reference_policy_declares_the_true_grade():
    for scenario_id in DRILLED:
        scenario = scenarios.library_scenario(scenario_id)
        report = next(p for k, p, _ in scoring.reference_records(scenario)
                      if k == "report_manager")
        assert report["grade"] == scoring.true_grade(scenario)


def test_a_scenario_without_a_true_grade_scores_only_the_steps():
    scenario = scenarios.library_scenario("group_complaint_surge")
    data = scenarios.scenario_to_dict(scenario)
    assert data["events"][0]["grade"] == "L2"
    assert scenarios.scenario_from_dict(data) == scenario           # the grade round-trips
    del data["events"][0]["grade"]
    plain = scenarios.scenario_from_dict(data)
    assert plain.events[0].grade is None
    assert scoring.true_grade(plain) is None
    sign = scoring.evaluate(plain, 3, [])["sign"]
    result = scoring.evaluate(plain, 3, [("report_manager", {"grade": "L1"}, sign)])
    assert result["grade"] is None
    assert result["dimensions"]["response"] == pytest.approx(1.0 / 5)


@pytest.fixture
def drill(app):
    with app.test_request_context(), force_locale("en"):
        found = make_drill()
        service.control(found, "start")
        db.session.commit()
        yield found


def test_the_live_page_shows_signals_and_the_debrief_reveals_event_and_grade(
        app, drill, client, auth):
    from lms.drills import live

    with app.test_request_context():
        let_time_pass(drill, 15)  # 15 s × 600 = 10:30
        texts = [a["text"] for a in live.state_json(drill, "en")["alerts"]]
        assert any(t.startswith("Contacts:") for t in texts), texts
        assert not any("Noisy washing-machine" in t or "Group-complaint" in t for t in texts)
        service.take_action(drill, drill.trainee, "report_manager", {"grade": "L1"})
        service.control(drill, "finish")
        db.session.commit()
    result = drill.debrief
    assert result["events"][0]["title"]["en"] == "Noisy washing-machine drum complaints"
    assert result["events"][0]["grade"] == "L2"
    assert result["grade"] == {**result["grade"], "true": "L2", "declared": "L1",
                               "verdict": "one_level_off"}
    auth.login(drill.trainee.username)
    page = client.get(f"/drills/{drill.id}/debrief").get_data(as_text=True)
    reveal = page[page.index('id="reveal-h"'):page.index('id="chart-h"')]
    assert "Noisy washing-machine drum complaints" in reveal
    assert "True grade: L2 general. Declared: L1 major." in reveal
    assert "one level off" in reveal
    assert "true grade: L2 general" in reveal


def test_the_reveal_is_in_chinese_too(app, client, auth):
    with app.test_request_context():
        drill = make_drill()
        service.control(drill, "start")
        service.control(drill, "finish")
        db.session.commit()
        drill_id, username = drill.id, drill.trainee.username
    auth.login(username)
    page = client.get(f"/drills/{drill_id}/debrief").get_data(as_text=True)
    reveal = page[page.index('id="reveal-h"'):page.index('id="chart-h"')]
    assert "实际发生了什么" in reveal and "洗衣机异响群体投诉 · 真实级别:L2 一般" in reveal
    assert "真实级别:L2 一般。学员判定:无。" in reveal and "首个信号之后未判定级别" in reveal
    assert replay.scenario_of(drill).id == "group_complaint_surge"
