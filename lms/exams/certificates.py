"""Certificates: issued on completion, revoked when it no longer holds, renewed in cycles.

Rules:
- One current certificate per person and subject (current = not revoked, not superseded):
  a repeated completion signal issues nothing new, but a completion while the current
  certificate expires within ``RENEWAL_WINDOW`` (or has expired) issues a fresh one and marks
  the old one ``superseded_by`` the new one (recertification).
- A withdrawn course or path completion (``course_completion_withdrawn`` /
  ``path_completion_withdrawn``: a regrade, an override or a revised score took a pass away)
  revokes the current certificate with the reason and cause; when the completion holds again,
  ``course_completed`` issues a new one. Rows are never deleted: ``chain_of`` gives the
  whole history for the public verification page.
- The validity period comes from the subject's ``CertificatePolicy`` (none = no expiry).
- In a renewal cycle an exam counts only the attempts made after the cycle start (answered
  through ``result_in_cycle``), by the exam's grading method: an old pass does not renew.
- Renewal opens ``RENEWAL_WINDOW`` before expiry (at issue, for a validity shorter than
  the window); ``certificate_issued`` tells the courses feature when, so the course reopens
  for the holder then. ``due_for_recertification`` lists current certificates inside the
  window or expired.
- The subject title comes from the signal's optional ``title`` keyword ({zh, en}); without
  it, from ``lms.courses.service.course_title(id)`` / ``path_title(id)`` when that service
  exists, else a neutral "Course #id".
"""

from __future__ import annotations

import importlib
import io
import logging
import secrets
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import format_datetime
from sqlalchemy import select

from lms import signals
from lms.auth.models import User, utcnow
from lms.exams import exam_service, grading
from lms.exams.models import Certificate, CertificatePolicy, Exam, GradingMethod
from lms.exams.models.certificate import REVOKE_REASONS
from lms.extensions import db

log = logging.getLogger("lms.exams")

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
    except (ImportError, AttributeError):  # no title service: a neutral title will do
        log.info("no %s.%s for the certificate title of %s %s", module_name, function, kind,
                 subject_id)
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


@dataclass(frozen=True)
class Subject:
    """A course or learning path certificates can be issued for, with its validity."""

    kind: str
    id: int
    title: dict
    validity_days: int | None

    @property
    def value(self) -> str:
        """The form value naming it (never shown)."""
        return f"{self.kind}:{self.id}"


def subjects() -> list[Subject]:
    """Every path and course (from the courses feature, when there is one), with the
    validity period its certificates have now."""
    try:
        listing = importlib.import_module("lms.courses.service").certificate_subjects()
    except (ImportError, AttributeError):
        log.info("no lms.courses.service.certificate_subjects: no subjects to list")
        return []
    policies = {(p.subject_kind, p.subject_id): p.validity_days
                for p in db.session.scalars(select(CertificatePolicy))}
    return [Subject(kind, subject_id, title, policies.get((kind, subject_id)))
            for kind, subject_id, title in listing]


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


def _current(query):
    return query.where(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None))


def current_certificate(user_id: int, kind: str, subject_id: int) -> Certificate | None:
    """The newest certificate of a person for a subject that is neither revoked nor renewed."""
    return db.session.scalar(_current(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.subject_kind == kind,
        Certificate.subject_id == subject_id))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(1))


def renewal_opens_at(certificate: Certificate) -> datetime | None:
    """When recertification opens: ``RENEWAL_WINDOW`` before expiry, never before issue."""
    if certificate.expires_at is None:
        return None
    return max(certificate.expires_at - RENEWAL_WINDOW, certificate.issued_at)


def issue(user_id: int, kind: str, subject_id: int, at: datetime | None = None,
          title: dict | None = None) -> Certificate | None:
    """Issue a certificate unless a current one is still well within its validity.

    A current certificate inside its renewal window (or expired) is superseded by the new
    one. Sends ``certificate_issued``.
    """
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
    if existing is not None:
        existing.superseded_by = certificate
        db.session.flush()
    signals.certificate_issued.send(
        "certificate", user_id=user_id, subject_kind=kind, subject_id=subject_id,
        code=certificate.code, expires_at=certificate.expires_at,
        renewal_opens_at=renewal_opens_at(certificate),
        supersedes=existing.code if existing is not None else None)
    return certificate


