"""Cross-field rules of a scenario, run after every block was read.

They only look at values that were read correctly (``None`` marks a value already reported), so
one mistake is not reported twice.
"""

from __future__ import annotations

from .fields import FieldReader
from .schema import Disaster, GroupComplaintSurge, QualityRecall, Scenario


def check_scenario(r: FieldReader, s: Scenario) -> None:
    """Record every cross-field problem of ``s`` in ``r``."""
    n_intervals = _check_horizon(r, s)
    _check_routing(r, s)
    if n_intervals:
        for plan in s.staffing:
            _check_cycle(r, ("staffing", plan.group, "agents"), plan.agents, n_intervals)
        if s.technicians is not None:
            _check_cycle(r, ("technicians", "agents"), s.technicians.agents, n_intervals)
    for index, event in enumerate(s.events):
        _check_event(r, ("events", index), event, s)
    _check_technicians(r, s)
    for queue in s.queues:
        _check_callback(r, ("queues", queue.name, "callback"), queue.callback)


def _check_callback(r: FieldReader, path: tuple, callback) -> None:
    if callback is None or callback.promise_minutes is None:
        return
    promise = callback.promise_minutes
    if callback.expire_minutes is not None and callback.expire_minutes < promise:
        r.add(path + ("expire_minutes",), "expires_before_promise",
              expire=f"{callback.expire_minutes:g}", promise=f"{promise:g}")
    if callback.at_risk_minutes is not None and callback.at_risk_minutes > promise:
        r.add(path + ("at_risk_minutes",), "at_risk_beyond_promise",
              at_risk=f"{callback.at_risk_minutes:g}", promise=f"{promise:g}")


def _check_horizon(r: FieldReader, s: Scenario) -> int | None:
    if s.horizon_hours is None or s.interval_minutes is None:
        return None
    intervals = s.horizon_hours * 60.0 / s.interval_minutes
    if abs(intervals - round(intervals)) > 1e-9:
        r.add(("horizon_hours",), "horizon_intervals", got=f"{s.horizon_hours:g}",
              interval=s.interval_minutes)
        return None
    if s.warmup_hours is not None and s.warmup_hours >= s.horizon_hours:
        r.add(("warmup_hours",), "warmup_too_long", got=f"{s.warmup_hours:g}",
              horizon=f"{s.horizon_hours:g}")
    return int(round(intervals))


def _check_routing(r: FieldReader, s: Scenario) -> None:
    served = {skill for group in s.groups for skill in (group.skills or ())}
    for queue in s.queues:
        if queue.name not in served and any(g.skills is not None for g in s.groups):
            r.add(("queues", queue.name), "no_skill_group", got=queue.name)
    planned = {plan.group for plan in s.staffing}
    staffing_ok = all(plan.agents is not None for plan in s.staffing)
    for group in s.groups:
        if group.name not in planned and staffing_ok:
            r.add(("staffing", group.name), "no_staffing", got=group.name)


def _check_cycle(r: FieldReader, path: tuple, values, n_intervals: int) -> None:
    """A per-interval list repeats; its length must divide the number of intervals."""
    if values is None:
        return
    allowed = [n for n in range(1, n_intervals + 1) if n_intervals % n == 0]
    if len(values) not in allowed:
        r.add(path, "bad_length", got=len(values), allowed=", ".join(map(str, allowed)))


def _check_event(r: FieldReader, path: tuple, event, s: Scenario) -> None:
    start, end = event.start_hour, event.end_hour
    if start is None or end is None:
        return
    if end <= start:
        r.add(path + ("end_hour",), "ends_before_start", start=f"{start:g}", end=f"{end:g}")
        return
    if s.horizon_hours is not None and start >= s.horizon_hours:
        r.add(path + ("start_hour",), "outside_horizon", got=f"{start:g}",
              horizon=f"{s.horizon_hours:g}")
    if isinstance(event, GroupComplaintSurge):
        ramp, decay = event.ramp_hours, event.decay_hours
        if ramp is not None and decay is not None and ramp + decay > end - start + 1e-9:
            r.add(path + ("ramp_hours",), "ramp_too_long", ramp=f"{ramp:g}",
                  decay=f"{decay:g}", length=f"{end - start:g}")
    if isinstance(event, Disaster) and event.absenteeism is not None:
        for plan in s.staffing:
            if plan.shrinkage is not None and plan.shrinkage + event.absenteeism >= 1.0:
                r.add(path + ("absenteeism",), "shrinkage_total",
                      got=f"{plan.shrinkage + event.absenteeism:g}")
                break


def _check_technicians(r: FieldReader, s: Scenario) -> None:
    if s.technicians is not None:
        return
    escalating = any((q.escalation_probability or 0) > 0 for q in s.queues)
    recall = any(isinstance(e, QualityRecall) and (e.escalation_increase or 0) > 0
                 for e in s.events)
    if escalating or recall:
        r.add(("technicians",), "no_technicians")
