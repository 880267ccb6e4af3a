"""Configuration classes, one per environment, reading the process environment."""

import os
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


class Config:
    """Production defaults; every secret and address comes from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL", "")
    BABEL_DEFAULT_LOCALE = "zh"
    LANGUAGES = ("zh", "en")
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    #: Failed logins allowed per account, and per client address, inside the window.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-pass-2026")


class DevelopmentConfig(Config):
    """Local run: embedded SQLite and a per-machine secret when none is set."""

    DEBUG = False


class TestingConfig(Config):
    """Test runs: fast hashing is NOT used (argon2 stays real); CSRF stays on."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SERVER_NAME = None
