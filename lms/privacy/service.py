"""Erasure requests, the anonymisation an approval performs, and recording retention.

Erasure keeps statistics and removes identity: the person's attempts, scores, completions,
certificates (as rows), KPI months and survey ratings stay, linked to an anonymous account;
their name, user name, employee number, e-mail, hire date, sessions, notices, survey
comments and role-play recordings go, and earlier audit events about them lose the
identity they held. The account can no longer sign in. Every step is an audit event.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import secrets
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from lms.audit.service import ERASED, record, scrub_person
from lms.auth.models import User, utcnow
from lms.auth.service import hash_password
from lms.extensions import db
from lms.privacy.models import ErasureRequest
from lms.settings import service as settings

log = logging.getLogger("lms.privacy")


class PrivacyError(ValueError):
    """A request that cannot be made or decided; the message says why."""


def pending_request(user_id: int) -> ErasureRequest | None:
    """The person's erasure request waiting for a decision, if any."""
    return db.session.scalar(select(ErasureRequest).where(
        ErasureRequest.user_id == user_id, ErasureRequest.status == "pending"))


def requests_of(user_id: int) -> list[ErasureRequest]:
    """The person's erasure requests, newest first."""
    return list(db.session.scalars(select(ErasureRequest).where(
        ErasureRequest.user_id == user_id).order_by(ErasureRequest.id.desc())))


def is_erased(user: User) -> bool:
    """Whether the person's identity was erased."""
    return user.username == erased_username(user.id)


def erased_username(user_id: int) -> str:
    """The user name an erased account gets."""
    return f"erased-{user_id}"


def request_erasure(user: User, requested_by: User, reason: str = "") -> ErasureRequest:
    """Open an erasure request for ``user`` (by themselves or an administrator)."""
    if is_erased(user):
        raise PrivacyError(_("This person's identity has already been erased."))
    if pending_request(user.id) is not None:
        raise PrivacyError(_("An erasure request for this person is already waiting for a "
                             "decision."))
    erasure = ErasureRequest(user_id=user.id, requested_by_id=requested_by.id,
                             reason=(reason or "").strip()[:2000])
    db.session.add(erasure)
    db.session.flush()
    # No name in the event: the request's events must not keep the identity an erasure removes.
    record("erasure_request.requested", erasure,
           new={"user_id": user.id, "reason": erasure.reason})
    return erasure


def withdraw(erasure: ErasureRequest, by: User) -> None:
    """The person takes back their own waiting request."""
    if erasure.status != "pending":
        raise PrivacyError(_("Only a request waiting for a decision can be withdrawn."))
    erasure.status, erasure.decided_at, erasure.decided_by_id = "withdrawn", utcnow(), by.id
    record("erasure_request.withdrawn", erasure, old={"status": "pending"},
           new={"status": "withdrawn"})


def reject(erasure: ErasureRequest, admin: User, note: str) -> None:
    """Refuse a request, with a note the person can read."""
    if erasure.status != "pending":
        raise PrivacyError(_("This request was already decided."))
    if not (note or "").strip():
        raise PrivacyError(_("Note: say why the request is refused."))
    erasure.status, erasure.decided_at, erasure.decided_by_id = "rejected", utcnow(), admin.id
    erasure.decision_note = note.strip()[:2000]
    record("erasure_request.rejected", erasure, old={"status": "pending"},
           new={"status": "rejected", "note": erasure.decision_note})


def approve(erasure: ErasureRequest, admin: User, note: str = "") -> dict:
    """Approve a request and erase the person's identity now; returns what was removed."""
    if erasure.status != "pending":
        raise PrivacyError(_("This request was already decided."))
    if erasure.user_id == admin.id:
        raise PrivacyError(_("Another administrator must approve the erasure of your own "
                             "account."))
    erasure.status, erasure.decided_at, erasure.decided_by_id = "approved", utcnow(), admin.id
    erasure.decision_note = (note or "").strip()[:2000]
    removed = anonymise(erasure.user)
    record("erasure_request.approved", erasure, old={"status": "pending"},
           new={"status": "approved", **removed})
    return removed


# --- anonymisation ---------------------------------------------------------------------------

def _table(name: str):
    return db.metadata.tables.get(name)


