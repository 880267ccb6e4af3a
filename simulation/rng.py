"""Random-number streams: one independent numpy stream per source and queue.

Every random quantity (arrivals, priorities, handle times, patience, first-contact resolution,
escalation, redials, callbacks, repeats, repairs) comes from its own stream, keyed by
``(replication, source, queue)`` through ``numpy.random.SeedSequence(seed, spawn_key=...)``.
Keys are stable names, not spawn order, so two scenario variants run with the same seed draw
the same numbers for the same purpose: common random numbers, so a comparison shows the effect
of a change and not noise. The global ``random`` module is never used.

Attributes of contacts are drawn in blocks (:class:`ContactDraws`) and indexed by the contact's
number in its queue, so call *k* of a queue gets the same handle time, patience and outcome in
every variant, whoever answers it and whenever.
"""

from __future__ import annotations

import numpy as np

from scenarios import QUEUE_KINDS, Distribution

SOURCES: dict[str, int] = {
    "arrivals": 0, "surge_arrivals": 1, "thinning": 2, "contacts": 3, "surge_contacts": 4,
    "retrials": 5, "repairs": 6,
}
_QUEUE_KEY = {name: index for index, name in enumerate(QUEUE_KINDS)}
_NO_QUEUE = len(QUEUE_KINDS)


def stream(seed: int, replication: int, source: str, queue: str | None = None,
           attribute: int | None = None):
    """The numpy ``Generator`` for one source (queue, attribute) of one replication."""
    key = (int(replication), SOURCES[source], _QUEUE_KEY.get(queue, _NO_QUEUE))
    if attribute is not None:
        key += (attribute,)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=key)))


def duration_sampler(spec: Distribution | None, scale: float = 1.0):
    """A function ``(rng, n) -> ndarray`` of durations in seconds (``scale`` converts units).

    Exponential by its mean; lognormal by mean and CV (sigma² = ln(1 + CV²), so the mean is
    exactly ``mean``). ``None`` means "never" (infinite patience).
    """
    if spec is None:
        return lambda rng, n: np.full(n, np.inf)
    mean = spec.mean * scale
    if spec.distribution == "exponential":
        return lambda rng, n: rng.exponential(mean, n)
    sigma = float(np.sqrt(np.log1p(spec.cv ** 2)))
    mu = float(np.log(mean) - sigma * sigma / 2.0)
    return lambda rng, n: rng.lognormal(mu, sigma, n)


class ContactDraws:
    """Pre-drawn random attributes of the contacts of one queue, by contact number.

    ``handle`` is the handle time in seconds before the agent group's factor and event
    multipliers; ``patience`` is in seconds (``inf`` = never abandons); ``u_*`` are uniforms
    for the yes/no outcomes (``u_return``/``u_return_time``: whether and when a caller who
    rang while the line was closed tries again); delays are in seconds. Every attribute has
    its own stream, so changing one distribution (say, adding patience) leaves every other
    draw unchanged.
    Lists, not arrays: indexing a Python list returns a float, which keeps per-call
    arithmetic cheap.
    """

    FIELDS = ("handle", "patience", "u_priority", "u_resolve", "u_escalate", "u_redial",
              "redial_delay", "u_accept", "u_shift", "u_repeat", "repeat_delay", "u_thin",
              "u_return", "u_return_time")

    def __init__(self, streams: dict, handle_sampler, patience_sampler, redial_mean_s: float,
                 repeat_mean_s: float, block: int = 1024):
        self._streams = streams
        self._samplers = {"handle": handle_sampler, "patience": patience_sampler,
                          "redial_delay": lambda rng, n: rng.exponential(redial_mean_s, n),
                          "repeat_delay": lambda rng, n: rng.exponential(repeat_mean_s, n)}
        self._block = block
        for name in self.FIELDS:
            setattr(self, name, [])

    @classmethod
    def keyed(cls, seed: int, replication: int, source: str, queue: str, *samplers):
        """Draws whose attribute streams are keyed by (seed, replication, source, queue)."""
        streams = {name: stream(seed, replication, source, queue, index)
                   for index, name in enumerate(cls.FIELDS)}
        return cls(streams, *samplers)

    def __len__(self) -> int:
        return len(self.handle)

    def draw(self, n: int) -> None:
        """Append ``n`` more contacts' attributes (one vectorised draw per attribute)."""
        for name in self.FIELDS:
            rng = self._streams[name]
            sampler = self._samplers.get(name)
            values = sampler(rng, n) if sampler else rng.random(n)
            getattr(self, name).extend(values.tolist())

    def ensure(self, index: int) -> None:
        """Make sure contact ``index`` has attributes (draws another block if needed)."""
        while index >= len(self.handle):
            self.draw(self._block)
