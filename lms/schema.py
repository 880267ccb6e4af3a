"""The database schema's revision against the code's: what a command needs before it reads.

``code_revision`` is the newest migration this code has; ``database_revision`` what the
database's ``alembic_version`` records. :func:`require_current` stops a command with a clear
message (in both languages) when they differ, instead of a traceback about a missing table.
"""

from __future__ import annotations

import click
from sqlalchemy import inspect, text

from lms.config import PROJECT_ROOT
from lms.extensions import db


def code_revision() -> str:
    """The newest migration this code has (what a migrated database is at)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    return ",".join(sorted(heads))


def database_revision(connection=None) -> str:
    """The schema revision recorded in the database (``alembic_version``), or ""."""
    connection = connection or db.session.connection()
    if not inspect(connection).has_table("alembic_version"):
        return ""
    return ",".join(sorted(connection.execute(
        text("SELECT version_num FROM alembic_version")).scalars()))


def require_current() -> None:
    """Raise ``click.ClickException`` unless the database is at the code's revision."""
    found, wanted = database_revision(), code_revision()
    db.session.rollback()  # leave no transaction open behind the check
    if found == wanted:
        return
    shown = found or "—"
    raise click.ClickException(
        f"数据库架构不是当前版本（数据库：{shown}；代码：{wanted}）。请先运行 "
        f"flask --app lms db upgrade。\n"
        f"The database schema is not the code's (database: {shown}; code: {wanted}). "
        f"Run `flask --app lms db upgrade` first.")
