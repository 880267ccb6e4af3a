"""Level 4, simulated: what the cohort's proficiency before and after training is worth.

What is modelled: a peak hour at a hotline, held steady for ``HORIZON_HOURS`` (one warm-up hour
is discarded): ``CALLS_PER_HOUR`` calls, exponential handle time of ``HANDLE_SECONDS`` times the
agents' handle-time factor, exponential caller patience of ``PATIENCE_SECONDS``, and unresolved
contacts calling back after ``REPEAT_DELAY_HOURS`` on average (so a lower first-contact
resolution adds load). Service level target: 80 % answered within 20 s (DOMAIN.md).

The cohort's measured proficiency (a score fraction) is mapped onto the agents' handle-time
factor and first-contact resolution by ``proficiency_mapping`` (its anchors are shown on the
page and may be configured with ``EVALUATION_PROFICIENCY_ANCHORS``). Both proficiencies run on
the same random numbers (same seed and replication), so the difference is the proficiency's.

Results per replication: service level and abandonment at ``BASE_AGENTS``, and the required
staff = the fewest agents reaching the target. "Worth N agents at peak" is the mean over
replications of (required before - required after), with a t interval.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from statistics import fmean

from flask import current_app

from lms.evaluation.statistics import (
    DEFAULT_ANCHORS,
    ProficiencyAnchor,
    mean_confidence_interval,
    proficiency_mapping,
)

CALLS_PER_HOUR = 360
HANDLE_SECONDS = 300
PATIENCE_SECONDS = 180
REPEAT_DELAY_HOURS = 0.5
HORIZON_HOURS = 5
BASE_AGENTS = 45
TARGET_PERCENT, TARGET_SECONDS = 80.0, 20.0
REPLICATIONS = 5
SEED = 20261123


def anchors() -> tuple[ProficiencyAnchor, ...]:
    """The configured mapping anchors (default: ``DEFAULT_ANCHORS``)."""
    configured = current_app.config.get("EVALUATION_PROFICIENCY_ANCHORS")
    if not configured:
        return DEFAULT_ANCHORS
    return tuple(ProficiencyAnchor(*row) for row in configured)


def scenario_dict(agents: int, handle_time_factor: float, fcr: float) -> dict:
    """The peak-hour scenario as plain data for ``scenarios.scenario_from_dict``."""
    return {
        "id": "evaluation_peak_hour",
        "title": {"zh": "培训效果评估：高峰时段", "en": "Training evaluation: peak hour"},
        "description": {"zh": "稳定的高峰话务，用于比较培训前后坐席熟练度对服务水平的影响。",
                        "en": "Steady peak traffic, to compare agent proficiency before and "
                        "after training."},
        "horizon_hours": HORIZON_HOURS, "interval_minutes": 30, "warmup_hours": 1,
        "queues": {"consultation": {
            "title": {"zh": "咨询与投诉", "en": "Enquiries and complaints"},
            "calls_per_day": CALLS_PER_HOUR * 24, "arrival_shape": "flat",
            "handle_time_seconds": {"distribution": "exponential", "mean": HANDLE_SECONDS},
            "after_call_work_seconds": 0,
            "patience_seconds": {"distribution": "exponential", "mean": PATIENCE_SECONDS},
            "priority_mix": {"urgent": 0.0, "general": 0.0, "normal": 1.0},
            "repeat": {"probability": 1.0, "mean_delay_hours": REPEAT_DELAY_HOURS},
            "service_level": {"percent": TARGET_PERCENT, "seconds": TARGET_SECONDS},
        }},
        "groups": {"agents": {"title": {"zh": "坐席", "en": "Agents"},
                              "skills": ["consultation"],
                              "handle_time_factor": round(handle_time_factor, 4),
                              "first_contact_resolution": round(fcr, 4)}},
        "staffing": {"agents": {"agents": [agents], "shrinkage": 0.0}},
    }


def _run(agents: int, proficiency, replication: int) -> tuple[float, float]:
    from scenarios import scenario_from_dict
    from simulation.engine import Engine
    from simulation.results import kpis

    scenario = scenario_from_dict(scenario_dict(agents, *proficiency))
    total = kpis(Engine(scenario, seed=SEED, replication=replication).run())["total"]
    return float(total["service_level"][-1]) * 100, float(total["abandon_rate"][-1]) * 100


def _required(proficiency, replication: int, start: int) -> int:
    agents = start
    while agents > 1 and _run(agents - 1, proficiency, replication)[0] >= TARGET_PERCENT:
        agents -= 1
    while _run(agents, proficiency, replication)[0] < TARGET_PERCENT and agents < 4 * start:
        agents += 1
    return agents


@dataclass
class ImpactSide:
    """Results at one proficiency: parameters, service level, abandonment, required staff."""

    score: float
    handle_time_factor: float
    fcr: float
    service_level: tuple
    abandonment: tuple
    required: tuple


@dataclass
class Impact:
    """Before vs after training and what the difference is worth in agents at peak."""

    before: ImpactSide
    after: ImpactSide
    worth_agents: tuple
    base_agents: int
    anchors: tuple


def _with_ci(values: list[float]) -> tuple:
    low, high = mean_confidence_interval(values)
    return fmean(values), low, high


def _side(score: float, mapping: tuple, step: Callable[[], None]) -> tuple[ImpactSide, list]:
    proficiency = proficiency_mapping(score, mapping)
    runs, required = [], []
    for replication in range(REPLICATIONS):
        runs.append(_run(BASE_AGENTS, proficiency, replication))
        required.append(_required(proficiency, replication, BASE_AGENTS))
        step()
    side = ImpactSide(score, *proficiency, _with_ci([sl for sl, _ in runs]),
                      _with_ci([ab for _, ab in runs]), _with_ci([float(n) for n in required]))
    return side, required


def simulated_impact(score_before: float, score_after: float, mapping: tuple | None = None,
                     progress: Callable[[float], None] | None = None) -> Impact:
    """Simulate the peak hour at both proficiencies (common random numbers).

    ``mapping`` defaults to the configured anchors; ``progress(fraction)`` is told after each
    replication (a background job commits it for the progress page).
    """
    mapping = tuple(mapping or anchors())
    done = [0]

    def step() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0] / (2 * REPLICATIONS))

    before, required_before = _side(score_before, mapping, step)
    after, required_after = _side(score_after, mapping, step)
    saved = [float(b - a) for b, a in zip(required_before, required_after, strict=True)]
    return Impact(before, after, _with_ci(saved), BASE_AGENTS, mapping)


def impact_to_dict(impact: Impact) -> dict:
    """Plain JSON-able data (what the background job stores on its row)."""
    return asdict(impact)


def impact_from_dict(data: dict) -> Impact:
    """The stored result back as an :class:`Impact` (tuples restored)."""
    def side(values: dict) -> ImpactSide:
        return ImpactSide(values["score"], values["handle_time_factor"], values["fcr"],
                          tuple(values["service_level"]), tuple(values["abandonment"]),
                          tuple(values["required"]))

    return Impact(side(data["before"]), side(data["after"]), tuple(data["worth_agents"]),
                  data["base_agents"],
                  tuple(ProficiencyAnchor(**anchor) for anchor in data["anchors"]))
