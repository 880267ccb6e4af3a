"""Early-warning signals of a live drill: what a duty supervisor can notice, never a diagnosis.

The planning engine announces its events by name (``group_complaint_surge_start``); a drill
must not, or detection is never practised. :class:`DrillEngine` is the engine with those
announcements replaced by *signals*: observations with numbers, taken from the simulated
center itself, that never name the event type or its grade. The event and its true grade are
revealed in the debrief only.

Every :data:`CHECK_SECONDS` of simulated time (on the drill's own calendar, so a replay and a
drill stepped forward see the same checks) the monitor compares the last
:data:`WINDOW_SECONDS` with what is usual:

* ``contacts_rising`` (per queue): new contacts (first contacts of new cases) in the window
  against the *usual* number, the scenario's own arrival rate without any event (its shape and
  day factors, :func:`simulation.arrivals.base_rate_pieces`); raised at
  :data:`RISE_RATIO` × usual and at least :data:`RISE_MIN_EXTRA` more;
* ``same_problem`` (per queue): how many of those contacts are about one problem, for queues
  whose extra calls come from a complaint surge or a quality problem (every contact above the
  usual rate is about it, plus :data:`USUAL_TOP_SHARE` of the usual ones); raised when they
  are at least :data:`CLUSTER_MIN_SHARE` of the window;
* ``repeat_rate`` (per queue): the share of offered calls in the window that are redials or
  repeat contacts of a case already known (at least :data:`REPEAT_MIN_OFFERED` calls), with
  the share an hour earlier beside it; raised at :data:`REPEAT_MIN_SHARE` and at least
  :data:`REPEAT_MIN_RISE` above the share an hour earlier;
* ``queue_growth`` (per queue): callers waiting now against half an hour ago; raised at
  :data:`QUEUE_MIN_WAITING` callers and at least double (+5) the earlier number;
* ``technician_backlog``: open repairs (waiting or in progress) against technicians on duty;
  raised at :data:`BACKLOG_RATIO` × on duty and :data:`BACKLOG_GROWTH` × (+10) the backlog an
  hour ago (a busy day's backlog is high but does not jump); once raised, repeated while it
  keeps growing.

The engine's own ``staff_absent`` (scheduled against on the phones) and
``service_level_breach`` alerts are observations already and stay. A signal that stays true is
repeated, with its new numbers, at most every :data:`REPEAT_SIGNAL_SECONDS`. When the last
event is over the drill says so neutrally (``incident_over``), so the steps after resolution
can be taken; it does not say what the incident was.

The monitor only reads the engine's counters: the calls, agents and random numbers are those
of the planning engine, whose results do not change.
"""

from __future__ import annotations

from scenarios import GroupComplaintSurge, QualityRecall

from .arrivals import base_rate_pieces
from .engine import Engine

CHECK_SECONDS = 600.0
WINDOW_SECONDS = 1800.0
RISE_RATIO = 1.6
RISE_MIN_EXTRA = 15
USUAL_TOP_SHARE = 0.05
CLUSTER_MIN_SHARE = 0.3
REPEAT_MIN_SHARE = 0.3
REPEAT_MIN_RISE = 0.1
REPEAT_MIN_OFFERED = 20
QUEUE_MIN_WAITING = 15
BACKLOG_RATIO = 1.5
BACKLOG_GROWTH = 1.5
REPEAT_SIGNAL_SECONDS = 3600.0
#: Codes of the signals (and of the neutral end notice) this module raises.
SIGNAL_CODES = ("contacts_rising", "same_problem", "repeat_rate", "queue_growth",
                "technician_backlog")


def usual_contacts(pieces, start: float, end: float) -> float:
    """Expected first contacts between ``start`` and ``end`` from rate ``pieces``."""
    total = 0.0
    for a, b, rate in pieces:
        lo, hi = max(a, start), min(b, end)
        if hi > lo:
            total += rate * (hi - lo)
    return total


def cluster_queues(scenario) -> set[str]:
    """Queues whose extra contacts are about one problem (a complaint surge, a quality issue)."""
    found: set[str] = set()
    for event in scenario.events:
        if isinstance(event, GroupComplaintSurge):
            found.add(event.queue)
        elif isinstance(event, QualityRecall) and event.volume_multiplier > 1.0:
            found.update(event.queues)
    return found


