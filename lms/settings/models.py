"""One stored site setting; a setting without a row has its default (lms.settings.registry)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.auth.models import utcnow
from lms.extensions import db


class SiteSetting(db.Model):
    """The value an administrator chose for one setting."""

    __tablename__ = "site_settings"

    #: A key of `lms.settings.registry.SETTINGS` (``site.name_zh``, ``password.min_length``).
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
