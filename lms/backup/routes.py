"""The ``flask --app lms backup`` commands (the feature has no pages: backups are an
operator's job, run where the database and the upload folder are reachable)."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import Blueprint

from lms.audit.service import acting_as, record
from lms.backup import service
from lms.backup.service import BackupError
from lms.extensions import db

log = logging.getLogger("lms.backup")
bp = Blueprint("backup", __name__, cli_group="backup")


@bp.cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create_command(path: Path):
    """Write the database and the uploads to PATH (a .tar.gz), with a manifest."""
    click.echo(f"backing up {service.environment_note()}")
    try:
        result = service.create(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    with acting_as(None):
        record("backup.created", label=str(path.name),
               new={"file": str(path), "revision": result.manifest["schema_revision"],
                    "tables": len(result.manifest["row_counts"]),
                    "files": len(result.manifest["files"])})
        db.session.commit()
    rows = sum(result.manifest["row_counts"].values())
    click.echo(f"backup written to {path}: schema {result.manifest['schema_revision']}, "
               f"{len(result.manifest['row_counts'])} tables, {rows} rows, "
               f"{len(result.manifest['files'])} files")


@bp.cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the data.")
def restore_command(path: Path, yes: bool):
    """Replace the database and the uploads by the backup in PATH (stop the web server first)."""
    try:
        manifest = service.read_manifest(path)
        service.check_compatible(manifest)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup of {manifest['created_at']}: schema {manifest['schema_revision']}, "
               f"{len(manifest['row_counts'])} tables, {len(manifest['files'])} files")
    if not yes:
        click.confirm(f"Replace everything in {service.environment_note()}?", abort=True)
    try:
        result = service.restore(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    with acting_as(None):
        record("backup.restored", label=str(path.name),
               new={"file": str(path), "created_at": manifest["created_at"],
                    "revision": manifest["schema_revision"]})
        db.session.commit()
    click.echo(f"restored {path}: {sum(result.manifest['row_counts'].values())} rows in "
               f"{len(result.manifest['row_counts'])} tables match the manifest")
