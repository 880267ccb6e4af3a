"""Workforce job kinds: forecast a stored history (and backtest it on its last weeks).

Parameters carry the special events themselves, so the forecast shows what was declared
when it ran whatever is edited later; the history is read from the database (any worker
with the same ``DATABASE_URL`` can run the job).
"""

import datetime as dt

from lms.extensions import db
from lms.jobs import register
from lms.workforce import service
from lms.workforce.models import WorkforceHistory
from simulation.forecast import (
    ForecastOptions,
    SpecialEvent,
    backtest,
    forecast,
    holiday_blocks,
    read_history,
)


@register("workforce.forecast")
def run_forecast(params: dict, progress) -> dict:
    """Forecast ``horizon_days`` of every queue; backtest on ``holdout_days`` when > 0."""
    stored = db.session.get(WorkforceHistory, params["history_id"])
    if stored is None:
        raise LookupError("the history was deleted before the forecast ran")
    history = read_history(service.stored_rows(stored))
    events = [SpecialEvent.from_dict(e) for e in params.get("events", [])]
    options = ForecastOptions(horizon_days=params["horizon_days"], method=params["method"])
    holdout = int(params.get("holdout_days") or 0)
    share = 0.5 if holdout else 1.0
    result = forecast(history, events, options, progress=lambda f: progress(f * share))
    scores, problem = {}, None
    if holdout:
        try:
            scores = backtest(history, events, options, holdout_days=holdout,
                              progress=lambda f: progress(share + f * (1 - share)))
        except ValueError as error:
            problem = str(error)
    first = min(q.days[0] for q in history.queues.values())
    found = result.as_dict()
    last = dt.date.fromisoformat(found["days"][-1])
    return {"forecast": found, "backtest": scores, "backtest_problem": problem,
            "holidays": [[a.isoformat(), b.isoformat(), name]
                         for a, b, name in holiday_blocks(first, last)],
            "events": params.get("events", [])}
