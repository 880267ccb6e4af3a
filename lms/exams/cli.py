"""``flask --app lms questions load``, ``exams sweep``, ``exams sweep-previews`` and
``certificates sweep``."""

import click

from lms.exams.routes import bp


@bp.cli.group("questions")
def questions_group():
    """The question bank."""


@questions_group.command("load")
def load_questions():
    """Store the shipped banks (new questions and changed ones; safe to repeat)."""
    from lms.exams.bank_service import load_shipped

    stored = load_shipped()
    click.echo(f"{len(stored)} questions stored (new or changed).")


@bp.cli.group("exams")
def exams_group():
    """Exams and attempts."""


@exams_group.command("sweep")
def sweep_attempts():
    """Close every attempt whose deadline has passed, with what was saved."""
    from lms.exams.attempts import close_expired

    click.echo(f"{close_expired()} attempts closed at their deadline.")


@exams_group.command("sweep-previews")
def sweep_previews_command():
    """Remove import previews left unconfirmed for a day (question files and course zips)."""
    from lms.courses.routes_import import sweep_previews as sweep_course_previews
    from lms.exams.transfer import sweep_previews

    questions, courses = sweep_previews(), sweep_course_previews()
    click.echo(f"{questions} question import previews and {courses} course zip previews "
               "removed (older than a day).")


@bp.cli.group("certificates")
def certificates_group():
    """Certificates."""


@certificates_group.command("sweep")
def sweep_certificates():
    """List certificates that expire within 30 days (recertification due)."""
    from lms.exams.certificates import sweep

    for renewal in sweep():
        certificate = renewal.certificate
        click.echo(f"{certificate.user.employee_no} {certificate.code} "
                   f"expires {certificate.expires_at:%Y-%m-%d} ({renewal.days_left} days)")
    click.echo("done.")
