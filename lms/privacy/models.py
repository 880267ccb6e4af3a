"""An erasure request: asked by the person or an administrator, decided by an administrator."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User, utcnow
from lms.extensions import db

#: ``pending`` (waiting for an administrator), ``approved`` (the identity was erased),
#: ``rejected`` (with a note why), ``withdrawn`` (by the person before a decision).
REQUEST_STATUSES = ("pending", "approved", "rejected", "withdrawn")


class ErasureRequest(db.Model):
    """A request to anonymise one person's identity while keeping their results."""

    __tablename__ = "privacy_erasure_requests"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected', 'withdrawn')",
                        name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person whose identity is to be erased.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Why, in the requester's words (optional).
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    #: The administrator's note (required when rejecting).
    decision_note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