def revoke(certificate: Certificate, reason: str, cause: str | None = None,
           at: datetime | None = None) -> bool:
    """Revoke ``certificate`` with a reason from ``REVOKE_REASONS``; False if already revoked."""
    if reason not in REVOKE_REASONS:
        raise ValueError(f"unknown revoke reason {reason!r}")
    if certificate.revoked_at is not None:
        return False
    certificate.revoked_at = _naive_utc(at or utcnow())
    certificate.revoked_reason, certificate.revoked_cause = reason, (cause or None)
    db.session.flush()
    return True


def revoke_current(user_id: int, kind: str, subject_id: int, reason: str,
                   cause: str | None = None, at: datetime | None = None) -> list[Certificate]:
    """Revoke the person's current certificate(s) for a subject; returns those revoked."""
    current = db.session.scalars(_current(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.subject_kind == kind,
        Certificate.subject_id == subject_id)).order_by(Certificate.id)).all()
    return [c for c in current if revoke(c, reason, cause, at)]


def _naive_utc(moment: datetime) -> datetime:
    # Stored datetimes are naive UTC; a sender may pass an aware one.
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _issued_answer(certificate: Certificate | None) -> dict:
    """What a completion receiver answers: the certificate issued and the one it replaced."""
    if certificate is None:
        return {"certificates": []}
    done = [{"code": certificate.code, "action": "issued"}]
    replaced = db.session.scalars(select(Certificate).where(
        Certificate.superseded_by_id == certificate.id)).all()
    return {"certificates": done + [{"code": c.code, "action": "superseded"} for c in replaced]}


def _revoked_answer(revoked: list[Certificate]) -> dict:
    return {"certificates": [{"code": c.code, "action": "revoked"} for c in revoked]}


def _on_course_completed(sender, user_id, course_id, at=None, title=None, **_):
    return _issued_answer(issue(user_id, "course", course_id, at, title))


def _on_path_completed(sender, user_id, path_id, at=None, title=None, **_):
    return _issued_answer(issue(user_id, "path", path_id, at, title))


def _on_course_withdrawn(sender, user_id, course_id, at=None, cause=None, **_):
    return _revoked_answer(revoke_current(user_id, "course", course_id,
                                          "completion_withdrawn", cause, at))


def _on_path_withdrawn(sender, user_id, path_id, at=None, cause=None, **_):
    return _revoked_answer(revoke_current(user_id, "path", path_id, "path_withdrawn", cause,
                                          at))


def renewal_exam_result(exam: Exam, user_id: int, since: datetime) -> tuple:
    """``(passed, score)`` of the person at ``exam`` by its grading method, counting only the
    attempts submitted after ``since`` (a recertification cycle); (None, None) before any."""
    scores = [attempt.score or 0.0 for attempt in grading.finished_attempts(exam, user_id)
              if attempt.submitted_at is not None and attempt.submitted_at > since]
    if not scores:
        return None, None
    if exam.grading_method == GradingMethod.LAST:
        score = scores[-1]
    elif exam.grading_method == GradingMethod.AVERAGE:
        score = sum(scores) / len(scores)
    else:
        score = max(scores)
    return score + grading.PASS_EPSILON >= exam.pass_mark, score


def _on_result_in_cycle(sender, *, user_id, ref, since, **_):
    """Answer ``result_in_cycle`` for ``exam:`` references (None for anything else)."""
    if sender != "exam" or not ref.startswith("exam:"):
        return None
    exam = exam_service.exam_by_slug(ref.split(":", 1)[1])
    return renewal_exam_result(exam, user_id, _naive_utc(since)) if exam else None


def connect() -> None:
    """Listen to completions and withdrawals, and answer renewal-cycle exam results
    (idempotent: blinker keeps one connection per receiver)."""
    signals.course_completed.connect(_on_course_completed)
    signals.path_completed.connect(_on_path_completed)
    signals.course_completion_withdrawn.connect(_on_course_withdrawn)
    signals.path_completion_withdrawn.connect(_on_path_withdrawn)
    signals.result_in_cycle.connect(_on_result_in_cycle)


