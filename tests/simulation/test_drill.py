"""Interactive drills: deterministic replay, action effects, validation, speed."""

import random
import time

import pytest

from scenarios import load_scenario
from simulation import ACTION_TYPES, Drill, DrillAction, DrillError

HOUR = 3600.0


@pytest.fixture(scope="module")
def surge():
    return load_scenario("group_complaint_surge")


ACTIONS = [
    {"type": "ivr_announcement", "time": 2.2 * HOUR},
    {"type": "add_agents", "time": 2.5 * HOUR,
     "params": {"group": "complaints_desk", "count": 10}},
    {"type": "activate_emergency_plan", "time": 3 * HOUR},
    {"type": "publish_unified_reply", "time": 4 * HOUR},
    {"type": "escalate_to_emergency_team", "time": 2.1 * HOUR,
     "params": {"extra_technicians": 5}},
]


def test_replaying_the_same_record_gives_the_same_state(surge):
    first = Drill(surge, 7, ACTIONS).state_at(5 * HOUR)
    again = Drill(surge, 7, ACTIONS).state_at(5 * HOUR)
    assert first == again


def test_stepping_forward_matches_a_fresh_replay(surge):
    drill = Drill(surge, 7, ACTIONS)
    for t in (600.0, 2.5 * HOUR, 2.5 * HOUR + 1, 3 * HOUR, 4.5 * HOUR):
        stepped = drill.state_at(t)
        assert stepped == Drill(surge, 7, ACTIONS).state_at(t)


def test_adding_actions_live_matches_the_full_record(surge):
    drill = Drill(surge, 7)
    drill.state_at(2 * HOUR)
    for action in sorted(ACTIONS, key=lambda a: a["time"]):
        drill.state_at(action["time"] - 60)
        drill = drill.with_action(action)
    live = drill.state_at(5 * HOUR)
    assert live == Drill(surge, 7, ACTIONS).state_at(5 * HOUR)


def test_later_state_is_consistent_with_earlier_state(surge):
    drill = Drill(surge, 7, ACTIONS)
    early, late = drill.state_at(2.4 * HOUR), drill.state_at(3.6 * HOUR)
    for key in ("offered", "answered", "abandoned", "past_response_target"):
        assert late["kpis"][key] >= early["kpis"][key]
    assert late["alerts"][:len(early["alerts"])] == early["alerts"]
    assert [a["type"] for a in early["actions"]] == ["escalate_to_emergency_team",
                                                     "ivr_announcement"]
    assert drill.state_at(2.4 * HOUR) == early      # going back replays from the start


def test_actions_change_the_center(surge):
    before = Drill(surge, 7).state_at(3.5 * HOUR)
    after = Drill(surge, 7, ACTIONS).state_at(3.5 * HOUR)
    desk_before = before["agents"]["complaints_desk"]["on_phones"]
    desk_after = after["agents"]["complaints_desk"]["on_phones"]
    reserve = surge.group("complaints_desk").reserve_staff
    assert desk_after == desk_before + 10 + reserve
    assert after["technicians"]["on_duty"] == before["technicians"]["on_duty"] + 5
    assert after["emergency_team_since"] == pytest.approx(2.1 * HOUR)
    assert after["kpis"]["service_level"] > before["kpis"]["service_level"] + 0.1
    assert any(a["code"] == "action_applied" and "增派坐席" in a["text"]["zh"]
               for a in after["alerts"])


def test_unified_reply_shortens_complaint_calls(surge):
    reply = [{"type": "publish_unified_reply", "time": 0.0,
              "params": {"handle_time_factor": 0.5}}]
    plain = Drill(surge, 3).state_at(6 * HOUR)["queues"]
    replied = Drill(surge, 3, reply).state_at(6 * HOUR)["queues"]
    assert replied["complaint"]["aht"] < 0.65 * plain["complaint"]["aht"]
    assert replied["technical"]["aht"] == pytest.approx(plain["technical"]["aht"], rel=0.1)


def test_callbacks_turned_on_are_requested():
    scenario = load_scenario("peak_season_day")
    state = Drill(scenario, 2, [{"type": "enable_callbacks", "time": 0.0,
                                 "params": {"queue": "all", "offer_after_seconds": 30,
                                            "accept_probability": 0.8}}]).state_at(4 * HOUR)
    assert state["kpis"]["callbacks_requested"] > 50
    assert Drill(scenario, 2).state_at(4 * HOUR)["kpis"]["callbacks_requested"] == 0


def test_bad_actions_name_the_problem(surge):
    with pytest.raises(DrillError) as caught:
        Drill(surge, 1, [
            {"type": "add_agents", "time": -5, "params": {"group": "frontline"}},
            {"type": "launch_rocket", "time": 10},
            {"type": "add_agents", "time": 10, "params": {"group": "night", "count": 2,
                                                          "colour": "red"}},
            {"type": "pull_back_office", "time": 20, "params": {"group": "frontline",
                                                                "count": 7}},
        ])
    paths = [path for path, _ in caught.value.issues]
    assert paths == ["actions[0].time", "actions[1].type", "actions[2].params.colour",
                     "actions[2].params.group", "actions[3].params.count"]
    texts = dict(caught.value.issues)
    assert "frontline, complaints_desk" in texts["actions[2].params.group"]["en"]
    assert "后台人员" in texts["actions[3].params.count"]["zh"]


