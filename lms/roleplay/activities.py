"""``roleplay:<card key>``: role-play cards as course activities.

Keys are card keys exactly as ``lms/roleplay/content/cards.yaml`` spells them
(``ac_failed_again_after_repair``); the first score of a performance reports
``roleplay:<card key>`` (``service.submit_score``). The shipped cards count as existing before
``flask roleplay load-content`` has stored them, so course files can name them on an empty
database; cards stored in the database count too.
"""

from functools import lru_cache

from flask import url_for
from sqlalchemy import select

from lms.activities import ActivityKind, register
from lms.extensions import db


@lru_cache(maxsize=1)
def _shipped_titles() -> dict[str, dict]:
    # The shipped file does not change while the app runs; checking it costs a little.
    from lms.roleplay.content import load_cards

    return {key: dict(card.title) for key, card in load_cards().items()}


def card_titles() -> dict[str, dict]:
    """``{card key: {zh, en}}`` of the shipped cards and of every stored card."""
    from lms.roleplay.models import Card

    titles = dict(_shipped_titles())
    for key, content in db.session.execute(select(Card.key, Card.content)):
        titles[key] = dict((content or {}).get("title") or titles.get(key) or {})
    return dict(sorted(titles.items()))


def card_exists(key: str) -> bool:
    """Whether a shipped or stored card has ``key``."""
    from lms.roleplay.models import Card

    if key in _shipped_titles():
        return True
    return db.session.scalar(select(Card.id).where(Card.key == key)) is not None


def roleplay_url(key: str) -> str:
    """The trainee's role-play results (a trainer runs and scores the role-play itself)."""
    return url_for("roleplay.index")


register(ActivityKind(prefix="roleplay", activity_kind="roleplay", choices=card_titles,
                      exists=card_exists, url_for_key=roleplay_url))
