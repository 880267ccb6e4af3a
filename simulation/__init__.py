"""SimPy simulation of an after-sales call center, with Erlang C / Erlang A analytics.

Pure Python (SimPy, numpy); imports neither Flask nor the web app. Typical use::

    from scenarios import load_scenario
    from simulation import run_replications, summarise, records

    scenario = load_scenario("group_complaint_surge")
    summary = summarise(run_replications(scenario, replications=10, seed=1))
    rows = records(summary, "queue")        # per interval and queue, mean and 95 % CI

Planning: :func:`required_agents` (Erlang C / Erlang A with caps), :func:`analytic_plan`,
:func:`optimise_staffing`. Drills: :class:`Drill` ``(scenario, seed, actions).state_at(t)``.
Exports: :func:`write_json`, :func:`write_csv`, SVG charts in :mod:`simulation.charts`.
Command line: ``python -m simulation --help``.
"""

from .analytic import (
    StaffingTargets,
    measures,
    required_agents,
    required_agents_per_interval,
    square_root_staffing,
)
from .charts import ChartLabels, line_chart, queue_length_chart, service_level_chart, staffing_chart
from .drill import Drill, DrillError, parse_actions
from .drill_actions import ACTION_TYPES, ActionType, DrillAction
from .engine import Engine
from .erlang import QueueMeasures, erlang_b, erlang_c, erlang_c_measures
from .erlang_a import erlang_a_measures
from .export import summary_to_dict, to_csv, write_csv, write_json
from .optimiser import StaffingResult, optimise_staffing
from .parallel import (
    InProcessBackend,
    ProcessPoolBackend,
    RQBackend,
    run_replication,
    run_replications,
)
from .planning import AnalyticPlan, PlanTargets, analytic_plan
from .results import RunResult, kpis
from .summary import Estimate, Summary, records, summarise
from .texts import render


def simulate(scenario, seed: int = 1, replication: int = 0) -> RunResult:
    """Run one replication of ``scenario`` and return its records."""
    return Engine(scenario, seed=seed, replication=replication).run()


__all__ = [
    "ACTION_TYPES", "ActionType", "AnalyticPlan", "ChartLabels", "Drill", "DrillAction",
    "DrillError", "Engine", "Estimate", "InProcessBackend", "PlanTargets", "ProcessPoolBackend",
    "QueueMeasures", "RQBackend", "RunResult", "StaffingResult", "StaffingTargets", "Summary",
    "analytic_plan", "erlang_a_measures", "erlang_b", "erlang_c", "erlang_c_measures", "kpis",
    "line_chart", "measures", "optimise_staffing", "parse_actions", "queue_length_chart",
    "records", "render", "required_agents", "required_agents_per_interval", "run_replication",
    "run_replications", "service_level_chart", "simulate", "square_root_staffing",
    "staffing_chart", "summarise", "summary_to_dict", "to_csv", "write_csv", "write_json",
]