def by_code(code: str) -> Certificate | None:
    """The certificate with ``code`` (case-insensitive), if any."""
    return db.session.scalar(select(Certificate).where(Certificate.code == code.upper()))


def is_valid(certificate: Certificate, now: datetime | None = None) -> bool:
    """Not revoked, not replaced by a renewal and not expired."""
    return certificate.state_at(now) == "valid"


def state_of(certificate: Certificate, now: datetime | None = None) -> str:
    """``valid``, ``revoked``, ``superseded`` or ``expired`` (what the pages say)."""
    return certificate.state_at(now)


def chain_of(certificate: Certificate) -> list[Certificate]:
    """Every certificate of the same holder and subject, first issued first (the history)."""
    return list(db.session.scalars(select(Certificate).where(
        Certificate.user_id == certificate.user_id,
        Certificate.subject_kind == certificate.subject_kind,
        Certificate.subject_id == certificate.subject_id)
        .order_by(Certificate.issued_at, Certificate.id)))


def certificates_of(user_id: int) -> list[Certificate]:
    """A person's certificates, newest first."""
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                                   .order_by(Certificate.issued_at.desc(),
                                             Certificate.id.desc())))


@dataclass
class Renewal:
    """A certificate that expires soon: its subject goes back on the holder's list."""

    certificate: Certificate
    days_left: int


def due_for_recertification(user_id: int | None = None,
                            now: datetime | None = None) -> list[Renewal]:
    """Current certificates inside the renewal window or expired (not yet renewed)."""
    now = now or utcnow()
    query = _current(select(Certificate).where(Certificate.expires_at.is_not(None),
                                               Certificate.expires_at <= now + RENEWAL_WINDOW))
    if user_id is not None:
        query = query.where(Certificate.user_id == user_id)
    return [Renewal(certificate, (certificate.expires_at - now).days) for certificate
            in db.session.scalars(query.order_by(Certificate.expires_at, Certificate.id))]


def sweep(now: datetime | None = None) -> list[Renewal]:
    """Mark newly due renewals as reminded (CLI/periodic); returns those newly marked."""
    now = now or utcnow()
    fresh = [r for r in due_for_recertification(None, now) if r.certificate.reminded_at is None]
    for renewal in fresh:
        renewal.certificate.reminded_at = now
    db.session.commit()
    return fresh


def pdf_context(certificate: Certificate) -> dict:
    """Plain data for the certificate PDF template (dates in the local time zone), with the
    full verification address on ``SITE_URL`` and its QR code."""
    from lms.reports.pdf import absolute_url, qr_data_uri

    verify_url = absolute_url("exams.verify", code=certificate.code)
    return {"verify_url": verify_url, "verify_qr": qr_data_uri(verify_url),
            "holder": certificate.user.name, "employee_no": certificate.user.employee_no,
            "title": certificate.subject_title, "kind": certificate.subject_kind,
            "code": certificate.code, "issued": _local_date(certificate.issued_at),
            "expires": _local_date(certificate.expires_at) if certificate.expires_at else None,
            "state": state_of(certificate)}


def _local_date(moment: datetime) -> str:
    return format_datetime(moment, "yyyy-MM-dd")


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as a PDF (Chinese in the embedded CJK font)."""
    from lms.reports.pdf import render_pdf

    return render_pdf("exams/certificate_pdf.html", pdf_context(certificate))


def cohort_zip(department_id: int | None) -> tuple[bytes, int]:
    """One ZIP with the PDF of every valid certificate of a department (or everyone)."""
    query = _current(select(Certificate).join(User))
    if department_id:
        query = query.where(User.department_id == department_id)
    chosen = [c for c in db.session.scalars(query.order_by(User.employee_no)) if is_valid(c)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in chosen:
            name = f"{certificate.user.employee_no}-{certificate.code}.pdf"
            archive.writestr(name, certificate_pdf(certificate))
    return buffer.getvalue(), len(chosen)
