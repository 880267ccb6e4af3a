"""Workforce-management benchmark: a week scheduled and rostered, verified by simulation.

Instance: the shipped ``full_week`` scenario (336 half hours, lines open 08:00-22:00) with
three agent groups — front line (consultation, complaints), complaints desk, technical support
(technical, enterprise) — shrinkage lowered to 20 % because breaks and lunches are
scheduled explicitly, and volume × 0.8 so that 150 agents can carry it. The requirement per
interval and group is Erlang A with a 5 % abandonment cap, turned into agents to schedule.
150 named agents (seeded): 120 full time (32-40 h, 5 days), 30 part time (16-24 h, 4 days),
some in two groups, some approved days off and some wishes.

Figures printed:

* our pipeline — shift plan (SCIP) and roster (CP-SAT): solver seconds, shifts, paid hours,
  cost, FTE, under-staffed agent-hours; the roster re-simulated (5 replications): open
  intervals meeting every queue's service level and the 5 % abandonment cap; then
  re-solves with the simulation's correction, each re-simulated on a fresh seed;
* pyworkforce 0.5.4 on the same requirement, per group (``MinRequiredResources`` then
  ``MinHoursRoster`` with the group's agents), in its own venv under /tmp when a Python ≥ 3.12
  is found (it needs one); same shift starts, lunch fixed mid-shift (it cannot place breaks),
  the same agents' minimum hours and days off.

Usage: ``.venv/bin/python bench/wfm_bench.py [--replications 5] [--no-pyworkforce]``
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenarios import scenario_from_dict  # noqa: E402
from scenarios.loader import LIBRARY_DIR  # noqa: E402
from simulation import analytic_plan  # noqa: E402
from simulation.planning import scheduled_for  # noqa: E402
from simulation.scheduling import (  # noqa: E402
    Agent,
    BreakRule,
    Contract,
    Requirement,
    ScheduleOptions,
    ShiftTemplate,
    limits_from_agents,
    schedule_shifts,
)
from simulation.scheduling.roster import RosterOptions, roster_agents  # noqa: E402
from simulation.scheduling.totals import compute_totals  # noqa: E402
from simulation.scheduling.verify import corrected, heads_from_coverage, verify  # noqa: E402

PWF_VENV = Path("/tmp/wfm-bench-pyworkforce")  # outside the project and its dependencies
PWF_VERSION = "0.5.4"
GROUPS = ("frontline", "complaints_desk", "technical_support")
#: Volume of the shipped week scaled so that 150 agents on 32-40 h contracts can carry it.
VOLUME = 0.8
#: Solve, re-simulate and correct this many times (the page's "re-solve" button, repeated).
ROUNDS = 3


def instance():
    """The scenario, requirement, templates and agents of the benchmark week."""
    data = yaml.safe_load((LIBRARY_DIR / "full_week.yaml").read_text(encoding="utf-8"))
    del data["groups"]["enterprise_desk"]
    del data["staffing"]["enterprise_desk"]
    for plan in data["staffing"].values():
        plan["shrinkage"] = 0.2
    for queue in data["queues"].values():
        queue["calls_per_day"] = round(queue["calls_per_day"] * VOLUME)
    scenario = scenario_from_dict(data)
    plan = analytic_plan(scenario)
    need = {}
    for g, name in enumerate(scenario.group_names):
        need[name] = tuple(float(scheduled_for(int(plan.erlang_a[k, g]),
                                               float(plan.staff_factor[k, g])))
                           for k in range(scenario.n_intervals))
    req = Requirement(GROUPS, scenario.interval_minutes, need, scenario.start_weekday)
    templates = [
        ShiftTemplate("day", 540, 8 * 60, 13 * 60, 30,
                      (BreakRule(15, 90, 150), BreakRule(60, 210, 300, paid=False)),
                      cost_per_hour=1.0),
        ShiftTemplate("part", 300, 8 * 60, 17 * 60, 30, (BreakRule(15, 120, 180),),
                      cost_per_hour=1.0),
    ]
    return scenario, req, templates, agents_of_week()


def agents_of_week(count: int = 150, seed: int = 7) -> list[Agent]:
    """150 seeded agents: contracts, skill groups, proficiency, days off and wishes."""
    rng = random.Random(seed)
    full = Contract("full time", 32 * 60, 40 * 60, 5, 5, 11 * 60, ("day",))
    part = Contract("part time", 16 * 60, 24 * 60, 4, 4, 11 * 60, ("part",))
    shares = (("frontline", 0.43), ("complaints_desk", 0.2), ("technical_support", 0.37))
    agents = []
    for i in range(count):
        pick, acc = rng.random(), 0.0
        group = shares[-1][0]
        for name, share in shares:
            acc += share
            if pick <= acc:
                group = name
                break
        groups = (group,)
        if rng.random() < 0.2 and group != "technical_support":
            groups = (group, "complaints_desk" if group == "frontline" else "frontline")
        off = frozenset({rng.randrange(7)}) if rng.random() < 0.1 else frozenset()
        wish = frozenset({rng.randrange(7)}) if rng.random() < 0.5 else frozenset()
        agents.append(Agent(f"A{i:03d}", f"Agent {i:03d}", groups,
                            part if i % 5 == 4 else full,
                            {g: round(rng.uniform(0.5, 1.0), 2) for g in groups}, off, wish))
    return agents


def ours(scenario, req, templates, agents, replications: int, count: int = ROUNDS) -> dict:
    """Schedule, roster and re-simulate; then ``count - 1`` times correct and re-solve."""
    rounds = []
    current = req
    for round_index in range(count):
        began = time.perf_counter()
        plan = schedule_shifts(current, templates,
                               ScheduleOptions(time_limit=15, smooth_time_limit=5),
                               limits_from_agents(agents, templates))
        plan_seconds = time.perf_counter() - began
        roster = roster_agents(current, plan, agents, templates,
                               RosterOptions(time_limit=25))
        roster_seconds = roster.seconds
        heads = heads_from_coverage(roster.coverage, req.interval_minutes)
        checked = verify(scenario, heads, replications, seed=11 + round_index)
        # Under-staffing is always measured against the original requirement.
        against = compute_totals(req, roster.coverage,
                                 [(a.variant.paid_minutes, a.variant.cost, 1)
                                  for a in roster.assignments])
        rounds.append({"plan": plan, "roster": roster, "plan_seconds": plan_seconds,
                       "roster_seconds": roster_seconds, "check": checked,
                       "against_original": against})
        current = corrected(current, checked)
    return {"rounds": rounds}


def _python312() -> str | None:
    """A Python >= 3.12 that really runs (pyenv shims may name versions not selected)."""
    candidates = [str(p) for p in sorted(Path.home().glob(".pyenv/versions/3.1[2-9]*/bin/python"),
                                         reverse=True)]
    candidates += [shutil.which(f"python3.{minor}") for minor in (14, 13, 12)]
    for candidate in candidates:
        if not candidate:
            continue
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info >= (3, 12))"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == "True":
            return candidate
    return None


def pyworkforce_python() -> tuple[str | None, str]:
    """The venv python with pyworkforce installed, or (None, why not)."""
    python = PWF_VENV / "bin" / "python"
    if python.exists():
        check = subprocess.run([str(python), "-c", "import pyworkforce"], capture_output=True)
        if check.returncode == 0:
            return str(python), ""
    base = _python312()
    if base is None:
        return None, "no Python >= 3.12 found (pyworkforce 0.5.4 needs one)"
    made = subprocess.run([base, "-m", "venv", str(PWF_VENV)], capture_output=True, text=True)
    if made.returncode:
        return None, f"could not create a venv: {made.stderr.strip()[:200]}"
    pip = subprocess.run([str(python), "-m", "pip", "install", "-q",
                          f"pyworkforce=={PWF_VERSION}"], capture_output=True, text=True)
    if pip.returncode:
        return None, f"pip could not install pyworkforce: {pip.stderr.strip()[-200:]}"
    return str(python), ""


PWF_SCRIPT = r"""
import json, sys, time
from pyworkforce.scheduling import MinRequiredResources
from pyworkforce.rostering import MinHoursRoster
task = json.load(open(sys.argv[1]))
out = {}
for group, spec in task["groups"].items():
    began = time.perf_counter()
    scheduler = MinRequiredResources(num_days=spec["days"], periods=spec["periods"],
        shifts_coverage=spec["coverage"], required_resources=spec["required"],
        max_period_concurrency=spec["max_period"], max_shift_concurrency=spec["max_shift"],
        cost_dict=spec["cost"], max_search_time=task["time_limit"], num_search_workers=2)
    plan = scheduler.solve()
    plan_seconds = time.perf_counter() - began
    result = {"plan_status": plan["status"], "plan": plan["resources_shifts"],
              "plan_seconds": plan_seconds}
    if plan["status"] in ("OPTIMAL", "FEASIBLE"):
        required = {s: [0] * spec["days"] for s in spec["coverage"]}
        for row in plan["resources_shifts"]:
            required[row["shift"]][row["day"]] = row["resources"]
        began = time.perf_counter()
        roster = MinHoursRoster(num_days=spec["days"], resources=spec["resources"],
            shifts=list(spec["coverage"]),
            shifts_hours=[spec["hours"][s] for s in spec["coverage"]],
            min_working_hours=spec["min_hours"], banned_shifts=spec["banned"],
            max_resting=spec["max_resting"], required_resources=required,
            non_sequential_shifts=spec["non_sequential"], max_search_time=task["time_limit"],
            num_search_workers=2)
        solved = roster.solve()
        result.update(roster_status=solved["status"], roster_seconds=time.perf_counter() - began,
                      roster=solved.get("resource_shifts", []))
    out[group] = result
