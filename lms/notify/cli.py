"""``flask --app lms notify sweep`` and ``notify digest``, for cron (or RQ's cron, see
`lms.notify.rq_cron`)."""

import click

from lms.notify.routes import bp


@bp.cli.command("sweep")
@click.option("--wait/--no-wait", default=True,
              help="Wait until the mails and posts raised are sent (default: wait).")
def sweep_command(wait):
    """Send due-soon, overdue, exam-window, practice and certificate reminders (idempotent)."""
    from lms.notify import jobs
    from lms.notify.sweep import sweep

    counts = sweep()
    if wait:
        jobs.wait_idle(timeout=120)
    shown = ", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items())) or "nothing"
    click.echo(f"notify sweep: {shown}")


@bp.cli.command("digest")
@click.option("--wait/--no-wait", default=True, help="Wait until the digests are sent.")
def digest_command(wait):
    """Send each person who chose the daily digest one e-mail with their waiting notices."""
    from lms.notify import jobs

    people = sorted(jobs.digest_due())
    if not people:
        click.echo("notify digest: nobody has notices waiting")
        return
    job_id = jobs.submit_detached(jobs.DIGEST, {"user_ids": people})
    if wait:
        jobs.wait_idle(timeout=300)
    click.echo(f"notify digest: {len(people)} people (job {job_id})")
