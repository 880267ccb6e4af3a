"""Drill demo data: a drill waiting for the demo trainee and one finished, scored drill.

Idempotent: nothing is added when the demo trainee already has a drill.
"""

import json
from datetime import timedelta

from sqlalchemy import select

from lms.auth.models import User, utcnow
from lms.drills import replay, scoring, service, steps
from lms.drills.models import Drill, DrillAction, DrillClockEvent
from lms.extensions import db

SCENARIO = "group_complaint_surge"
#: (drill minutes after the start, action kind, parameters) of the finished demo drill.
DEMO_ACTIONS = (
    (128, "report_manager", {"grade": "L2", "report": "10:00 起同一型号滚筒洗衣机异响投诉已超过 "
                               "40 起;投诉队列超出目标;请求启动应急机制。"}),
    (140, "escalate_to_emergency_team", {"extra_technicians": 2}),
    (150, "activate_emergency_plan", {}),
    (155, "move_staff", {"from_group": "frontline", "to_group": "complaints_desk", "count": 3}),
    (170, "publish_unified_reply", {"queue": "complaint",
                                        "text": "我们已知该型号洗衣机的异响问题,"
                                                "将免费上门检测。"}),
    (200, "notify_customers", {"restoration": "明天 09:00 起上门检测,"
                                                "所有预约 3 天内完成。"}),
)


def _user(name: str):
    return db.session.scalar(select(User).where(User.username == name))


def _finished_drill(trainer: User, trainee: User) -> Drill:
    drill = service.schedule(trainer, SCENARIO, [trainee], 120.0, seed=11)[0]
    scenario = replay.scenario_of(drill)
    wall = scenario.horizon_seconds / drill.compression
    begun = utcnow() - timedelta(days=2)
    drill.clock_events = [DrillClockEvent(kind="start", at=begun),
                          DrillClockEvent(kind="finish", at=begun + timedelta(seconds=wall))]
    for minutes, kind, params in DEMO_ACTIONS:
        checked = params if kind in steps.STEP_KINDS else \
            replay.check_action(scenario, drill, kind, dict(params), minutes * 60.0)
        drill.actions.append(DrillAction(kind=kind, params_json=json.dumps(checked),
                                         drill_seconds=minutes * 60.0, user_id=trainee.id,
                                         at=begun + timedelta(seconds=minutes * 60 / 120)))
    drill.status = "finished"
    drill.finished_at = begun + timedelta(seconds=wall)
    db.session.flush()
    scoring.score(drill)
    return drill


def load() -> list:
    """A scheduled drill for ``trainee`` and a finished one for ``e1002``."""
    trainer, trainee, other = _user("trainer"), _user("trainee"), _user("e1002")
    if None in (trainer, trainee, other) or db.session.scalar(
            select(Drill.id).where(Drill.trainee_id == trainee.id)):
        return []
    service.schedule(trainer, SCENARIO, [trainee], 60.0, seed=7)
    _finished_drill(trainer, other)
    db.session.commit()
    return ["trainee: one scheduled drill", "e1002: one finished drill"]
