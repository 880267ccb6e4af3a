"""Backups of the database and the uploads, as one archive with a manifest; and restoring one.

The archive (``.tar.gz``) holds:

- ``database.sqlite3`` — a consistent copy made with SQLite's online backup API while the
  platform keeps running — or ``database.pgdump`` — ``pg_dump --format=custom`` of the
  PostgreSQL database (needs the ``postgresql-client`` package);
- ``uploads/…`` — every file under ``UPLOAD_DIR`` (recordings, course files, the logo);
- ``manifest.json`` — when, which database kind, the schema revision (Alembic), the row count
  of every table, and the SHA-256 and size of every file in the archive.

Restore checks the archive against its manifest and the schema revision against this code's
migrations before it touches anything; a backup of another revision is refused with both
revisions named (upgrade or downgrade the code first). It then replaces the database and the
uploads and compares the row counts with the manifest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from lms.auth.models import utcnow
from lms.extensions import db
from lms.schema import code_revision, database_revision

log = logging.getLogger("lms.backup")

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
UPLOADS = "uploads"
FORMAT_VERSION = 1


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Result:
    """What a backup or restore did."""

    path: Path
    manifest: dict


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts(connection=None) -> dict[str, int]:
    """{table: rows} of every table in the database."""
    connection = connection or db.session.connection()
    counts = {}
    for name in sorted(inspect(connection).get_table_names()):
        table = db.metadata.tables.get(name)
        if table is not None:
            counts[name] = connection.execute(select(func.count()).select_from(table)).scalar()
        else:
            counts[name] = connection.execute(
                text(f'SELECT COUNT(*) FROM "{name}"')).scalar()  # noqa: S608 - name from the schema
    return counts


def _dialect() -> str:
    return db.engine.dialect.name


def _pg_url() -> str:
    """The database URL as libpq understands it (no SQLAlchemy driver suffix)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed; install the postgresql-client package "
                          "(scripts/setup.sh does so when DATABASE_URL names PostgreSQL).")
    return found


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[:500]}")


def _dump_database(folder: Path) -> str:
    if _dialect() == "sqlite":
        source_path = db.engine.url.database
        target = folder / SQLITE_FILE
        with closing(sqlite3.connect(source_path)) as source, \
                closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        return SQLITE_FILE
    if _dialect() == "postgresql":
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              "--file", str(folder / PG_FILE), "--dbname", _pg_url()])
        return PG_FILE
    raise BackupError(f"backups of {_dialect()} databases are not supported")


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def create(archive_path: Path) -> Result:
    """Write a backup of the database and the uploads to ``archive_path`` (``.tar.gz``)."""
    archive_path = Path(archive_path)
    if archive_path.exists():
        raise BackupError(f"{archive_path} exists already; choose a new file name.")
    archive_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lms-backup-") as scratch:
        folder = Path(scratch)
        counts, revision = row_counts(), database_revision()
        db.session.rollback()  # end the read transaction before copying
        database_file = _dump_database(folder)
        entries = {database_file: folder / database_file}
        uploads = _upload_dir()
        for path in _files(uploads):
            entries[str(PurePosixPath(UPLOADS, *path.relative_to(uploads).parts))] = path
        manifest = {
            "format": FORMAT_VERSION, "created_at": utcnow().isoformat() + "Z",
            "database": _dialect(), "database_file": database_file,
            "schema_revision": revision, "row_counts": counts,
            "files": {name: {"sha256": _sha256(path), "bytes": path.stat().st_size}
                      for name, path in entries.items()},
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        partial = archive_path.with_name(archive_path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(folder / MANIFEST, arcname=MANIFEST)
            for name, path in entries.items():
                archive.add(path, arcname=name)
        partial.replace(archive_path)
    log.info("backup written to %s: %d tables, %d files", archive_path, len(counts),
             len(manifest["files"]))
    return Result(archive_path, manifest)


# --- restore ---------------------------------------------------------------------------------

def read_manifest(archive_path: Path) -> dict:
    """The manifest of a backup archive; `BackupError` when it is not one."""
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise BackupError(f"{archive_path} holds no {MANIFEST}: not a backup")
            return json.loads(member.read())
    except (tarfile.TarError, KeyError, OSError, ValueError) as error:
        raise BackupError(f"{archive_path} is not a readable backup: {error}") from error


def _unpack(archive_path: Path, folder: Path, manifest: dict) -> None:
    with tarfile.open(archive_path, "r:*") as archive:
        # The "data" filter refuses absolute paths, links out of the folder and devices.
        archive.extractall(folder, filter="data")
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"the backup lacks {name}, which its manifest lists")
        if _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} in the backup is damaged (its SHA-256 differs from "
                              "the manifest)")


def check_compatible(manifest: dict) -> None:
    """Refuse a backup this code cannot run on (another schema or database kind)."""
    expected = code_revision()
    if manifest.get("schema_revision") != expected:
        raise BackupError(
            f"the backup has schema revision {manifest.get('schema_revision') or 'none'}, "
            f"this code expects {expected}. Restore it with the version of the platform "
            "that made it, or run that version's migrations first. Nothing was changed.")
    if manifest.get("database") != _dialect():
        raise BackupError(
            f"the backup is of a {manifest.get('database')} database, this platform runs on "
            f"{_dialect()}. Nothing was changed.")


def _restore_sqlite(source: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    target_path = db.engine.url.database
    with closing(sqlite3.connect(source)) as backup, \
            closing(sqlite3.connect(target_path)) as target:
        backup.backup(target)


def _restore_postgresql(source: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    with db.engine.begin() as connection:
        # pg_restore --clean only drops what the dump holds; tables added since would stay.
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
          "--dbname", _pg_url(), str(source)])


def _replace_uploads(unpacked: Path) -> None:
    target = _upload_dir()
    target.mkdir(parents=True, exist_ok=True)
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    source = unpacked / UPLOADS
    if source.is_dir():
        for child in source.iterdir():
            shutil.move(str(child), str(target / child.name))


def restore(archive_path: Path) -> Result:
    """Replace the database and the uploads by those of a backup, after checking it."""
    archive_path = Path(archive_path)
    manifest = read_manifest(archive_path)
    check_compatible(manifest)
    with tempfile.TemporaryDirectory(prefix="lms-restore-") as scratch:
        folder = Path(scratch)
        _unpack(archive_path, folder, manifest)
        database_file = folder / manifest["database_file"]
        if manifest["database"] == "sqlite":
            _restore_sqlite(database_file)
        else:
            _restore_postgresql(database_file)
        _replace_uploads(folder)
    counts = row_counts()
    differing = {name: (manifest["row_counts"].get(name), counts.get(name))
                 for name in set(counts) | set(manifest["row_counts"])
                 if counts.get(name) != manifest["row_counts"].get(name)}
    if differing:
        raise BackupError(f"after the restore these tables differ from the manifest: "
                          f"{sorted(differing.items())[:10]}")
    db.session.commit()
    log.info("restored %s (%d tables)", archive_path, len(counts))
    return Result(archive_path, manifest)


def uploads_listing() -> dict[str, str]:
    """{relative path: SHA-256} of every upload (what a restore must bring back)."""
    root = _upload_dir()
    return {str(PurePosixPath(*p.relative_to(root).parts)): _sha256(p) for p in _files(root)}


def environment_note() -> str:
    """Which database and upload folder the commands act on (without the password)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    return f"{url.render_as_string(hide_password=True)} · uploads {_upload_dir()}"
