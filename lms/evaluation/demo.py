"""Evaluation demo data: pre/post test pairs, six KPI months, survey answers and a drill score.

Figures are made up but plausible: trainees start around 45-60 % on the pre-test and reach
80-90 % after training; KPI months before training (2026-06..08) sit a little under the
targets and those after it (2026-09..11) mostly meet them. The last two agents have not been
trained yet (no completion date), so "trained vs not yet trained" has both groups. Random
figures use a fixed seed, so loading twice gives the same data. Idempotent: nothing is added
when KPI months exist.
"""

import random
from datetime import UTC, date, datetime

from sqlalchemy import select

from lms.auth.models import User
from lms.evaluation.content import load_survey
from lms.evaluation.models import EvaluationEvent, KpiMonth, PrePostPair, SurveyResponse
from lms.extensions import db

AGENTS = ("trainee", "e1002", "e1003", "e1004", "e1005")
MONTHS = ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11")
TRAINED_ON = date(2026, 8, 28)
COURSE_REF = "course:service-standards"
UNTRAINED_FROM_INDEX = 3


def _kpi(rng: random.Random, trained: bool) -> dict:
    lift = 1.0 if trained else 0.0
    return {"response_on_time_rate": round(min(100, rng.gauss(97.2 + 1.4 * lift, 0.6)), 1),
            "resolution_rate": round(min(100, rng.gauss(93.5 + 2.2 * lift, 1.0)), 1),
            "satisfaction": round(min(100, rng.gauss(88.0 + 3.5 * lift, 1.5)), 1),
            "complaint_rate": round(max(0, rng.gauss(0.7 - 0.3 * lift, 0.12)), 2)}


def load() -> list:
    """Add the demo evaluation data once; returns what was added."""
    if db.session.scalar(select(KpiMonth.id).limit(1)) is not None:
        return []
    users = {u.username: u for u in db.session.scalars(select(User))}
    agents = [users[name] for name in AGENTS if name in users]
    rng = random.Random(20261123)
    survey = load_survey()
    trainer = users.get("trainer")
    added = []
    for index, agent in enumerate(agents):
        trained = index < UNTRAINED_FROM_INDEX
        pre, post = rng.randint(45, 62), rng.randint(80, 92)
        # Tests are named by the course they measure, so every page shows the course's title.
        for test, category in (("service-standards", None), ("service-awareness", None)):
            db.session.add(PrePostPair(user_id=agent.id, test=test, category=category,
                                       pre=pre + rng.randint(-5, 5), post=post, max_score=100,
                                       completed_on=TRAINED_ON if trained else None))
        for month in MONTHS:
            db.session.add(KpiMonth(user_id=agent.id, month=month,
                                    **_kpi(rng, trained and month > "2026-08")))
        answers = {key: rng.choice((3, 4, 4, 5, 5)) for key in survey.likert_keys}
        db.session.add(SurveyResponse(user_id=agent.id, course_ref=COURSE_REF, answers=answers,
                                      free_text={}, trainer_id=trainer.id if trainer else None))
        db.session.add(EvaluationEvent(user_id=agent.id, sender="emergency_drill",
                                       ref="drill:summer-peak", score=round(rng.uniform(0.55,
                                                                                        0.9), 2),
                                       passed=True, at=datetime(2026, 10, 15, tzinfo=UTC)
                                       .replace(tzinfo=None)))
        added.append(f"evaluation:{agent.username}")
    db.session.commit()
    return added
