"""The audit event: one action by one person (or the system) on one object."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User, utcnow
from lms.extensions import db


class AuditEvent(db.Model):
    """Append-only: rows are inserted, never updated or deleted through the ORM.

    The one exception is a personal-data erasure (:func:`lms.audit.service.scrub_person`),
    which overwrites the erased person's identity inside earlier rows.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When it happened (naive UTC).
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Who did it; None = the system (a command, a background job, a sweep).
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: The client's network address (behind a proxy: the forwarded one, see TRUST_PROXY).
    address: Mapped[str] = mapped_column(String(64), default="")
    #: What was done, ``<kind>.<verb>`` (``user.password_reset``, ``certificate.revoked``).
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: The kind of object (``user``, ``course``, ``certificate``, ``setting``...).
    object_kind: Mapped[str] = mapped_column(String(40), index=True)
    object_id: Mapped[int | None] = mapped_column(index=True)
    #: How the object was called at the time: text, or {zh, en} for bilingual titles.
    object_label: Mapped[dict | str | None] = mapped_column(JSON)
    #: Values before and after ({field: value}); secrets appear as "•••".
    old: Mapped[dict | None] = mapped_column(JSON)
    new: Mapped[dict | None] = mapped_column(JSON)
    #: Where it came from: the page endpoint, ``cli:<command>`` or ``background``.
    source: Mapped[str] = mapped_column(String(80), default="")

    actor: Mapped[User | None] = relationship()
