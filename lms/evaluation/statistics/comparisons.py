"""Comparing two groups of operational figures (Kirkpatrick level 4, real KPIs).

What is modelled: two independent samples, e.g. agents' monthly satisfaction before and after a
course, or trained vs not-yet-trained agents in the same month. The difference of means
(second minus first) gets a Welch t interval, which does not assume equal variances
(Welch 1947; Satterthwaite degrees of freedom).

What is NOT modelled, and said to the reader every time: these are observational data. Agents
were not assigned to training at random, months differ in season, product mix and staffing,
and the same agents appear before and after, so a difference is an association, not proof that
training caused it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .distributions import t_critical

OBSERVATIONAL_CAUTION = {
    "zh": "注意：这是观察性数据，不是随机对照实验。参训与未参训人员、培训前后月份在季节、"
    "产品、话务量和人员上都可能不同，差异只说明相关，不能证明由培训造成。",
    "en": "Caution: these are observational data, not a randomised experiment. Trained and "
    "untrained agents, and months before and after, may differ in season, products, call volume "
    "and staffing; a difference shows an association, not that training caused it.",
}

_TOO_FEW = {
    "zh": "每组至少需要两个数值才能计算置信区间。",
    "en": "Each group needs at least two values for a confidence interval.",
}
_NO_SPREAD = {
    "zh": "两组数值都没有波动，无法计算置信区间。",
    "en": "Neither group varies, so no confidence interval can be computed.",
}


@dataclass(frozen=True)
class GroupComparison:
    """Difference of means (second group minus first) with a Welch interval and the caution."""

    label_first: str
    label_second: str
    n_first: int
    n_second: int
    mean_first: float | None
    mean_second: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    degrees_of_freedom: float | None
    caution: dict
    reason: dict | None = None


def _mean_and_variance(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    mean = math.fsum(values) / n
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return mean, variance


def welch_difference(first: Sequence[float], second: Sequence[float],
                     labels: tuple[str, str] = ("first", "second"),
                     confidence: float = 0.95) -> GroupComparison:
    """Mean of `second` minus mean of `first`, with a Welch t interval."""
    first, second = [float(v) for v in first], [float(v) for v in second]
    n1, n2 = len(first), len(second)
    if n1 == 0 or n2 == 0:
        return GroupComparison(*labels, n1, n2, None, None, None, None, None, None,
                               OBSERVATIONAL_CAUTION, _TOO_FEW)
    mean1, var1 = _mean_and_variance(first)
    mean2, var2 = _mean_and_variance(second)
    difference = mean2 - mean1
    partial = (*labels, n1, n2, mean1, mean2, difference)
    if n1 < 2 or n2 < 2:
        return GroupComparison(*partial, None, None, None, OBSERVATIONAL_CAUTION, _TOO_FEW)
    se1, se2 = var1 / n1, var2 / n2
    if se1 + se2 == 0:
        return GroupComparison(*partial, None, None, None, OBSERVATIONAL_CAUTION, _NO_SPREAD)
    df = (se1 + se2) ** 2 / (se1**2 / (n1 - 1) + se2**2 / (n2 - 1))
    half = t_critical(df, confidence) * math.sqrt(se1 + se2)
    return GroupComparison(*partial, difference - half, difference + half, df,
                           OBSERVATIONAL_CAUTION)


def compare_groups(before: Sequence[float], after: Sequence[float]) -> GroupComparison:
    """After-training minus before-training mean, Welch interval, observational caution."""
    return welch_difference(before, after, labels=("before", "after"))


def trained_vs_untrained(untrained: Sequence[float], trained: Sequence[float]) -> GroupComparison:
    """Trained minus not-yet-trained mean, Welch interval, observational caution."""
    return welch_difference(untrained, trained, labels=("untrained", "trained"))
