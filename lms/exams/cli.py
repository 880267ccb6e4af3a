"""``flask --app lms questions load``, ``exams load``, ``exams sweep``, ``exams sweep-previews``
and ``certificates sweep``."""

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


@exams_group.command("load")
@click.option("--lang", "language", type=click.Choice(["zh", "en"]), default=None,
              help="Language of error messages (default: from LANG, else Chinese).")
def load_exams(language):
    """Store the shipped final exams (lms/exams/content/exams.yaml) and their question bank.

    Exams that exist already (by slug) are left as they are; safe to repeat.
    """
    from lms.courses.routes import cli_language
    from lms.exams.shipped import ExamDefinitionError, load
    from lms.extensions import db

    language = language or cli_language()
    try:
        created = load()
    except ExamDefinitionError as invalid:
        db.session.rollback()
        for problem in invalid.problems:
            click.echo(problem.text(language), err=True)
        raise click.ClickException(f"{len(invalid.problems)} problem(s); nothing was stored"
                                   ) from invalid
    exams = [name.split(" ", 1)[1] for name in created if name.startswith("exam ")]
    click.echo(f"{len(exams)} exams created: {', '.join(exams) or '-'}; "
               f"{len(created) - len(exams)} questions stored (new or changed).")


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