class DrillEngine(Engine):
    """The engine of a live drill: signals instead of event names (see the module text)."""

    def __init__(self, scenario, seed: int = 1, replication: int = 0, inputs=None):
        super().__init__(scenario, seed=seed, replication=replication, inputs=inputs)
        self._pieces = [base_rate_pieces(scenario, q) for q in scenario.queue_names]
        self._clustered = cluster_queues(scenario)
        self._history: list[dict] = []
        self._last_raised: dict[tuple, float] = {}
        self.env.process(self._monitor())

    # -- the event calendar, without names -------------------------------------------------
    def _event_alerts(self, event):
        end = min(event.end_hour * 3600.0, self.horizon)
        last = max(min(e.end_hour * 3600.0, self.horizon) for e in self.scenario.events)
        yield self.env.timeout(end)
        if end < self.horizon and end >= last:
            self.alert("incident_over")

    # -- signals ---------------------------------------------------------------------------
    def _monitor(self):
        env = self.env
        k = 1
        while k * CHECK_SECONDS < self.horizon:
            yield env.timeout(k * CHECK_SECONDS - env.now)
            self._check(env.now)
            k += 1

    def _reading(self, now: float) -> dict:
        stats = self.stats
        n_queues = len(self.qlen)
        per_interval = n_queues * 3
        last = min(self.interval, self.n_intervals - 1)
        cases, offered, again = [], [], []
        for q in range(n_queues):
            cells = [k * per_interval + q * 3 + p for k in range(last + 1) for p in range(3)]
            cases.append(sum(stats.cases[c] for c in cells))
            offered.append(sum(stats.offered[c] for c in cells))
            again.append(sum(stats.redials[c] + stats.repeats[c] for c in cells))
        return {"time": now, "cases": cases, "offered": offered, "again": again,
                "waiting": list(self.qlen), "backlog": self.tech_len + self.tech_busy,
                "on_duty": self.tech_idle + self.tech_busy - self.tech_leaving}

    def _ago(self, seconds: float) -> dict | None:
        steps = int(round(seconds / CHECK_SECONDS))
        return self._history[-steps - 1] if len(self._history) > steps else None

    def _raise(self, now: float, key: tuple, code: str, **params) -> None:
        last = self._last_raised.get(key)
        if last is not None and now - last < REPEAT_SIGNAL_SECONDS:
            return
        self._last_raised[key] = now
        self.alert(code, **params)

    def _clear(self, key: tuple) -> None:
        self._last_raised.pop(key, None)

    def _check(self, now: float) -> None:
        reading = self._reading(now)
        self._history.append(reading)
        then = self._ago(WINDOW_SECONDS)
        names = self.scenario.queue_names
        for q, name in enumerate(names):
            if then is not None:
                self._check_contacts(now, q, name, reading, then)
                self._check_repeats(now, q, name, reading, then)
                self._check_queue(now, q, name, reading, then)
        self._check_backlog(now, reading)

    def _check_contacts(self, now, q, name, reading, then) -> None:
        observed = int(reading["cases"][q] - then["cases"][q])
        usual = usual_contacts(self._pieces[q], now - WINDOW_SECONDS, now)
        extra = observed - usual
        if observed >= RISE_RATIO * usual and extra >= RISE_MIN_EXTRA:
            self._raise(now, ("contacts_rising", name), "contacts_rising", queue=name,
                        observed=observed, usual=int(round(usual)))
            if name in self._clustered:
                same = int(round(extra + USUAL_TOP_SHARE * usual))
                if same >= CLUSTER_MIN_SHARE * observed:
                    self._raise(now, ("same_problem", name), "same_problem", queue=name,
                                count=min(same, observed), observed=observed,
                                share=int(round(100.0 * min(same, observed) / observed)))
        elif observed < 1.2 * usual + RISE_MIN_EXTRA / 2:
            self._clear(("contacts_rising", name))
            self._clear(("same_problem", name))

    def _check_repeats(self, now, q, name, reading, then) -> None:
        offered = reading["offered"][q] - then["offered"][q]
        if offered < REPEAT_MIN_OFFERED:
            return
        share = (reading["again"][q] - then["again"][q]) / offered
        earlier, before = self._ago(3600.0), self._ago(3600.0 + WINDOW_SECONDS)
        past = None
        if earlier is not None and before is not None and \
                earlier["offered"][q] - before["offered"][q] > 0:
            past = (earlier["again"][q] - before["again"][q]) / \
                (earlier["offered"][q] - before["offered"][q])
        if share >= REPEAT_MIN_SHARE and (past is None or share >= past + REPEAT_MIN_RISE):
            self._raise(now, ("repeat_rate", name), "repeat_rate", queue=name,
                        share=int(round(100.0 * share)),
                        before=int(round(100.0 * (past or 0.0))))
        elif share < 0.8 * REPEAT_MIN_SHARE:
            self._clear(("repeat_rate", name))

    def _check_queue(self, now, q, name, reading, then) -> None:
        waiting, before = reading["waiting"][q], then["waiting"][q]
        if waiting >= QUEUE_MIN_WAITING and waiting >= 2 * before + 5:
            self._raise(now, ("queue_growth", name), "queue_growth", queue=name,
                        waiting=waiting, before=before)
        elif waiting < QUEUE_MIN_WAITING / 2:
            self._clear(("queue_growth", name))

    def _check_backlog(self, now, reading) -> None:
        hour_ago = self._ago(3600.0)
        on_duty, backlog = reading["on_duty"], reading["backlog"]
        if hour_ago is None or on_duty <= 0 and backlog == 0:
            return
        ongoing = ("technician_backlog",) in self._last_raised
        jump = backlog >= BACKLOG_GROWTH * hour_ago["backlog"] + 10
        if backlog >= BACKLOG_RATIO * max(1, on_duty) and \
                (jump or ongoing and backlog > hour_ago["backlog"]):
            self._raise(now, ("technician_backlog",), "technician_backlog", backlog=backlog,
                        on_duty=on_duty, before=hour_ago["backlog"])
        elif backlog < max(1, on_duty):
            self._clear(("technician_backlog",))
