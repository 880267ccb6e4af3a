"""Means over replications with 95 % confidence intervals, and flat records of them.

Each replication gives one value per KPI and cell; the estimate is the mean over the
replications that have a value (an interval without calls has no service level) and the 95 %
confidence half-width ``t(0.975, r − 1) · s / √r`` (Student's t; 0 for one replication).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

from .results import RunResult, kpis


def student_t_quantile(probability: float, dof: int) -> float:
    """Quantile of Student's t: exact for 1 and 2 degrees of freedom, else Cornish–Fisher.

    The expansion (Abramowitz & Stegun 26.7.5, four terms) is within 1 % of the exact value
    from 3 degrees of freedom on (0.1 % from 6 on); 95 % intervals use an exact table.
    """
    if dof < 1:
        return 0.0
    if dof == 1:
        return math.tan(math.pi * (probability - 0.5))
    if dof == 2:
        return (2 * probability - 1) / math.sqrt(2 * probability * (1 - probability))
    z = NormalDist().inv_cdf(probability)
    v = float(dof)
    return (z + (z ** 3 + z) / (4 * v) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * v ** 2)
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * v ** 3))


# Student t 97.5 % quantiles for 1..30 degrees of freedom.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
         2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
         2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


def t_quantile_975(dof: int) -> float:
    """Student t 97.5 % quantile (two-sided 95 % intervals)."""
    if 1 <= dof <= len(_T975):
        return _T975[dof - 1]
    return student_t_quantile(0.975, dof)


@dataclass
class Estimate:
    """Mean and 95 % CI half-width of one KPI over replications, elementwise."""

    mean: np.ndarray
    half_width: np.ndarray
    count: np.ndarray

    @property
    def low(self) -> np.ndarray:
        """Lower end of the 95 % confidence interval."""
        return self.mean - self.half_width

    @property
    def high(self) -> np.ndarray:
        """Upper end of the 95 % confidence interval."""
        return self.mean + self.half_width


def estimate(values: np.ndarray) -> Estimate:
    """Estimate from stacked replications (axis 0), ignoring NaN (no calls)."""
    finite = np.isfinite(values)
    count = finite.sum(axis=0)
    safe = np.where(finite, values, 0.0)
    mean = np.divide(safe.sum(axis=0), count, out=np.full(count.shape, np.nan),
                     where=count > 0)
    deviation = np.where(finite, values - mean, 0.0)
    variance = np.divide((deviation ** 2).sum(axis=0), count - 1,
                         out=np.zeros(count.shape), where=count > 1)
    quantiles = np.vectorize(lambda n: t_quantile_975(int(n) - 1), otypes=[float])(count)
    half = quantiles * np.sqrt(variance / np.maximum(count, 1))
    return Estimate(mean, half, count)


@dataclass
class Summary:
    """KPI estimates of a scenario over replications, by level (see :func:`results.kpis`)."""

    scenario_id: str
    seed: int
    replications: int
    interval_minutes: int
    start_hour: float
    warmup_intervals: int
    queues: tuple[str, ...]
    groups: tuple[str, ...]
    priorities: tuple[str, ...]
    levels: dict[str, dict[str, Estimate]]
    warnings: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)

    @property
    def n_intervals(self) -> int:
        """Number of intervals."""
        return len(self.levels["interval"]["offered"].mean)

    def interval_label(self, k: int) -> str:
        """Clock label of interval ``k``: ``08:30``, or ``d2 08:30`` beyond the first day."""
        return interval_label(self.start_hour, self.interval_minutes, self.n_intervals, k)


def interval_label(start_hour: float, interval_minutes: int, n_intervals: int, k: int) -> str:
    """Clock label of interval ``k`` of a horizon (``d2 08:30`` when it spans days)."""
    minutes = int(round(start_hour * 60)) + k * interval_minutes
    day, minute = divmod(minutes, 1440)
    clock = f"{minute // 60:02d}:{minute % 60:02d}"
    horizon_days = (start_hour * 60 + n_intervals * interval_minutes) / 1440
    return f"d{day + 1} {clock}" if horizon_days > 1 else clock


def summarise(results: list[RunResult]) -> Summary:
    """Combine replications of one scenario into a :class:`Summary`."""
    if not results:
        raise ValueError("summarise needs at least one replication")
    first = results[0]
    per_run = [kpis(result) for result in results]
    levels = {level: {name: estimate(np.stack([run[level][name] for run in per_run]))
                      for name in per_run[0][level]}
              for level in per_run[0]}
    return Summary(
        scenario_id=first.scenario_id, seed=first.seed, replications=len(results),
        interval_minutes=first.interval_minutes, start_hour=first.start_hour,
        warmup_intervals=first.warmup_intervals, queues=first.queues, groups=first.groups,
        priorities=first.priorities, levels=levels, warnings=first.warnings,
        alerts=first.alerts,
    )


def _cell(est: Estimate, index) -> dict:
    mean = est.mean[index]
    if not np.isfinite(mean):
        return {"mean": None, "low": None, "high": None}
    return {"mean": float(mean), "low": float(est.low[index]), "high": float(est.high[index])}


def records(summary: Summary, level: str) -> list[dict]:
    """Flat rows of one level: labels plus ``{metric: {mean, low, high}}``.

    Levels: ``cell`` (interval × queue × priority), ``queue`` (interval × queue), ``interval``,
    ``group`` (interval × group), ``total`` (per queue and ``all`` after warm-up).
    """
    metrics = summary.levels[level]
    shape = next(iter(metrics.values())).mean.shape
    rows = []
    for index in np.ndindex(*shape):
        row: dict = _labels(summary, level, index)
        row.update({name: _cell(est, index) for name, est in metrics.items()})
        rows.append(row)
    return rows


def _labels(summary: Summary, level: str, index: tuple) -> dict:
    if level == "total":
        names = (*summary.queues, "all")
        return {"queue": names[index[0]]}
    labels = {"interval": index[0], "start": summary.interval_label(index[0])}
    if level in ("cell", "queue"):
        labels["queue"] = summary.queues[index[1]]
    if level == "cell":
        labels["priority"] = summary.priorities[index[2]]
    if level == "group":
        labels["group"] = summary.groups[index[1]]
    return labels
