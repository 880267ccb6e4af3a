"""Role-play demo data: shipped cards and rubrics, and performances scored by two trainers.

The demo trainers ``trainer`` and ``lead`` both score six performances of the demo trainees,
so the rater-agreement page has something to show (``lead`` is a little more lenient).
Idempotent: nothing is added when the demo performances exist.
"""

from datetime import date, timedelta

from sqlalchemy import select

from lms.auth.models import User
from lms.extensions import db
from lms.roleplay import service
from lms.roleplay.models import Card, Performance, Rubric
from lms.roleplay.service import ScoreInput

#: (trainee user name, card key, days ago, trainer's level rank, lead's rank offset)
DEMO_PERFORMANCES = (
    ("trainee", "ac_failed_again_after_repair", 20, 1, 1),
    ("trainee", "enterprise_technical_complaint", 6, 2, 0),
    ("e1002", "ac_failed_again_after_repair", 18, 2, 1),
    ("e1003", "ac_failed_again_after_repair", 15, 3, 0),
    ("e1004", "ac_failed_again_after_repair", 12, 0, 1),
    ("e1005", "ac_failed_again_after_repair", 9, 1, 0),
)
COMMENTS = {0: "需要加强：先安抚情绪再处理问题。", 1: "基本做到，用语还可以更自然。",
            2: "做得好，步骤完整。", 3: "非常出色，可作为示范。"}


#: A small rubric "built" by the demo trainer, so the edit and delete buttons have something to
#: act on (shipped rubrics are read-only).
DEMO_RUBRIC = {
    "key": "callback_promise",
    "name": {"zh": "回访承诺小评分表", "en": "Callback promise mini-rubric"},
    "description": {"zh": "只看结束通话时的回访承诺是否具体、可兑现。",
                    "en": "Only whether the callback promised at the end of a call is specific "
                          "and can be kept."},
    "criteria": [{"key": "callback_time", "description": {"zh": "给出具体的回访时间",
                                                          "en": "Names a specific callback time"},
                  "levels": [{"points": 0, "definition": {"zh": "没有约定回访或只说“尽快”。",
                                                          "en": "No callback, or only 'soon'."}},
                             {"points": 2, "definition": {"zh": "约定了具体时间并复述确认。",
                                                          "en": "A specific time, repeated "
                                                                "back to the customer."}}]}],
}


def _demo_rubric(trainer) -> list:
    if trainer is None or db.session.scalar(
            select(Rubric.id).where(Rubric.key == DEMO_RUBRIC["key"])) is not None:
        return []
    service.create_rubric(DEMO_RUBRIC, trainer)
    return [f"rubric:{DEMO_RUBRIC['key']}"]


def _levels(card: Card, rank: int) -> dict:
    levels = {}
    for criterion in card.rubric.spec.applicable(card.content.get("not_applicable", ())):
        ordered = sorted(level.points for level in criterion.levels)
        levels[criterion.key] = ordered[max(0, min(rank, len(ordered) - 1))]
    return levels


def load() -> list:
    """Load shipped content and the demo performances; returns what was added."""
    added = service.load_shipped_content()
    users = {u.username: u for u in db.session.scalars(select(User))}
    added += _demo_rubric(users.get("trainer"))
    db.session.commit()
    if db.session.scalar(select(Performance.id).limit(1)) is not None:
        return added
    trainer, lead = users.get("trainer"), users.get("lead")
    if trainer is None or lead is None:
        return added
    cards = {c.key: c for c in db.session.scalars(select(Card))}
    for username, card_key, days_ago, rank, offset in DEMO_PERFORMANCES:
        if username not in users or card_key not in cards:
            continue
        card = cards[card_key]
        performance = service.create_performance(card, users[username],
                                                 date.today() - timedelta(days=days_ago),
                                                 trainer)
        for rater, level_rank in ((trainer, rank), (lead, rank + offset)):
            levels = _levels(card, level_rank)
            service.submit_score(performance, rater, ScoreInput(
                levels, {key: COMMENTS[min(level_rank, 3)] for key in levels},
                COMMENTS[min(level_rank, 3)]))
        added.append(f"performance:{username}:{card_key}")
    db.session.commit()
    return added
