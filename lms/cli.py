"""``flask --app lms …`` commands: demo data, administrators, translation checks.

Migrations are Flask-Migrate's: ``flask --app lms db upgrade``.
"""

import functools

import click
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import select

from lms.extensions import db


def register_commands(app: Flask) -> None:
    """Attach the project's commands to the app's CLI."""

    @app.cli.command("demo")
    def demo_command():
        """Load the demo data (safe to run again: existing rows are kept)."""
        from lms.demo import demo_logins, load_demo

        created = load_demo()
        for step, items in created.items():
            click.echo(f"{step}: {len(items)} new")
        click.echo("Demo sign-ins (user / password / roles):")
        for username, password, roles in demo_logins():
            click.echo(f"  {username:<10} {password:<16} {roles}")

    @app.cli.command("sessions-purge")
    def sessions_purge_command():
        """Delete ended sessions and empty sign-in counters older than 30 days (for cron)."""
        from lms.auth.service import purge_throttles
        from lms.auth.sessions import purge_expired

        click.echo(f"{purge_expired()} ended session(s), {purge_throttles()} counter(s) removed")

    @app.cli.command("create-admin")
    @click.argument("username")
    @click.option("--employee-no", required=True, help="HR employee number")
    @click.option("--name", required=True, help="Full name")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_admin_command(username, employee_no, name, password):
        """Create an administrator account."""
        from flask_babel import force_locale

        from lms.admin.service import create_user
        from lms.auth.models import User
        from lms.auth.passwords import password_problems

        problems = password_problems(password, username=username, employee_no=employee_no)
        if problems:
            with force_locale("en"):
                reason = " ".join(str(problem) for problem in problems)
            raise click.BadParameter(reason, param_hint="--password")
        if db.session.scalar(select(User).where(User.username == username.lower())):
            raise click.BadParameter(f"user {username} exists already", param_hint="USERNAME")
        if db.session.scalar(select(User).where(User.employee_no == employee_no)):
            raise click.BadParameter(f"employee number {employee_no} exists already",
                                     param_hint="--employee-no")
        create_user(username=username, employee_no=employee_no, name=name, department=None,
                    roles=["admin"], password=password)
        db.session.commit()
        click.echo(f"Administrator {username.lower()} created.")

    guard_schema(app)


#: Commands that run without the current schema: migrations themselves, Flask's own, and a
#: restore (it checks the backup's revision and brings the schema with it).
SCHEMA_FREE = ("db", "run", "shell", "routes", "backup restore")


def guard_schema(app: Flask) -> None:
    """Every other command first checks that the database is migrated
    (:func:`lms.schema.require_current`): a clear message, not a missing-table traceback."""
    from lms.schema import require_current

    def wrap(command: click.Command, path: str) -> None:
        if any(path == free or path.startswith(free + " ") for free in SCHEMA_FREE):
            return
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                wrap(sub, f"{path} {name}")
            return
        inner = command.callback
        if inner is None or getattr(inner, "_schema_guarded", False):
            return

        @functools.wraps(inner)
        def checked(*args, **kwargs):
            # The app this command runs for (commands of a blueprint are shared by every
            # app made in the process), as Flask's own ``with_appcontext`` finds it.
            running = click.get_current_context().ensure_object(ScriptInfo).load_app()
            with running.app_context():
                require_current()
            return inner(*args, **kwargs)

        checked._schema_guarded = True
        command.callback = checked

    for name, command in app.cli.commands.items():
        wrap(command, name)
