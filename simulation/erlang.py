"""Erlang B and Erlang C in closed form, computed in log space (stable to thousands of agents).

Model (M/M/n): Poisson arrivals at rate λ, exponential handle time with mean ``aht`` seconds,
``agents`` identical agents, callers who never hang up. The offered load is
``a = λ · aht`` Erlangs. With ``B`` the Erlang B blocking probability,

* probability of wait   ``C = B / (1 − ρ (1 − B))`` with ``ρ = a / n`` (1 when ``a ≥ n``);
* mean wait of all calls (ASA) ``C · aht / (n − a)``;
* service level  ``P(W ≤ t) = 1 − C · exp(−(n − a) t / aht)``.

``1 / B`` is the sum ``Σ_{k=0..n} n!/(k! a^(n−k))``, evaluated as a log-sum-exp over a table of
log factorials, so neither ``a^n`` nor ``n!`` ever overflows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=1)
def _log_factorials(size: int = 1 << 15) -> np.ndarray:
    table = np.zeros(size + 1)
    table[1:] = np.cumsum(np.log(np.arange(1, size + 1)))
    return table


def log_factorial(n: int) -> float:
    """``log(n!)`` (table lookup, ``lgamma`` beyond the table)."""
    table = _log_factorials()
    return float(table[n]) if n < len(table) else math.lgamma(n + 1.0)


def log_erlang_b(agents: int, load: float) -> float:
    """``log B(n, a)``, the Erlang B blocking probability, for ``n ≥ 0`` agents, ``a ≥ 0``."""
    if load <= 0:
        return 0.0 if agents == 0 else -math.inf
    if agents == 0:
        return 0.0
    k = np.arange(agents + 1)
    table = _log_factorials()
    if agents < len(table):
        log_fact = table[: agents + 1]
    else:
        log_fact = np.array([math.lgamma(i + 1.0) for i in k])
    terms = log_fact[agents] - log_fact - (agents - k) * math.log(load)
    peak = terms.max()
    return -(peak + math.log(np.exp(terms - peak).sum()))


def erlang_b(agents: int, load: float) -> float:
    """Erlang B: probability all ``agents`` are busy for an offered ``load`` in Erlangs."""
    return math.exp(log_erlang_b(agents, load))


def erlang_c(agents: int, load: float) -> float:
    """Erlang C: probability that a caller waits (1 when ``load ≥ agents``)."""
    if load <= 0:
        return 0.0
    if load >= agents:
        return 1.0
    blocking = erlang_b(agents, load)
    rho = load / agents
    return blocking / (1.0 - rho * (1.0 - blocking))


@dataclass(frozen=True)
class QueueMeasures:
    """Steady-state measures of a queue for given agents (times in seconds)."""

    agents: int
    load: float
    probability_wait: float
    probability_abandon: float
    asa: float
    service_level: float
    occupancy: float
    mean_wait_all: float


def erlang_c_measures(calls_per_hour: float, aht: float, agents: int,
                      target_seconds: float = 20.0) -> QueueMeasures:
    """Erlang C measures: ``calls_per_hour`` offered, ``aht`` seconds, ``agents`` agents.

    When the load reaches the agents the queue is unstable: waits are infinite and the service
    level is 0.
    """
    load = calls_per_hour * aht / 3600.0
    wait = erlang_c(agents, load)
    if load >= agents:
        return QueueMeasures(agents, load, 1.0, 0.0, math.inf, 0.0, 1.0, math.inf)
    asa = wait * aht / (agents - load)
    level = 1.0 - wait * math.exp(-(agents - load) * target_seconds / aht)
    return QueueMeasures(agents, load, wait, 0.0, asa, level, load / agents if agents else 0.0,
                         asa)
