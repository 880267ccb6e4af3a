"""Import and export of the bank through the web: GIFT, Moodle XML, YAML and CSV.

An import is checked in full first (``check_import``): parse errors name the file and line,
and a clean file is previewed with new questions, new versions of existing keys and
duplicates flagged. ``apply_import`` parses the same bytes again and saves every question
in one transaction, or nothing. The uploaded bytes wait between the two steps in the upload
folder under a random token, so the preview and the import see the same file.

A preview left unconfirmed is removed after ``PREVIEW_MAX_AGE_SECONDS`` (a day): at every new
upload, and by ``flask --app lms exams sweep-previews``. Confirming takes the upload out of the
folder first, so a preview is imported at most once; an expired, removed or already confirmed
token is simply unknown (``apply_import`` returns None and the page asks for a new upload).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms.exams import bank_service
from lms.exams.models import Question, QuestionVersion
from lms.extensions import db
from lms.tabular import TabularError, decode_upload
from question_bank.formats.preview import preview
from question_bank.issues import ImportResult, issue, result_from

FORMATS = ("gift", "xml", "yaml", "csv")
EXPORT_FORMATS = ("gift", "xml", "yaml")
#: How long an unconfirmed import preview is kept.
PREVIEW_MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}\Z")
_SUFFIXES = (".bin", ".json")
log = logging.getLogger("lms.exams")


@dataclass
class ImportRequest:
    """What the trainer chose on the import form."""

    format: str
    language: str
    category: str
    filename: str


#: One question import reads at most this many bytes and questions (checked before and after
#: parsing), so a preview stays a matter of seconds; larger banks are split into files.
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_QUESTIONS = 5000


def parse(data: bytes, request: ImportRequest) -> ImportResult:
    """The ``ImportResult`` of the uploaded bytes, refused whole when over the limits."""
    name = request.filename or f"upload.{request.format}"
    if len(data) > MAX_IMPORT_BYTES:
        return result_from([], [issue("file.too_large", limit=MAX_IMPORT_BYTES // 2**20)],
                           file=name)
    result = _parse(data, request)
    if result.ok and not result.questions:  # empty, or only categories: nothing to import
        return result_from([], [issue("file.empty")], file=name)
    if len(result.questions) > MAX_IMPORT_QUESTIONS:
        return result_from([], [issue("file.too_many", count=len(result.questions),
                                      limit=MAX_IMPORT_QUESTIONS)], file=name)
    return result


def _parse(data: bytes, request: ImportRequest) -> ImportResult:
    """The ``ImportResult`` of the uploaded bytes in the chosen format."""
    options = {"language": request.language, "category": request.category or "imported"}
    name = request.filename or f"upload.{request.format}"
    if request.format in ("gift", "yaml"):
        try:
            text = decode_upload(data, name)
        except TabularError:  # never guess with replacement characters: refuse, naming the file
            return result_from([], [issue("file.encoding")], file=name)
    if request.format == "gift":
        from question_bank.formats.gift import read_gift

        return read_gift(text, name, **options)
    if request.format == "xml":
        from question_bank.formats.moodle_xml import read_moodle_xml

        return read_moodle_xml(data, name, **options)
    if request.format == "csv":
        from question_bank.formats.csv_simple import read_csv_bytes

        return read_csv_bytes(data, name, **options)
    from question_bank.formats.yaml_native import read_yaml

    return read_yaml(text, name, shipped=False)


def _existing() -> tuple[dict[str, str], dict[str, str]]:
    """(fingerprint -> key, key -> definition hash) of every stored question's latest version."""
    rows = db.session.execute(select(QuestionVersion.fingerprints, Question.key,
                                     QuestionVersion.definition_hash).join(Question)
                              .where(QuestionVersion.number == Question.latest_number)).all()
    prints = {fingerprint: key for fingerprints, key, _ in rows for fingerprint in fingerprints}
    return prints, {key: digest for _, key, digest in rows}


def check_import(data: bytes, request: ImportRequest, language: str) -> dict:
    """The preview of an upload (errors, or rows with new/version/duplicate flags)."""
    prints, hashes = _existing()
    return preview(parse(data, request), language, existing_fingerprints=prints,
                   existing_keys=set(hashes), existing_hashes=hashes)


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "exam-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sweep_previews(max_age_seconds: float = PREVIEW_MAX_AGE_SECONDS) -> int:
    """Remove the previews older than ``max_age_seconds``; returns how many were removed."""
    cutoff = time.time() - max_age_seconds
    removed = set()
    for path in _folder().iterdir():
        if path.suffix not in _SUFFIXES:
            continue
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.add(path.stem)
        except FileNotFoundError:  # a confirm or another sweep took it meanwhile
            continue
    if removed:
        log.info("removed %d unconfirmed question import previews", len(removed))
    return len(removed)


def stash(data: bytes, request: ImportRequest) -> str:
    """Keep an upload until the trainer confirms it; returns its token.

    Previews older than a day are removed first, so unconfirmed uploads do not pile up.
    """
    sweep_previews()
    token = secrets.token_urlsafe(24)
    (_folder() / f"{token}.bin").write_bytes(data)
    (_folder() / f"{token}.json").write_text(json.dumps(request.__dict__))
    return token


def unstash(token: str) -> tuple[bytes, ImportRequest] | None:
    """The upload stored under ``token``, or None when unknown, expired or unreadable."""
    if not _TOKEN.match(token or ""):
        return None
    data_file, meta_file = _folder() / f"{token}.bin", _folder() / f"{token}.json"
    try:
        if meta_file.stat().st_mtime < time.time() - PREVIEW_MAX_AGE_SECONDS:
            _discard(token)
            return None
        return data_file.read_bytes(), ImportRequest(**json.loads(meta_file.read_text()))
    except FileNotFoundError:  # never stored, swept, or confirmed already
        return None
    except (ValueError, TypeError) as error:  # a damaged meta file: treat as gone
        log.warning("unreadable question import preview %s: %s", token, error)
        _discard(token)
        return None


def _discard(token: str) -> None:
    for suffix in _SUFFIXES:
        (_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def _take(token: str) -> tuple[bytes, ImportRequest] | None:
    """The stashed upload, removed from the folder; None if gone (or taken by another click)."""
    found = unstash(token)
    if found is None:
        return None
    try:
        (_folder() / f"{token}.json").unlink()  # atomic: only one confirm gets past this
    except FileNotFoundError:
        return None
    (_folder() / f"{token}.bin").unlink(missing_ok=True)
    return found


def apply_import(token: str, user_id: int) -> list[str] | None:
    """Save every question of a stashed clean upload; None if the token is unknown, expired
    or already used, or the file is no longer clean."""
    found = _take(token)
    if found is None:
        return None
    data, request = found
    result = parse(data, request)
    if not result.ok:
        return None
    stored = []
    for question in result.questions:
        saved = bank_service.save_question(question, user_id=user_id,
                                           note=f"import {request.filename}")
        if saved.created or saved.new_version:
            stored.append(question.key)
    db.session.commit()
    return stored


def export(category: str, file_format: str, language: str) -> tuple[str, list]:
    """``(text, skipped issues)`` of a category subtree in ``file_format``."""
    questions = bank_service.questions_in(category)
    if file_format == "yaml":
        from question_bank.formats.yaml_native import dump_yaml

        return dump_yaml(questions), []
    if file_format == "xml":
        from question_bank.formats.moodle_xml_export import export_moodle_xml

        result = export_moodle_xml(questions, language)
    else:
        from question_bank.formats.gift import export_gift

        result = export_gift(questions, language)
    return result.text, list(result.skipped)
