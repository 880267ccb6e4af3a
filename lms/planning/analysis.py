"""Simulation results as the planner reads them: KPIs against targets, intervals, comparisons.

A run's result is plain JSON built from :mod:`simulation`'s summary: 95 % confidence intervals
over replications, per-interval rows, and each replication's whole-run KPIs so that variants
run on the same seed (common random numbers) can be compared replication by replication.

Targets: each queue's service level comes from the scenario; response on time ≥ 98 % is the
staff KPI in DOMAIN.md; abandonment ≤ 5 % is a common planning convention (stated as such).
A target counts as met or missed only when the whole confidence interval is on one side;
otherwise the verdict is "uncertain" (more replications would settle it).
"""

import math

import numpy as np

from scenarios import Scenario
from simulation.parallel import run_replication
from simulation.results import kpis
from simulation.summary import records, summarise, t_quantile_975

MAX_ABANDON = 0.05
MIN_ON_TIME = 0.98
#: Whole-run KPIs kept per replication for paired comparisons: (name, higher is better).
PAIRED_METRICS = (("service_level", True), ("abandon_rate", False), ("asa", False),
                  ("on_time_rate", True), ("max_waiting", False), ("occupancy", False))


def simulate(scenario: Scenario, seed: int, replications: int,
             progress=lambda fraction, note=None: None) -> dict:
    """Run ``replications`` of ``scenario`` one by one (reporting progress) and summarise.

    ``progress(fraction, note)`` after every replication; it may raise to stop the run.
    """
    runs = []
    for r in range(replications):
        runs.append(run_replication((scenario, seed, r)))
        progress((r + 1) / replications * 0.95,
                 {"stage": "simulate", "replications_done": r + 1,
                  "replications_expected": replications})
    return summarise_runs(scenario, runs)


def _clean(value):
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else round(float(value), 6)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _per_replication(runs) -> dict[str, list]:
    values = {name: [] for name, _ in PAIRED_METRICS}
    for run in runs:
        total = kpis(run)["total"]
        values["service_level"].append(float(total["service_level"][-1]))
        values["abandon_rate"].append(float(total["abandon_rate"][-1]))
        values["asa"].append(float(total["asa"][-1]))
        # Per case (first contacts), not per contact: redials and repeats are the same case.
        values["on_time_rate"].append(float(total["on_time_rate"][-1]))
        values["max_waiting"].append(float(total["max_waiting"][-1]))
        values["occupancy"].append(float(total["occupancy"][-1]))
    return values


RATES = ("service_level", "abandon_rate", "occupancy", "on_time_rate", "callback_promise_rate")


def _bounded(rows: list[dict]) -> list[dict]:
    """Confidence bounds kept inside what a KPI can be (rates in [0, 1], counts ≥ 0)."""
    for row in rows:
        for name, cell in row.items():
            if isinstance(cell, dict) and cell.get("mean") is not None:
                cell["low"] = max(0.0, cell["low"])
                if name in RATES:
                    cell["high"] = min(1.0, cell["high"])
    return rows


def summarise_runs(scenario: Scenario, runs) -> dict:
    """The stored result of one scenario's replications."""
    summary = summarise(runs)
    per_rep = _per_replication(runs)
    result = {
        "scenario_id": scenario.id,
        "title": {"zh": scenario.title.zh, "en": scenario.title.en},
        "seed": summary.seed, "replications": summary.replications,
        "interval_minutes": summary.interval_minutes,
        "labels": [summary.interval_label(k) for k in range(summary.n_intervals)],
        "queues": list(summary.queues), "groups": list(summary.groups),
        "targets": {q.name: {"percent": q.service_level.percent,
                             "seconds": q.service_level.seconds} for q in scenario.queues},
        "queue_titles": {q.name: {"zh": q.title.zh, "en": q.title.en} if q.title else
                         {"zh": q.name, "en": q.name} for q in scenario.queues},
        "totals": _bounded(records(summary, "total")),
        "intervals": _bounded(records(summary, "interval")),
        "queue_intervals": _bounded(records(summary, "queue")),
        "group_intervals": _bounded(records(summary, "group")),
        "per_replication": per_rep,
        "on_time": _bounded([{"on_time_rate": _estimate(per_rep["on_time_rate"])}])[0][
            "on_time_rate"],
        "warnings": summary.warnings,
        "model": model_of(scenario),
    }
    return _clean(result)


