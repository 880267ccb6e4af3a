"""Figures for the queueing-model and optimiser fixes of issue 13 (not a test).

``python bench/staffing_bench.py`` prints:

1. The staffing optimiser on the shipped surge day (``group_complaint_surge``, 28 half hours x
   4 groups, 8 replications, default targets 80/20, abandonment <= 5 %, occupancy <= 90 %), seeds
   1 and 2: wall time, agent-intervals on the phones against Erlang A, the largest and mean
   difference between the two seeds' plans, spikes (a cell > 3 agents above or below both
   neighbours), and a check on a third, fresh seed (8 replications): judged cells whose mean
   misses the service level or the abandonment cap, and cells that miss with their whole 95 %
   CI; rows where "Erlang C wrong" is flagged.
2. The full week: offered calls in the 08:00 half hour of each day next to the expected first
   contacts (the closed-hours return model included), and the closed-hours counts.
3. The typhoon day: callbacks requested, made within the promise, late, expired, pending.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from scenarios import load_scenario  # noqa: E402
from simulation import PlanTargets, kpis, optimise_staffing, run_replications  # noqa: E402
from simulation.arrivals import expected_offered  # noqa: E402
from simulation.inputs import compile_inputs  # noqa: E402
from simulation.optimiser import clear_misses, evaluate  # noqa: E402
from simulation.parallel import ProcessPoolBackend  # noqa: E402


def _spikes(plan: np.ndarray) -> int:
    middle, before, after = plan[1:-1], plan[:-2], plan[2:]
    return int((((middle - before) > 3) & ((middle - after) > 3)).sum()
               + (((before - middle) > 3) & ((after - middle) > 3)).sum())


def surge_day() -> None:
    s = load_scenario("group_complaint_surge")
    targets = PlanTargets()
    judged = np.stack([expected_offered(s, q) for q in s.queue_names], axis=1) >= 10
    primary = [route[0] for route in compile_inputs(s).route]
    plans = {}
    with ProcessPoolBackend() as backend:
        for seed in (1, 2):
            start = time.perf_counter()
            plans[seed] = optimise_staffing(s, targets, replications=8, seed=seed,
                                            backend=backend)
            wall = time.perf_counter() - start
            r = plans[seed]
            print(f"surge day, seed {seed}: {wall:.1f} s, {r.passes} passes, all met "
                  f"{r.all_met}, agent-intervals {int(r.on_phones.sum())} (Erlang A "
                  f"{int(r.erlang_a.sum())}), spikes {_spikes(r.on_phones)} (search before "
                  f"smoothing {_spikes(r.searched)})")
        diff = np.abs(plans[1].on_phones - plans[2].on_phones)
        print(f"seed 1 vs seed 2: largest difference {int(diff.max())} agents, mean "
              f"{diff.mean():.2f}")
        for seed, r in plans.items():
            check = evaluate(r.scenario, targets, 8, 777, primary, judged, backend)
            level = np.nan_to_num(check.service_level, nan=1.0)[judged]
            abandon = np.nan_to_num(check.abandon)[judged]
            verdicts = r.erlang_c_verdicts()
            gap = r.erlang_c_gap()
            print(f"plan of seed {seed} on fresh seed 777 (8 replications), {int(judged.sum())}"
                  f" judged cells: mean SL below 80 % in {int((level < 0.8).sum())}, mean "
                  f"abandonment above 5 % in {int((abandon > 0.05).sum())} (worst "
                  f"{abandon.max():.1%}), clear misses (95 % CI) "
                  f"{int(clear_misses(s, targets, check, primary, judged).sum())}; Erlang C "
                  f"flagged wrong in {int((verdicts != 'ok').sum())} of {gap.size} rows "
                  f"({int((gap != 0).sum())} differ at all, {int((np.abs(gap) == 1).sum())} "
                  f"by one agent)")


def full_week() -> None:
    s = load_scenario("full_week")
    start = time.perf_counter()
    runs = run_replications(s, 4, seed=1)
    wall = time.perf_counter() - start
    offered = np.mean([kpis(r)["interval"]["offered"] for r in runs], axis=0)
    first = np.mean([(r.contacts["offered"] - r.contacts["redials"] - r.contacts["repeats"]
                      - r.contacts["closed_returns"]).sum(axis=(1, 2)) for r in runs], axis=0)
    expected = sum(expected_offered(s, q) for q in s.queue_names)
    totals = {k: np.mean([r.contacts[k].sum() for r in runs])
              for k in ("closed_attempts", "closed_returns", "closed_lost")}
    print(f"full week, 4 replications: {wall:.1f} s; closed-hours attempts "
          f"{totals['closed_attempts']:.0f}, returned {totals['closed_returns']:.0f}, gave up "
          f"{totals['closed_lost']:.0f} (mean per replication)")
    for day in range(7):
        k = day * 48 + 16
        print(f"  day {day + 1} 08:00: offered {offered[k]:.0f} (first contacts "
              f"{first[k]:.0f}, expected first contacts {expected[k]:.0f}; the rest are "
              f"redials, repeats and returns of the night)")


def typhoon() -> None:
    s = load_scenario("typhoon")
    runs = run_replications(s, 4, seed=1)
    keys = ("callbacks_requested", "callbacks_in_promise", "callbacks_late",
            "callbacks_expired", "callbacks_pending")
    totals = {k: np.mean([kpis(r)["total"][k][-1] for r in runs]) for k in keys}
    print("typhoon, 4 replications, callbacks per run: " + ", ".join(
        f"{k.replace('callbacks_', '')} {v:.0f}" for k, v in totals.items()))


if __name__ == "__main__":
    surge_day()
    full_week()
    typhoon()
