"""Events change the center where and when they should."""

import dataclasses

import numpy as np
import pytest

from scenarios import load_scenario
from simulation import kpis, run_replications, simulate


def _offered(result, queue: str) -> np.ndarray:
    return result.contacts["offered"][:, result.queues.index(queue)].sum(axis=1)


@pytest.fixture(scope="module")
def surge_pair():
    surge = load_scenario("group_complaint_surge")
    calm = dataclasses.replace(surge, events=())
    return simulate(surge, seed=2), simulate(calm, seed=2)


def test_surge_raises_volume_of_its_queue_in_its_intervals(surge_pair):
    surge, calm = surge_pair
    complaints = _offered(surge, "complaint") / np.maximum(_offered(calm, "complaint"), 1)
    # The surge starts 2 h in (interval 4), peaks x6 from 2.5 h, decays until 9 h (interval 18).
    assert complaints[:4].max() == pytest.approx(1.0, abs=0.05)
    assert complaints[6:14].mean() > 4.0
    assert complaints[20:].mean() < 1.5
    consultation = _offered(surge, "consultation")[:4] - _offered(calm, "consultation")[:4]
    assert np.all(consultation == 0)


def test_surge_is_announced_as_an_alert(surge_pair):
    surge, _ = surge_pair
    codes = [(alert["time"], alert["code"]) for alert in surge.alerts]
    assert (7200.0, "group_complaint_surge_start") in codes


def test_disaster_cuts_staff_and_shifts_calls_to_callbacks():
    typhoon = load_scenario("typhoon")
    calm = dataclasses.replace(typhoon, events=())
    hit, normal = simulate(typhoon, seed=3), simulate(calm, seed=3)
    during, before = slice(4, 20), slice(0, 4)
    on_phones_hit = hit.staffing["on_phones"].sum(axis=1)
    on_phones_calm = normal.staffing["on_phones"].sum(axis=1)
    assert np.all(on_phones_hit[before] == on_phones_calm[before])
    ratio = on_phones_hit[during].sum() / on_phones_calm[during].sum()
    assert 0.45 < ratio < 0.6          # 0.6 available x (1 - 0.3 - 0.1) / 0.7, rounded down
    assert hit.contacts["callbacks_requested"].sum() > 0.25 * hit.contacts["offered"].sum()
    assert normal.contacts["callbacks_requested"].sum() < \
        0.05 * hit.contacts["callbacks_requested"].sum()
    assert any(alert["code"] == "staff_absent" for alert in hit.alerts)
    assert hit.intervals["technicians_on_duty"][5] < normal.intervals["technicians_on_duty"][5]


def test_recall_raises_handle_time_and_escalations():
    recall = load_scenario("quality_recall")
    calm = dataclasses.replace(recall, events=())
    hit = kpis(run_replications(recall, 1, seed=4)[0])
    normal = kpis(run_replications(calm, 1, seed=4)[0])
    technical = recall.queue_names.index("technical")
    assert hit["total"]["aht"][technical] > 1.2 * normal["total"]["aht"][technical]
    assert hit["total"]["offered"][-1] > 1.8 * normal["total"]["offered"][-1]
    assert hit["interval"]["escalated"].sum() > 1.8 * normal["interval"]["escalated"].sum()
    complaint = recall.queue_names.index("complaint")
    assert hit["total"]["aht"][complaint] == pytest.approx(normal["total"]["aht"][complaint],
                                                           rel=0.1)


def test_better_training_means_fewer_repeats():
    scenario = load_scenario("normal_weekday")
    trained = dataclasses.replace(scenario, groups=tuple(
        dataclasses.replace(g, first_contact_resolution=0.95) for g in scenario.groups))
    assert simulate(trained, seed=8).contacts["repeats"].sum() < \
        0.5 * simulate(scenario, seed=8).contacts["repeats"].sum()
