"""One live state per drill, shared by every page that watches it.

Five participants and a trainer polling once a second must not each advance and snapshot the
engine. Each web process keeps, per drill, the engine's snapshot at one drill time and serves
it to every request that arrives within the same real second of drill time
(:data:`TICK_REAL_SECONDS`); a paused drill is served the same snapshot until something
changes. A change of the record (an action, an inject) replays the engine once, for
everybody. Besides the snapshot the entry keeps what the live page needs over time:

* the callers waiting at the end of every finished interval (the live chart's queue line;
  the engine reports per-interval service level itself, in ``series``);
* a second engine 30 simulated minutes behind (:data:`WINDOW_SECONDS`), so the KPIs of the
  last 30 simulated minutes are exact differences of two cumulative counts, not estimates.

Both engines only move forward while the drill runs, so keeping them costs about one engine.
The entry is keyed by the record (scenario, seed, every engine action), so a stale entry is
never served; with several web processes each keeps its own (identical) entry.
"""

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from lms.drills import replay
from lms.drills.models import Drill
from simulation.drill import Drill as EngineDrill

logger = logging.getLogger(__name__)
#: Requests within this much real time of drill time share one snapshot.
TICK_REAL_SECONDS = 1.0
#: The "current interval" of the live page: the last 30 simulated minutes.
WINDOW_SECONDS = 1800.0
#: Drills kept per process (the least recently used go first).
CACHE_SIZE = 64
_ENTRIES: "OrderedDict[int, _Entry]" = OrderedDict()
_LOCK = threading.Lock()
#: Snapshots built since start (tests read it to see that pages share one).
BUILDS = {"snapshots": 0, "replays": 0}


@dataclass
class _Entry:
    key: tuple
    lag: EngineDrill
    t: float = -1.0
    state: dict | None = None
    window: dict | None = None
    #: interval index → callers waiting at its end.
    waiting_at_end: dict = field(default_factory=dict)


def record_key(drill: Drill, actions: list[dict]) -> tuple:
    """What the snapshot depends on besides the time."""
    return (hash(drill.scenario_yaml), drill.seed,
            tuple((a["type"], a["time"], tuple(sorted(a["params"].items()))) for a in actions))


def _counts(kpis: dict) -> dict:
    offered, answered = kpis["offered"], kpis["answered"]
    return {"offered": offered, "answered": answered, "abandoned": kpis["abandoned"],
            "in_target": (kpis["service_level"] or 0.0) * offered,
            "wait": (kpis["asa"] or 0.0) * answered}


def window_kpis(now: dict, then: dict) -> dict:
    """KPIs between two cumulative KPI dicts (``then`` earlier)."""
    a, b = _counts(now), _counts(then)
    offered = a["offered"] - b["offered"]
    answered = a["answered"] - b["answered"]
    abandoned = a["abandoned"] - b["abandoned"]
    in_target = max(0.0, a["in_target"] - b["in_target"])
    wait = max(0.0, a["wait"] - b["wait"])
    return {"offered": offered, "answered": answered, "abandoned": abandoned,
            "service_level": min(1.0, in_target / offered) if offered > 0 else None,
            "abandon_rate": abandoned / offered if offered > 0 else None,
            "asa": wait / answered if answered > 0 else None}


def _waiting(state: dict) -> int:
    return sum(q["waiting"]["total"] for q in state["queues"].values())


def live(drill: Drill, t: float) -> dict:
    """``{"t", "state", "window", "window_from", "waiting_at_end"}`` of the drill near ``t``.

    ``t`` is the drill time of this request; the answer's ``t`` is the shared snapshot's
    (the same for every request within one tick).
    """
    scenario = replay.scenario_of(drill)
    actions = replay.engine_actions(drill)
    key = record_key(drill, actions)
    tick = TICK_REAL_SECONDS * drill.compression
    with _LOCK:
        entry = _ENTRIES.get(drill.id)
        if entry is not None and entry.key == key and entry.state is not None and \
                abs(t - entry.t) < tick:
            _ENTRIES.move_to_end(drill.id)
            return _answer(entry)
        if entry is None or entry.key != key or t < entry.t:
            entry = _Entry(key=key, lag=EngineDrill(scenario, drill.seed, actions))
            BUILDS["replays"] += 1
        engine = replay.engine_drill(drill, actions)
        with replay._LOCK:
            k = len(entry.waiting_at_end)
            while (k + 1) * scenario.interval_seconds <= t:
                entry.waiting_at_end[k] = _waiting(engine.state_at(
                    (k + 1) * scenario.interval_seconds))
                k += 1
            entry.state = engine.state_at(t)
        start = max(0.0, t - WINDOW_SECONDS)
        entry.window = window_kpis(entry.state["kpis"], entry.lag.state_at(start)["kpis"])
        entry.window["from"] = start
        entry.t = t
        BUILDS["snapshots"] += 1
        _ENTRIES[drill.id] = entry
        _ENTRIES.move_to_end(drill.id)
        while len(_ENTRIES) > CACHE_SIZE:
            _ENTRIES.popitem(last=False)
        return _answer(entry)


def _answer(entry: _Entry) -> dict:
    return {"t": entry.t, "state": entry.state, "window": entry.window,
            "waiting_at_end": dict(entry.waiting_at_end)}


def forget(drill_id: int | None = None) -> None:
    """Drop the kept snapshot of one drill (or of all): what a restarted process has."""
    with _LOCK:
        if drill_id is None:
            _ENTRIES.clear()
        else:
            _ENTRIES.pop(drill_id, None)
