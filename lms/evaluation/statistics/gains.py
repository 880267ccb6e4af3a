"""Learning gains from pre-test/post-test pairs (Kirkpatrick level 2).

What is modelled (Hake 1998, "Interactive-engagement versus traditional methods"):
- A trainee's normalised gain g = (post - pre) / (max - pre): the share of what they could still
  learn that they did learn. It is negative when the post-test is lower than the pre-test.
- Rule for pre == max: the trainee had nothing left to learn, so g is undefined (0/0 or x/0).
  Such a trainee gets g = None and is left out of the mean g and its interval (counted in
  `n_excluded`), but stays in the class-average gain, which uses cohort means.
- The cohort's mean g is the mean of the defined per-trainee gains; the class-average gain
  <g> = (mean post - mean pre) / (max - mean pre) is Hake's original cohort figure.
  The two differ when weak and strong trainees gain differently; both are reported.
- The 95 % interval of mean g is t-based (mean +- t * sd / sqrt(n)) by default, or a percentile
  bootstrap of the per-trainee gains with a fixed seed (reproducible) when asked for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .distributions import t_critical


def _check_scores(pre: float, post: float, max_score: float) -> None:
    if not max_score > 0:
        raise ValueError(f"max_score must be positive, got {max_score}")
    for name, value in (("pre", pre), ("post", post)):
        if not 0 <= value <= max_score:
            raise ValueError(f"{name} score {value} is outside the allowed 0..{max_score}")


def normalised_gain(pre: float, post: float, max_score: float) -> float | None:
    """Hake's g for one trainee; None when the pre-test was already at the maximum."""
    _check_scores(pre, post, max_score)
    if pre == max_score:
        return None
    return (post - pre) / (max_score - pre)


@dataclass(frozen=True)
class CohortGain:
    """A cohort's learning gain: mean g with its interval, and Hake's class-average gain."""

    n_pairs: int
    n_used: int
    n_excluded: int
    mean_pre: float | None
    mean_post: float | None
    mean_gain: float | None
    class_average_gain: float | None
    ci_low: float | None
    ci_high: float | None
    ci_method: str
    gains: tuple


def mean_confidence_interval(values: Sequence[float],
                             confidence: float = 0.95) -> tuple[float | None, float | None]:
    """t-based interval of a mean; (None, None) when fewer than two values."""
    n = len(values)
    if n < 2:
        return None, None
    mean = math.fsum(values) / n
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = t_critical(n - 1, confidence) * sd / math.sqrt(n)
    return mean - half, mean + half


def bootstrap_interval(values: Sequence[float], seed: int = 20240601, resamples: int = 2000,
                       confidence: float = 0.95) -> tuple[float | None, float | None]:
    """Percentile bootstrap interval of a mean, reproducible through its seed."""
    if len(values) < 2:
        return None, None
    rng = np.random.default_rng(seed)
    data = np.asarray(values, dtype=float)
    means = rng.choice(data, size=(resamples, len(data)), replace=True).mean(axis=1)
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(means, [tail, 100.0 - tail])
    return float(low), float(high)


def cohort_gain(pairs: Sequence[tuple[float, float]], max_score: float,
                ci_method: str = "t", seed: int = 20240601,
                confidence: float = 0.95) -> CohortGain:
    """Mean normalised gain, class-average gain and interval for (pre, post) pairs."""
    if ci_method not in ("t", "bootstrap"):
        raise ValueError(f"ci_method must be 't' or 'bootstrap', got {ci_method!r}")
    gains = tuple(normalised_gain(pre, post, max_score) for pre, post in pairs)
    defined = [g for g in gains if g is not None]
    if not pairs:
        return CohortGain(0, 0, 0, None, None, None, None, None, None, ci_method, ())
    mean_pre = math.fsum(pre for pre, _ in pairs) / len(pairs)
    mean_post = math.fsum(post for _, post in pairs) / len(pairs)
    class_gain = None if mean_pre == max_score else (mean_post - mean_pre) / (max_score - mean_pre)
    mean_gain = math.fsum(defined) / len(defined) if defined else None
    if ci_method == "t":
        low, high = mean_confidence_interval(defined, confidence)
    else:
        low, high = bootstrap_interval(defined, seed=seed, confidence=confidence)
    return CohortGain(len(pairs), len(defined), len(gains) - len(defined), mean_pre, mean_post,
                      mean_gain, class_gain, low, high, ci_method, gains)
