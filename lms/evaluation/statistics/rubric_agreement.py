"""Rater agreement for one rubric: on the total, per criterion, and per rater.

What is modelled: several trainers scored the same role-play performances with one rubric.
Input is plain data, {performance id: {rater id: {criterion key: points of the chosen level}}}
(the shape the scoring sessions store). For the total and for each criterion:
- ICC(2,1) on the points (performances missing a rater's score are dropped for ICC);
- Krippendorff's alpha, ordinal metric, on the level chosen (its rank from lowest to highest
  points), which uses every performance rated by two or more trainers.
Per rater: severity on the total (mean deviation from the other raters' mean).
A criterion or the rubric as a whole is marked for calibration when either statistic's verdict
says the agreement is too low to trust. Incomplete scorings (a criterion not scored) are left
out of the total but still count for the criteria they cover.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from lms.roleplay.rubric import Rubric

from .raters import AgreementFlag, RaterSeverity, agreement_flag, rater_severity, subjects_by_raters
from .reliability import AlphaResult, IccResult, icc_2_1, krippendorff_alpha

Scorings = Mapping[Hashable, Mapping[Hashable, Mapping[str, float]]]


@dataclass(frozen=True)
class CriterionAgreement:
    """Agreement on one criterion (or on the total, with criterion_key None)."""

    criterion_key: str | None
    icc: IccResult
    alpha: AlphaResult | None
    icc_flag: AgreementFlag
    alpha_flag: AgreementFlag | None
    calibrate: bool


@dataclass(frozen=True)
class RubricAgreement:
    """Agreement on a rubric's total, each criterion, and each rater's severity."""

    rubric_key: str
    n_performances: int
    total: CriterionAgreement
    criteria: tuple[CriterionAgreement, ...]
    severity: tuple[RaterSeverity, ...]

    @property
    def calibrate(self) -> bool:
        """Whether a calibration session is advised for this rubric."""
        return self.total.calibrate or any(c.calibrate for c in self.criteria)


def _agreement(key: str | None, scores: Mapping, ranks: Mapping | None) -> CriterionAgreement:
    _, raters, rows = subjects_by_raters(scores)
    icc = icc_2_1(rows)
    icc_flag = agreement_flag(icc)
    alpha = alpha_flag = None
    if ranks is not None:
        _, _, rank_rows = subjects_by_raters(ranks)
        alpha = krippendorff_alpha([list(column) for column in zip(*rank_rows, strict=True)]
                                   if rank_rows else [], level="ordinal")
        alpha_flag = agreement_flag(alpha)
    calibrate = icc_flag.calibrate or bool(alpha_flag and alpha_flag.calibrate)
    return CriterionAgreement(key, icc, alpha, icc_flag, alpha_flag, calibrate)


def rubric_agreement(rubric: Rubric, scorings: Scorings) -> RubricAgreement:
    """ICC and alpha per criterion and on the total, plus rater severity on the total."""
    totals: dict = {}
    criteria = []
    for criterion in rubric.criteria:
        points: dict = {}
        ranks: dict = {}
        for performance, by_rater in scorings.items():
            for rater, chosen in by_rater.items():
                if criterion.key in chosen:
                    value = chosen[criterion.key]
                    points.setdefault(performance, {})[rater] = value
                    ranks.setdefault(performance, {})[rater] = criterion.level_rank(value)
        criteria.append(_agreement(criterion.key, points, ranks))
    keys = [criterion.key for criterion in rubric.criteria]
    for performance, by_rater in scorings.items():
        for rater, chosen in by_rater.items():
            if all(key in chosen for key in keys):
                totals.setdefault(performance, {})[rater] = sum(chosen[key] for key in keys)
    return RubricAgreement(rubric.key, len(scorings), _agreement(None, totals, None),
                           tuple(criteria), tuple(rater_severity(totals)))
