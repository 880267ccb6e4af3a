"""Inter-rater reliability for role-play scoring: ICC(2,1) and Krippendorff's alpha.

What is modelled: several trainers score the same role-play performances independently.
- ICC(2,1) (Shrout & Fleiss 1979, "case 2, single rater"; McGraw & Wong 1996 "ICC(A,1)"): the
  two-way random-effects, absolute-agreement, single-rater intraclass correlation of the points.
  Raters are taken as a random sample of the trainers who might score, and a rater who is
  systematically stricter lowers the value (absolute agreement, not mere consistency).
- Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): the
  agreement on levels (nominal, ordinal, interval or ratio metric), computed through the
  coincidence matrix, so missing ratings need no special rule.

Assumptions and rules:
- ICC needs a complete subjects x raters table. A subject (performance) with any missing rating
  is dropped, and the result reports how many subjects were used and dropped.
- Alpha uses every unit with at least two ratings; units rated once carry no agreement
  information and are left out (reported as not pairable).
- When the data hold no variation at all, both statistics are undefined: the result has
  value None and a bilingual reason instead of a division-by-zero.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from .distributions import f_ppf

#: Bilingual reasons a statistic is undefined, keyed by a stable code.
REASONS = {
    "too_few_subjects": {
        "zh": "至少需要两个被评对象都有全部评分者的评分。",
        "en": "At least two performances scored by every rater are needed.",
    },
    "too_few_raters": {
        "zh": "至少需要两位评分者。",
        "en": "At least two raters are needed.",
    },
    "no_variation": {
        "zh": "所有评分完全相同，无法计算一致性（没有可比较的差异）。",
        "en": "Every score is identical, so agreement cannot be computed (nothing varies).",
    },
    "no_residual_variation": {
        "zh": "评分者之间完全一致，置信区间无法估计。",
        "en": "Raters agree perfectly, so no confidence interval can be estimated.",
    },
    "too_few_pairable": {
        "zh": "至少需要一个被两位以上评分者评过的对象。",
        "en": "At least one performance rated by two or more raters is needed.",
    },
}


@dataclass(frozen=True)
class IccResult:
    """ICC(2,1) with its 95 % confidence interval and the table it was computed from."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n_subjects: int
    n_raters: int
    n_dropped: int
    reason: dict | None = None
    ci_reason: dict | None = None


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha for one metric, with how much data it rests on."""

    value: float | None
    level: str
    n_units: int
    n_values: int
    reason: dict | None = None


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def icc_2_1(ratings: Sequence[Sequence[float | None]], confidence: float = 0.95) -> IccResult:
    """ICC(2,1) of a subjects x raters table; subjects with a missing rating are dropped."""
    rows = [list(row) for row in ratings]
    n_raters = len(rows[0]) if rows else 0
    if any(len(row) != n_raters for row in rows):
        raise ValueError("every subject needs one entry per rater (use None for a missing one)")
    complete = [row for row in rows if not any(_is_missing(v) for v in row)]
    n_dropped = len(rows) - len(complete)

    def undefined(code: str) -> IccResult:
        return IccResult(None, None, None, len(complete), n_raters, n_dropped, REASONS[code])

    if n_raters < 2:
        return undefined("too_few_raters")
    if len(complete) < 2:
        return undefined("too_few_subjects")
    table = np.asarray(complete, dtype=float)
    ms_rows, ms_columns, ms_error = _two_way_mean_squares(table)
    n, k = table.shape
    denominator = ms_rows + (k - 1) * ms_error + k * (ms_columns - ms_error) / n
    if denominator <= 0:  # only when nothing varies at all
        return undefined("no_variation")
    icc = (ms_rows - ms_error) / denominator
    if ms_error == 0:
        return IccResult(icc, None, None, n, k, n_dropped, None, REASONS["no_residual_variation"])
    low, high = _mcgraw_wong_interval(icc, ms_rows, ms_columns, ms_error, n, k, confidence)
    return IccResult(icc, low, high, n, k, n_dropped)


def _two_way_mean_squares(table: np.ndarray) -> tuple[float, float, float]:
    """Mean squares for subjects (rows), raters (columns) and residual of a two-way ANOVA."""
    n, k = table.shape
    grand = table.mean()
    ss_rows = k * float(((table.mean(axis=1) - grand) ** 2).sum())
    ss_columns = n * float(((table.mean(axis=0) - grand) ** 2).sum())
    ss_total = float(((table - grand) ** 2).sum())
    ss_error = max(ss_total - ss_rows - ss_columns, 0.0)
    # Rounding can leave a residual of 1e-30 where it is truly zero; treat that as zero.
    if ss_error <= 1e-12 * max(ss_total, 1.0):
        ss_error = 0.0
    return ss_rows / (n - 1), ss_columns / (k - 1), ss_error / ((n - 1) * (k - 1))


def _mcgraw_wong_interval(icc, ms_rows, ms_columns, ms_error, n, k, confidence):
    """McGraw & Wong (1996) F-based interval for ICC(A,1), with Satterthwaite's df."""
    f_columns = ms_columns / ms_error
    spread = n * (1 + (k - 1) * icc) - k * icc
    v_numerator = (k - 1) * (n - 1) * (k * icc * f_columns + spread) ** 2
    v_denominator = (n - 1) * k**2 * icc**2 * f_columns**2 + spread**2
    v = v_numerator / v_denominator
    upper_tail = 0.5 + confidence / 2.0
    f_star = f_ppf(upper_tail, n - 1, v)
    f_star_reverse = f_ppf(upper_tail, v, n - 1)
    bridge = k * ms_columns + (k * n - k - n) * ms_error
    low = n * (ms_rows - f_star * ms_error) / (f_star * bridge + n * ms_rows)
    high = n * (f_star_reverse * ms_rows - ms_error) / (bridge + n * f_star_reverse * ms_rows)
    return low, high


