"""Erlang B, C and A: known values, the birth–death chain, and numerical stability."""

import math
import time

import numpy as np
import pytest

from simulation import (
    StaffingTargets,
    erlang_a_measures,
    erlang_b,
    erlang_c,
    erlang_c_measures,
    required_agents,
    required_agents_per_interval,
)


def test_erlang_b_and_c_known_values():
    # Two agents, one Erlang: B = (1/2) / (1 + 1 + 1/2) = 0.2, C = 0.2 / (1 - 0.5 * 0.8) = 1/3.
    assert erlang_b(2, 1.0) == pytest.approx(0.2, rel=1e-12)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, rel=1e-12)
    # M/M/1: probability of wait is the utilisation.
    assert erlang_c(1, 0.7) == pytest.approx(0.7, rel=1e-12)
    # Classic table value: 10 agents, 5 Erlang.
    assert erlang_b(10, 5.0) == pytest.approx(0.018384, abs=1e-6)
    assert erlang_c(5, 6.0) == 1.0


def test_erlang_c_measures_match_the_textbook_example():
    # 360 calls/h, 240 s handle time (24 Erlang), 28 agents: ASA and 20-second service level.
    m = erlang_c_measures(360, 240, 28, 20)
    wait = erlang_c(28, 24.0)
    assert m.asa == pytest.approx(wait * 240 / 4, rel=1e-12)
    assert m.service_level == pytest.approx(1 - wait * math.exp(-4 * 20 / 240), rel=1e-12)
    assert 0.2 < wait < 0.4


def _erlang_b_recurrence(agents: int, load: float) -> float:
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


@pytest.mark.parametrize("agents, load", [(1, 0.5), (50, 45.0), (500, 480.0), (2000, 1950.0),
                                          (2000, 2100.0)])
def test_log_space_erlang_b_matches_the_stable_recurrence(agents, load):
    assert erlang_b(agents, load) == pytest.approx(_erlang_b_recurrence(agents, load),
                                                   rel=1e-9)


def _birth_death(calls_per_hour, aht, agents, patience, target, depth=300):
    """Reference values computed numerically, without the closed forms.

    The stationary distribution solves ``π Q = 0, Σ π = 1`` for the truncated birth–death
    generator. A caller who finds ``m − 1`` callers waiting moves up at ``nμ + (m − 1)θ`` and
    abandons at ``θ``; the chance of being answered within ``target`` is computed by
    uniformisation, propagating one vector through that chain.
    """
    lam, mu, theta = calls_per_hour / 3600, 1 / aht, 1 / patience
    size = agents + depth
    generator = np.zeros((size, size))
    for k in range(size):
        if k + 1 < size:
            generator[k, k + 1] = lam
        if k:
            generator[k, k - 1] = min(k, agents) * mu + max(0, k - agents) * theta
        generator[k, k] = -generator[k].sum()
    system = generator.T.copy()
    system[-1, :] = 1.0
    rhs = np.zeros(size)
    rhs[-1] = 1.0
    pi = np.linalg.solve(system, rhs)
    waiting = np.arange(size) - agents
    wait_probability = pi[agents:].sum()
    abandon = theta * (waiting[agents:] * pi[agents:]).sum() / lam
    m = np.arange(1, depth + 1)
    up = agents * mu + (m - 1) * theta
    rate = (up + theta).max()
    stay = 1 - (up + theta) / rate
    # answered[i]: probability that a caller now at position i+1 is answered within the steps
    # taken so far; one uniformised step moves up with up/rate, stays, or abandons.
    answered = np.zeros(depth)
    within = np.zeros(depth)
    weight = math.exp(-rate * target)
    for step in range(int(rate * target + 12 * math.sqrt(rate * target) + 40)):
        within += weight * answered
        ahead = np.concatenate(([1.0], answered[:-1]))
        answered = stay * answered + up / rate * ahead
        weight *= rate * target / (step + 1)
    level = pi[:agents].sum() + (pi[agents:] * within).sum()
    answered_wait = (agents * mu / (agents * mu + m * theta)) * np.cumsum(
        1 / (agents * mu + m * theta))
    asa = (pi[agents:] * answered_wait).sum() / (1 - abandon)
    return wait_probability, abandon, level, asa


