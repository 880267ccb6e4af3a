"""Certificates for a passed course or a completed learning path.

The ``code`` is a random, unguessable verification code printed on the PDF; anyone may open
``/verify/<code>``. A certificate with ``expires_at`` must be renewed by recertifying;
``CertificatePolicy`` sets the validity period per course or path (none = never expires).
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User, utcnow
from lms.extensions import db


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
    revoked: Mapped[bool] = mapped_column(default=False)
    #: When the holder was told that it expires soon (recertification sweep).
    reminded_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


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