def _ordinal_distance_table(values: list, totals: dict) -> dict:
    """Krippendorff's ordinal metric: squared sum of marginals between two ranks."""
    table = {}
    for i, c in enumerate(values):
        for j in range(i, len(values)):
            k = values[j]
            between = sum(totals[values[g]] for g in range(i, j + 1))
            distance = (between - (totals[c] + totals[k]) / 2.0) ** 2
            table[c, k] = table[k, c] = distance
    return table


def _distance(level: str, c, k, ordinal_table: dict) -> float:
    if level == "nominal":
        return 0.0 if c == k else 1.0
    if level == "ordinal":
        return ordinal_table[c, k]
    if level == "interval":
        return float(c - k) ** 2
    # ratio
    return 0.0 if c + k == 0 else (float(c - k) / float(c + k)) ** 2


ALPHA_LEVELS = ("nominal", "ordinal", "interval", "ratio")


def krippendorff_alpha(
    data: Sequence[Sequence[Hashable | None]], level: str = "nominal"
) -> AlphaResult:
    """Krippendorff's alpha of a raters x units table (None or NaN marks a missing rating)."""
    if level not in ALPHA_LEVELS:
        raise ValueError(f"level must be one of {', '.join(ALPHA_LEVELS)}, got {level!r}")
    n_units_total = max((len(row) for row in data), default=0)
    units = []
    for u in range(n_units_total):
        values = [row[u] for row in data if u < len(row) and not _is_missing(row[u])]
        if len(values) >= 2:
            units.append(values)
    if level != "nominal":
        _require_numbers(units, level)
    coincidences = _coincidence_matrix(units)
    totals: dict = {}
    for (c, _k), count in coincidences.items():
        totals[c] = totals.get(c, 0.0) + count
    n_values = sum(len(values) for values in units)
    if not units:
        return AlphaResult(None, level, 0, 0, REASONS["too_few_pairable"])
    ordered = sorted(totals)
    ordinal_table = _ordinal_distance_table(ordered, totals) if level == "ordinal" else {}
    observed = sum(
        count * _distance(level, c, k, ordinal_table) for (c, k), count in coincidences.items()
    )
    expected = sum(
        totals[c] * totals[k] * _distance(level, c, k, ordinal_table)
        for c in ordered for k in ordered
    )
    if expected == 0:
        return AlphaResult(None, level, len(units), n_values, REASONS["no_variation"])
    alpha = 1.0 - (n_values - 1) * observed / expected
    return AlphaResult(alpha, level, len(units), n_values)


def _require_numbers(units: list[list], level: str) -> None:
    for values in units:
        for value in values:
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError(
                    f"the {level} metric needs numeric ratings (levels as numbers), got {value!r}"
                )


def _coincidence_matrix(units: list[list]) -> dict:
    """o_ck = sum over units of (ordered c-k pairs from different raters) / (m_u - 1)."""
    coincidences: dict = {}
    for values in units:
        weight = 1.0 / (len(values) - 1)
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidences[c, k] = coincidences.get((c, k), 0.0) + weight
    return coincidences