def model_of(scenario: Scenario) -> dict:
    """The caller-behaviour rules the run used, stated on the results page."""
    hours = scenario.opening_hours
    opening = None
    if hours is not None and not hours.always_open:
        total = sum(hours.return_hours)
        opening = {"open_hour": hours.open_hour, "close_hour": hours.close_hour,
                   "return_probability": hours.return_probability,
                   "return_shares": [w / total for w in hours.return_hours]}
    callbacks = {q.name: {"promise_minutes": q.callback.promise_minutes,
                          "expire_minutes": q.callback.expire_minutes,
                          "priority_rule": q.callback.priority_rule,
                          "at_risk_minutes": q.callback.at_risk_minutes,
                          "offer_after_seconds": q.callback.offer_after_seconds}
                 for q in scenario.queues if q.callback.enabled or _shifted(scenario, q.name)}
    return {"opening_hours": opening, "callbacks": callbacks}


def _shifted(scenario: Scenario, queue: str) -> bool:
    """True when a disaster turns some of ``queue``'s calls into callback requests."""
    return any(getattr(e, "callback_shift", 0) and queue in e.queues for e in scenario.events)


CALLBACK_COLUMNS = ("callbacks_requested", "callbacks_in_promise", "callbacks_late",
                    "callbacks_expired", "callbacks_pending", "callback_promise_rate")
CLOSED_COLUMNS = ("closed_attempts", "closed_returns", "closed_lost")


def callback_rows(result: dict) -> list[dict]:
    """Per queue with callbacks: requested, made within the promise, late, expired, pending."""
    model = (result.get("model") or {}).get("callbacks") or {}
    rows = []
    for row in result["totals"]:
        if row["queue"] in model or (row["queue"] == "all" and len(model) > 1):
            rows.append({"queue": row["queue"], "rule": model.get(row["queue"]),
                         **{k: row.get(k) for k in CALLBACK_COLUMNS}})
    return rows


def _estimate(values) -> dict:
    data = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if data.size == 0:
        return {"mean": None, "low": None, "high": None}
    half = (t_quantile_975(data.size - 1) * data.std(ddof=1) / math.sqrt(data.size)
            if data.size > 1 else 0.0)
    mean = float(data.mean())
    return {"mean": mean, "low": mean - half, "high": mean + half}


def verdict(estimate: dict, target: float, higher_is_better: bool) -> str:
    """``met``, ``missed`` or ``uncertain`` (the 95 % CI straddles the target)."""
    if estimate.get("mean") is None:
        return "uncertain"
    low, high = estimate["low"], estimate["high"]
    if higher_is_better:
        return "met" if low >= target else "missed" if high < target else "uncertain"
    return "met" if high <= target else "missed" if low > target else "uncertain"


def kpi_summary(result: dict) -> list[dict]:
    """Rows of the KPI table: what, estimate with CI, target, verdict."""
    totals = {row["queue"]: row for row in result["totals"]}
    rows = []
    for queue in result["queues"]:
        target = result["targets"][queue]
        est = totals[queue]["service_level"]
        rows.append({"kpi": "service_level", "queue": queue, "estimate": est,
                     "target": target["percent"] / 100.0, "seconds": target["seconds"],
                     "verdict": verdict(est, target["percent"] / 100.0, True)})
    everyone = totals["all"]
    rows.append({"kpi": "abandon_rate", "queue": "all", "estimate": everyone["abandon_rate"],
                 "target": MAX_ABANDON,
                 "verdict": verdict(everyone["abandon_rate"], MAX_ABANDON, False)})
    rows.append({"kpi": "on_time_rate", "queue": "all", "estimate": result["on_time"],
                 "target": MIN_ON_TIME, "verdict": verdict(result["on_time"], MIN_ON_TIME, True)})
    rows.append({"kpi": "asa", "queue": "all", "estimate": everyone["asa"], "target": None,
                 "verdict": None})
    return rows


def paired_difference(base: list, other: list) -> dict:
    """Mean of ``other − base`` over replications with its 95 % CI; significant if CI ∌ 0."""
    pairs = [(b, o) for b, o in zip(base, other, strict=False)
             if b is not None and o is not None and math.isfinite(b) and math.isfinite(o)]
    est = _estimate([o - b for b, o in pairs])
    significant = (est["mean"] is not None and len(pairs) > 1
                   and (est["low"] > 0 or est["high"] < 0))
    return {**est, "significant": bool(significant), "pairs": len(pairs)}


def compare(results: list[dict]) -> list[dict]:
    """For each variant after the first: per-KPI mean, difference from the first, significance."""
    base = results[0]
    table = []
    for name, higher_is_better in PAIRED_METRICS:
        row = {"kpi": name, "higher_is_better": higher_is_better, "variants": []}
        for index, result in enumerate(results):
            values = result["per_replication"][name]
            entry = {"estimate": _bounded([{name: _estimate(values)}])[0][name]}
            if index:
                diff = paired_difference(base["per_replication"][name], values)
                better = diff["mean"] is not None and ((diff["mean"] > 0) == higher_is_better)
                entry.update(difference=diff, better=better if diff["significant"] else None)
            row["variants"].append(entry)
        table.append(row)
    return table
