"""The per-contact call flow of :class:`~simulation.engine.Engine` (the hot path).

Kept apart from the engine's set-up and bookkeeping so the code every call runs through can be
read at once. Methods bind attributes to locals because they run hundreds of thousands of times
per second of wall time; correctness does not depend on it.
"""

from __future__ import annotations

WAITING, SERVING, ABANDONED, CALLBACK, DONE, EXPIRED = range(6)
_INF = float("inf")


class Contact:
    """One attempt to reach the center (first call, redial or repeat) for one case."""

    __slots__ = ("q", "p", "cell", "case_cell", "created", "arrived", "d", "i", "state",
                 "group", "responded", "offer", "callback", "kind", "due")

    def __init__(self, q, p, cell, case_cell, created, arrived, d, i, responded):
        self.q = q
        self.p = p
        self.cell = cell
        self.case_cell = case_cell
        self.created = created
        self.arrived = arrived
        self.d = d
        self.i = i
        self.responded = responded
        self.state = 0
        self.callback = False
        self.offer = False
        self.group = -1
        self.kind = "offered"
        self.due = _INF


class _Timer:
    """A bare timer event: the smallest object SimPy's ``step`` can process.

    ``Environment.schedule`` (public API) accepts any event object; ``step`` only reads
    ``callbacks`` and ``_ok`` and passes the event to each callback. Sharing one callback
    tuple per kind of timer avoids building a ``Timeout`` and a callback list per call.
    """

    __slots__ = ("callbacks", "_value")
    _ok = True

    def __init__(self, callbacks: tuple, value):
        self.callbacks = callbacks
        self._value = value


