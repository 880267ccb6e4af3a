"""Configuration classes, one per environment, reading the process environment."""

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'lms.sqlite3'}"
    # Heroku-style URLs name the old driver; SQLAlchemy 2 wants psycopg 3 spelled out.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


class Config:
    """Production defaults; every secret and address comes from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL", "")
    BABEL_DEFAULT_LOCALE = "zh"
    LANGUAGES = ("zh", "en")
    #: Times are stored in UTC and shown in this zone (a team in China: Asia/Shanghai).
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    #: Behind a reverse proxy (nginx, a load balancer): trust one hop of X-Forwarded-For/-Proto,
    #: so sign-in throttling sees the client's address and HTTPS is recognised.
    TRUST_PROXY = _flag("TRUST_PROXY")
    #: Served over HTTPS: cookies are sent only over HTTPS (set SECURE_COOKIES=1).
    SECURE_COOKIES = _flag("SECURE_COOKIES")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = SECURE_COOKIES
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SECURE_COOKIES
    #: "Keep me signed in" lasts this many days; other sessions end after SESSION_IDLE_MINUTES
    #: without a request, or when the browser closes.
    REMEMBER_DAYS = _number("REMEMBER_DAYS", 14)
    REMEMBER_COOKIE_DURATION = timedelta(days=REMEMBER_DAYS)
    PERMANENT_SESSION_LIFETIME = timedelta(days=REMEMBER_DAYS)
    SESSION_IDLE_MINUTES = _number("SESSION_IDLE_MINUTES", 12 * 60)
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    #: Sign-in throttling. Each account+address pair may fail this many times freely; after
    #: that each failure doubles a wait, from LOGIN_DELAY_SECONDS up to LOGIN_MAX_DELAY_SECONDS.
    LOGIN_FREE_FAILURES = 5
    LOGIN_DELAY_SECONDS = 30
    LOGIN_MAX_DELAY_SECONDS = 15 * 60
    #: Failures from one address (all accounts) inside the window before that address may
    #: only sign in to accounts that signed in from it before (a shared call-center NAT keeps
    #: working for its staff while password spraying from it stops).
    LOGIN_MAX_FAILURES_PER_ADDRESS = 100
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    #: A known account+address pair is one that signed in correctly within this many days.
    LOGIN_KNOWN_PAIR_DAYS = 30
    #: argon2id cost (OWASP's minimum profile is 19 MiB, t=2; these are argon2-cffi's RFC 9106
    #: "low memory" defaults). Tests lower them to keep the suite fast.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_KIB = 64 * 1024
    ARGON2_PARALLELISM = 4
    #: A live drill's clock pauses when no participant's page was heard from for this long.
    DRILL_HEARTBEAT_GRACE_SECONDS = 20
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-pass-2026")


class DevelopmentConfig(Config):
    """Local run: embedded SQLite and a per-machine secret when none is set."""

    DEBUG = False


class TestingConfig(Config):
    """Test runs: real argon2id at a cheap cost; CSRF stays on."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    #: Cheap argon2id so hundreds of test sign-ins stay fast; the algorithm is unchanged.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_KIB = 8
    ARGON2_PARALLELISM = 1
    SERVER_NAME = None
