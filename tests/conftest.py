"""Shared fixtures: the app on a migrated database, clients, sign-in helper, factories.

The database is the real one: a SQLite file by default, PostgreSQL when ``DATABASE_URL``
points there. The schema comes from the Alembic migrations (run once per session); each
test starts from empty tables.
"""

import os
import re
import threading

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from lms import create_app
from lms.config import TestingConfig, database_url
from lms.extensions import db
from tests.factories import make_user

CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _database_url(tmp_path_factory) -> str:
    if os.environ.get("DATABASE_URL"):
        return database_url()
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The application on a freshly migrated test database."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = _database_url(tmp_path_factory)
        UPLOAD_DIR = str(tmp_path_factory.mktemp("uploads"))

    application = create_app(Config)
    with application.app_context():
        from flask_migrate import upgrade

        if application.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade(revision="heads")
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(app):
    """The test app served over real HTTP by a werkzeug thread on a free local port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _empty_tables(application) -> None:
    with application.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Every test that uses the app starts from empty tables."""
    yield
    if "app" in request.fixturenames:
        _empty_tables(request.getfixturevalue("app"))


@pytest.fixture
def app_ctx(app):
    """An application context for service-level tests."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    """A test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for ``flask`` commands."""
    return app.test_cli_runner()


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a form page."""
    response = client.get(path)
    match = CSRF_PATTERN.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class Auth:
    """Sign in and out through the real login form."""

    def __init__(self, client, app):
        self.client = client
        self.app = app

    def login(self, username: str, password: str = "correct-horse-1"):
        """Sign in; returns the response of the POST."""
        token = csrf_token(self.client)
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": token})

    def as_role(self, *roles: str, **fields):
        """Create a user with ``roles``, sign in as them, and return the user's id."""
        with self.app.app_context():
            user = make_user(roles=list(roles), **fields)
            user_id, username = user.id, user.username
        response = self.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user_id

    def post(self, path: str, data: dict | None = None, form_page: str | None = None, **kw):
        """POST with the session's CSRF token added."""
        payload = dict(data or {})
        payload["csrf_token"] = csrf_token(self.client, form_page or "/account/password")
        return self.client.post(path, data=payload, **kw)


@pytest.fixture
def auth(client, app):
    """Sign-in helper bound to ``client``."""
    return Auth(client, app)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counted: ...`` counts the SQL statements run inside.

    For tests that a page's statements do not grow with the number of rows (issue 18)."""
    from contextlib import contextmanager

    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

    @contextmanager
    def counting():
        counted = {"n": 0, "statements": []}

        def before(conn, cursor, statement, parameters, context, executemany):
            counted["n"] += 1
            counted["statements"].append(statement.split("\n", 1)[0][:120])

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counted
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting
