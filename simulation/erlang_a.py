"""Erlang A (M/M/n+M, Palm's model with impatient callers) in closed form.

Model: Poisson arrivals λ, exponential handle time (mean ``aht`` = 1/μ), exponential patience
(mean ``patience`` = 1/θ), ``n`` agents. With ``x = nμ/θ``, ``y = λ/θ`` and Mandelbaum and
Zeltyn's function (Garnett, Mandelbaum and Reiman 2002)

    A(x, y) = x e^y y^(−x) γ(x, y) = Σ_{j≥0} y^j / ((x+1)(x+2)…(x+j))

(γ the lower incomplete gamma function; the series is the stationary queue-length
distribution seen by an arriving caller who must wait), and ``B`` the Erlang B probability:

* probability of wait        ``P_W = A B / (1 + (A − 1) B)``;
* abandonment, given wait     ``P(Ab | W>0) = E[Q | W>0] θ / λ``;
* answered within ``t`` and ASA (mean wait of answered calls): below.

A caller who finds ``j`` callers ahead is reached after a sum of exponential phases with rates
``nμ + iθ``; summing over the stationary ``j`` gives (derivation in tests/simulation)

    P(V > t | W>0) = e^(−nμt + y(1 − e^(−θt))) · A(x, y e^(−θt)) / A(x, y)
    P(answered, V > t | W>0) = e^(−nμt + y(1 − e^(−θt))) · x (A(x, y e^(−θt)) − 1) / (y A(x, y))

with ``V`` the wait an infinitely patient caller would have. The service level is the share
of *all* offered calls answered within ``t``: ``1 − P_W + P_W · P(answered, V ≤ t | W>0)``.

Everything is evaluated in log space from the series terms ``log t_j = j log y − Σ log(x+i)``
(a cumulative sum, vectorised); far in overload (``y − x`` many standard deviations) the
series is replaced by its exact leading form ``log x + lgamma(x) + y − x log y``.
"""

from __future__ import annotations

import math

import numpy as np

from .erlang import QueueMeasures, erlang_c_measures, log_erlang_b


def _series_terms(x: float, y: float, start: int = 0) -> np.ndarray:
    """``log t_j`` for ``j ≥ start`` far enough to cover the series' mass."""
    spread = math.sqrt(y + 1.0)
    peak = max(0.0, y - x)
    count = int(peak + 14.0 * spread + 40.0)
    j = np.arange(1, count + 1, dtype=float)
    logs = np.concatenate(([0.0], np.cumsum(math.log(y) - np.log(x + j)))) if y > 0 else \
        np.concatenate(([0.0], np.full(count, -np.inf)))
    return logs[start:]


def _overloaded(x: float, y: float) -> bool:
    return y - x > 14.0 * math.sqrt(y + 1.0) + 40.0


def log_a(x: float, y: float, start: int = 0) -> float:
    """``log Σ_{j≥start} t_j``; ``start=0`` gives ``log A(x, y)``, ``start=1`` ``log(A − 1)``."""
    if y <= 0:
        return 0.0 if start == 0 else -math.inf
    if _overloaded(x, y):
        # γ(x, y) ≈ Γ(x) when y is far above x; the first terms are negligible.
        lead = y - x * math.log(y) + math.lgamma(x + 1.0)
        return lead
    terms = _series_terms(x, y, start)
    peak = terms.max()
    return float(peak + math.log(np.exp(terms - peak).sum()))


def _probability_wait(log_a_value: float, log_b: float) -> float:
    """``P_W = A B / (1 + (A − 1) B)`` written as ``1 / (1 + (1 − B) / (A B))``."""
    if log_b == 0.0:
        return 1.0
    ratio = math.log1p(-math.exp(log_b)) - log_a_value - log_b
    return 1.0 / (1.0 + math.exp(ratio)) if ratio < 700 else 0.0


def erlang_a_core(agents: int, load: float, patience_over_aht: float):
    """``(x, y, log A, P_W)`` for ``agents``, ``load`` Erlangs and patience/AHT ratio."""
    x = agents * patience_over_aht
    y = load * patience_over_aht
    log_a_value = log_a(x, y)
    return x, y, log_a_value, _probability_wait(log_a_value, log_erlang_b(agents, load))


def _served_after(x, y, log_a_value, rate_t, theta_t) -> float:
    """``P(answered, V > t | W>0)`` (``rate_t = nμt``, ``theta_t = θt``)."""
    u = math.exp(-theta_t)
    log_tail = log_a(x, y * u, start=1)
    if log_tail == -math.inf or x == 0:
        return 0.0
    exponent = -rate_t + y * (1.0 - u) + math.log(x) - math.log(y) - log_a_value + log_tail
    return math.exp(exponent) if exponent < 700 else 1.0


def _conditional_moments(x: float, y: float):
    """``(P(Ab | W>0), θ · E[W·1{answered} | W>0])`` from the series.

    A caller finding ``j`` ahead is answered with probability ``x / (x + j + 1)`` after a mean
    ``Σ_{i=1..j+1} 1 / (x + i)`` (in units of 1/θ); abandonment is ``θ E[Q] / λ``.
    """
    if y - x > 1e6:  # absurd overload: the leading-order values, to avoid huge vectors
        served = x / y
        return 1.0 - served, served * math.log(y / x) if x > 0 else 0.0
    terms = _series_terms(x, y)
    weights = np.exp(terms - terms.max())
    weights /= weights.sum()
    j = np.arange(len(terms), dtype=float)
    abandon = float((j * weights).sum() / y) if y > 0 else 0.0
    harmonic = np.cumsum(1.0 / (x + j + 1.0))
    served_wait = float((weights * x / (x + j + 1.0) * harmonic).sum())
    return min(1.0, max(0.0, abandon)), served_wait


def erlang_a_measures(calls_per_hour: float, aht: float, agents: int,
                      patience: float | None, target_seconds: float = 20.0) -> QueueMeasures:
    """Erlang A measures; ``patience`` is the mean patience in seconds (None → Erlang C)."""
    if patience is None or math.isinf(patience):
        return erlang_c_measures(calls_per_hour, aht, agents, target_seconds)
    load = calls_per_hour * aht / 3600.0
    if load <= 0:
        return QueueMeasures(agents, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    ratio = patience / aht
    x, y, log_a_value, wait = erlang_a_core(agents, load, ratio)
    abandon_if_wait, served_wait = _conditional_moments(x, y)
    abandon = wait * abandon_if_wait
    served_if_wait = 1.0 - abandon_if_wait
    late = _served_after(x, y, log_a_value, agents * target_seconds / aht,
                         target_seconds / patience)
    level = 1.0 - wait + wait * max(0.0, served_if_wait - late)
    answered = 1.0 - abandon
    asa = wait * served_wait * patience / answered if answered > 0 else math.inf
    occupancy = min(1.0, load * answered / agents) if agents else 0.0
    return QueueMeasures(agents, load, wait, abandon, asa, level, occupancy,
                         abandon * patience)
