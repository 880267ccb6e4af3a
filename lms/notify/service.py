"""Raising notifications, people's channel choices, the in-app list.

`notify` stores one notification per (person, kind, object, date bucket) and a delivery per
channel the person chose. E-mail and robot deliveries are handed to a background job once
the surrounding transaction commits (nothing is sent for work that was rolled back, and the
request that raised the event never waits for a mail server); see `lms.notify.jobs`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import event, func, select, update
from sqlalchemy.exc import IntegrityError

from lms.auth.models import User, utcnow
from lms.extensions import db
from lms.notify import channels
from lms.notify.kinds import KINDS
from lms.notify.models import (
    Delivery,
    DepartmentWebhook,
    Notification,
    NotificationPreference,
)

log = logging.getLogger("lms.notify")

_PENDING = "lms.notify.pending"


# --- preferences ---------------------------------------------------------------------------
def defaults(kind_key: str) -> dict[str, bool]:
    """The channels a kind uses for someone who chose nothing."""
    kind = KINDS[kind_key]
    return {"in_app": True, "email": kind.email_default == "now",
            "digest": kind.email_default == "digest", "webhook": True}


def preferences(user_id: int) -> dict[str, dict[str, bool]]:
    """``{kind: {channel: enabled}}`` for every kind, defaults filled in."""
    chosen = {kind: defaults(kind) for kind in KINDS}
    for row in db.session.scalars(select(NotificationPreference).where(
            NotificationPreference.user_id == user_id)):
        if row.kind in chosen:
            chosen[row.kind][row.channel] = row.enabled
    return chosen


def email_mode(choice: dict[str, bool]) -> str:
    """``off``, ``now`` or ``digest`` from one kind's channel choices."""
    if choice.get("digest"):
        return "digest"
    return "now" if choice.get("email") else "off"


def save_preferences(user_id: int, wanted: dict[str, dict[str, bool]]) -> None:
    """Store ``{kind: {channel: enabled}}`` (unknown kinds ignored); the caller commits."""
    existing = {(row.kind, row.channel): row for row in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id))}
    for kind, choice in wanted.items():
        if kind not in KINDS:
            continue
        for channel, enabled in choice.items():
            row = existing.get((kind, channel))
            if row is None:
                db.session.add(NotificationPreference(user_id=user_id, kind=kind,
                                                      channel=channel, enabled=bool(enabled)))
            else:
                row.enabled = bool(enabled)


def department_robots(department_id: int | None, kind_key: str | None = None) -> list:
    """The enabled robots of a department (relaying ``kind_key`` when given)."""
    if department_id is None:
        return []
    robots = db.session.scalars(select(DepartmentWebhook).where(
        DepartmentWebhook.department_id == department_id,
        DepartmentWebhook.enabled.is_(True)).order_by(DepartmentWebhook.provider))
    return [r for r in robots if kind_key is None or kind_key in (r.kinds or [])]


# --- raising -------------------------------------------------------------------------------
def dedupe_key(kind: str, user_id: int, obj: str, bucket: str) -> str:
    """``kind:user:object:bucket``, the identity of one event for one person."""
    return f"{kind}:{user_id}:{obj}:{bucket}"[:200]


def notify(user: User, kind: str, params: dict, *, obj: str, bucket: str,
           link: dict | None = None, now: datetime | None = None) -> Notification | None:
    """Tell ``user`` about an event once; None when it was told already (or cannot be).

    ``obj`` names the thing (``course:12``) and ``bucket`` the occasion (a date), so the same
    reminder raised again finds the first one. The caller commits; sending starts after.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if user is None or not user.active:
        return None
    key = dedupe_key(kind, user.id, obj, bucket)
    if db.session.scalar(select(Notification.id).where(Notification.dedupe_key == key)):
        return None
    now = now or utcnow()
    notification = Notification(user_id=user.id, kind=kind, params=params, link=link,
                                dedupe_key=key, created_at=now)
    notification.user = user
    try:
        with db.session.begin_nested():
            db.session.add(notification)
            _add_deliveries(notification, user, preferences(user.id)[kind], now)
    except IntegrityError:  # a parallel sweep stored the same event a moment ago
        log.info("notification %s was stored by another process", key)
        return None
    queued = [d.id for d in notification.deliveries if d.status == "queued"]
    if queued:
        db.session.info.setdefault(_PENDING, set()).update(queued)
    return notification


def _add_deliveries(notification: Notification, user: User, choice: dict, now) -> None:
    def add(channel, status, recipient="", **fields):
        notification.deliveries.append(Delivery(
            channel=channel, status=status, recipient=recipient[:254], created_at=now,
            next_attempt_at=now if status == "queued" else None, **fields))

    if choice["in_app"]:
        add("in_app", "sent", sent_at=now)
    mode = email_mode(choice)
    if mode == "now":
        if not user.email:
            add("email", "failed", error_code="no_address", error="no e-mail address")
        elif not channels.smtp_configured():
            add("email", "failed", user.email, error_code="smtp_unset",
                error="SMTP_HOST is not set")
        else:
            add("email", "queued", user.email)
    elif mode == "digest":
        if user.email:
            add("digest", "waiting", user.email)
        else:
            add("digest", "failed", error_code="no_address", error="no e-mail address")
    if choice["webhook"]:
        for robot in department_robots(user.department_id, notification.kind):
            add(robot.provider, "queued", robot.department.name, webhook=robot)
    db.session.flush()


def take_pending(session) -> list[int]:
    """The queued delivery ids raised in ``session`` since the last commit, forgotten."""
    return sorted(session.info.pop(_PENDING, ()))


@event.listens_for(db.session, "after_commit")
def _dispatch_after_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the outer transaction still may roll back
    pending = take_pending(session)
    if pending:
        from lms.notify import jobs

        jobs.dispatch(pending)


@event.listens_for(db.session, "after_soft_rollback")
def _forget_after_rollback(session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)


# --- the in-app list ------------------------------------------------------------------------
def _in_app(user_id: int):
    shown_in_app = select(Delivery.notification_id).where(Delivery.channel == "in_app")
    return select(Notification).where(Notification.user_id == user_id,
                                      Notification.id.in_(shown_in_app))


def inbox_query(user_id: int, unread_only: bool = False):
    """The person's in-app notices, newest first."""
    query = _in_app(user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def unread_count(user_id: int) -> int:
    """How many in-app notices the person has not read."""
    query = _in_app(user_id).where(Notification.read_at.is_(None))
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def own_notification(notification_id: int, user_id: int) -> Notification | None:
    """The notification if it belongs to ``user_id`` (else None: never another's)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        return None
    return notification


def mark_read(notification: Notification, now: datetime | None = None) -> None:
    """Mark one notice read (kept as first read); the caller commits."""
    if notification.read_at is None:
        notification.read_at = now or utcnow()


def mark_all_read(user_id: int, now: datetime | None = None) -> int:
    """Mark every unread notice of the person read; returns how many."""
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).values(
            read_at=now or utcnow()))
    return result.rowcount or 0


def prune(older_than_days: int = 365, now: datetime | None = None) -> int:
    """Delete read notices (and their deliveries) older than ``older_than_days``."""
    limit = (now or utcnow()) - timedelta(days=older_than_days)
    old = list(db.session.scalars(select(Notification).where(
        Notification.read_at.is_not(None), Notification.created_at < limit)))
    for notification in old:
        db.session.delete(notification)
    return len(old)
