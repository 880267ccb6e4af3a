"""Command line: ``python -m simulation run|staff|erlang|list``.

* ``run SCENARIO`` simulates replications (in parallel on all cores, or as RQ jobs when
  ``REDIS_URL`` is set) and prints totals and per-interval tables; ``--json``, ``--csv`` and
  ``--svg`` export the results;
* ``staff SCENARIO --target 80/20`` finds the fewest agents per interval and group, and shows
  where Erlang C alone would have under- or over-staffed;
* ``erlang`` prints Erlang C / Erlang A measures for a range of agents and the requirement;
* ``list`` shows the shipped scenario library.

SCENARIO is a YAML file or the id of a library scenario. Bad input exits with status 2 and one
line per problem (file:line: key: message).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from scenarios import ScenarioError, ServiceLevelTarget, library, load_scenario

from .analytic import StaffingTargets, measures, required_agents
from .charts import ChartLabels, queue_length_chart, service_level_chart, staffing_chart
from .export import write_csv, write_json
from .optimiser import optimise_staffing
from .parallel import run_replications
from .planning import PlanTargets, analytic_plan
from .summary import Summary, interval_label, summarise
from .tables import fmt, table
from .texts import render


def parse_target(text: str) -> ServiceLevelTarget:
    """``80/20`` → 80 % within 20 s."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%?\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*", text)
    if not match or not 0 < float(match.group(1)) <= 100:
        raise argparse.ArgumentTypeError(f"target must look like 80/20 (percent/seconds), "
                                         f"got {text!r}")
    return ServiceLevelTarget(float(match.group(1)), float(match.group(2)))


def parse_fraction(text: str) -> float:
    """``5%``, ``5`` or ``0.05`` → 0.05."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"expected a percentage like 5%, got {text!r}")
    value = float(match.group(1))
    value = value / 100.0 if match.group(2) or value > 1 else value
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"percentage must be 0-100 %, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m simulation``."""
    parser = argparse.ArgumentParser(prog="python -m simulation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate a scenario and print its KPIs")
    run.add_argument("scenario", help="YAML file or library id")
    run.add_argument("--replications", type=_positive_int, default=1)
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--workers", type=_positive_int, default=None,
                     help="local processes (default: all cores)")
    run.add_argument("--json", type=Path, help="write all KPIs as JSON")
    run.add_argument("--csv", type=Path, help="write all KPIs as tidy CSV")
    run.add_argument("--svg", type=Path, help="directory for SVG charts")
    staff = sub.add_parser("staff", help="fewest agents per interval meeting the targets")
    staff.add_argument("scenario", help="YAML file or library id")
    staff.add_argument("--target", type=parse_target, default=None,
                       help="service level as percent/seconds, e.g. 80/20 (default: per queue)")
    staff.add_argument("--max-abandon", type=parse_fraction, default=0.05)
    staff.add_argument("--max-occupancy", type=parse_fraction, default=0.90)
    staff.add_argument("--confidence", type=parse_fraction, default=0.90)
    staff.add_argument("--replications", type=_positive_int, default=8)
    staff.add_argument("--seed", type=int, default=1)
    staff.add_argument("--json", type=Path, help="write the plan as JSON")
    erlang = sub.add_parser("erlang", help="Erlang C / Erlang A for one queue")
    erlang.add_argument("--calls-per-hour", type=float, required=True)
    erlang.add_argument("--aht", type=float, required=True, help="mean handle time, seconds")
    erlang.add_argument("--patience", type=float, default=None,
                        help="mean patience, seconds (Erlang A); omit for Erlang C")
    erlang.add_argument("--target", type=parse_target, default=ServiceLevelTarget(80, 20))
    erlang.add_argument("--max-abandon", type=parse_fraction, default=None)
    erlang.add_argument("--max-occupancy", type=parse_fraction, default=None)
    erlang.add_argument("--agents", default=None,
                        help="agents to tabulate, e.g. 50 or 45-60 (default: around the need)")
    sub.add_parser("list", help="list the shipped scenarios")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = build_parser().parse_args(argv)
    try:
        return {"run": cmd_run, "staff": cmd_staff, "erlang": cmd_erlang,
                "list": cmd_list}[args.command](args)
    except ScenarioError as error:
        print("\n".join(error.messages("en")), file=sys.stderr)
        return 2


