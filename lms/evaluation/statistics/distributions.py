"""Quantiles of Student's t and Fisher's F, in pure Python (no scipy).

What is modelled: the two sampling distributions the evaluation statistics need for confidence
intervals (t for means and Welch differences, F for the McGraw & Wong interval of ICC(2,1)).

How: both cumulative distribution functions are regularized incomplete beta functions
I_x(a, b), evaluated with the Lentz continued fraction (Numerical Recipes, 2nd ed., 6.4), which
converges to about 1e-12 for the degrees of freedom met here (non-integer degrees of freedom
from Welch-Satterthwaite are fine). Quantiles are found by bisection on the CDF, which is slow
by numerical-analysis standards (about 100 CDF evaluations) but robust and far fast enough for a
dashboard.
"""

from __future__ import annotations

import math

_EPS = 1e-15
_TINY = 1e-300
_MAX_ITERATIONS = 500


def _beta_continued_fraction(x: float, a: float, b: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    result = d
    for m in range(1, _MAX_ITERATIONS + 1):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            delta = c * d
            result *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return result


def regularized_incomplete_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b) for 0 <= x <= 1 and a, b > 0."""
    if a <= 0 or b <= 0:
        raise ValueError(f"beta parameters must be positive, got a={a}, b={b}")
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"x must lie in [0, 1], got {x}")
    if x in (0.0, 1.0):
        return x
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
        + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    # The continued fraction converges fast only on one side of the mean; use the symmetry
    # I_x(a, b) = 1 - I_{1-x}(b, a) on the other.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(x, a, b) / a
    return 1.0 - front * _beta_continued_fraction(1.0 - x, b, a) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with df degrees of freedom (df > 0, may be non-integer)."""
    if df <= 0:
        raise ValueError(f"degrees of freedom must be positive, got {df}")
    tail = 0.5 * regularized_incomplete_beta(df / (df + t * t), df / 2.0, 0.5)
    return 1.0 - tail if t > 0 else tail


def f_cdf(x: float, df1: float, df2: float) -> float:
    """P(F <= x) for Fisher's F with (df1, df2) degrees of freedom."""
    if df1 <= 0 or df2 <= 0:
        raise ValueError(f"degrees of freedom must be positive, got ({df1}, {df2})")
    if x <= 0:
        return 0.0
    return regularized_incomplete_beta(df1 * x / (df1 * x + df2), df1 / 2.0, df2 / 2.0)


def _bisect_quantile(cdf, p: float, low: float, high: float) -> float:
    """Invert a continuous increasing CDF on [low, high] by bisection (widening high first)."""
    while cdf(high) < p:
        low, high = high, high * 2.0
    for _ in range(200):
        middle = 0.5 * (low + high)
        if cdf(middle) < p:
            low = middle
        else:
            high = middle
        if high - low <= 1e-12 * max(1.0, abs(high)):
            break
    return 0.5 * (low + high)


def _check_probability(p: float) -> None:
    if not 0.0 < p < 1.0:
        raise ValueError(f"probability must lie strictly between 0 and 1, got {p}")


def t_ppf(p: float, df: float) -> float:
    """The p-quantile of Student's t with df degrees of freedom."""
    _check_probability(p)
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_ppf(1.0 - p, df)
    return _bisect_quantile(lambda t: t_cdf(t, df), p, 0.0, 16.0)


def f_ppf(p: float, df1: float, df2: float) -> float:
    """The p-quantile of Fisher's F with (df1, df2) degrees of freedom."""
    _check_probability(p)
    return _bisect_quantile(lambda x: f_cdf(x, df1, df2), p, 0.0, 16.0)


def t_critical(df: float, confidence: float = 0.95) -> float:
    """Two-sided critical value: t such that P(|T| <= t) = confidence."""
    return t_ppf(0.5 + confidence / 2.0, df)
