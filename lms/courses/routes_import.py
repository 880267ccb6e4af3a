"""Course zips in and out: import with a preview (nothing imported on any error), export.

An uploaded zip is checked completely first; errors name the file inside the zip and the line,
including every activity reference that names nothing (checked with the course in place, by a
dry run that is rolled back, and again at the confirmation).
A clean zip is kept under a random token until the trainer confirms the preview. Previews left
unconfirmed for ``IMPORT_PREVIEW_SECONDS`` (a day) are removed at every upload and confirm and
by ``flask --app lms exams sweep-previews``; confirming takes the zip out of the folder first,
so an expired or already confirmed preview gets a message, never a second import.
"""

import logging
import secrets
import time
from pathlib import Path

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms.auth.access import roles_required
from lms.courses import content_service
from lms.courses.blueprint import bp
from lms.courses.bundle import BundleInvalid, read_course_zip
from lms.courses.forms import ConfirmImportForm, ImportForm
from lms.courses.models import Course
from lms.courses.routes_manage import AUTHORS, editor_url, get_or_404
from lms.extensions import db


@bp.route("/manage/courses/<int:course_id>/export.zip")
@roles_required(*AUTHORS)
def export_course(course_id: int):
    """Download the course as a zip of YAML + Markdown (+ assets)."""
    course = get_or_404(Course, course_id)
    try:
        data = content_service.export_zip(course)
    except BundleInvalid as invalid:
        flash(_("The course cannot be exported yet: %(problems)s",
                problems="; ".join(e.text(_language()) for e in invalid.errors[:10])), "danger")
        return redirect(editor_url(course))
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f"attachment; filename={course.slug}.zip"})


IMPORT_PREVIEW_SECONDS = 24 * 3600
log = logging.getLogger("lms.courses")


def _language() -> str:
    """The page's language, in which bundle errors are shown."""
    return str(get_locale() or "zh")


def _preview_dir() -> Path:
    folder = content_service.asset_dir() / "imports"
    folder.mkdir(exist_ok=True)
    return folder


def sweep_previews(max_age_seconds: float = IMPORT_PREVIEW_SECONDS) -> int:
    """Remove previewed zips older than ``max_age_seconds``; returns how many were removed."""
    cutoff, removed = time.time() - max_age_seconds, 0
    for stale in _preview_dir().glob("*.zip"):
        try:
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
                removed += 1
        except FileNotFoundError:  # confirmed or swept meanwhile
            continue
    if removed:
        log.info("removed %d unconfirmed course zip previews", removed)
    return removed


def _import_dir() -> Path:
    """Where previewed zips wait for confirmation; those older than a day are removed."""
    sweep_previews()
    return _preview_dir()


def _take_preview(token: str) -> bytes | None:
    """The previewed zip, removed from the folder; None when expired or already confirmed."""
    stored = _import_dir() / f"{token}.zip"
    try:
        data = stored.read_bytes()
        stored.unlink()  # only one of two simultaneous confirms gets past this
    except FileNotFoundError:
        return None
    return data


@bp.route("/manage/import", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def import_course():
    """Upload a course zip and preview what it will create; errors name file and line."""
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("courses/import.html", form=form, errors=[], preview=None), \
            400 if form.errors else 200
    data = form.file.data.read()
    try:
        bundle = read_course_zip(data)
        errors = content_service.reference_errors(
            bundle, lambda resolve: read_course_zip(data, resolve))
    except BundleInvalid as invalid:
        errors = invalid.errors
    if errors:
        return render_template("courses/import.html", form=form, errors=errors,
                               preview=None, filename=form.file.data.filename,
                               language=_language()), 400
    token = secrets.token_hex(16)
    (_import_dir() / f"{token}.zip").write_bytes(data)
    existing = db.session.scalar(select(Course).where(Course.slug == bundle.slug))
    return render_template("courses/import.html", form=form, errors=[], preview=bundle,
                           existing=existing, confirm=ConfirmImportForm(token=token))


@bp.route("/manage/import/confirm", methods=["POST"])
@roles_required(*AUTHORS)
def confirm_import():
    """Import the previewed zip: a new course as a draft, or an update of the same slug."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    data = _take_preview(form.token.data)
    if data is None:
        flash(_("The preview has expired; upload the zip again."), "danger")
        return redirect(url_for("courses.import_course"))
    try:
        course = content_service.import_checked(
            read_course_zip(data), lambda resolve: read_course_zip(data, resolve))
        db.session.commit()
    except BundleInvalid as invalid:
        db.session.rollback()
        flash(_("The zip could not be imported; nothing was imported: %(problems)s",
                problems="; ".join(e.text(_language()) for e in invalid.errors[:10])),
              "danger")
        return redirect(url_for("courses.import_course"))
    flash(_("Course %(slug)s imported.", slug=course.slug), "success")
    return redirect(editor_url(course))
