"""Records of one replication and the KPIs derived from them.

A :class:`RunResult` holds additive counts (so replications and intervals can be summed) as
numpy arrays indexed ``[interval, queue, priority]``, ``[interval, queue]``,
``[interval, group]`` or ``[interval]``. :func:`kpis` turns them into the planner's measures:

* live calls = contacts offered minus those that became callback requests (at arrival in a
  disaster, or after waiting ``offer_after_seconds``): a callback has its own promise and
  KPIs, so it never counts as a live call "not answered in target";
* service level = live calls answered within the queue's target time / live calls (abandoned
  calls count as not answered in time);
* ASA = mean wait of answered calls; AHT = mean talk + after-call work of answered calls;
* abandonment rate = abandoned / live calls; occupancy = busy agent time / agent time on the
  phones;
* callbacks: requested, made (within the promise or late), expired unmade, still pending at
  the end; ``callback_promise_rate`` = made within the promise / requested;
* response on time = 1 − cases past their response target / cases, where a *case* is a
  customer's first contact (DOMAIN.md counts response per case "from the case's first contact,
  across redials and repeats"), so redials, repeats and closed-hours returns are not in the
  denominator;
* closed hours: attempts while the line was closed, how many returned after opening (and
  were offered), how many gave up;
* mean and max queue length = live callers waiting (time average, maximum);
* cases past their response target: first answered (live or by callback) later than the
  class's target, lost after abandoning, or still unanswered past it at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scenarios import PRIORITIES

from .stats import CONTACT_METRICS


@dataclass
class RunResult:
    """Records of one replication of one scenario (plain data, picklable, never printed)."""

    scenario_id: str
    seed: int
    replication: int
    interval_minutes: int
    start_hour: float
    warmup_intervals: int
    queues: tuple[str, ...]
    groups: tuple[str, ...]
    contacts: dict[str, np.ndarray]
    queue_lengths: dict[str, np.ndarray]
    staffing: dict[str, np.ndarray]
    intervals: dict[str, np.ndarray]
    alerts: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    open_at_end: int = 0
    priorities: tuple[str, ...] = PRIORITIES

    @property
    def n_intervals(self) -> int:
        """Number of intervals."""
        return self.contacts["offered"].shape[0]

    @property
    def contacts_offered(self) -> int:
        """Every contact offered in the run (calls, redials, repeats)."""
        return int(self.contacts["offered"].sum())

    def to_dict(self) -> dict:
        """JSON-safe dict (arrays as nested lists)."""
        data = {key: getattr(self, key) for key in (
            "scenario_id", "seed", "replication", "interval_minutes", "start_hour",
            "warmup_intervals", "open_at_end", "alerts", "warnings")}
        data.update(queues=list(self.queues), groups=list(self.groups),
                    priorities=list(self.priorities))
        for name in ("contacts", "queue_lengths", "staffing", "intervals"):
            data[name] = {k: v.tolist() for k, v in getattr(self, name).items()}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> RunResult:
        """Inverse of :meth:`to_dict`."""
        values = dict(data)
        for name in ("contacts", "queue_lengths", "staffing", "intervals"):
            values[name] = {k: np.array(v, dtype=float) for k, v in data[name].items()}
        for name in ("queues", "groups", "priorities"):
            values[name] = tuple(data[name])
        return cls(**values)


def build_result(engine) -> RunResult:
    """Collect the statistics of a finished (or paused) engine into a :class:`RunResult`."""
    from .stability import stability_warnings
    s = engine.scenario
    arrays = engine.stats.arrays()
    warmup = int(round(s.warmup_hours * 60.0 / s.interval_minutes))
    return RunResult(
        scenario_id=s.id, seed=engine.seed, replication=engine.replication,
        interval_minutes=s.interval_minutes, start_hour=s.start_hour,
        warmup_intervals=warmup, queues=s.queue_names, groups=s.group_names,
        contacts=arrays["contacts"], queue_lengths=arrays["queues"],
        staffing=arrays["groups"], intervals=arrays["intervals"],
        alerts=list(engine.alerts), warnings=stability_warnings(s, engine.inputs),
        open_at_end=sum(1 for _ in engine.open_contacts()),
    )


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Element-wise ratio, NaN where the denominator is 0 (no calls: no service level)."""
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


COUNTS = ("offered", "answered", "abandoned", "past_response_target", "callbacks_requested",
          "callbacks_made", "callbacks_in_promise", "callbacks_expired", "callbacks_pending",
          "redials", "repeats", "cases", "closed_attempts", "closed_returns", "closed_lost")


def contact_kpis(c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """KPIs from summed contact counts of any shape (cells, queues, totals)."""
    live = c["offered"] - c["callbacks_requested"]
    out = {name: c[name] for name in COUNTS}
    out.update({
        "live_offered": live,
        "service_level": _ratio(c["answered_in_target"], live),
        "abandon_rate": _ratio(c["abandoned"], live),
        "asa": _ratio(c["wait_sum"], c["answered"]),
        "aht": _ratio(c["handle_sum"], c["answered"]),
        "on_time_rate": 1.0 - _ratio(c["past_response_target"], c["cases"]),
        "callback_promise_rate": _ratio(c["callbacks_in_promise"], c["callbacks_requested"]),
        "callbacks_late": c["callbacks_made"] - c["callbacks_in_promise"],
    })
    return out


def kpis(result: RunResult) -> dict[str, dict[str, np.ndarray]]:
    """Every KPI of one replication, grouped by level.

    ``cell`` [I,Q,P], ``queue`` [I,Q], ``interval`` [I] (all queues), ``group`` [I,G],
    ``total`` [Q+1] (whole run after warm-up, per queue and "all" last; ``max_waiting`` of
    "all" is the longest single queue, ``occupancy`` is set for "all" only).
    """
    c = result.contacts
    by_queue = {name: c[name].sum(axis=2) for name in CONTACT_METRICS}
    by_interval = {name: by_queue[name].sum(axis=1) for name in CONTACT_METRICS}
    after = slice(result.warmup_intervals, None)
    totals = {name: np.append(by_queue[name][after].sum(axis=0), by_queue[name][after].sum())
              for name in CONTACT_METRICS}
    queue = contact_kpis(by_queue)
    queue.update(result.queue_lengths)
    interval = contact_kpis(by_interval)
    interval.update({k: v for k, v in result.intervals.items()})
    interval["mean_waiting"] = result.queue_lengths["mean_waiting"].sum(axis=1)
    st = result.staffing
    group = {"scheduled": st["scheduled"], "on_phones": st["on_phones"],
             "occupancy": _ratio(st["busy_seconds"], st["available_seconds"])}
    total = contact_kpis(totals)
    # Longest single queue; occupancy belongs to agent groups, so only the "all" column has it.
    max_waiting = result.queue_lengths["max_waiting"][after]
    total["max_waiting"] = np.append(max_waiting.max(axis=0), max_waiting.max())
    occupancy = np.full(len(result.queues) + 1, np.nan)
    available = st["available_seconds"][after].sum()
    if available > 0:
        occupancy[-1] = st["busy_seconds"][after].sum() / available
    total["occupancy"] = occupancy
    return {"cell": contact_kpis(c), "queue": queue, "interval": interval, "group": group,
            "total": total}
