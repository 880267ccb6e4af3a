"""Staff KPI targets, the monthly staff assessment and the "service star" shortlist.

What is modelled (targets from the after-sales service documents, see shared/DOMAIN.md):
response-on-time rate >= 98 %, resolution rate >= 95 %, customer satisfaction >= 90 %,
complaint rate <= 0.5 %. Staff are assessed monthly; ten "service stars" are recognised a month.
All figures are percentages in 0..100 (0.5 means half a percent, not 50 %).

Ranking rule for recognition (documented because it decides bonuses):
1. Only agents who meet all four targets in the month are eligible; an agent with a missing
   figure is not eligible (we cannot say they met it).
2. Eligible agents are ranked by satisfaction (higher first), then resolution rate (higher),
   then response-on-time rate (higher), then complaint rate (lower), then employee number
   (ascending), so the order never depends on input order.
3. The first n (default 10) are returned; fewer if fewer are eligible. The list is a shortlist
   for the manager, who decides.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class KpiTarget:
    """One staff KPI: its key, bilingual name, direction and threshold in percent."""

    key: str
    name: dict
    direction: str  # ">=" (at least) or "<=" (at most)
    threshold: float

    def is_met(self, value: float) -> bool:
        """Whether a monthly figure meets this target."""
        return value >= self.threshold if self.direction == ">=" else value <= self.threshold


kpi_targets: tuple[KpiTarget, ...] = (
    KpiTarget("response_on_time_rate", {"zh": "响应及时率", "en": "response-on-time rate"},
              ">=", 98.0),
    KpiTarget("resolution_rate", {"zh": "问题解决率", "en": "resolution rate"}, ">=", 95.0),
    KpiTarget("satisfaction", {"zh": "客户满意度", "en": "customer satisfaction"}, ">=", 90.0),
    KpiTarget("complaint_rate", {"zh": "投诉率", "en": "complaint rate"}, "<=", 0.5),
)
KPI_KEYS = tuple(target.key for target in kpi_targets)


@dataclass(frozen=True)
class KpiResult:
    """One KPI in one month for one agent: the figure, the target and whether it is met."""

    target: KpiTarget
    value: float | None
    meets: bool | None  # None when the figure is missing


@dataclass(frozen=True)
class StaffMonthAssessment:
    """All four KPIs for one agent-month, and whether every target was met."""

    results: tuple[KpiResult, ...]
    meets_all: bool
    missing: tuple[str, ...]


def check_kpi_value(key: str, value) -> float:
    """Return the figure as float, or raise ValueError naming the KPI and the allowed range."""
    if key not in KPI_KEYS:
        raise ValueError(f"unknown KPI {key!r}; allowed: {', '.join(KPI_KEYS)}")
    if isinstance(value, bool):
        raise ValueError(f"{key}: {value!r} is not a percentage (0..100)")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key}: {value!r} is not a percentage (0..100)") from None
    if math.isnan(number) or not 0.0 <= number <= 100.0:
        raise ValueError(f"{key}: {value!r} is outside the allowed range 0..100 (percent)")
    return number


def assess_staff_month(figures: Mapping[str, float | None]) -> StaffMonthAssessment:
    """Meets/misses per KPI for one agent's monthly figures (percentages 0..100)."""
    for key in figures:
        if key not in KPI_KEYS:
            raise ValueError(f"unknown KPI {key!r}; allowed: {', '.join(KPI_KEYS)}")
    results, missing = [], []
    for target in kpi_targets:
        raw = figures.get(target.key)
        if raw is None:
            results.append(KpiResult(target, None, None))
            missing.append(target.key)
            continue
        value = check_kpi_value(target.key, raw)
        results.append(KpiResult(target, value, target.is_met(value)))
    meets_all = not missing and all(result.meets for result in results)
    return StaffMonthAssessment(tuple(results), meets_all, tuple(missing))


@dataclass(frozen=True)
class RecognitionCandidate:
    """One agent on the month's service-star shortlist."""

    rank: int
    employee_no: str
    figures: dict


def _ranking_key(item: tuple[str, Mapping[str, float]]):
    employee_no, figures = item
    return (
        -float(figures["satisfaction"]),
        -float(figures["resolution_rate"]),
        -float(figures["response_on_time_rate"]),
        float(figures["complaint_rate"]),
        str(employee_no),
    )


def recognition_candidates(monthly_figures: Mapping[str, Mapping[str, float | None]],
                           n: int = 10) -> list[RecognitionCandidate]:
    """The month's service-star shortlist: eligible agents ranked by the documented rule."""
    eligible = [
        (employee_no, figures) for employee_no, figures in monthly_figures.items()
        if assess_staff_month(figures).meets_all
    ]
    ranked = sorted(eligible, key=_ranking_key)[:n]
    return [
        RecognitionCandidate(rank, str(employee_no), dict(figures))
        for rank, (employee_no, figures) in enumerate(ranked, start=1)
    ]
