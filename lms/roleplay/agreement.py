"""The rater-agreement page's data: rubric_agreement's results in plain, labelled rows.

What is shown, per rubric (on the total) and per criterion: ICC(2,1) on points with its 95 %
interval, Krippendorff's alpha (ordinal) on the chosen levels, the verdict and advice from
``agreement_flag``, and per rater the severity (mean deviation from colleagues on the same
performances). The statistics live in ``lms.evaluation.statistics``; this module only
turns their verdicts into the page's headline and priority list, with the same thresholds
as the table, so the words never contradict the numbers:

* the headline follows the verdict on the **total** (the score a trainee gets): ICC good or
  excellent → the scores can be used; moderate → use with care; poor → do not trust them;
* a criterion is a priority for calibration only where the table itself calls it weak: ICC
  moderate or poor, or alpha unreliable (below 0.667). A "tentative" alpha beside a good ICC
  is shown in the table but does not make a criterion a priority;
* priorities are listed worst first (lowest ICC).
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
    #: ``usable``, ``usable_but_weak_criteria``, ``care``, ``untrusted`` or ``undefined``.
    headline: str = "undefined"


#: Alpha verdicts weak enough to make a criterion a calibration priority.
WEAK_ALPHA = {"unreliable"}


def is_weak(item) -> bool:
    """Whether the table calls this criterion (or the total) weak: ICC below good, or alpha
    unreliable. Undefined values (too little data) are not weak, only unknown."""
    icc_weak = item.icc.value is not None and not item.icc_flag.trustworthy
    alpha_weak = bool(item.alpha_flag and item.alpha_flag.level in WEAK_ALPHA)
    return icc_weak or alpha_weak


def headline_of(total, weak_criteria: list) -> str:
    """The page's headline from the verdict on the total and the weak criteria."""
    level = total.icc_flag.level
    if level == "undefined":  # no verdict on the total: never claim it can be used
        return "undefined"
    if total.icc_flag.trustworthy:
        return "usable_but_weak_criteria" if weak_criteria else "usable"
    return "care" if level == "moderate" else "untrusted"


def agreement_view(rubric: Rubric, scorings: dict) -> AgreementView:
    """Agreement statistics for ``rubric`` from {performance: {rater: levels}}."""
    spec = rubric.spec
    result = rubric_agreement(spec, scorings)
    labels = {c.key: c.description for c in spec.criteria}

    def row(item) -> AgreementRow:
        return AgreementRow(labels.get(item.criterion_key), item.icc, item.alpha,
                            item.icc_flag, item.alpha_flag, is_weak(item))

    criteria = [row(item) for item in result.criteria]
    weak = sorted((r for r in criteria if r.calibrate),
                  key=lambda r: (r.icc.value if r.icc.value is not None else 1.0))
    total = row(result.total)
    shared = sum(1 for by_rater in scorings.values() if len(by_rater) >= 2)
    headline = headline_of(total, weak)
    return AgreementView(
        n_performances=result.n_performances, n_shared=shared, total=total,
        criteria=criteria, severity=list(result.severity),
        calibrate=headline != "usable" and headline != "undefined",
        calibrate_criteria=[r.label for r in weak], headline=headline,
    )
