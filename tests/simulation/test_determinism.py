"""Same seed, same results; variants share random numbers (common random numbers)."""

import dataclasses

import numpy as np

from scenarios import GroupStaffing, load_scenario
from simulation import Engine, simulate


def _same(a, b) -> bool:
    for name in ("contacts", "queue_lengths", "staffing", "intervals"):
        for key, value in getattr(a, name).items():
            if not np.array_equal(value, getattr(b, name)[key]):
                return False
    return a.alerts == b.alerts


def test_same_seed_gives_identical_records():
    scenario = load_scenario("typhoon")
    assert _same(simulate(scenario, seed=5), simulate(scenario, seed=5))


def test_another_seed_or_replication_gives_other_records():
    scenario = load_scenario("normal_weekday")
    first = simulate(scenario, seed=5)
    assert not _same(first, simulate(scenario, seed=6))
    assert not _same(first, simulate(scenario, seed=5, replication=1))


def _restaffed(scenario, factor: float):
    plans = tuple(GroupStaffing(p.group, tuple(int(a * factor) + 1 for a in p.agents),
                                p.shrinkage) for p in scenario.staffing)
    return dataclasses.replace(scenario, staffing=plans)


def test_staffing_variants_share_the_arrival_stream():
    scenario = load_scenario("normal_weekday")
    lean = _restaffed(scenario, 0.6)
    base_arrivals = Engine(scenario, seed=3).arrivals
    lean_arrivals = Engine(lean, seed=3).arrivals
    assert base_arrivals.times == lean_arrivals.times
    assert base_arrivals.priorities == lean_arrivals.priorities
    # Same calls, same handle times and patience, whoever answers them.
    assert [d.handle[i] for d, i in zip(base_arrivals.draws, base_arrivals.indexes,
                                        strict=True)] == \
        [d.handle[i] for d, i in zip(lean_arrivals.draws, lean_arrivals.indexes, strict=True)]


def test_without_retrials_offered_counts_are_identical_across_staffing():
    scenario = load_scenario("stationary_single_queue")
    lean = dataclasses.replace(scenario, staffing=(GroupStaffing("agents", (46,), 0.0),))
    a, b = simulate(scenario, seed=9), simulate(lean, seed=9)
    assert np.array_equal(a.contacts["offered"], b.contacts["offered"])
    assert b.contacts["wait_sum"].sum() > a.contacts["wait_sum"].sum()


def test_a_surge_adds_calls_on_top_of_the_same_base_calls():
    with_surge = load_scenario("group_complaint_surge")
    without = dataclasses.replace(with_surge, events=())
    surge_times = set(Engine(with_surge, seed=4).arrivals.times)
    base_times = Engine(without, seed=4).arrivals.times
    assert set(base_times) <= surge_times
    assert len(surge_times) > 1.2 * len(base_times)


def test_changing_one_distribution_leaves_the_other_draws_alone():
    from scenarios import Distribution
    scenario = load_scenario("stationary_single_queue")
    queue = dataclasses.replace(scenario.queues[0],
                                patience_seconds=Distribution("exponential", 90.0))
    impatient = dataclasses.replace(scenario, queues=(queue,))
    plain, other = Engine(scenario, seed=6).arrivals, Engine(impatient, seed=6).arrivals
    assert plain.times == other.times
    first, second = plain.draws[0], other.draws[0]
    assert first.handle == second.handle and first.u_resolve == second.u_resolve
    assert first.u_redial == second.u_redial and first.patience != second.patience
