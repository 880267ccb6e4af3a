"""Certificates: issued on ``course_completed`` / ``path_completed``, verified in public.

Rules:
- One valid certificate per person and subject: a repeated signal issues nothing new, but a
  completion while the current certificate expires within ``RENEWAL_WINDOW`` (or has
  expired) issues a fresh one (recertification).
- The validity period comes from the subject's ``CertificatePolicy`` (none = no expiry).
- ``due_for_recertification`` lists certificates expiring within ``RENEWAL_WINDOW`` that no
  newer certificate replaces: the course goes back on the person's list before it lapses.
- The subject title comes from the signal's optional ``title`` keyword ({zh, en}); without
  it, from ``lms.courses.service.course_title(id)`` / ``path_title(id)`` when that service
  exists, else a neutral "Course #id".
"""

from __future__ import annotations

import importlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from lms import signals
from lms.auth.models import User, utcnow
from lms.exams.models import Certificate, CertificatePolicy
from lms.extensions import db

RENEWAL_WINDOW = timedelta(days=30)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
_TITLE_LOOKUPS = {"course": ("lms.courses.service", "course_title"),
                  "path": ("lms.courses.service", "path_title")}


def new_code() -> str:
    """A random verification code like ``K7QX-3MZP-9TRA``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def subject_title(kind: str, subject_id: int, given: dict | None = None) -> dict:
    """The course or path title ({zh, en}) for a certificate."""
    if given:
        return dict(given)
    module_name, function = _TITLE_LOOKUPS[kind]
    try:
        title = getattr(importlib.import_module(module_name), function)(subject_id)
    except Exception:  # noqa: BLE001 - a missing title must never block a certificate
        title = None
    if title:
        return title if isinstance(title, dict) else {"zh": str(title), "en": str(title)}
    return {"zh": f"{'课程' if kind == 'course' else '学习路径'} #{subject_id}",
            "en": f"{'Course' if kind == 'course' else 'Learning path'} #{subject_id}"}


def validity_days(kind: str, subject_id: int) -> int | None:
    """Days a certificate of this subject stays valid (None = forever)."""
    policy = db.session.scalar(select(CertificatePolicy).where(
        CertificatePolicy.subject_kind == kind, CertificatePolicy.subject_id == subject_id))
    return policy.validity_days if policy else None


def set_validity(kind: str, subject_id: int, days: int | None) -> None:
    """Set (or clear with None) the validity period of a course's or path's certificates."""
    policy = db.session.scalar(select(CertificatePolicy).where(
        CertificatePolicy.subject_kind == kind, CertificatePolicy.subject_id == subject_id))
    if days is None:
        if policy is not None:
            db.session.delete(policy)
        return
    if policy is None:
        policy = CertificatePolicy(subject_kind=kind, subject_id=subject_id, validity_days=days)
        db.session.add(policy)
    policy.validity_days = days


def current_certificate(user_id: int, kind: str, subject_id: int) -> Certificate | None:
    """The newest unrevoked certificate of a person for a subject."""
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.subject_kind == kind,
        Certificate.subject_id == subject_id, Certificate.revoked.is_(False))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(1))


def issue(user_id: int, kind: str, subject_id: int, at: datetime | None = None,
          title: dict | None = None) -> Certificate | None:
    """Issue a certificate unless a current one is still well within its validity."""
    at = _naive_utc(at or utcnow())
    existing = current_certificate(user_id, kind, subject_id)
    if existing is not None and (existing.expires_at is None
                                 or existing.expires_at - at > RENEWAL_WINDOW):
        return None
    days = validity_days(kind, subject_id)
    certificate = Certificate(
        code=new_code(), user_id=user_id, subject_kind=kind, subject_id=subject_id,
        subject_title=subject_title(kind, subject_id, title), issued_at=at,
        expires_at=at + timedelta(days=days) if days else None)
    db.session.add(certificate)
    db.session.flush()
    return certificate


def _naive_utc(moment: datetime) -> datetime:
    # Stored datetimes are naive UTC; a sender may pass an aware one.
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _on_course_completed(sender, user_id, course_id, at=None, title=None, **_):
    issue(user_id, "course", course_id, at, title)


def _on_path_completed(sender, user_id, path_id, at=None, title=None, **_):
    issue(user_id, "path", path_id, at, title)


def connect() -> None:
    """Listen to completions (idempotent: blinker keeps one connection per receiver)."""
    signals.course_completed.connect(_on_course_completed)
    signals.path_completed.connect(_on_path_completed)


def by_code(code: str) -> Certificate | None:
    """The certificate with ``code`` (case-insensitive), if any."""
    return db.session.scalar(select(Certificate).where(Certificate.code == code.upper()))


def is_valid(certificate: Certificate, now: datetime | None = None) -> bool:
    """Not revoked and not expired."""
    now = now or utcnow()
    return not certificate.revoked and (certificate.expires_at is None
                                        or certificate.expires_at > now)


def certificates_of(user_id: int) -> list[Certificate]:
    """A person's certificates, newest first."""
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                                   .order_by(Certificate.issued_at.desc())))


@dataclass
class Renewal:
    """A certificate that expires soon: its subject goes back on the holder's list."""

    certificate: Certificate
    days_left: int


def due_for_recertification(user_id: int | None = None,
                            now: datetime | None = None) -> list[Renewal]:
    """Certificates expiring within the renewal window and not yet replaced."""
    now = now or utcnow()
    query = select(Certificate).where(Certificate.revoked.is_(False),
                                      Certificate.expires_at.is_not(None),
                                      Certificate.expires_at <= now + RENEWAL_WINDOW)
    if user_id is not None:
        query = query.where(Certificate.user_id == user_id)
    due = []
    for certificate in db.session.scalars(query.order_by(Certificate.expires_at)):
        newest = current_certificate(certificate.user_id, certificate.subject_kind,
                                     certificate.subject_id)
        if newest is not None and newest.id == certificate.id:
            due.append(Renewal(certificate, (certificate.expires_at - now).days))
    return due


def sweep(now: datetime | None = None) -> list[Renewal]:
    """Mark newly due renewals as reminded (CLI/periodic); returns those newly marked."""
    now = now or utcnow()
    fresh = [r for r in due_for_recertification(None, now) if r.certificate.reminded_at is None]
    for renewal in fresh:
        renewal.certificate.reminded_at = now
    db.session.commit()
    return fresh


def pdf_context(certificate: Certificate) -> dict:
    """Plain data for the certificate PDF template."""
    return {"holder": certificate.user.name, "employee_no": certificate.user.employee_no,
            "title": certificate.subject_title, "kind": certificate.subject_kind,
            "code": certificate.code, "issued": certificate.issued_at.date().isoformat(),
            "expires": certificate.expires_at.date().isoformat()
            if certificate.expires_at else None}


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as a PDF (Chinese in the embedded CJK font)."""
    from lms.reports.pdf import render_pdf

    return render_pdf("exams/certificate_pdf.html", pdf_context(certificate))


def cohort_zip(department_id: int | None) -> tuple[bytes, int]:
    """One ZIP with the PDF of every valid certificate of a department (or everyone)."""
    query = select(Certificate).join(User).where(Certificate.revoked.is_(False))
    if department_id:
        query = query.where(User.department_id == department_id)
    chosen = [c for c in db.session.scalars(query.order_by(User.employee_no)) if is_valid(c)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in chosen:
            name = f"{certificate.user.employee_no}-{certificate.code}.pdf"
            archive.writestr(name, certificate_pdf(certificate))
    return buffer.getvalue(), len(chosen)
