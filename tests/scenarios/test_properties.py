"""Property tests: the validator never crashes, reports every problem, and round trips exactly."""

import copy

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scenarios
from scenarios import ScenarioError, scenario_from_dict, scenario_to_dict

BASE = scenario_to_dict(scenarios.load_scenario("normal_weekday"))
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8))
trees = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.text(max_size=6), children, max_size=4)), max_leaves=12)


def _leaf_paths(data, prefix=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaf_paths(value, prefix + (key,))
    elif isinstance(data, list) and data:
        for index, value in enumerate(data):
            yield from _leaf_paths(value, prefix + (index,))
    else:
        yield prefix


LEAVES = list(_leaf_paths(BASE))


def _set(data, path, value):
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


@SETTINGS
@given(trees)
def test_arbitrary_data_gives_a_scenario_or_a_scenario_error(data):
    try:
        scenario_from_dict(data)
    except ScenarioError as error:
        assert error.issues
        assert all(isinstance(issue.message, str) and issue.message for issue in error.issues)


@SETTINGS
@given(trees)
def test_arbitrary_yaml_text_gives_only_scenario_errors(data):
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        scenarios.parse_scenario(text + "\n")
    except ScenarioError as error:
        assert all(issue.line is None or issue.line >= 1 for issue in error.issues)


@SETTINGS
@given(st.sampled_from(LEAVES), scalars)
def test_one_broken_value_is_reported_under_its_key(path, value):
    data = copy.deepcopy(BASE)
    _set(data, path, value)
    try:
        scenario = scenario_from_dict(data)
    except ScenarioError as error:
        # The problem is reported on the changed key, or on a rule that involves it.
        reported = {issue.key_path.split(".")[0].split("[")[0] for issue in error.issues}
        assert str(path[0]) in reported or reported & {"technicians", "staffing", "queues"}
    else:
        assert scenario_from_dict(scenario_to_dict(scenario)) == scenario


@SETTINGS
@given(
    calls=st.floats(1, 1e5), mean=st.floats(1, 3000), cv=st.floats(0.05, 3),
    patience=st.one_of(st.none(), st.floats(1, 3600)), fcr=st.floats(0, 1),
    shrinkage=st.floats(0, 0.9), agents=st.integers(1, 400),
    interval=st.sampled_from([15, 30]), hours=st.integers(1, 48),
    share=st.floats(0, 1),
)
def test_valid_variations_round_trip_exactly(calls, mean, cv, patience, fcr, shrinkage, agents,
                                             interval, hours, share):
    data = copy.deepcopy(BASE)
    queue = data["queues"]["complaint"]
    queue["calls_per_day"] = calls
    queue["handle_time_seconds"] = {"distribution": "lognormal", "mean": mean, "cv": cv}
    queue["patience_seconds"] = None if patience is None else {
        "distribution": "exponential", "mean": patience, "cv": None}
    queue["priority_mix"] = {"urgent": share, "general": 1 - share, "normal": 0.0}
    data["groups"]["frontline"]["first_contact_resolution"] = fcr
    data["interval_minutes"] = interval
    data["horizon_hours"] = hours
    # Constant plans fit any horizon; the shipped plans have one value per half hour.
    for plan in data["staffing"].values():
        plan["agents"] = [plan["agents"][0]]
    data["staffing"]["frontline"] = {"agents": [agents], "shrinkage": shrinkage}
    scenario = scenario_from_dict(data)
    assert scenario_from_dict(scenario_to_dict(scenario)) == scenario
    assert scenario_to_dict(scenario_from_dict(scenario_to_dict(scenario))) == \
        scenario_to_dict(scenario)
