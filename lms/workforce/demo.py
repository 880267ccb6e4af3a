"""Workforce demo data: the shipped one-year history, the center's special events and one
finished forecast for the demo planner.

Idempotent: a planner who already has a history gets nothing new. The forecast (4 weeks,
backtested on the last 4 weeks) runs at once, a few seconds, so its page has numbers.
"""

from sqlalchemy import select

from lms.auth.models import User
from lms.extensions import db
from lms.workforce import service
from lms.workforce.models import WorkforceEvent, WorkforceHistory
from simulation.forecast.sample import SAMPLE_EVENTS

#: Demo names of the sample's events (the demo is Chinese first, like the rest of it).
EVENT_NAMES = {
    "618 presale questions": "618 预售咨询 618 presale questions",
    "618 peak": "618 大促高峰 618 peak",
    "618 installations": "618 送装报修 618 installations",
    "Recall R-2026-03": "三月召回 R-2026-03 recall",
    "Double 11 presale questions": "双11 预售咨询 Double 11 presale",
    "Double 11 peak": "双11 高峰 Double 11 peak",
    "Double 11 complaints": "双11 投诉 Double 11 complaints",
    "Double 11 installations": "双11 送装报修 Double 11 installations",
    "X9 air conditioner launch": "X9 空调新品发布 X9 launch",
}


def load() -> list:
    """The sample history, its events and a finished forecast for ``planner``."""
    owner = db.session.scalar(select(User).where(User.username == "planner"))
    if owner is None or db.session.scalar(select(WorkforceHistory.id).where(
            WorkforceHistory.owner_id == owner.id)):
        return []
    stored = service.import_sample(owner, "样本:一年半小时来电 Sample: one year of calls")
    for event in SAMPLE_EVENTS:
        service.save_event(WorkforceEvent(owner_id=owner.id),
                           name=EVENT_NAMES.get(event.name, event.name), kind=event.kind,
                           first_day=event.first_day, last_day=event.last_day,
                           volume_factor=event.volume_factor, aht_factor=event.aht_factor,
                           queues=list(event.queues))
    db.session.commit()
    service.start_forecast(owner, stored, method="holt_winters", horizon_days=28,
                           holdout_days=28, inline=True)
    return ["planner: sample history, 9 special events, one forecast"]
