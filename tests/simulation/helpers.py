"""Helpers for simulation tests: stationary variants of the validation scenario."""

import dataclasses

from scenarios import Distribution, GroupStaffing, ServiceLevelTarget, load_scenario


def stationary(agents: int, load: float, aht: float = 60.0, patience: float | None = None,
               hours: float = 24.0, target_seconds: float = 20.0, warmup: float = 1.0):
    """The shipped stationary scenario with ``load`` Erlangs on ``agents`` agents.

    Returns ``(scenario, calls_per_hour)``.
    """
    base = load_scenario("stationary_single_queue")
    calls_per_hour = load * 3600.0 / aht
    queue = dataclasses.replace(
        base.queues[0], calls_per_day=calls_per_hour * 24.0,
        handle_time_seconds=Distribution("exponential", aht),
        patience_seconds=Distribution("exponential", patience) if patience else None,
        service_level=ServiceLevelTarget(80.0, target_seconds))
    scenario = dataclasses.replace(base, horizon_hours=hours, warmup_hours=warmup,
                                   queues=(queue,),
                                   staffing=(GroupStaffing("agents", (agents,), 0.0),))
    return scenario, calls_per_hour
