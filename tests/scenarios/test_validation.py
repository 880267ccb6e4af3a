"""Bad input: every problem reported at once, with key path, YAML line and allowed values."""

import pytest

from scenarios import ScenarioError, issues_of, parse_scenario, scenario_from_dict, validate

from .helpers import issue_paths


def _error(data) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data)
    return caught.value


def test_negative_and_zero_rates_are_refused(weekday_dict):
    weekday_dict["queues"]["consultation"]["calls_per_day"] = -10
    weekday_dict["queues"]["complaint"]["calls_per_day"] = 0
    error = _error(weekday_dict)
    assert issue_paths(error) == ["queues.consultation.calls_per_day",
                                  "queues.complaint.calls_per_day"]
    assert "> 0" in error.issues[0].message


def test_zero_staff_is_refused(weekday_dict):
    weekday_dict["staffing"]["frontline"]["agents"] = [0]
    weekday_dict["staffing"]["complaints_desk"]["agents"] = [-3]
    error = _error(weekday_dict)
    paths = issue_paths(error)
    assert "staffing.frontline.agents" in paths
    assert "staffing.complaints_desk.agents[0]" in paths


def test_surge_ending_before_it_starts(weekday_dict):
    weekday_dict["events"] = [{"type": "group_complaint_surge", "queue": "complaint",
                               "start_hour": 5, "end_hour": 3, "peak_multiplier": 4}]
    error = _error(weekday_dict)
    assert issue_paths(error) == ["events[0].end_hour"]
    assert "not after its start" in error.issues[0].message


def test_unknown_group_and_queue_in_plans(weekday_dict):
    weekday_dict["staffing"]["night_shift"] = {"agents": [3]}
    weekday_dict["groups"]["frontline"]["skills"] = ["consultation", "hotline"]
    error = _error(weekday_dict)
    messages = {issue.key_path: issue.message for issue in error.issues}
    assert "allowed keys: frontline, complaints_desk" in messages["staffing.night_shift"]
    assert "unknown queue 'hotline'" in messages["groups.frontline.skills[1]"]


def test_horizon_of_ten_years(weekday_dict):
    weekday_dict["horizon_hours"] = 24 * 365 * 10
    error = _error(weekday_dict)
    assert issue_paths(error) == ["horizon_hours"]
    assert "≤ 744" in error.issues[0].message


def test_all_problems_are_collected_with_lines():
    text = """id: broken
title: {zh: 坏, en: Broken}
description: {zh: 坏, en: Broken}
horizon_hours: 12
interval_minutes: 20
queues:
  consultation:
    calls_per_day: 100
    handle_time_seconds: {distribution: weibull, mean: 300}
    priority_mix: {urgent: 0.5, general: 0.5, normal: 0.5}
groups:
  agents: {skills: [consultation], first_contact_resolution: 1.5}
staffing:
  agents: {agents: [5], shrinkage: 1.0}
events:
  - {type: disaster, start_hour: 20, end_hour: 22}
"""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text)
    found = {issue.key_path: issue.line for issue in caught.value.issues}
    assert found == {
        "interval_minutes": 5,
        "queues.consultation.handle_time_seconds.distribution": 9,
        "queues.consultation.priority_mix": 10,
        "groups.agents.first_contact_resolution": 12,
        "staffing.agents.shrinkage": 14,
        "events[0].start_hour": 16,
    }
    zh = caught.value.messages("zh")
    assert any("允许的取值:15, 30" in line for line in zh)
    assert all(line.startswith("<text>:") for line in zh)


def test_duplicate_keys_and_syntax_errors_name_lines():
    with pytest.raises(ScenarioError) as caught:
        parse_scenario("id: a\nid: b\n")
    assert any(i.key_path == "id" and i.line == 2 and "twice" in i.message
               for i in caught.value.issues)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario("id: [unclosed\ntitle: x\n")
    assert caught.value.issues[0].line is not None
    assert "YAML syntax error" in caught.value.issues[0].message


def test_missing_required_keys_and_unknown_top_level_key():
    error = _error({"id": "x", "colour": "blue"})
    paths = issue_paths(error)
    assert "colour" in paths
    for key in ("title", "description", "horizon_hours", "interval_minutes", "queues",
                "groups", "staffing"):
        assert key in paths


def test_cross_references(weekday_dict):
    weekday_dict["queues"]["consultation"]["arrival_shape"] = "holiday"
    del weekday_dict["staffing"]["enterprise_desk"]
    weekday_dict["technicians"] = None
    error = _error(weekday_dict)
    paths = issue_paths(error)
    assert "queues.consultation.arrival_shape" in paths
    assert "staffing.enterprise_desk" in paths
    assert "technicians" in paths


def test_lognormal_needs_cv_and_exponential_refuses_it(weekday_dict):
    weekday_dict["queues"]["consultation"]["handle_time_seconds"] = {
        "distribution": "lognormal", "mean": 200}
    weekday_dict["queues"]["complaint"]["handle_time_seconds"] = {
        "distribution": "exponential", "mean": 200, "cv": 2}
    assert issue_paths(_error(weekday_dict)) == [
        "queues.consultation.handle_time_seconds.cv", "queues.complaint.handle_time_seconds.cv"]


def test_staffing_length_must_divide_the_horizon(weekday_dict):
    weekday_dict["staffing"]["frontline"]["agents"] = [10, 12, 14]
    error = _error(weekday_dict)
    assert issue_paths(error) == ["staffing.frontline.agents"]
    assert "1, 2, 4, 7, 14, 28" in error.issues[0].message


def test_surge_ramp_must_fit(weekday_dict):
    weekday_dict["events"] = [{"type": "group_complaint_surge", "queue": "complaint",
                               "start_hour": 1, "end_hour": 2, "peak_multiplier": 3,
                               "ramp_hours": 1, "decay_hours": 1}]
    assert issue_paths(_error(weekday_dict)) == ["events[0].ramp_hours"]


def test_booleans_are_not_numbers(weekday_dict):
    weekday_dict["queues"]["consultation"]["calls_per_day"] = True
    assert issue_paths(_error(weekday_dict)) == ["queues.consultation.calls_per_day"]


def test_issues_of_and_validate_agree(weekday_dict):
    assert issues_of(weekday_dict) == []
    assert validate(weekday_dict).id == "normal_weekday"
    weekday_dict["interval_minutes"] = 60
    issues = issues_of(weekday_dict)
    assert [(i.key_path, i.line) for i in issues] == [("interval_minutes", None)]
    key_path, line, message = issues[0]
    assert "15, 30" in message
