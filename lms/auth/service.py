"""Sign-in, password hashing and throttling of repeated failures."""

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import delete, func, select

from lms.auth.models import LoginFailure, User, utcnow
from lms.extensions import db

_hasher = PasswordHasher()
#: Verified against when the user is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the stored argon2 hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class LoginOutcome(Enum):
    """Why a sign-in succeeded or failed; the view turns it into a message."""

    OK = "ok"
    UNKNOWN_USER = "unknown_user"
    WRONG_PASSWORD = "wrong_password"
    INACTIVE = "inactive"
    ACCOUNT_THROTTLED = "account_throttled"
    ADDRESS_THROTTLED = "address_throttled"


@dataclass(frozen=True)
class LoginResult:
    """Outcome of one sign-in attempt; ``user`` is set only on success."""

    outcome: LoginOutcome
    user: User | None = None
    retry_after_minutes: int = 0


def _failures_since(column, value, since) -> tuple[int, object]:
    row = db.session.execute(
        select(func.count(LoginFailure.id), func.min(LoginFailure.at)).where(
            column == value, LoginFailure.at >= since
        )
    ).one()
    return row[0], row[1]


def _throttle(username: str, address: str) -> LoginResult | None:
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    since = utcnow() - window
    checks = (
        (LoginFailure.username, username, config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
         LoginOutcome.ACCOUNT_THROTTLED),
        (LoginFailure.address, address, config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
         LoginOutcome.ADDRESS_THROTTLED),
    )
    for column, value, limit, outcome in checks:
        count, oldest = _failures_since(column, value, since)
        if count >= limit:
            remaining = (oldest + window) - utcnow()
            minutes = max(1, int(remaining.total_seconds() // 60) + 1)
            return LoginResult(outcome, retry_after_minutes=minutes)
    return None


def _record_failure(username: str, address: str) -> None:
    db.session.add(LoginFailure(username=username, address=address))
    db.session.commit()


def authenticate(username: str, password: str, address: str) -> LoginResult:
    """Check credentials, counting failures per account and per client address."""
    username = username.strip().lower()
    throttled = _throttle(username, address)
    if throttled is not None:
        return throttled
    user = db.session.scalar(select(User).where(func.lower(User.username) == username))
    if user is None:
        verify_password(_DUMMY_HASH, password)
        _record_failure(username, address)
        return LoginResult(LoginOutcome.UNKNOWN_USER)
    if not verify_password(user.password_hash, password):
        _record_failure(username, address)
        return LoginResult(LoginOutcome.WRONG_PASSWORD)
    if not user.active:
        return LoginResult(LoginOutcome.INACTIVE)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    db.session.commit()
    return LoginResult(LoginOutcome.OK, user=user)


def change_password(user: User, new_password: str) -> None:
    """Store a new password for ``user`` and clear any forced-change flag."""
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    db.session.commit()