def _scrub_json(value, employee_no: str):
    """A copy of ``value`` where dicts naming ``employee_no`` lose their identity fields."""
    if isinstance(value, list):
        return [_scrub_json(item, employee_no) for item in value]
    if isinstance(value, dict):
        if value.get("employee_no") == employee_no:
            return {k: (ERASED if k in ("name", "username", "employee_no", "email") and v
                        else _scrub_json(v, employee_no)) for k, v in value.items()}
        return {k: _scrub_json(v, employee_no) for k, v in value.items()}
    return value


def _scrub_jobs(employee_no: str) -> int:
    jobs = _table("jobs")
    if jobs is None:
        return 0
    changed = 0
    for row in db.session.execute(select(jobs.c.id, jobs.c.params_json, jobs.c.result_json)
                                  .where(jobs.c.params_json.contains(employee_no))):
        values = {}
        for column in ("params_json", "result_json"):
            text = getattr(row, column)
            if text:
                values[column] = json.dumps(_scrub_json(json.loads(text), employee_no),
                                            ensure_ascii=False)
        db.session.execute(update(jobs).where(jobs.c.id == row.id).values(**values))
        changed += 1
    return changed


def _delete_recordings(performance_ids_query) -> int:
    table = _table("roleplay_performances")
    if table is None or importlib.util.find_spec("lms.roleplay.recordings") is None:
        return 0
    recordings = importlib.import_module("lms.roleplay.recordings")
    rows = db.session.execute(select(table.c.id, table.c.recording_file).where(
        table.c.id.in_(performance_ids_query), table.c.recording_file.is_not(None))).all()
    for row in rows:
        recordings.recording_path(row.recording_file).unlink(missing_ok=True)
    if rows:
        db.session.execute(update(table).where(table.c.id.in_([r.id for r in rows]))
                           .values(recording_file=None, recording_type=None))
    return len(rows)


def _delete_notices(user_id: int) -> int:
    notices, deliveries = _table("notify_notifications"), _table("notify_deliveries")
    if notices is None:
        return 0
    ids = select(notices.c.id).where(notices.c.user_id == user_id)
    if deliveries is not None:
        db.session.execute(delete(deliveries).where(deliveries.c.notification_id.in_(ids)))
    return db.session.execute(delete(notices).where(notices.c.user_id == user_id)).rowcount


def anonymise(user: User) -> dict:
    """Remove ``user``'s identity, keep their results; returns counts of what was removed."""
    old_username, old_number = user.username, user.employee_no
    user.name = _("Erased person #%(id)d", id=user.id)
    user.username = erased_username(user.id)
    user.employee_no = f"ERASED-{user.id}"
    user.email = user.hired_on = user.locale = user.time_zone = None
    user.active, user.must_change_password = False, False
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # a password nobody knows
    db.session.flush()
    removed = {"sessions": 0, "notices": _delete_notices(user.id)}
    sessions = _table("user_sessions")
    removed["sessions"] = db.session.execute(
        delete(sessions).where(sessions.c.user_id == user.id)).rowcount
    throttles = _table("login_throttles")
    db.session.execute(delete(throttles).where(
        throttles.c.key.like(f"pair:{old_username}|%")))
    for name in ("calendar_feeds", "notify_preferences"):
        table = _table(name)
        if table is not None:
            db.session.execute(delete(table).where(table.c.user_id == user.id))
    performances = _table("roleplay_performances")
    if performances is not None:
        removed["recordings"] = _delete_recordings(
            select(performances.c.id).where(performances.c.trainee_id == user.id))
    surveys = _table("evaluation_survey_responses")
    if surveys is not None:
        db.session.execute(update(surveys).where(surveys.c.user_id == user.id)
                           .values(free_text={}))
    removed["jobs"] = _scrub_jobs(old_number)
    removed["audit_events"] = scrub_person(user.id, user.name, old_username)
    log.info("identity of user %s erased: %s", user.id, removed)
    return removed


# --- retention of recordings -------------------------------------------------------------------

def sweep_recordings(today: date | None = None) -> int:
    """Delete role-play recordings older than the retention setting; returns how many."""
    days = settings.recording_retention_days()
    table = _table("roleplay_performances")
    if days <= 0 or table is None:
        return 0
    limit = (today or utcnow().date()) - timedelta(days=days)
    count = _delete_recordings(select(table.c.id).where(table.c.performed_on < limit))
    if count:
        record("performance.recordings_swept", new={"count": count, "older_than_days": days,
                                                    "before": limit})
    db.session.commit()
    log.info("retention sweep: %d recording(s) older than %s removed", count, limit)
    return count