def test_every_action_type_is_registered_with_bilingual_names():
    from simulation.texts import messages
    assert set(ACTION_TYPES) == set(messages()["actions"])
    assert {"add_agents", "remove_agents", "pull_back_office", "enable_callbacks",
            "ivr_announcement", "activate_emergency_plan", "publish_unified_reply",
            "escalate_to_emergency_team"} <= set(ACTION_TYPES)
    action = DrillAction("add_agents", 5.0, {"group": "frontline", "count": 1})
    assert Drill(load_scenario("normal_weekday"), 1, [action]).actions[0] == action


def test_state_is_fast_enough_for_a_live_page(surge):
    start = time.process_time()   # CPU time: a busy shared machine does not inflate it
    Drill(surge, 4, ACTIONS).state_at(6 * HOUR)
    assert time.process_time() - start < 0.5


def test_state_time_outside_the_drill_is_refused(surge):
    with pytest.raises(DrillError):
        Drill(surge, 1).state_at(-1)
    with pytest.raises(DrillError):
        Drill(surge, 1).state_at(surge.horizon_seconds + 1)


def _desk(count: int, at: float) -> dict:
    return {"type": "add_agents", "time": at,
            "params": {"group": "complaints_desk", "count": count}}


def test_two_quick_actions_after_the_clock_both_apply(surge):
    # Web-team report: the second with_action crashed because the first action's timer
    # still pointed at the drill that had handed its engine on.
    drill = Drill(surge, 7)
    drill.state_at(2 * HOUR)
    drill = drill.with_action(_desk(3, 7300.0)).with_action(_desk(4, 7400.0))
    live = drill.state_at(7500.0)
    assert live == Drill(surge, 7, [_desk(3, 7300.0), _desk(4, 7400.0)]).state_at(7500.0)
    applied = [a for a in live["alerts"] if a["code"] == "action_applied"]
    assert len(applied) == 2


def test_the_old_drill_still_answers_after_handing_its_engine_on(surge):
    old = Drill(surge, 7, [_desk(2, 1000.0)])
    before = old.state_at(1800.0)
    old.with_action(_desk(5, 2000.0))
    assert old.state_at(2500.0) == Drill(surge, 7, [_desk(2, 1000.0)]).state_at(2500.0)
    assert old.state_at(1800.0) == before


def _random_action(rng, at: float) -> dict:
    kind = rng.choice(["add_agents", "remove_agents", "ivr_announcement",
                       "enable_callbacks", "publish_unified_reply",
                       "escalate_to_emergency_team", "activate_emergency_plan"])
    params = {
        "add_agents": {"group": rng.choice(["frontline", "complaints_desk"]),
                       "count": rng.randint(1, 6)},
        "remove_agents": {"group": rng.choice(["frontline", "complaints_desk"]),
                          "count": rng.randint(1, 3)},
        "ivr_announcement": {"redial_factor": round(rng.random(), 2)},
        "enable_callbacks": {"offer_after_seconds": rng.uniform(10, 120)},
        "publish_unified_reply": {"handle_time_factor": rng.uniform(0.5, 0.9)},
        "escalate_to_emergency_team": {"extra_technicians": rng.randint(0, 4)},
        "activate_emergency_plan": {},
    }[kind]
    return {"type": kind, "time": at, "params": params}


@pytest.mark.parametrize("sequence_seed", range(5))
def test_live_drill_always_equals_a_fresh_replay_of_its_record(surge, sequence_seed):
    """Property: any mix of with_action and state_at, in any order, gives fresh-replay states.

    Times are not whole seconds (rounding in the clock must not shift events), actions land
    after, at and before the simulated time, and several actions may be pending at once.
    """
    rng = random.Random(sequence_seed)
    drill, record, now = Drill(surge, 11 + sequence_seed), [], 0.0
    for _ in range(9):
        roll = rng.random()
        if roll < 0.5:
            at = now + rng.uniform(1, 1500) if rng.random() < 0.8 else rng.uniform(0, now + 1)
            action = _random_action(rng, round(at, 3))
            record.append(action)
            drill = drill.with_action(action)
        else:
            now = min(now + rng.uniform(0, 1800) if roll < 0.9 else rng.uniform(0, now + 1),
                      5 * HOUR)
            assert drill.state_at(now) == Drill(surge, 11 + sequence_seed,
                                                record).state_at(now), (record, now)
    end = min(now + 900.0, 5 * HOUR)
    assert drill.state_at(end) == Drill(surge, 11 + sequence_seed, record).state_at(end)
