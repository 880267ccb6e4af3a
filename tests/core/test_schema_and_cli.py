"""Migrations are the schema; the CLI loads demo data idempotently and creates admins."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from lms.auth.models import User
from lms.extensions import db


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_demo_data_loads_once_and_prints_logins(runner, app):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "admin" in first.output and "trainee" in first.output
    with app.app_context():
        count = db.session.scalar(select(func.count(User.id)))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == count
        roles = {r for u in db.session.scalars(select(User)) for r in u.roles}
    assert roles == {"admin", "trainer", "planner", "trainee", "lead"}


def test_create_admin_command(runner, app):
    result = runner.invoke(args=["create-admin", "chief", "--employee-no", "A9", "--name",
                                 "Chief", "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "chief"))
        assert user.roles == {"admin"}
    again = runner.invoke(args=["create-admin", "chief", "--employee-no", "A10", "--name",
                                "Chief", "--password", "long-enough-1"])
    assert again.exit_code != 0 and "exists already" in again.output
    short = runner.invoke(args=["create-admin", "x", "--employee-no", "A11", "--name", "X",
                                "--password", "short"])
    assert short.exit_code != 0 and "at least" in short.output
    common = runner.invoke(args=["create-admin", "y", "--employee-no", "A12", "--name", "Y",
                                 "--password", "password123"])
    assert common.exit_code != 0 and "commonly used" in common.output


def test_a_command_on_an_unmigrated_database_says_to_migrate_first(tmp_path):
    """`flask courses check` (or any command) on a new, empty database names the fix, not a
    missing-table traceback; after `flask db upgrade` the same command runs."""
    from lms import create_app
    from lms.config import TestingConfig

    class Empty(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        UPLOAD_DIR = str(tmp_path / "uploads")

    fresh = create_app(Empty)
    runner = fresh.test_cli_runner()
    refused = runner.invoke(args=["courses", "check"])
    assert refused.exit_code == 1
    assert "db upgrade" in refused.output and "Traceback" not in refused.output
    assert runner.invoke(args=["notify", "sweep"]).exit_code == 1
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    checked = runner.invoke(args=["courses", "check", "--lang", "en"])
    assert "db upgrade" not in checked.output
    assert checked.exit_code == 0, checked.output
