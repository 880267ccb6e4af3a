"""Non-stationary Poisson arrivals: a base stream per queue plus event surges by thinning.

Modelled: the base rate of a queue is constant within each bin of its intraday shape (hour, half
or quarter hour) and scaled per day by ``day_factors``; events multiply it by ``M(t)``
(piecewise linear for a surge's ramp and decay, constant for recalls and disasters).

Arrivals are the superposition of two independent Poisson processes, which is again Poisson
with the summed rate:

* base arrivals at rate ``λ(t)`` (exact per constant bin; where ``M(t) < 1`` each one is kept
  with probability ``M(t)``, i.e. thinned);
* extra arrivals at rate ``λ(t)·(M(t) − 1)`` where ``M(t) > 1``, by Lewis–Shedler thinning
  against the largest rate in each bin.

Splitting them keeps common random numbers: a variant with a surge has exactly the base calls
of the variant without it, plus the surge's own calls.
"""

from __future__ import annotations

import numpy as np

from scenarios import Disaster, GroupComplaintSurge, QualityRecall, Scenario


def base_rate_pieces(s: Scenario, queue: str) -> list[tuple[float, float, float]]:
    """``(start_s, end_s, calls_per_second)`` pieces covering the horizon for ``queue``."""
    spec = s.queue(queue)
    weights = s.shape(spec.arrival_shape).weights
    bins = len(weights)
    bin_seconds = 86400.0 / bins
    total = float(sum(weights))
    clock0 = s.start_hour * 3600.0
    pieces = []
    t = 0.0
    horizon = s.horizon_seconds
    while t < horizon - 1e-9:
        clock = clock0 + t
        day, within = divmod(clock, 86400.0)
        index = min(int(within // bin_seconds), bins - 1)
        end = min(horizon, (day * 86400.0 + (index + 1) * bin_seconds) - clock0)
        factor = spec.day_factors[int(day) % len(spec.day_factors)]
        calls = spec.calls_per_day * factor * weights[index] / total
        pieces.append((t, end, calls / bin_seconds))
        t = end
    return pieces


def _surge_multiplier(event: GroupComplaintSurge, t: np.ndarray) -> np.ndarray:
    start, end = event.start_hour * 3600.0, event.end_hour * 3600.0
    ramp, decay = event.ramp_hours * 3600.0, event.decay_hours * 3600.0
    rise = event.peak_multiplier - 1.0
    level = np.ones_like(t)
    inside = (t >= start) & (t < end)
    up = np.clip((t - start) / ramp, 0.0, 1.0) if ramp > 0 else np.ones_like(t)
    down = np.clip((end - t) / decay, 0.0, 1.0) if decay > 0 else np.ones_like(t)
    level[inside] += rise * np.minimum(up, down)[inside]
    return level


def volume_multiplier(s: Scenario, queue: str, t: np.ndarray) -> np.ndarray:
    """``M(t)``: the product of every event's volume multiplier for ``queue`` at times ``t``."""
    t = np.asarray(t, dtype=float)
    level = np.ones_like(t)
    for event in s.events:
        if isinstance(event, GroupComplaintSurge):
            if event.queue == queue:
                level *= _surge_multiplier(event, t)
        elif isinstance(event, QualityRecall | Disaster) and queue in event.queues:
            inside = (t >= event.start_hour * 3600.0) & (t < event.end_hour * 3600.0)
            level[inside] *= event.volume_multiplier
    return level


def _breakpoints(s: Scenario) -> np.ndarray:
    points = []
    for event in s.events:
        start, end = event.start_hour * 3600.0, event.end_hour * 3600.0
        points += [start, end]
        if isinstance(event, GroupComplaintSurge):
            points += [start + event.ramp_hours * 3600.0, end - event.decay_hours * 3600.0]
    return np.array(sorted(points), dtype=float)


def base_arrivals(pieces, rng) -> np.ndarray:
    """Sorted base arrival times: Poisson count per constant piece, uniform within it."""
    starts = np.array([p[0] for p in pieces])
    ends = np.array([p[1] for p in pieces])
    rates = np.array([p[2] for p in pieces])
    counts = rng.poisson(rates * (ends - starts))
    offsets = rng.random(int(counts.sum()))
    times = np.repeat(starts, counts) + offsets * np.repeat(ends - starts, counts)
    return np.sort(times, kind="stable")


def extra_arrivals(s: Scenario, queue: str, pieces, rng) -> np.ndarray:
    """Sorted surge arrivals at rate ``λ(t)(M(t) − 1)⁺`` by thinning within each piece."""
    if not s.events:
        return np.empty(0)
    breaks = _breakpoints(s)
    chunks = []
    for start, end, rate in pieces:
        inner = breaks[(breaks > start) & (breaks < end)]
        probe = np.concatenate(([start, end - 1e-9], inner, inner - 1e-9))
        peak = float(volume_multiplier(s, queue, probe).max()) - 1.0
        if peak <= 0 or rate <= 0:
            continue
        majorant = rate * peak
        n = rng.poisson(majorant * (end - start))
        candidates = start + rng.random(n) * (end - start)
        extra = rate * (volume_multiplier(s, queue, candidates) - 1.0)
        keep = rng.random(n) * majorant < extra
        chunks.append(candidates[keep])
    if not chunks:
        return np.empty(0)
    return np.sort(np.concatenate(chunks), kind="stable")


def expected_calls(s: Scenario, queue: str) -> np.ndarray:
    """Expected primary arrivals per interval (base × events), for analytic staffing."""
    pieces = base_rate_pieces(s, queue)
    width = s.interval_seconds
    counts = np.zeros(s.n_intervals)
    for start, end, rate in pieces:
        grid = np.linspace(start, end, 9)
        mid = (grid[:-1] + grid[1:]) / 2.0
        calls = rate * volume_multiplier(s, queue, mid) * (end - start) / 8.0
        np.add.at(counts, np.minimum((mid // width).astype(int), s.n_intervals - 1), calls)
    return counts


def _minute_mass(s: Scenario, queue: str) -> tuple[np.ndarray, np.ndarray]:
    """Expected primary arrivals per minute of the horizon, and each minute's midpoint (s)."""
    mids = (np.arange(int(np.ceil(s.horizon_seconds / 60.0))) + 0.5) * 60.0
    mass = np.zeros(len(mids))
    for start, end, rate in base_rate_pieces(s, queue):
        inside = (mids >= start) & (mids < end)
        mass[inside] = rate * 60.0
    return mids, mass * volume_multiplier(s, queue, mids)


def expected_offered(s: Scenario, queue: str) -> np.ndarray:
    """Expected first contacts *offered* per interval under the opening-hours model.

    Calls that arrive while the line is open are offered at once; of those that arrive while
    it is closed, ``return_probability`` come back after the next opening, spread over the
    hours after it by ``return_hours`` (uniform within each hour). Redials and repeats are
    not included (as in :func:`expected_calls`). Equals :func:`expected_calls` for a line
    that never closes.
    """
    from .inputs import opening_of

    opening = opening_of(s)
    if opening.always_open:
        return expected_calls(s, queue)
    mids, mass = _minute_mass(s, queue)
    width, n = s.interval_seconds, s.n_intervals
    closed = np.array([opening.is_closed(t) for t in mids])
    counts = np.zeros(n)
    np.add.at(counts, np.minimum((mids[~closed] // width).astype(int), n - 1), mass[~closed])
    returning: dict[float, float] = {}
    for t, m in zip(mids[closed], mass[closed], strict=True):
        back = opening.next_opening(t)
        returning[back] = returning.get(back, 0.0) + m * opening.return_probability
    weights = np.diff(np.concatenate(([0.0], opening.cumulative)))
    for back, total in returning.items():
        for hour, share in enumerate(weights):
            _spread(counts, back + hour * 3600.0, back + (hour + 1) * 3600.0, total * share,
                    width, s.horizon_seconds)
    return counts


def _spread(counts: np.ndarray, start: float, end: float, total: float, width: float,
            horizon: float) -> None:
    """Add ``total`` spread uniformly over ``[start, end)`` to the intervals it covers."""
    for k in range(int(start // width), int(np.ceil(end / width))):
        low, high = max(start, k * width), min(end, (k + 1) * width, horizon)
        if high > low and k < len(counts):
            counts[k] += total * (high - low) / (end - start)
