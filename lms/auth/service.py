"""Sign-in, password hashing and throttling of repeated failures.

Throttling follows OWASP's advice against both guessing and lock-out abuse:

- per account+address *pair*: the first ``LOGIN_FREE_FAILURES`` failures cost nothing; after
  that each failure doubles a wait (30 s, 1 min, 2 min ... up to 15 min) during which that
  pair's passwords are not checked. Someone guessing a colleague's password slows only
  themselves: the owner signs in from their own address as usual.
- per *address*: after ``LOGIN_MAX_FAILURES_PER_ADDRESS`` failures inside the window, the
  address may only sign in to accounts that signed in correctly from it before. A call-center
  floor behind one NAT address keeps working while password spraying from it stops.
- a password is checked only after one atomic conditional UPDATE has claimed the attempt, so
  parallel guesses cannot slip past the limit; an administrator can lift any lock.

Unknown user names and wrong passwords get the same answer, so names cannot be enumerated;
sign-in works with the user name or the employee number.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lms.auth import sessions
from lms.auth.models import LoginThrottle, User, utcnow
from lms.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH  # noqa: F401
from lms.extensions import db

log = logging.getLogger("lms.auth")


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def _hasher() -> PasswordHasher:
    if not has_app_context():
        return _hasher_for(3, 64 * 1024, 4)
    config = current_app.config
    return _hasher_for(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"],
                       config["ARGON2_PARALLELISM"])


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verified against when the user is unknown, so both paths cost the same time."""
    return hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the stored argon2 hash."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class LoginOutcome(Enum):
    """Why a sign-in succeeded or failed; the view turns it into a message."""

    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    INACTIVE = "inactive"
    PAIR_THROTTLED = "pair_throttled"
    ADDRESS_THROTTLED = "address_throttled"


@dataclass(frozen=True)
class LoginResult:
    """Outcome of one sign-in attempt; ``user`` is set only on success."""

    outcome: LoginOutcome
    user: User | None = None
    retry_after_seconds: int = 0

    @property
    def retry_after_minutes(self) -> int:
        """The wait rounded up to whole minutes (at least one)."""
        return max(1, -(-self.retry_after_seconds // 60))


def pair_key(username: str, address: str) -> str:
    """Throttle key of one account+address pair."""
    return f"pair:{username[:64]}|{address[:64]}"


def address_key(address: str) -> str:
    """Throttle key of one client address."""
    return f"addr:{address[:64]}"


def _ensure_row(key: str) -> None:
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(LoginThrottle.__table__).values(key=key, failures=0)
                       .on_conflict_do_nothing(index_elements=["key"]))


def _claim(key: str, window: timedelta) -> int | None:
    """Atomically count one attempt on ``key``; its number, or None when it must wait.

    The first ``LOGIN_FREE_FAILURES`` attempts of a window pass freely. Later ones pass only
    once the wait set by the last failure is over, and take a provisional lock at once, so of
    many parallel requests at most one gets its password checked.
    """
    config = current_app.config
    now = utcnow()
    table = LoginThrottle.__table__
    c = table.c
    fresh = or_(c.first_failure_at.is_(None), c.first_failure_at < now - window)
    free = c.failures < config["LOGIN_FREE_FAILURES"]
    waited = and_(c.locked_until.is_not(None), c.locked_until <= now)
    provisional = now + timedelta(seconds=config["LOGIN_MAX_DELAY_SECONDS"])
    _ensure_row(key)
    statement = (
        update(table)
        .where(c.key == key, or_(fresh, free, waited))
        .values(
            failures=case((fresh, 1), else_=c.failures + 1),
            first_failure_at=case((fresh, now), else_=c.first_failure_at),
            last_failure_at=now,
            locked_until=case((fresh, None), (free, c.locked_until), else_=provisional),
        )
        .returning(c.failures)
    )
    claimed = db.session.execute(statement).scalar()
    db.session.commit()
    return claimed


def _wait_seconds(key: str) -> int:
    row = db.session.get(LoginThrottle, key, populate_existing=True)
    if row is None or row.locked_until is None:
        return 60  # parallel attempts still being checked: a short, honest wait
    return max(1, int((row.locked_until - utcnow()).total_seconds() + 0.999))


def _known_pair(row: LoginThrottle | None) -> bool:
    days = current_app.config["LOGIN_KNOWN_PAIR_DAYS"]
    return bool(row and row.last_success_at
                and row.last_success_at >= utcnow() - timedelta(days=days))


def _address_busy(address: str, window: timedelta) -> int:
    """Seconds until ``address`` is under its failure limit again (0 when it is)."""
    row = db.session.get(LoginThrottle, address_key(address))
    now = utcnow()
    if (row is None or row.first_failure_at is None or row.first_failure_at < now - window
            or row.failures < current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        return 0
    return max(1, int((row.first_failure_at + window - now).total_seconds()) + 1)


def find_user(login: str) -> User | None:
    """The account whose user name or employee number is ``login`` (case-insensitive)."""
    login = login.strip().lower()
    return db.session.scalars(select(User).where(or_(
        func.lower(User.username) == login, func.lower(User.employee_no) == login))
        .order_by((func.lower(User.username) == login).desc())).first()


def _delay_after(failures: int) -> int:
    config = current_app.config
    extra = failures - config["LOGIN_FREE_FAILURES"]
    if extra < 0:
        return 0
    return min(config["LOGIN_DELAY_SECONDS"] * 2 ** min(extra, 20),
               config["LOGIN_MAX_DELAY_SECONDS"])


def authenticate(login: str, password: str, address: str) -> LoginResult:
    """Check credentials with per-pair progressive delays and a per-address limit."""
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    user = find_user(login)
    # Throttle by the account's user name, whichever identifier was typed.
    name = user.username if user else login.strip().lower()
    key = pair_key(name, address)
    busy = _address_busy(address, window)
    if busy and not _known_pair(db.session.get(LoginThrottle, key)):
        return LoginResult(LoginOutcome.ADDRESS_THROTTLED, retry_after_seconds=busy)
    number = _claim(key, window)
    if number is None:
        return LoginResult(LoginOutcome.PAIR_THROTTLED, retry_after_seconds=_wait_seconds(key))
    hasher = _hasher()
    if user is None:
        verify_password(_dummy_hash(hasher), password)
        return _failed(key, number, address, window)
    if not verify_password(user.password_hash, password):
        return _failed(key, number, address, window)
    _succeeded(key)
    if not user.active:
        return LoginResult(LoginOutcome.INACTIVE)
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return LoginResult(LoginOutcome.OK, user=user)


def _failed(key: str, number: int, address: str, window: timedelta) -> LoginResult:
    delay = _delay_after(number)
    db.session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(
        locked_until=utcnow() + timedelta(seconds=delay) if delay else None))
    db.session.commit()
    _claim_address(address, window)
    log.info("failed sign-in %d for %s", number, key)
    return LoginResult(LoginOutcome.BAD_CREDENTIALS)


def _claim_address(address: str, window: timedelta) -> None:
    now = utcnow()
    c = LoginThrottle.__table__.c
    fresh = or_(c.first_failure_at.is_(None), c.first_failure_at < now - window)
    _ensure_row(address_key(address))
    db.session.execute(update(LoginThrottle.__table__).where(c.key == address_key(address))
                       .values(failures=case((fresh, 1), else_=c.failures + 1),
                               first_failure_at=case((fresh, now), else_=c.first_failure_at),
                               last_failure_at=now))
    db.session.commit()


def _succeeded(key: str) -> None:
    db.session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(
        failures=0, first_failure_at=None, locked_until=None, last_success_at=utcnow()))
    db.session.commit()