def cmd_list(args) -> int:
    """Print the library."""
    rows = [(entry.id, entry.title.en, entry.title.zh) for entry in library()]
    print(table(("id", "title", "标题"), rows))
    return 0


def cmd_run(args) -> int:
    """Simulate and print."""
    scenario = load_scenario(args.scenario)
    results = run_replications(scenario, args.replications, args.seed, workers=args.workers)
    summary = summarise(results)
    print(f"Scenario {scenario.id}: {scenario.title.en} - {summary.replications} "
          f"replication(s), seed {args.seed}")
    for warning in summary.warnings:
        print("WARNING: " + render("warnings", warning["code"], warning["params"])["en"])
    print()
    print(totals_table(summary))
    print()
    print(intervals_table(summary))
    if args.json:
        write_json(summary, args.json)
    if args.csv:
        write_csv(summary, args.csv)
    if args.svg:
        write_charts(summary, scenario, args.svg)
    return 0


def _est(summary: Summary, level: str, metric: str, index):
    estimate = summary.levels[level][metric]
    return estimate.mean[index], estimate.half_width[index]


def totals_table(summary: Summary) -> str:
    """Totals per queue after warm-up, mean ± 95 % CI half-width."""
    rows = []
    for q, name in enumerate((*summary.queues, "all")):
        def cell(metric, digits=1, percent=False, q=q):
            mean, half = _est(summary, "total", metric, q)
            return fmt(mean, digits, percent, half if summary.replications > 1 else None)
        rows.append((name, cell("offered", 0), cell("abandon_rate", 1, True),
                     cell("service_level", 1, True), cell("asa"), cell("aht", 0),
                     cell("max_waiting", 0), cell("past_response_target", 0)))
    headers = ("queue", "offered", "abandoned %", "service level %", "ASA s", "AHT s",
               "max queue", "past response target")
    return table(headers, rows, "Totals after warm-up (mean ± 95 % CI):")


def intervals_table(summary: Summary) -> str:
    """One row per interval over all queues and groups."""
    level = summary.levels["interval"]
    occupancy = summary.levels["group"]["occupancy"].mean
    on_phones = summary.levels["group"]["on_phones"].mean.sum(axis=1)
    rows = []
    for k in range(summary.n_intervals):
        busy = occupancy[k]
        rows.append((summary.interval_label(k), fmt(level["offered"].mean[k], 0),
                     fmt(level["service_level"].mean[k], 1, True),
                     fmt(level["abandon_rate"].mean[k], 1, True),
                     fmt(level["asa"].mean[k]), fmt(level["mean_waiting"].mean[k]),
                     fmt(on_phones[k], 0),
                     fmt(_nanmean(busy), 0, True),
                     fmt(level["technician_backlog"].mean[k], 0)))
    headers = ("start", "offered", "service level %", "abandoned %", "ASA s", "mean queue",
               "on phones", "occupancy %", "technician backlog")
    return table(headers, rows, "Per interval (all queues):")


def _nanmean(values) -> float | None:
    finite = [v for v in values if v == v]
    return sum(finite) / len(finite) if finite else None


