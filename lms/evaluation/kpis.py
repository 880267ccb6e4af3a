"""Level 4 with real figures: KPI months against the targets, before/after and trained/untrained.

Comparisons pool agent-months: "before" holds the months of trained agents before their
trained-from month, "after" the months from it on; "trained vs not yet trained" compares, in
the latest month with figures, agents already trained with those not yet trained. Both are
observational (``OBSERVATIONAL_CAUTION`` is shown with them). The monthly staff assessment
and the service-star shortlist (10 a month) follow ``lms.evaluation.statistics.kpi``.
"""

from collections import defaultdict
from statistics import fmean

from sqlalchemy import select

from lms.evaluation.models import KpiMonth
from lms.evaluation.service import Filters, trained_from, trainees
from lms.evaluation.statistics import (
    OBSERVATIONAL_CAUTION,
    assess_staff_month,
    compare_groups,
    kpi_targets,
    recognition_candidates,
    trained_vs_untrained,
)
from lms.extensions import db

RECOGNITION_PER_MONTH = 10


def kpi_rows(filters: Filters) -> list[KpiMonth]:
    """Stored KPI months of the filtered trainees, oldest first."""
    ids = {u.id for u in trainees(filters)}
    rows = db.session.scalars(select(KpiMonth).order_by(KpiMonth.month, KpiMonth.user_id))
    return [row for row in rows if row.user_id in ids]


def monthly_means(rows: list[KpiMonth]) -> dict:
    """{month: {KPI: mean over agents}} and the share of agents meeting every target."""
    months = defaultdict(list)
    for row in rows:
        months[row.month].append(row)
    result = {}
    for month, members in sorted(months.items()):
        means = {t.key: fmean(getattr(r, t.key) for r in members) for t in kpi_targets}
        meets = sum(assess_staff_month(r.figures()).meets_all for r in members)
        share = {t.key: 100.0 * sum(t.is_met(getattr(r, t.key)) for r in members) / len(members)
                 for t in kpi_targets}
        result[month] = {**means, "n": len(members), "meets_percent": share,
                         "meets_all_percent": 100.0 * meets / len(members)}
    return result


def comparisons(rows: list[KpiMonth]) -> dict:
    """Before vs after training and trained vs not-yet-trained, per KPI."""
    start = trained_from({row.user_id for row in rows})
    latest = max((row.month for row in rows), default=None)
    before_after, trained_untrained = [], []
    for target in kpi_targets:
        before = [getattr(r, target.key) for r in rows
                  if r.user_id in start and r.month < start[r.user_id]]
        after = [getattr(r, target.key) for r in rows
                 if r.user_id in start and r.month >= start[r.user_id]]
        before_after.append((target, compare_groups(before, after)))
        in_latest = [r for r in rows if r.month == latest]
        untrained = [getattr(r, target.key) for r in in_latest
                     if r.user_id not in start or r.month < start[r.user_id]]
        trained = [getattr(r, target.key) for r in in_latest
                   if r.user_id in start and r.month >= start[r.user_id]]
        trained_untrained.append((target, trained_vs_untrained(untrained, trained)))
    return {"before_after": before_after, "trained_untrained": trained_untrained,
            "latest": latest, "caution": OBSERVATIONAL_CAUTION}


def staff_assessment(rows: list[KpiMonth], month: str | None) -> dict:
    """The month's assessment per agent and the service-star shortlist."""
    months = sorted({row.month for row in rows})
    month = month if month in months else (months[-1] if months else None)
    members = [row for row in rows if row.month == month]
    assessed = sorted(((row, assess_staff_month(row.figures())) for row in members),
                      key=lambda item: (not item[1].meets_all, item[0].user.employee_no))
    by_number = {row.user.employee_no: row.figures() for row in members}
    stars = recognition_candidates(by_number, n=RECOGNITION_PER_MONTH)
    names = {row.user.employee_no: row.user for row in members}
    return {"month": month, "months": months, "assessed": assessed,
            "meets_all": sum(a.meets_all for _, a in assessed),
            "stars": [(s, names[s.employee_no]) for s in stars]}
