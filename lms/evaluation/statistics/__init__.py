"""Statistics for training evaluation, pure Python and numpy (no Flask, no database).

Modules:
- `distributions`: t and F quantiles (no scipy);
- `reliability`: ICC(2,1) and Krippendorff's alpha; `raters`: severity and verdicts;
- `rubric_agreement`: all of those for one rubric, per criterion and on the total;
- `gains`: normalised learning gain (level 2); `surveys`: Likert summaries (level 1);
- `comparisons`: Welch comparisons of KPI groups (level 4, observational);
- `kpi`: staff KPI targets, monthly assessment, service-star shortlist;
- `proficiency`: measured proficiency -> simulation agent parameters (level 4, simulated).

Every statistic that can be undefined returns None with a reason rather than warning or
dividing by zero; warnings are errors in this project.
"""

from .comparisons import (
    OBSERVATIONAL_CAUTION,
    GroupComparison,
    compare_groups,
    trained_vs_untrained,
    welch_difference,
)
from .distributions import f_ppf, t_critical, t_ppf
from .gains import (
    CohortGain,
    bootstrap_interval,
    cohort_gain,
    mean_confidence_interval,
    normalised_gain,
)
from .kpi import (
    KPI_KEYS,
    KpiResult,
    KpiTarget,
    RecognitionCandidate,
    StaffMonthAssessment,
    assess_staff_month,
    check_kpi_value,
    kpi_targets,
    recognition_candidates,
)
from .proficiency import (
    DEFAULT_ANCHORS,
    DEFAULT_TEST_WEIGHT,
    AgentProficiency,
    ProficiencyAnchor,
    combined_proficiency,
    proficiency_mapping,
    validate_anchors,
)
from .raters import AgreementFlag, RaterSeverity, agreement_flag, rater_severity, subjects_by_raters
from .reliability import ALPHA_LEVELS, AlphaResult, IccResult, icc_2_1, krippendorff_alpha
from .rubric_agreement import CriterionAgreement, RubricAgreement, rubric_agreement
from .surveys import LikertItemSummary, likert_summary, summarise_item

__all__ = [
    "ALPHA_LEVELS", "DEFAULT_ANCHORS", "DEFAULT_TEST_WEIGHT", "KPI_KEYS", "OBSERVATIONAL_CAUTION",
    "AgentProficiency", "AgreementFlag", "AlphaResult", "CohortGain", "GroupComparison",
    "IccResult", "KpiResult", "KpiTarget", "LikertItemSummary", "ProficiencyAnchor",
    "RaterSeverity", "RecognitionCandidate", "StaffMonthAssessment",
    "agreement_flag", "assess_staff_month", "bootstrap_interval", "check_kpi_value",
    "cohort_gain", "combined_proficiency", "compare_groups", "f_ppf", "icc_2_1",
    "kpi_targets", "krippendorff_alpha", "likert_summary", "mean_confidence_interval",
    "normalised_gain", "proficiency_mapping", "rater_severity", "recognition_candidates",
    "subjects_by_raters", "summarise_item", "t_critical", "t_ppf", "trained_vs_untrained",
    "validate_anchors", "welch_difference",
    "CriterionAgreement", "RubricAgreement", "rubric_agreement",
]
