"""``flask --app lms privacy sweep-recordings`` for cron (daily)."""

import click

from lms.privacy.routes import bp


@bp.cli.command("sweep-recordings")
def sweep_recordings_command():
    """Delete role-play recordings older than the retention setting (scores stay)."""
    from lms.audit.service import acting_as
    from lms.privacy.service import sweep_recordings
    from lms.settings.service import recording_retention_days

    days = recording_retention_days()
    if days <= 0:
        click.echo("recording retention: keep until deleted (setting is 0); nothing removed")
        return
    with acting_as(None):
        count = sweep_recordings()
    click.echo(f"recording retention: {count} recording(s) older than {days} days removed")
