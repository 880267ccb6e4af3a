"""Loading, round trips and the shipped library."""

import pytest

import scenarios
from scenarios import ScenarioError, load_scenario, scenario_from_dict, scenario_to_dict


def test_every_library_scenario_loads_with_bilingual_texts():
    entries = scenarios.library()
    ids = {entry.id for entry in entries}
    assert {"normal_weekday", "peak_season_day", "group_complaint_surge", "quality_recall",
            "typhoon", "full_week", "stationary_single_queue"} <= ids
    for entry in entries:
        assert entry.path.name == f"{entry.id}.yaml"
        assert entry.title.zh and entry.title.en and entry.description.zh and entry.description.en
        assert entry.load().id == entry.id


def test_library_covers_every_event_type_and_queue():
    loaded = [entry.load() for entry in scenarios.library()]
    kinds = {event.type for s in loaded for event in s.events}
    assert kinds == set(scenarios.EVENT_TYPES)
    queues = {name for s in loaded for name in s.queue_names}
    assert queues == set(scenarios.QUEUE_KINDS)
    week = load_scenario("full_week")
    assert week.n_intervals == 336


@pytest.mark.parametrize("entry", scenarios.library(), ids=lambda e: e.id)
def test_dict_round_trip_is_exact(entry):
    scenario = entry.load()
    data = scenario_to_dict(scenario)
    again = scenario_from_dict(data)
    assert again == scenario
    assert scenario_to_dict(again) == data


@pytest.mark.parametrize("entry", scenarios.library(), ids=lambda e: e.id)
def test_yaml_round_trip_is_exact(entry):
    scenario = entry.load()
    assert scenarios.parse_scenario(scenarios.scenario_to_yaml(scenario)) == scenario


def test_load_by_path_text_and_id_agree():
    by_id = load_scenario("typhoon")
    path = scenarios.LIBRARY_DIR / "typhoon.yaml"
    assert load_scenario(path) == by_id
    assert load_scenario(str(path)) == by_id
    assert scenarios.load_scenario_file(path) == by_id
    assert scenarios.library_scenario("typhoon") == by_id
    assert scenarios.parse_scenario(path.read_text(encoding="utf-8")) == by_id


def test_text_is_never_read_as_a_path():
    path = scenarios.LIBRARY_DIR / "typhoon.yaml"
    with pytest.raises(ScenarioError):
        scenarios.validate(str(path))
    with pytest.raises(TypeError):
        load_scenario(path.read_text(encoding="utf-8"))


def test_unknown_library_id_is_a_clear_error():
    with pytest.raises(ScenarioError) as caught:
        load_scenario("no_such_scenario")
    assert "no_such_scenario" in str(caught.value)


def test_defaults_follow_domain_targets():
    scenario = load_scenario("stationary_single_queue")
    assert scenario.priorities.urgent.respond_hours == 1.0
    assert scenario.priorities.urgent.resolve_hours == 2.0
    assert scenario.priorities.normal.resolve_hours == 8.0
    queue = scenario.queues[0]
    assert queue.redial.probability == 0.0 and queue.callback.enabled is False


def test_scenario_is_frozen_and_hashable():
    scenario = load_scenario("normal_weekday")
    with pytest.raises(AttributeError):
        scenario.horizon_hours = 3  # type: ignore[misc]
    assert hash(scenario) == hash(load_scenario("normal_weekday"))
