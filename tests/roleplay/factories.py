"""Role-play test objects: shipped content loaded, a performance, a submitted score."""

from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.roleplay import service
from lms.roleplay.models import Card, Performance
from lms.roleplay.service import ScoreInput
from tests.factories import make_user

CARD = "ac_failed_again_after_repair"


def load_content() -> None:
    """The shipped rubrics and cards (idempotent)."""
    if db.session.scalar(select(Card.id).limit(1)) is None:
        service.load_shipped_content()


def make_performance(trainee=None, card_key: str = CARD, author=None) -> Performance:
    """A committed performance of ``card_key`` by ``trainee`` (made if not given)."""
    load_content()
    trainee = trainee or make_user(roles=["trainee"])
    author = author or make_user(roles=["trainer"])
    card = db.session.scalar(select(Card).where(Card.key == card_key))
    performance = service.create_performance(card, trainee, date(2026, 11, 20), author)
    db.session.commit()
    return performance


def levels_at(performance: Performance, rank: int) -> dict:
    """Every applicable criterion scored at the level with index ``rank`` (clamped)."""
    return {c.key: sorted(level.points for level in c.levels)[min(rank, len(c.levels) - 1)]
            for c in service.scored_criteria(performance)}


def score(performance: Performance, rater, levels: dict, comment: str = "ok"):
    """A committed submitted score."""
    entry = ScoreInput(levels, {key: comment for key in levels}, "overall " + comment)
    result = service.submit_score(performance, rater, entry)
    db.session.commit()
    return result
