"""A person's data export: every row about them as JSON and CSV, their certificates as PDF and
their role-play recordings, in one ZIP.

Which rows: found from the schema, not from a list kept by hand, so a new feature's table is
exported without a change here. Every row whose column refers to the person (``user_id``,
``trainee_id``, ``created_by_id``...) is theirs; rows of tables that point at rows *about*
the person (``user_id``/``trainee_id``: answers of their attempts, scores of their
performances, deliveries of their notices) follow, three levels deep. Secrets (password and
token hashes, robot secrets) are left out.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import json
import logging
import zipfile
from collections import defaultdict
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms.auth.models import User
from lms.extensions import db
from lms.tabular import write_csv

log = logging.getLogger("lms.privacy")

#: Columns never exported.
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "secret", "params_json",
                            "result_json"})
#: Columns that make a row *about* the person (its children are theirs too).
SUBJECT_COLUMNS = frozenset({"user_id", "trainee_id"})
#: Tables never exported (bookkeeping without personal content).
SKIP_TABLES = frozenset({"alembic_version", "login_throttles"})
#: How many levels of child rows are followed.
DEPTH = 3


def _user_columns(table) -> list:
    return [column for column in table.columns
            if any(fk.column.table.name == "users" for fk in column.foreign_keys)]


def _plain(row) -> dict:
    return {key: value for key, value in row._mapping.items() if key not in SECRET_COLUMNS}


def collect_rows(user_id: int) -> dict[str, list[dict]]:
    """{table name: rows} of everything stored about the person."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in SKIP_TABLES]
    found: dict[str, dict] = defaultdict(dict)
    subject_ids: dict[str, set] = defaultdict(set)
    users = db.metadata.tables["users"]
    for row in db.session.execute(select(users).where(users.c.id == user_id)):
        found["users"][row.id] = _plain(row)
    for table in tables:
        if table.name == "users":
            continue
        for column in _user_columns(table):
            for row in db.session.execute(select(table).where(column == user_id)):
                key = tuple(row._mapping[c.name] for c in table.primary_key.columns)
                found[table.name][key] = _plain(row)
                if column.name in SUBJECT_COLUMNS and len(table.primary_key.columns) == 1:
                    subject_ids[table.name].add(key[0])
    frontier = dict(subject_ids)
    for _level in range(DEPTH):
        next_frontier: dict[str, set] = defaultdict(set)
        for table in tables:
            for column in table.columns:
                for fk in column.foreign_keys:
                    parent_ids = frontier.get(fk.column.table.name)
                    if not parent_ids or fk.column.table.name == table.name:
                        continue
                    for row in db.session.execute(
                            select(table).where(column.in_(sorted(parent_ids)))):
                        key = tuple(row._mapping[c.name] for c in table.primary_key.columns)
                        if key in found[table.name]:
                            continue
                        found[table.name][key] = _plain(row)
                        if len(key) == 1:
                            next_frontier[table.name].add(key[0])
        frontier = next_frontier
    audit = db.metadata.tables.get("audit_events")
    if audit is not None:
        for row in db.session.execute(select(audit).where(
                audit.c.object_kind == "user", audit.c.object_id == user_id)):
            found["audit_events"][(row.id,)] = _plain(row)
    return {name: list(rows.values()) for name, rows in sorted(found.items()) if rows}


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _certificates(user_id: int) -> list[tuple[str, bytes]]:
    if importlib.util.find_spec("lms.exams.certificates") is None:
        return []
    certificates = importlib.import_module("lms.exams.certificates")
    return [(f"certificates/{c.code}.pdf", certificates.certificate_pdf(c))
            for c in certificates.certificates_of(user_id)]


def _recordings(rows: dict[str, list[dict]]) -> list[tuple[str, bytes]]:
    if importlib.util.find_spec("lms.roleplay.recordings") is None:
        return []
    recordings = importlib.import_module("lms.roleplay.recordings")
    files = []
    for row in rows.get("roleplay_performances", []):
        name = row.get("recording_file")
        if not name:
            continue
        path = recordings.recording_path(name)
        if path.is_file():
            files.append((f"recordings/{row['performed_on']}-{path.name}", path.read_bytes()))
    return files


def _readme(user: User, rows: dict, files: list[str]) -> str:
    parts = []
    for lang in ("zh", "en"):
        with force_locale(lang):
            parts.append("\n".join([
                _("Personal data of %(name)s (%(number)s)", name=user.name,
                  number=user.employee_no),
                _("data.json holds every stored row about you, table by table; the data "
                  "folder holds the same rows as CSV files (UTF-8, opens in Excel)."),
                _("certificates: your certificates as PDF. recordings: your role-play "
                  "recordings."),
                _("Password hashes and security tokens are not included."),
                _("Tables: %(n)d, rows: %(rows)d, files: %(files)d", n=len(rows),
                  rows=sum(len(v) for v in rows.values()), files=len(files)),
            ]))
    return "\n\n".join(parts) + "\n"


def build_zip(user: User) -> tuple[bytes, dict]:
    """The person's export as ZIP bytes, with a summary {tables, rows, files}."""
    rows = collect_rows(user.id)
    extra = _certificates(user.id) + _recordings(rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(rows, ensure_ascii=False, indent=1,
                                                 default=_json_default))
        for table, table_rows in rows.items():
            headers = list(table_rows[0].keys())
            body = write_csv([[_cell(row.get(h)) for h in headers] for row in table_rows],
                             headers)
            archive.writestr(f"data/{table}.csv", body)
        for name, data in extra:
            archive.writestr(name, data)
        archive.writestr("README.txt", _readme(user, rows, [name for name, _d in extra]))
    summary = {"tables": len(rows), "rows": sum(len(v) for v in rows.values()),
               "files": len(extra)}
    log.info("data export of user %s: %s", user.id, summary)
    return buffer.getvalue(), summary


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