def write_charts(summary: Summary, scenario, directory: Path) -> None:
    """queue_length.svg, service_level.svg and staffing.svg in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    titles = {q.name: (q.title.en if q.title else q.name) for q in scenario.queues}
    (directory / "queue_length.svg").write_text(queue_length_chart(summary, ChartLabels(
        "Callers waiting", "interval start", "callers waiting (mean)",
        "Mean number of callers waiting per interval and queue", titles)), encoding="utf-8")
    volume = sum(q.calls_per_day for q in scenario.queues)
    target = sum(q.service_level.fraction * q.calls_per_day for q in scenario.queues) / volume
    (directory / "service_level.svg").write_text(service_level_chart(summary, ChartLabels(
        "Service level per interval", "interval start", "answered in target (%)",
        "Share of offered calls answered within the queue's target time",
        {"service_level": "service level"}, f"target {target:.0%}"), target), encoding="utf-8")
    plan = analytic_plan(scenario)
    staffed = summary.levels["group"]["on_phones"].mean.sum(axis=1)
    labels = [summary.interval_label(k) for k in range(summary.n_intervals)]
    (directory / "staffing.svg").write_text(staffing_chart(
        labels, staffed.tolist(), plan.erlang_a.sum(axis=1).tolist(), ChartLabels(
            "Agents on the phones vs required", "interval start", "agents",
            "Agents on the phones in the plan against Erlang A with caps",
            {"staffed": "on the phones", "required": "required (Erlang A)"})),
        encoding="utf-8")


def cmd_staff(args) -> int:
    """Optimise staffing and print the plan."""
    scenario = load_scenario(args.scenario)
    targets = PlanTargets(args.target, args.max_abandon, args.max_occupancy, args.confidence)
    result = optimise_staffing(scenario, targets, args.replications, args.seed)
    summary_labels = summarise_labels(scenario)
    rows = []
    for row in result.rows():
        gap = row["erlang_c_gap"]
        verdict = {"under": f"under by {-gap}", "over": f"over by {gap}", "ok": "ok"}
        rows.append((summary_labels[row["interval"]], row["group"], row["erlang_c"],
                     row["erlang_a"], row["simulated"], row["scheduled"],
                     verdict[row["erlang_c_verdict"]], fmt(row["occupancy"], 0, True)))
    met = "all targets met" if result.all_met else "NOT all targets met"
    print(f"Scenario {scenario.id}: {met} with {targets.confidence:.0%} confidence "
          f"({result.replications} replications, {result.passes} passes)")
    print(table(("start", "group", "Erlang C", "Erlang A", "simulated", "schedule",
                 "Erlang C alone", "occupancy %"), rows))
    if args.json:
        import json
        args.json.write_text(json.dumps({"scenario": scenario.id, "all_met": result.all_met,
                                         "rows": result.rows()}, indent=1), encoding="utf-8")
    return 0


def summarise_labels(scenario) -> list[str]:
    """Clock labels of the intervals of ``scenario``."""
    return [interval_label(scenario.start_hour, scenario.interval_minutes, scenario.n_intervals,
                           k) for k in range(scenario.n_intervals)]


def cmd_erlang(args) -> int:
    """Tabulate Erlang C / A."""
    level = args.target
    targets = StaffingTargets(level.fraction, level.seconds, args.max_abandon,
                              args.max_occupancy)
    model = "A" if args.patience else "C"
    need = required_agents(args.calls_per_hour, args.aht, targets, args.patience, model)
    if args.agents:
        low, _, high = args.agents.partition("-")
        agents = range(int(low), int(high or low) + 1)
    else:
        agents = range(max(1, need - 4), need + 5)
    rows = []
    for n in agents:
        m = measures(args.calls_per_hour, args.aht, n, args.patience, level.seconds, model)
        rows.append((n, fmt(m.occupancy, 1, True), fmt(m.probability_wait, 1, True),
                     fmt(m.probability_abandon, 2, True), fmt(m.asa, 1),
                     fmt(m.service_level, 1, True), "<- required" if n == need else ""))
    load = args.calls_per_hour * args.aht / 3600.0
    print(f"Erlang {model}: {args.calls_per_hour:g} calls/h, AHT {args.aht:g} s, "
          f"load {load:.1f} Erlang" + (f", patience {args.patience:g} s" if args.patience
                                      else ""))
    print(table(("agents", "occupancy %", "wait %", "abandon %", "ASA s",
                 f"answered in {level.seconds:g}s %", ""), rows))
    print(f"Required for {level.percent:g}/{level.seconds:g}: {need} agents")
    return 0