@pytest.mark.parametrize("calls_per_hour, aht, agents, patience, target", [
    (540, 300, 50, 180, 20),     # 90 % load, impatient callers
    (540, 300, 40, 180, 20),     # overloaded: 45 Erlang on 40 agents
    (100, 240, 5, 60, 30),       # small team, very impatient
    (300, 200, 10, 600, 60),     # overloaded, patient callers
    (50, 300, 3, 100, 10),
])
def test_erlang_a_matches_the_birth_death_chain(calls_per_hour, aht, agents, patience, target):
    expected = _birth_death(calls_per_hour, aht, agents, patience, target)
    m = erlang_a_measures(calls_per_hour, aht, agents, patience, target)
    got = (m.probability_wait, m.probability_abandon, m.service_level, m.asa)
    assert got == pytest.approx(expected, rel=1e-7, abs=1e-10)


def test_erlang_a_tends_to_erlang_c_for_very_patient_callers():
    a = erlang_a_measures(540, 300, 50, 1e9, 20)
    c = erlang_c_measures(540, 300, 50, 20)
    assert a.probability_wait == pytest.approx(c.probability_wait, rel=1e-5)
    assert a.asa == pytest.approx(c.asa, rel=1e-5)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-5)


@pytest.mark.parametrize("model", ["C", "A"])
def test_stable_and_monotone_up_to_two_thousand_agents(model):
    levels = []
    for agents in range(1900, 2101, 20):
        if model == "C":
            m = erlang_c_measures(1900 * 3600 / 300, 300, agents, 20)
        else:
            m = erlang_a_measures(1900 * 3600 / 300, 300, agents, 120, 20)
        values = (m.probability_wait, m.probability_abandon, m.service_level, m.occupancy)
        assert all(math.isfinite(v) and 0 <= v <= 1 for v in values)
        levels.append(m.service_level)
    assert levels == sorted(levels)


def test_erlang_a_alone_can_staff_below_the_load_and_caps_prevent_it():
    load = 540 * 300 / 3600
    alone = required_agents(540, 300, StaffingTargets(0.8, 20), patience=60)
    capped = required_agents(540, 300, StaffingTargets(0.8, 20, 0.05, 0.9), patience=60)
    assert alone < load
    assert capped > alone
    with_caps = erlang_a_measures(540, 300, capped, 60, 20)
    assert with_caps.probability_abandon <= 0.05 and with_caps.occupancy <= 0.9
    erlang_c_need = required_agents(540, 300, StaffingTargets(0.8, 20), model="C")
    assert erlang_c_need == 51


def test_required_agents_is_the_smallest_that_meets_the_target():
    targets = StaffingTargets(0.8, 20, 0.05, None)
    need = required_agents(900, 240, targets, patience=150)
    ok = erlang_a_measures(900, 240, need, 150, 20)
    short = erlang_a_measures(900, 240, need - 1, 150, 20)
    assert targets.met_by(ok) and not targets.met_by(short)


def test_a_week_of_erlang_a_staffing_is_interactive():
    shape = np.sin(np.linspace(0, math.pi, 48)) ** 2
    volume = np.concatenate([shape * peak for peak in (5000, 4800, 4600, 4400, 4000, 2400,
                                                       1800)]) + 1.0
    targets = StaffingTargets(0.8, 20, 0.05, 0.9)
    start = time.process_time()   # CPU time: a busy shared machine does not inflate it
    need = required_agents_per_interval(volume.tolist(), 300.0, targets, 180.0)
    elapsed = time.process_time() - start
    assert len(need) == 336 and max(need) > 400
    assert elapsed < 1.0, f"336 intervals took {elapsed:.2f} s"