def locks() -> list[LoginThrottle]:
    """Pairs and addresses that are locked or over their limit now, for the admin page."""
    config = current_app.config
    since = utcnow() - timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    rows = db.session.scalars(select(LoginThrottle).where(or_(
        LoginThrottle.locked_until > utcnow(),
        (LoginThrottle.key.like("addr:%"))
        & (LoginThrottle.failures >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"])
        & (LoginThrottle.first_failure_at >= since),
    )).order_by(LoginThrottle.last_failure_at.desc())).all()
    return list(rows)


def unlock(key: str) -> bool:
    """Lift one lock (an administrator's action); False when nothing was locked."""
    result = db.session.execute(
        update(LoginThrottle).where(LoginThrottle.key == key)
        .values(failures=0, first_failure_at=None, locked_until=None))
    from lms.audit.service import record  # core UPDATE: the audit's flush capture misses it
    if result.rowcount == 1:
        record("sign_in_lock.unlocked", new={"lock": key})
    db.session.commit()
    return result.rowcount == 1


def unlock_user(user: User) -> int:
    """Lift every pair lock of ``user``'s account; returns how many were lifted."""
    name = user.username.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    result = db.session.execute(
        update(LoginThrottle).where(LoginThrottle.key.like(f"pair:{name}|%", escape="\\"))
        .values(failures=0, first_failure_at=None, locked_until=None))
    from lms.audit.service import record  # core UPDATE: the audit's flush capture misses it
    record("user.unlocked", user, new={"locks": result.rowcount})
    db.session.commit()
    return result.rowcount


def change_password(user: User, new_password: str) -> None:
    """Store a new password, clear the forced-change flag, end the user's other sessions."""
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    sessions.end_all(user, "password", keep_current=True)
    db.session.commit()


def purge_throttles() -> int:
    """Delete counters with nothing to remember (no lock, no failures, no success)."""
    result = db.session.execute(delete(LoginThrottle).where(
        LoginThrottle.locked_until.is_(None), LoginThrottle.failures == 0,
        LoginThrottle.last_success_at.is_(None)))
    db.session.commit()
    return result.rowcount
