"""Server-side sessions: every signed-in browser is a row that can be ended.

The signed session cookie carries only a random token; its SHA-256 is the key of a
:class:`~lms.auth.models.UserSession` row. A request is signed in only while that row exists,
belongs to an active user, is not revoked and has not expired. So a copied cookie stops working
the moment its owner signs out, an administrator deactivates the account or resets the
password, or the owner changes the password or signs out everywhere; and a forged cookie
(even one signed with a leaked key) names no session that exists.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from flask import current_app, request, session
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from lms.auth.models import User, UserSession, utcnow
from lms.extensions import db

log = logging.getLogger("lms.auth")

SESSION_KEY = "sid"
#: ``last_seen_at`` is written at most this often, so reading pages costs no write each time.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _idle() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def _remember() -> timedelta:
    return timedelta(days=current_app.config["REMEMBER_DAYS"])


def start(user: User, *, remember: bool) -> UserSession:
    """Open a session for ``user`` in this browser and put its token in the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = UserSession(
        token_hash=_hash(token), user_id=user.id, created_at=now, last_seen_at=now,
        remember=remember, expires_at=now + (_remember() if remember else _idle()),
        user_agent=(request.user_agent.string or "")[:200],
        address=(request.remote_addr or "")[:64],
    )
    db.session.add(row)
    session.clear()
    session[SESSION_KEY] = token
    session.permanent = remember
    return row


def current() -> UserSession | None:
    """The valid session row of this request, or None (expired, revoked or unknown)."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return None
    row = db.session.scalar(select(UserSession).options(joinedload(UserSession.user))
                            .where(UserSession.token_hash == _hash(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        if not row.remember:
            row.expires_at = now + _idle()
        db.session.commit()
    return row


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the session's user, only while session and account hold."""
    row = current()
    if row is None or str(row.user_id) != user_id:
        return None
    user = row.user
    if not user.active:
        return None
    return user


def end_current(reason: str = "logout") -> None:
    """Revoke this browser's session (sign out)."""
    token = session.get(SESSION_KEY)
    if isinstance(token, str) and token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _hash(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_reason=reason)
        )
    session.clear()


def end_all(user: User, reason: str, *, keep_current: bool = False) -> int:
    """Revoke every open session of ``user`` (optionally not this browser's); returns count."""
    query = update(UserSession).where(UserSession.user_id == user.id,
                                      UserSession.revoked_at.is_(None))
    token = session.get(SESSION_KEY) if keep_current else None
    if isinstance(token, str) and token:
        query = query.where(UserSession.token_hash != _hash(token))
    result = db.session.execute(query.values(revoked_at=utcnow(), revoked_reason=reason))
    log.info("ended %d session(s) of user %s: %s", result.rowcount, user.id, reason)
    return result.rowcount


def end_one(user: User, session_id: int) -> bool:
    """Revoke one of ``user``'s own sessions by its row id; False when it is not theirs."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.user_id == user.id,
               UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason="everywhere")
    )
    return result.rowcount == 1


def open_sessions(user: User) -> list[UserSession]:
    """``user``'s sessions that are still valid, most recently used first."""
    return list(db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None),
               UserSession.expires_at > utcnow())
        .order_by(UserSession.last_seen_at.desc())
    ))


def current_id() -> int | None:
    """The row id of this browser's session (to mark it on the sessions page)."""
    row = current()
    return row.id if row else None


#: (marker in the user-agent string, name shown), first match wins: in-app browsers first.
_BROWSERS = (("MicroMessenger", "WeChat"), ("DingTalk", "DingTalk"), ("wxwork", "WeCom"),
             ("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux"))


def device_label(user_agent: str) -> str:
    """"Chrome · Windows" from a user-agent string; "" when nothing is recognised."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    return " · ".join(part for part in (browser, system) if part)


def purge_expired(older_than_days: int = 30) -> int:
    """Delete session rows that ended more than ``older_than_days`` ago; returns count."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    rows = db.session.scalars(select(UserSession).where(
        (UserSession.expires_at < cutoff) | (UserSession.revoked_at < cutoff))).all()
    for row in rows:
        db.session.delete(row)
    db.session.commit()
    return len(rows)
