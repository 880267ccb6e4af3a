"""Certificates for a passed course or a completed learning path.

The ``code`` is a random, unguessable verification code printed on the PDF; anyone may open
``/verify/<code>``. A certificate with ``expires_at`` must be renewed by recertifying: the
renewal issues a new certificate and the old one points to it (``superseded_by``). A
certificate whose completion no longer holds is revoked (``revoked_at``, ``revoked_reason``,
``revoked_cause``); rows are never deleted, so the verification page shows the whole chain.
``CertificatePolicy`` sets the validity period per course or path (none = never expires).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User, utcnow
from lms.extensions import db

#: Why a certificate was revoked.
REVOKE_REASONS = ("completion_withdrawn", "path_withdrawn", "manual")


class Certificate(db.Model):
    """One certificate held by one person."""

    __tablename__ = "exam_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: ``course`` or ``path``.
    subject_kind: Mapped[str] = mapped_column(String(8))
    subject_id: Mapped[int]
    #: The course or path title at issue ({zh, en}).
    subject_title: Mapped[dict] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    #: When it was revoked (None = not revoked).
    revoked_at: Mapped[datetime | None]
    #: One of `REVOKE_REASONS`.
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
    #: What made the completion fail (``regrade:12``, ``override:3``, ``rescore:7``,
    #: ``result``), for a revocation that followed a withdrawn completion.
    revoked_cause: Mapped[str | None] = mapped_column(String(40))
    #: The certificate that renewed this one (recertification).
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("exam_certificates.id", ondelete="SET NULL"))
    #: When the holder was told that it expires soon (recertification sweep).
    reminded_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    superseded_by: Mapped[Certificate | None] = relationship(
        remote_side=[id], foreign_keys=[superseded_by_id])

    @hybrid_property
    def revoked(self) -> bool:
        """Whether it was revoked; setting True revokes it now as a trainer's decision."""
        return self.revoked_at is not None

    @revoked.inplace.setter
    def _revoked_setter(self, value: bool) -> None:
        if value and self.revoked_at is None:
            self.revoked_at, self.revoked_reason = utcnow(), "manual"
        elif not value:
            self.revoked_at = self.revoked_reason = self.revoked_cause = None

    @revoked.inplace.expression
    @classmethod
    def _revoked_expression(cls):
        return cls.revoked_at.is_not(None)

    def state_at(self, now: datetime | None = None) -> str:
        """``revoked``, ``superseded`` (renewed), ``expired`` or ``valid`` at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.superseded_by_id is not None:
            return "superseded"
        if self.expires_at is not None and self.expires_at <= (now or utcnow()):
            return "expired"
        return "valid"

    @property
    def state(self) -> str:
        """The state now (see `state_at`)."""
        return self.state_at()

    @property
    def revoked_cause_kind(self) -> str | None:
        """The cause without its id (``regrade``, ``override``, ``rescore``, ``result``)."""
        return self.revoked_cause.split(":", 1)[0] if self.revoked_cause else None


class CertificatePolicy(db.Model):
    """How long certificates of one course or path stay valid."""

    __tablename__ = "exam_certificate_policies"
    __table_args__ = (
        UniqueConstraint("subject_kind", "subject_id",
                         name="uq_exam_certificate_policies_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(8))
    subject_id: Mapped[int]
    #: Days from issue until expiry.
    validity_days: Mapped[int]
