"""Small helpers for notification tests."""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.notify import jobs
from lms.notify.models import Delivery, Notification


def settle(timeout: float = 15.0) -> None:
    """Wait for every background send of this process, then read fresh rows."""
    jobs.wait_idle(timeout=timeout)
    db.session.expire_all()


def notices(user_id: int, kind: str | None = None) -> list[Notification]:
    """The person's notifications (of ``kind``), oldest first."""
    query = select(Notification).where(Notification.user_id == user_id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query.order_by(Notification.id)))


def deliveries(channel: str | None = None) -> list[Delivery]:
    """Every delivery (on ``channel``), oldest first."""
    query = select(Delivery)
    if channel:
        query = query.where(Delivery.channel == channel)
    return list(db.session.scalars(query.order_by(Delivery.id)))


def parts(message) -> dict[str, str]:
    """The text/plain and text/html parts of a received mail, decoded."""
    found = {}
    for part in message.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            found[part.get_content_type()] = part.get_content()
    return found
