"""``flask --app lms …`` commands: demo data, administrators, translation checks.

Migrations are Flask-Migrate's: ``flask --app lms db upgrade``.
"""

import click
from flask import Flask
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
