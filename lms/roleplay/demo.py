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
from lms.roleplay.models import Card, Performance
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


def _levels(card: Card, rank: int) -> dict:
    levels = {}
    for criterion in card.rubric.spec.criteria:
        ordered = sorted(level.points for level in criterion.levels)
        levels[criterion.key] = ordered[max(0, min(rank, len(ordered) - 1))]
    return levels


def load() -> list:
    """Load shipped content and the demo performances; returns what was added."""
    added = service.load_shipped_content()
    users = {u.username: u for u in db.session.scalars(select(User))}
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