class FlowMixin:
    """Arrival, queueing, abandonment, redial, callback, service and outcome of contacts."""

    def _bind_hot_path(self) -> None:
        """Pre-bind what every call touches (attribute chains cost time per call)."""
        tables = self.inputs.queues
        self._tables = tables
        self._route = self.inputs.route
        self._skills = self.inputs.skills
        self._fcr = self.inputs.fcr
        self._factor = self.inputs.handle_factor
        self._n_minutes = self.inputs.n_minutes
        self._shift_on = [any(t.callback_shift) for t in tables]
        self._handle_events = [any(m != 1.0 for m in t.handle_multiplier) for t in tables]
        self._escalation_events = [any(t.escalation_add) for t in tables]
        self._per_interval = len(tables) * 3
        self._schedule = self.env.schedule
        self._timer_cb = (self._on_timer,)
        self._done_cb = (self._on_done,)
        self._retry_cb = (self._on_retry,)
        self._repair_cb = (self._on_repaired,)
        self._expire_cb = (self._on_expire,)
        self._opening = self.inputs.opening
        self._promise_first = [t.promise_first for t in tables]
        st = self.stats
        self._offered, self._answered = st.offered, st.answered
        self._wait_sum, self._in_target = st.wait_sum, st.answered_in_target
        self._handle_sum, self._resolved_count = st.handle_sum, st.resolved

    def _cell(self, now: float, q: int, p: int) -> int:
        k = int(now // self.interval_seconds)
        if k >= self.n_intervals:
            k = self.n_intervals - 1
        return k * self._per_interval + q * 3 + p

    def _interval_of(self, now: float) -> int:
        k = int(now // self.interval_seconds)
        return k if k < self.n_intervals else self.n_intervals - 1

    def _offer(self, c, now: float) -> None:
        q = c.q
        if self._opening is not None and self._opening.is_closed(now):
            self._closed(c, now)
            return
        self._offered[c.cell] += 1
        if self._shift_on[q]:
            minute = int(now // 60.0)
            shift = self._tables[q].callback_shift[minute] if minute < self._n_minutes else 0.0
            if shift and c.d.u_shift[c.i] < shift:
                self._request_callback(c)
                return
        idle = self.idle
        for g in self._route[q]:
            if idle[g]:
                self._touch_group(g, now)
                idle[g] -= 1
                self.busy[g] += 1
                self._start(c, g, now)
                return
        c.state = WAITING
        self.waiting[q][c.p].append(c)
        qlen = self.qlen
        self.q_area[q] += qlen[q] * (now - self.q_last[q])
        self.q_last[q] = now
        length = qlen[q] = qlen[q] + 1
        if length > self.q_max[q]:
            self.q_max[q] = length
        patience = c.d.patience[c.i]
        if self.callbacks_on[q] and self.offer_after[q] < patience and \
                c.d.u_accept[c.i] < self.accept_probability[q]:
            c.offer = True
            patience = self.offer_after[q]
        if patience != _INF:
            self._schedule(_Timer(self._timer_cb, c), 1, patience)

    def _on_timer(self, event) -> None:
        c = event._value
        if c.state != WAITING:
            return
        q = c.q
        now = self.env._now
        self.q_area[q] += self.qlen[q] * (now - self.q_last[q])
        self.q_last[q] = now
        self.qlen[q] -= 1
        if c.offer:
            self._request_callback(c)
        else:
            self._abandon(c, now)

    def _abandon(self, c, now: float) -> None:
        c.state = ABANDONED
        self.stats.abandoned[c.cell] += 1
        q = c.q
        d, i = c.d, c.i
        if d.u_redial[i] < self.inputs.queues[q].redial_probability * self.redial_factor[q]:
            self._retry(c, now, d.redial_delay[i], "redials")
        elif not c.responded:  # the case is lost: it can only miss its response target
            self.stats.past_response_target[c.case_cell] += 1

    def _retry(self, c, now: float, delay: float, kind: str) -> None:
        """Schedule the same case's next contact (``kind``: redials or repeats) after ``delay``."""
        if now + delay >= self.horizon:
            if not c.responded:  # comes back after the horizon: still open at the end
                self.pending.add(Contact(c.q, c.p, -1, c.case_cell, c.created, _INF, None, -1,
                                         False))
            return
        draws = self.arrivals.retrial_draws[c.q]
        index = self.retrial_counts[c.q]
        self.retrial_counts[c.q] = index + 1
        draws.ensure(index)
        nxt = Contact(c.q, c.p, -1, c.case_cell, c.created, now + delay, draws, index,
                      c.responded)
        nxt.kind = kind
        self.pending.add(nxt)
        self._schedule(_Timer(self._retry_cb, nxt), 1, delay)

    def _on_retry(self, event) -> None:
        c = event._value
        self.pending.discard(c)
        now = self.env._now
        c.cell = self._cell(now, c.q, c.p)
        c.arrived = now
        if self._opening is None or not self._opening.is_closed(now):
            getattr(self.stats, c.kind)[c.cell] += 1
        self._offer(c, now)

    def _closed(self, c, now: float) -> None:
        """The line is closed: the caller hears the opening hours, then returns or gives up.

        Not offered (nobody could answer). With the scenario's return probability the caller
        tries again after the next opening, at an offset drawn from the return distribution
        (a new attempt, counted under ``closed_returns`` when it reaches an open line);
        otherwise the case is lost.
        """
        stats = self.stats
        cell = self._cell(now, c.q, c.p)
        stats.closed_attempts[cell] += 1
        opening = self._opening
        d, i = c.d, c.i
        if d.u_return[i] < opening.return_probability:
            back = opening.next_opening(now) + opening.return_offset(d.u_return_time[i])
            self._retry(c, now, back - now, "closed_returns")
            return
        stats.closed_lost[cell] += 1
        if not c.responded:
            stats.past_response_target[c.case_cell] += 1

    def _request_callback(self, c) -> None:
        c.state = CALLBACK
        c.callback = True
        table = self._tables[c.q]
        now = self.env._now
        c.due = now + table.promise
        self.stats.callbacks_requested[c.cell] += 1
        self.callback_queue[c.q][c.p].append(c)
        self.cblen[c.q] += 1
        if now + table.expire < self.horizon:
            self._schedule(_Timer(self._expire_cb, c), 1, table.expire)
        for g in self.inputs.route[c.q]:
            if self.idle[g]:
                work = self._next_work(g)
                if work is not None:
                    self._touch_group(g, now)
                    self.idle[g] -= 1
                    self.busy[g] += 1
                    self._start(work, g, now)
                return

    def _start(self, c, g: int, now: float) -> None:
        c.state = SERVING
        c.group = g
        q, cell = c.q, c.cell
        table = self._tables[q]
        if c.callback:
            self.stats.callbacks_made[cell] += 1
            if now <= c.due:
                self.stats.callbacks_in_promise[cell] += 1
        else:
            wait = now - c.arrived
            self._answered[cell] += 1
            self._wait_sum[cell] += wait
            if wait <= table.sl_seconds:
                self._in_target[cell] += 1
        if not c.responded:
            c.responded = True
            if now - c.created > self.inputs.respond_seconds[c.p]:
                self.stats.past_response_target[c.case_cell] += 1
        hold = c.d.handle[c.i] * self._factor[g] * self.drill_handle_factor[q]
        if self._handle_events[q]:
            minute = int(now // 60.0)
            if minute < self._n_minutes:
                hold *= table.handle_multiplier[minute]
        hold += table.acw
        if not c.callback:
            self._handle_sum[cell] += hold
        self._schedule(_Timer(self._done_cb, c), 1, hold)

    def _on_done(self, event) -> None:
        c = event._value
        g = c.group
        now = self.env._now
        c.state = DONE
        self._outcome(c, g, now)
        if self.leaving[g]:
            self._touch_group(g, now)
            self.leaving[g] -= 1
            self.busy[g] -= 1
            return
        work = self._next_work(g)
        if work is None:
            self._touch_group(g, now)
            self.busy[g] -= 1
            self.idle[g] += 1
        else:
            self._start(work, g, now)

    def _outcome(self, c, g: int, now: float) -> None:
        q = c.q
        d, i = c.d, c.i
        table = self._tables[q]
        escalation = table.escalation
        if self._escalation_events[q]:
            minute = int(now // 60.0)
            if minute < self._n_minutes:
                escalation += table.escalation_add[minute]
        if d.u_escalate[i] < escalation:
            self._escalate(c, now)
        elif d.u_resolve[i] < self._fcr[g]:
            self._resolved(c, now)
        elif d.u_repeat[i] < table.repeat_probability:
            self._retry(c, now, d.repeat_delay[i], "repeats")

    def _resolved(self, c, now: float) -> None:
        k = self._interval_of(now)
        self._resolved_count[k] += 1
        if now - c.created > self.inputs.resolve_seconds[c.p]:
            self.stats.past_resolution_target[k] += 1

    def _on_expire(self, event) -> None:
        """A callback not made in time expires: the customer is gone, the case is lost."""
        c = event._value
        if c.state != CALLBACK:
            return
        c.state = EXPIRED
        self.cblen[c.q] -= 1
        self.stats.callbacks_expired[c.cell] += 1
        if not c.responded:
            self.stats.past_response_target[c.case_cell] += 1

    def _callback_from(self, q: int, at_risk_only: bool):
        """The next callback request of queue ``q`` (urgent first), or None.

        ``at_risk_only``: only one with less than the queue's at-risk margin left of its
        promise (lines are in request order, so each line's head is its earliest due).
        """
        now = self.env._now
        margin = self._tables[q].at_risk
        for line in self.callback_queue[q]:
            while line and line[0].state != CALLBACK:
                line.popleft()
            if line and (not at_risk_only or line[0].due - now <= margin):
                self.cblen[q] -= 1
                return line.popleft()
        return None

    def _next_work(self, g: int):
        """The next contact for a free agent of group ``g``, by the callback priority rule.

        ``live_first``: live callers of the group's skills (in skill order, urgent first),
        then callbacks. ``promise_first``: a callback about to miss its promise goes first.
        """
        skills = self.inputs.skills[g]
        cblen = self.cblen
        for q in skills:
            if cblen[q] and self._promise_first[q]:
                work = self._callback_from(q, True)
                if work is not None:
                    return work
        qlen = self.qlen
        for q in skills:
            if qlen[q]:
                for line in self.waiting[q]:
                    while line:
                        c = line.popleft()
                        if c.state == WAITING:
                            now = self.env._now
                            self.q_area[q] += qlen[q] * (now - self.q_last[q])
                            self.q_last[q] = now
                            qlen[q] -= 1
                            return c
        for q in skills:
            if cblen[q]:
                work = self._callback_from(q, False)
                if work is not None:
                    return work
        return None

    # -- technician stage --------------------------------------------------------------------
    def _escalate(self, c, now: float) -> None:
        self.stats.escalated[self._interval_of(now)] += 1
        self.tech_waiting[c.p].append(c)
        self.tech_len += 1
        if self.tech_idle:
            self._next_repair()

    def _next_repair(self) -> None:
        if not self.tech_idle or not self.tech_len:
            return
        for line in self.tech_waiting:
            if line:
                c = line.popleft()
                break
        self.tech_len -= 1
        self.tech_idle -= 1
        self.tech_busy += 1
        self._schedule(_Timer(self._repair_cb, c), 1, self._repair_time())

    def _repair_time(self) -> float:
        if self._repair_next >= len(self._repairs):
            sampler = self.inputs.repair_sampler
            self._repairs.extend(sampler(self._repair_rng, 256).tolist())
        self._repair_next += 1
        return self._repairs[self._repair_next - 1]

    def _on_repaired(self, event) -> None:
        now = self.env._now
        self.stats.repaired[self._interval_of(now)] += 1
        self._resolved(event._value, now)
        self.tech_busy -= 1
        if self.tech_leaving:
            self.tech_leaving -= 1
            return
        self.tech_idle += 1
        self._next_repair()

    # -- open cases --------------------------------------------------------------------------
    def open_contacts(self):
        """Contacts not yet answered: waiting, waiting for a callback, or about to redial."""
        for state, queues in ((WAITING, self.waiting), (CALLBACK, self.callback_queue)):
            for lines in queues:
                for line in lines:
                    yield from (c for c in line if c.state == state)
        yield from self.pending

    def count_pending_callbacks(self) -> None:
        """At the end: callback requests neither made nor expired are still pending."""
        for lines in self.callback_queue:
            for line in lines:
                for c in line:
                    if c.state == CALLBACK:
                        self.stats.callbacks_pending[c.cell] += 1

    def count_unanswered_overdue(self, now: float, record: bool) -> int:
        """Open cases past their response target at ``now`` (``record`` adds them to stats)."""
        count = 0
        for c in self.open_contacts():
            if not c.responded and c.created + self.inputs.respond_seconds[c.p] <= now:
                count += 1
                if record:
                    self.stats.past_response_target[c.case_cell] += 1
        return count
