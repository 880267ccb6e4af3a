"""A person's calendar feed address: only the SHA-256 of its secret token is stored."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.auth.models import utcnow
from lms.extensions import db


class CalendarFeed(db.Model):
    """The one live feed address of a person; making a new one or revoking deletes the old."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: SHA-256 (hex) of the token in the address; the token itself is shown once.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Last time a calendar program fetched the feed (so a person sees it is in use).
    last_fetched_at: Mapped[datetime | None]
