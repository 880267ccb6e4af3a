"""Backup → wipe → restore into a fresh database gives back the same rows and files.

SQLite always (the test database file); PostgreSQL when DATABASE_URL points at it: the
restore then goes into a scratch database made with psql.
"""

import json
import os
import shutil
import subprocess
import tarfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from lms import create_app
from lms.backup import service
from lms.config import TestingConfig
from lms.extensions import db
from lms.roleplay.recordings import save_recording
from tests.conftest import _empty_tables
from tests.factories import make_user

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 28


def some_data(app) -> None:
    with app.app_context():
        make_user(roles=["admin"], username="keeper", name="Keeper of Records")
        make_user(roles=["trainee"], name="张伟")
        save_recording("call.wav", "audio/wav", WAV)
        (Path(app.config["UPLOAD_DIR"]) / "courses").mkdir(exist_ok=True)
        (Path(app.config["UPLOAD_DIR"]) / "courses" / "guide.pdf").write_bytes(b"%PDF-1.4 x")


def _wipe_uploads(app) -> None:
    root = Path(app.config["UPLOAD_DIR"])
    for child in root.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()


def _state(app) -> tuple[dict, dict]:
    with app.app_context():
        counts = service.row_counts()
        db.session.rollback()
        return counts, service.uploads_listing()


@pytest.fixture
def fresh_app(app, tmp_path):
    """A second app on an empty, unmigrated database and an empty upload folder."""
    scratch = None
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        scratch = f"lms_restore_{uuid.uuid4().hex[:8]}"
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c",
                        f"CREATE DATABASE {scratch}"], check=True, capture_output=True)
        with app.app_context():
            uri = db.engine.url.set(database=scratch).render_as_string(hide_password=False)
    else:
        uri = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"

    class Fresh(TestingConfig):
        SQLALCHEMY_DATABASE_URI = uri
        UPLOAD_DIR = str(tmp_path / "fresh-uploads")

    fresh = create_app(Fresh)
    yield fresh
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()
    if scratch:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c",
                        f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"], check=True,
                       capture_output=True)


def test_backup_then_restore_into_a_fresh_database(app, runner, fresh_app, tmp_path):
    some_data(app)
    counts, files = _state(app)
    archive = tmp_path / "nightly.tar.gz"
    made = runner.invoke(args=["backup", "create", str(archive)])
    assert made.exit_code == 0, made.output
    assert "backup written" in made.output and archive.is_file()
    with tarfile.open(archive) as packed:
        manifest = json.loads(packed.extractfile("manifest.json").read())
        names = set(packed.getnames())
    assert manifest["schema_revision"] == service.code_revision()
    assert manifest["row_counts"]["users"] == 2
    assert "uploads/courses/guide.pdf" in names and manifest["database_file"] in names
    # The "backup.created" event was written after the copy: the manifest does not count it.
    assert manifest["row_counts"] == counts

    restored = fresh_app.test_cli_runner().invoke(args=["backup", "restore", str(archive),
                                                        "--yes"])
    assert restored.exit_code == 0, restored.output
    fresh_counts, fresh_files = _state(fresh_app)
    assert fresh_files == files
    assert {k: v for k, v in fresh_counts.items() if k != "audit_events"} == \
        {k: v for k, v in counts.items() if k != "audit_events"}
    assert fresh_counts["audit_events"] == counts["audit_events"] + 1  # "backup.restored"
    # The platform serves the same data: the restored admin signs in and sees the trainee.
    client = fresh_app.test_client()
    from tests.conftest import Auth

    assert Auth(client, fresh_app).login("keeper").status_code == 302
    assert "张伟" in client.get("/admin/users").get_data(as_text=True)


def test_wipe_then_restore_in_place(app, runner, tmp_path):
    some_data(app)
    counts, files = _state(app)
    archive = tmp_path / "before-wipe.tar.gz"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    _empty_tables(app)
    _wipe_uploads(app)
    assert _state(app)[0]["users"] == 0
    restored = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output
    after_counts, after_files = _state(app)
    assert after_files == files
    assert after_counts["users"] == counts["users"] == 2


def _rewrite_manifest(archive: Path, target: Path, change) -> None:
    with tarfile.open(archive) as packed:
        members = {m.name: packed.extractfile(m).read() for m in packed.getmembers()
                   if m.isfile()}
    manifest = json.loads(members["manifest.json"])
    change(manifest, members)
    members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(target, "w:gz") as packed:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            import io

            packed.addfile(info, io.BytesIO(data))


def test_a_backup_of_another_schema_revision_is_refused(app, runner, tmp_path):
    some_data(app)
    archive, tampered = tmp_path / "b.tar.gz", tmp_path / "old.tar.gz"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    _rewrite_manifest(archive, tampered,
                      lambda m, _files: m.update(schema_revision="0900_merge"))
    counts, _files = _state(app)
    refused = runner.invoke(args=["backup", "restore", str(tampered), "--yes"])
    assert refused.exit_code != 0
    assert "schema revision 0900_merge" in refused.output and "Nothing was changed" in \
        refused.output
    assert _state(app)[0] == counts


def test_a_damaged_file_is_refused(app, runner, tmp_path):
    some_data(app)
    archive, tampered = tmp_path / "b.tar.gz", tmp_path / "damaged.tar.gz"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0

    def damage(_manifest, members):
        members["uploads/courses/guide.pdf"] = b"%PDF-1.4 changed"

    _rewrite_manifest(archive, tampered, damage)
    refused = runner.invoke(args=["backup", "restore", str(tampered), "--yes"])
    assert refused.exit_code != 0 and "damaged" in refused.output


def test_an_existing_file_is_not_overwritten(app, runner, tmp_path):
    target = tmp_path / "taken.tar.gz"
    target.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", "create", str(target)])
    assert result.exit_code != 0 and "exists already" in result.output
    assert target.read_bytes() == b"keep me"


def test_the_database_revision_is_read_from_alembic(app):
    with app.app_context():
        assert service.database_revision() == service.code_revision()
        assert db.session.execute(text("SELECT 1")).scalar() == 1


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="PostgreSQL only when DATABASE_URL points at it")
def test_postgresql_dump_is_a_custom_format_archive(app, tmp_path):
    with app.app_context():
        result = service.create(tmp_path / "pg.tar.gz")
    assert result.manifest["database"] == "postgresql"
    assert result.manifest["database_file"] == service.PG_FILE
