"""Benchmark of the simulation engine (not a test): ``python bench/sim_bench.py``.

1. Stationary M/M/c: 50 agents, 300 s mean handle time, 45 Erlang offered (540 calls/h).
   Calls simulated per wall-clock second for
   * this engine with all features on: three case classes with priority queueing, patience
     timers (mean 10⁷ s, so nobody abandons and the model stays M/M/c), redials, callbacks
     offered after an hour, first-contact resolution and repeats (FCR 1.0), escalation to a
     technician pool (probability 0) — every call takes the full engine path;
   * a plain SimPy M/M/c (``Resource`` and one process per call), for reference;
   * ciw on the same model.
   Mean waits after a one-hour warm-up are printed next to Erlang C.
2. Wall time of the full-week scenario (336 half hours) with 30 replications on all cores.
3. Erlang A staffing for a week of 336 half-hour intervals.
4. The staffing optimiser on the full-week scenario (8 replications per pass, default targets
   80/20, abandonment <= 5 %, occupancy <= 90 %, all cores): wall time, and CPU time of this
   process and its workers (less sensitive to other load on a shared machine).
"""

from __future__ import annotations

import dataclasses
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ciw  # noqa: E402
import numpy as np  # noqa: E402
import simpy  # noqa: E402

from scenarios import (  # noqa: E402
    Callback,
    Distribution,
    GroupStaffing,
    PriorityMix,
    Redial,
    Repeat,
    TechnicianPool,
    load_scenario,
)
from simulation import (  # noqa: E402
    Engine,
    PlanTargets,
    StaffingTargets,
    erlang_c_measures,
    optimise_staffing,
    required_agents_per_interval,
    run_replications,
)

AGENTS, AHT, CALLS_PER_HOUR = 50, 300.0, 540.0
HOURS = 200.0
WARMUP = 3600.0
BATCHES = 20


def batch_means(arrived: np.ndarray, waits: np.ndarray) -> tuple[float, float]:
    """Mean wait and 95 % CI half-width from 20 batches of arrival time (batch means)."""
    edges = np.linspace(WARMUP, HOURS * 3600.0, BATCHES + 1)
    index = np.digitize(arrived, edges) - 1
    keep = (index >= 0) & (index < BATCHES)
    means = np.array([waits[keep & (index == b)].mean() for b in range(BATCHES)])
    return float(waits[keep].mean()), float(2.093 * means.std(ddof=1) / np.sqrt(BATCHES))


def all_features_scenario():
    """The stationary library scenario with every feature configured."""
    base = load_scenario("stationary_single_queue")
    queue = dataclasses.replace(
        base.queues[0], calls_per_day=CALLS_PER_HOUR * 24,
        handle_time_seconds=Distribution("exponential", AHT),
        patience_seconds=Distribution("exponential", 1e7),
        redial=Redial(0.5, 5.0), callback=Callback(True, 3600.0, 0.5), repeat=Repeat(1.0, 2.0),
        priority_mix=PriorityMix(0.1, 0.3, 0.6), escalation_probability=0.0)
    group = dataclasses.replace(base.groups[0], first_contact_resolution=1.0)
    return dataclasses.replace(base, horizon_hours=HOURS, warmup_hours=1.0, queues=(queue,),
                               groups=(group,),
                               staffing=(GroupStaffing("agents", (AGENTS,), 0.0),),
                               technicians=TechnicianPool((5,)))


def bench_engine(scenario) -> tuple[float, tuple[float, float]]:
    """(calls per second, (mean wait, CI)) of this engine."""
    Engine(dataclasses.replace(scenario, horizon_hours=2.0), seed=99).run()   # warm imports
    start = time.perf_counter()
    result = Engine(scenario, seed=1).run()
    elapsed = time.perf_counter() - start
    c = result.contacts
    skip = result.warmup_intervals
    per_interval = c["wait_sum"].sum(axis=(1, 2))[skip:] / c["answered"].sum(axis=(1, 2))[skip:]
    weights = c["answered"].sum(axis=(1, 2))[skip:]
    batches = np.array_split(np.arange(len(per_interval)), BATCHES)
    means = np.array([np.average(per_interval[b], weights=weights[b]) for b in batches])
    mean = float(np.average(per_interval, weights=weights))
    return result.contacts_offered / elapsed, (mean, float(2.093 * means.std(ddof=1) /
                                                            np.sqrt(BATCHES)))


