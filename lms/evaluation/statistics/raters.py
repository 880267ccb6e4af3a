"""Rater severity and plain-language verdicts on agreement.

What is modelled:
- Severity: for each performance scored by two or more trainers, the consensus for one rater is
  the mean of the *other* raters' scores on it (leaving the rater out, so a single harsh rater
  does not pull the consensus towards themselves). A rater's severity is the mean of
  (own score - consensus) over the performances they scored: negative means stricter than
  colleagues, positive more lenient.
- Verdicts: thresholds from the literature, so a trainer sees what a number means.
  ICC (Koo & Li 2016, for the point estimate): < 0.5 poor, 0.5-0.75 moderate, 0.75-0.9 good,
  >= 0.9 excellent. Koo & Li advise judging on the lower confidence bound; callers that have it
  can pass it as the value to be cautious.
  Krippendorff's alpha (Krippendorff 2004, p. 241): < 0.667 do not rely on the scores,
  0.667-0.8 tentative conclusions only, >= 0.8 reliable.
  "poor" and "unreliable" mean: do not use these scores for decisions; "moderate" and "tentative"
  mean: usable with care. Both come with the advice to hold a calibration session.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from .reliability import AlphaResult, IccResult

ScoresBySubject = Mapping[Hashable, Mapping[Hashable, float]]


@dataclass(frozen=True)
class RaterSeverity:
    """How far one rater's scores sit from their colleagues' on the same performances."""

    rater: Hashable
    mean_deviation: float
    n_subjects: int
    direction: str  # "stricter" | "more_lenient" | "in_line"


def subjects_by_raters(scores: ScoresBySubject) -> tuple[list, list, list[list]]:
    """Turn {subject: {rater: score}} into (subjects, raters, rows) with None where missing.

    Subjects and raters keep first-seen order. Transpose the rows for Krippendorff's alpha,
    which takes raters x units.
    """
    subjects = list(scores)
    raters: list = []
    for by_rater in scores.values():
        raters.extend(rater for rater in by_rater if rater not in raters)
    rows = [[scores[s].get(r) for r in raters] for s in subjects]
    return subjects, raters, rows


def rater_severity(scores: ScoresBySubject, tolerance: float = 0.0) -> list[RaterSeverity]:
    """Per rater: mean of (own score - mean of the other raters) over shared performances.

    Performances scored by one rater only are ignored. `tolerance` (in points) is the band
    within which a rater is called "in line"; the list is sorted strictest first.
    """
    deviations: dict = {}
    for by_rater in scores.values():
        present = {r: float(v) for r, v in by_rater.items() if v is not None}
        if len(present) < 2:
            continue
        total = sum(present.values())
        for rater, score in present.items():
            others_mean = (total - score) / (len(present) - 1)
            deviations.setdefault(rater, []).append(score - others_mean)
    result = []
    for rater, values in deviations.items():
        mean = sum(values) / len(values)
        direction = (
            "in_line" if abs(mean) <= tolerance else ("stricter" if mean < 0 else "more_lenient")
        )
        result.append(RaterSeverity(rater, mean, len(values), direction))
    return sorted(result, key=lambda severity: severity.mean_deviation)


@dataclass(frozen=True)
class AgreementFlag:
    """A verdict on an agreement statistic: level key, whether to trust it, and advice."""

    level: str
    trustworthy: bool
    calibrate: bool
    label: dict
    advice: dict


_CALIBRATE = {
    "zh": "建议组织一次评分校准会：评分者一起观看同一段录音，各自独立打分后逐项讨论差异，"
    "统一对每个等级描述的理解。",
    "en": "Hold a calibration session: raters watch the same recording, score it independently, "
    "then discuss each criterion where they differed until they read the level descriptors "
    "the same way.",
}

_ICC_BANDS = (  # (lower bound, level, trustworthy, label)
    (0.9, "excellent", True, {"zh": "极好", "en": "excellent"}),
    (0.75, "good", True, {"zh": "良好", "en": "good"}),
    (0.5, "moderate", False, {"zh": "中等", "en": "moderate"}),
    (float("-inf"), "poor", False, {"zh": "差", "en": "poor"}),
)

_ALPHA_BANDS = (
    (0.8, "reliable", True, {"zh": "可靠", "en": "reliable"}),
    (0.667, "tentative", False, {"zh": "仅供参考", "en": "tentative"}),
    (float("-inf"), "unreliable", False, {"zh": "不可靠", "en": "unreliable"}),
)

_ADVICE = {
    "excellent": {"zh": "评分者之间高度一致，分数可以放心使用。",
                  "en": "Raters agree closely; the scores can be used with confidence."},
    "good": {"zh": "评分者之间一致性良好，分数可以使用。",
             "en": "Raters agree well; the scores can be used."},
    "reliable": {"zh": "评分者之间一致性足够，分数可以使用。",
                 "en": "Agreement is high enough to rely on the scores."},
    "moderate": {"zh": "一致性一般：分数只能谨慎参考，不宜单独用于考核决定。",
                 "en": "Agreement is only moderate: use the scores with care, not alone for "
                 "assessment decisions."},
    "tentative": {"zh": "一致性一般：只能得出初步结论，不宜用于考核决定。",
                  "en": "Agreement supports tentative conclusions only, not assessment decisions."},
    "poor": {"zh": "一致性太低，分数不可信：不要用于考核决定。",
             "en": "Agreement is too low to trust these scores: do not use them for decisions."},
    "unreliable": {"zh": "一致性太低，分数不可信：不要用于考核决定。",
                   "en": "Agreement is too low to trust these scores: do not use them for "
                   "decisions."},
}

_UNDEFINED_ADVICE = {
    "zh": "数据不足，无法判断评分一致性：请让至少两位评分者独立评同一批表现。",
    "en": "Not enough data to judge agreement: have at least two raters score the same "
    "performances independently.",
}


def agreement_flag(result: IccResult | AlphaResult | float | None,
                   statistic: str | None = None) -> AgreementFlag:
    """Verdict for an ICC or alpha result (or a bare value with statistic="icc"|"alpha")."""
    if isinstance(result, IccResult | AlphaResult):
        statistic = "icc" if isinstance(result, IccResult) else "alpha"
        value = result.value
    else:
        value = result
    if statistic not in ("icc", "alpha"):
        raise ValueError(f"statistic must be 'icc' or 'alpha', got {statistic!r}")
    if value is None:
        return AgreementFlag("undefined", False, False,
                             {"zh": "无法计算", "en": "not computable"}, _UNDEFINED_ADVICE)
    bands = _ICC_BANDS if statistic == "icc" else _ALPHA_BANDS
    # The tolerance keeps a value computed as 0.7499999999 on the side of its exact 0.75.
    _, level, trustworthy, label = next(band for band in bands if value >= band[0] - 1e-9)
    advice = dict(_ADVICE[level])
    if not trustworthy:
        advice = {lang: f"{advice[lang]}{' ' if lang == 'en' else ''}{_CALIBRATE[lang]}"
                  for lang in ("zh", "en")}
    return AgreementFlag(level, trustworthy, not trustworthy, label, advice)
