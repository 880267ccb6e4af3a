"""The rater-agreement page's data: rubric_agreement's results in plain, labelled rows.

What is shown, per rubric (on the total) and per criterion: ICC(2,1) on points with its 95 %
interval, Krippendorff's alpha (ordinal) on the chosen levels, the verdict and advice from
``agreement_flag``, and per rater the severity (mean deviation from colleagues on the same
performances). Nothing is computed here beyond formatting; the statistics live in
``lms.evaluation.statistics``.
"""

from dataclasses import dataclass

from lms.evaluation.statistics import rubric_agreement
from lms.roleplay.models import Rubric


@dataclass
class AgreementRow:
    """One line of the agreement table (the total or one criterion)."""

    label: dict | None
    icc: object
    alpha: object
    icc_flag: object
    alpha_flag: object
    calibrate: bool


@dataclass
class AgreementView:
    """Everything the agreement page shows for one rubric."""

    n_performances: int
    n_shared: int
    total: AgreementRow
    criteria: list[AgreementRow]
    severity: list
    calibrate: bool
    calibrate_criteria: list[dict]


def agreement_view(rubric: Rubric, scorings: dict) -> AgreementView:
    """Agreement statistics for ``rubric`` from {performance: {rater: levels}}."""
    spec = rubric.spec
    result = rubric_agreement(spec, scorings)
    labels = {c.key: c.description for c in spec.criteria}

    def row(item) -> AgreementRow:
        return AgreementRow(labels.get(item.criterion_key), item.icc, item.alpha,
                            item.icc_flag, item.alpha_flag, item.calibrate)

    criteria = [row(item) for item in result.criteria]
    shared = sum(1 for by_rater in scorings.values() if len(by_rater) >= 2)
    return AgreementView(
        n_performances=result.n_performances, n_shared=shared, total=row(result.total),
        criteria=criteria, severity=list(result.severity), calibrate=result.calibrate,
        calibrate_criteria=[r.label for r in criteria if r.calibrate],
    )