json.dump(out, open(sys.argv[2], "w"))
"""


def _pwf_shifts(req: Requirement, templates) -> dict:
    """Our templates as pyworkforce shifts: one per start, lunch fixed in the middle."""
    periods = 1440 // req.interval_minutes
    im = req.interval_minutes
    shifts = {}
    for t in templates:
        for start in t.starts():
            cover = [0] * periods
            lunch = [b for b in t.breaks if not b.paid]
            hole = None
            if lunch:
                middle = (lunch[0].earliest_offset + lunch[0].latest_offset) // 2
                hole = (start + middle) // im
            for minute in range(start, start + t.length_minutes, im):
                k = minute // im
                if k < periods and k != hole:
                    cover[k] = 1
            shifts[f"{t.name}_{start // 60:02d}{start % 60:02d}"] = {
                "cover": cover, "start": start, "length": t.length_minutes, "template": t.name,
                "hours": t.paid_minutes / 60, "cost": t.cost_per_hour * t.paid_minutes / 60}
    return shifts


def pyworkforce_side(req: Requirement, templates, agents, python: str) -> dict:
    """Run MinRequiredResources + MinHoursRoster per group; totals on our measure."""
    shifts = _pwf_shifts(req, templates)
    periods = 1440 // req.interval_minutes
    task = {"time_limit": 30.0, "groups": {}}
    for g in req.groups:
        mine = [a for a in agents if a.groups[0] == g]
        required = [[int(math.ceil(req.need[g][d * periods + p])) for p in range(periods)]
                    for d in range(req.n_days)]
        non_sequential = [{"origin": a, "destination": b} for a, sa in shifts.items()
                          for b, sb in shifts.items()
                          if 1440 + sb["start"] - (sa["start"] + sa["length"]) < 11 * 60]
        banned = [{"resource": a.id, "shift": s, "day": d} for a in mine for d in a.days_off
                  for s in shifts]
        banned += [{"resource": a.id, "shift": s, "day": d} for a in mine for d in range(7)
                   for s, spec in shifts.items()
                   if a.contract.templates and spec["template"] not in a.contract.templates]
        task["groups"][g] = {
            "days": req.n_days, "periods": periods,
            "coverage": {s: spec["cover"] for s, spec in shifts.items()},
            "required": required, "max_period": 200, "max_shift": 200,
            # CP-SAT inside pyworkforce takes integer coefficients: cents and minutes
            "cost": {s: int(round(spec["cost"] * 100)) for s, spec in shifts.items()},
            "resources": [a.id for a in mine],
            "hours": {s: int(round(spec["hours"] * 60)) for s, spec in shifts.items()},
            "min_hours": max(1, min(a.contract.min_minutes for a in mine)),
            "max_resting": 2, "banned": banned, "non_sequential": non_sequential}
    task_file, out_file = Path("/tmp/wfm_bench_pwf_task.json"), Path("/tmp/wfm_bench_pwf.json")
    task_file.write_text(json.dumps(task))
    script = Path("/tmp/wfm_bench_pwf.py")
    script.write_text(PWF_SCRIPT)
    began = time.perf_counter()
    run = subprocess.run([python, str(script), str(task_file), str(out_file)],
                         capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if run.returncode:
        return {"error": run.stderr.strip()[-400:], "seconds": seconds}
    result = json.loads(out_file.read_text())
    return {"groups": result, "seconds": seconds, **_pwf_totals(req, shifts, result)}


def _pwf_totals(req: Requirement, shifts: dict, result: dict) -> dict:
    im, periods = req.interval_minutes, 1440 // req.interval_minutes
    plan_cov = {g: [0] * req.n_intervals for g in req.groups}
    roster_cov = {g: [0] * req.n_intervals for g in req.groups}
    plan_shifts, roster_shifts = [], []
    for g, res in result.items():
        for row in res.get("plan", []):
            if row["day"] < 0 or not row["resources"]:
                continue
            spec = shifts[row["shift"]]
            plan_shifts.append((spec["hours"] * 60, spec["cost"], row["resources"]))
            for p, on in enumerate(spec["cover"]):
                if on:
                    plan_cov[g][row["day"] * periods + p] += on * im * row["resources"]
        for row in res.get("roster", []):
            if row.get("shift") not in shifts:
                continue  # pyworkforce's placeholder row when no roster was found
            spec = shifts[row["shift"]]
            roster_shifts.append((spec["hours"] * 60, spec["cost"], 1))
            for p, on in enumerate(spec["cover"]):
                if on:
                    roster_cov[g][row["day"] * periods + p] += im
    statuses = {g: (r.get("plan_status"), r.get("roster_status")) for g, r in result.items()}
    rostered = all(s[1] in ("OPTIMAL", "FEASIBLE") for s in statuses.values())
    return {"statuses": statuses, "rostered": rostered,
            "plan_totals": compute_totals(req, plan_cov, plan_shifts),
            "roster_totals": compute_totals(req, roster_cov, roster_shifts) if rostered else None,
            "roster_coverage": roster_cov,
            "plan_seconds": sum(r.get("plan_seconds", 0) for r in result.values()),
            "roster_seconds": sum(r.get("roster_seconds", 0) for r in result.values())}


def req_hours(req: Requirement) -> float:
    """The requirement in agent-hours on the phones."""
    return sum(sum(v) for v in req.need.values()) * req.interval_minutes / 60


def _line(label: str, totals, seconds: float) -> str:
    return (f"  {label:<34} {seconds:7.1f} s  shifts {totals.shifts:4d}"
            f"  paid {totals.agent_hours:7.1f} h  cost {totals.cost:8.1f}  FTE {totals.fte:6.1f}"
            f"  under {totals.under_hours:7.2f} h"
            f"  over {totals.over_hours:7.1f} h")


def main(argv=None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--no-pyworkforce", action="store_true")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    scenario, req, templates, agents = instance()
    print(f"Week: {req.n_intervals} intervals x {len(req.groups)} groups, {len(agents)} agents; "
          f"requirement {sum(sum(v) for v in req.need.values()) * req.interval_minutes / 60:.0f}"
          f" agent-hours on the phones")
    result = ours(scenario, req, templates, agents, args.replications, args.rounds)
    for index, rnd in enumerate(result["rounds"]):
        title = "first solve" if index == 0 else \
            f"re-solve {index} with the simulation's correction"
        print(f"\nOurs, {title}:")
        print(_line("shift plan (CP-SAT)", rnd["plan"].totals, rnd["plan_seconds"]))
        print(_line("roster (CP-SAT)", rnd["roster"].totals, rnd["roster_seconds"]))
        print(_line("roster vs the original requirement", rnd["against_original"], 0.0))
        total = rnd["plan_seconds"] + rnd["roster_seconds"]
        print(f"  schedule + roster: {total:.1f} s (target <= 60 s)   statuses: plan "
              f"{rnd['plan'].status}, roster {rnd['roster'].status}")
        check = rnd["check"]
        print(f"  re-simulated ({args.replications} replications): {check.intervals_met}/"
              f"{check.intervals_open} open intervals meet SL and abandonment "
              f"({check.share_met:.1%}; target >= 95 %), {check.cells_missed} interval-queue "
              f"cells missed")
    if args.no_pyworkforce:
        print("\npyworkforce: skipped (--no-pyworkforce)")
        return 0
    python, why = pyworkforce_python()
    if python is None:
        print(f"\npyworkforce: comparison skipped: {why}")
        return 0
    side = pyworkforce_side(req, templates, agents, python)
    if "error" in side:
        print(f"\npyworkforce: failed: {side['error']}")
        return 0
    print(f"\npyworkforce {PWF_VERSION} (per group; statuses {side['statuses']}):")
    print(_line("MinRequiredResources", side["plan_totals"], side["plan_seconds"]))
    if side["roster_totals"] is not None:
        print(_line("MinHoursRoster", side["roster_totals"], side["roster_seconds"]))
        heads = heads_from_coverage(side["roster_coverage"], req.interval_minutes)
        check = verify(scenario, heads, args.replications, seed=11)
        print(f"  re-simulated: {check.intervals_met}/{check.intervals_open} open intervals "
              f"meet SL and abandonment ({check.share_met:.1%})")
    else:
        print("  MinHoursRoster found no roster for every group (hard coverage of the plan).")
    first = result["rounds"][0]
    if side["roster_totals"] is not None:
        other = side["roster_totals"]
        print(f"\nRosters: under-staffed agent-hours ours {first['roster'].totals.under_hours:.2f}"
              f" vs pyworkforce {other.under_hours:.2f}; cost ours "
              f"{first['roster'].totals.cost:.1f} vs pyworkforce {other.cost:.1f}")
    else:
        print(f"\nRosters: ours leaves {first['roster'].totals.under_hours:.2f} under-staffed "
              f"agent-hours at cost {first['roster'].totals.cost:.1f}; pyworkforce rosters "
              "nobody (all {:.0f} required agent-hours uncovered).".format(req_hours(req)))
    print(f"Shift plans alone: ours {first['plan'].totals.under_hours:.2f} h under at cost "
          f"{first['plan'].totals.cost:.1f} (within the agents' contracts, 15-min breaks "
          f"placed); pyworkforce {side['plan_totals'].under_hours:.2f} h under at cost "
          f"{side['plan_totals'].cost:.1f} (no limit on who can work which shift, lunch fixed, "
          "no short breaks)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