def bench_plain_simpy() -> tuple[float, float]:
    """(calls per second, mean wait) of a textbook SimPy M/M/c."""
    rng = np.random.default_rng(1)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    waits: list[tuple[float, float]] = []

    def call(arrived: float):
        with agents.request() as request:
            yield request
            waits.append((arrived, env.now - arrived))
            yield env.timeout(rng.exponential(AHT))

    def arrivals():
        while True:
            yield env.timeout(rng.exponential(3600.0 / CALLS_PER_HOUR))
            env.process(call(env.now))

    env.process(arrivals())
    start = time.perf_counter()
    env.run(until=HOURS * 3600.0)
    elapsed = time.perf_counter() - start
    calls = int(HOURS * CALLS_PER_HOUR)
    data = np.array(waits)
    return calls / elapsed, batch_means(data[:, 0], data[:, 1])


def bench_ciw() -> tuple[float, float]:
    """(calls per second, mean wait) of ciw on the same M/M/c."""
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(CALLS_PER_HOUR / 3600.0)],
        service_distributions=[ciw.dists.Exponential(1.0 / AHT)],
        number_of_servers=[AGENTS])
    ciw.seed(1)
    simulation = ciw.Simulation(network)
    start = time.perf_counter()
    simulation.simulate_until_max_time(HOURS * 3600.0)
    elapsed = time.perf_counter() - start
    records = simulation.get_all_records()
    arrived = np.array([r.arrival_date for r in records])
    waits = np.array([r.waiting_time for r in records])
    return len(records) / elapsed, batch_means(arrived, waits)


def bench_week(replications: int = 30) -> float:
    """Wall time of the full-week scenario with ``replications`` on all cores."""
    week = load_scenario("full_week")
    start = time.perf_counter()
    run_replications(week, replications, seed=1)
    return time.perf_counter() - start


def bench_erlang_a_week() -> float:
    """Wall time of Erlang A staffing for 336 half-hour intervals."""
    shape = np.sin(np.linspace(0, np.pi, 48)) ** 2
    volume = np.concatenate([shape * peak for peak in (5000, 4800, 4600, 4400, 4000, 2400,
                                                       1800)]) + 1.0
    targets = StaffingTargets(0.8, 20, 0.05, 0.9)
    start = time.perf_counter()
    required_agents_per_interval(volume.tolist(), 300.0, targets, 180.0)
    return time.perf_counter() - start


def _cpu_seconds() -> float:
    own, workers = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def bench_week_optimiser(replications: int = 8) -> tuple[float, float, object]:
    """(wall s, CPU s incl. workers, result) of the staffing optimiser on the full week."""
    week = load_scenario("full_week")
    cpu, start = _cpu_seconds(), time.perf_counter()
    result = optimise_staffing(week, PlanTargets(), replications=replications, seed=1)
    return time.perf_counter() - start, _cpu_seconds() - cpu, result


def main() -> None:
    """Run every benchmark and print the figures."""
    print(f"M/M/c: {AGENTS} agents, AHT {AHT:g} s, {CALLS_PER_HOUR * AHT / 3600:g} Erlang, "
          f"{HOURS:g} simulated hours, {os.cpu_count()} cores")
    erlang = erlang_c_measures(CALLS_PER_HOUR, AHT, AGENTS, 20.0)
    engine_rate, engine_wait = bench_engine(all_features_scenario())
    simpy_rate, simpy_wait = bench_plain_simpy()
    ciw_rate, ciw_wait = bench_ciw()
    print(f"{'engine':34s}{'calls/s':>10s}{'mean wait s (95 % CI)':>24s}")
    for name, rate, (wait, half) in (("this engine, all features on", engine_rate, engine_wait),
                                     ("plain SimPy M/M/c (reference)", simpy_rate, simpy_wait),
                                     ("ciw", ciw_rate, ciw_wait)):
        print(f"{name:34s}{rate:10,.0f}{wait:15.2f} ± {half:5.2f}")
    print(f"{'Erlang C':34s}{'':>10s}{erlang.asa:15.2f}")
    print(f"speed-up over ciw: {engine_rate / ciw_rate:.2f}x (target >= 1.5x)")
    week = bench_week()
    print(f"full week x 30 replications: {week:.1f} s wall (target < 60 s)")
    staffing = bench_erlang_a_week()
    print(f"Erlang A staffing, 336 intervals: {staffing:.3f} s (target < 1 s)")
    wall, cpu, plan = bench_week_optimiser()
    print(f"staffing optimiser, full week x 8 replications: {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"({plan.passes} passes, targets met: {plan.all_met}, "
          f"{int(plan.on_phones.sum())} agent-intervals)")


if __name__ == "__main__":
    main()
