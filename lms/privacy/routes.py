"""Personal-data pages: my data (export, erasure request) and the administrator's requests."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from lms.audit.service import record
from lms.auth.access import roles_required, signed_in
from lms.auth.models import User
from lms.extensions import db
from lms.privacy import export, service
from lms.privacy.forms import DecisionForm, ErasureRequestForm, GuardForm
from lms.privacy.models import ErasureRequest
from lms.privacy.service import PrivacyError
from lms.tabular import download_response

log = logging.getLogger("lms.privacy")
bp = Blueprint("privacy", __name__, cli_group="privacy")
ZIP_MIMETYPE = "application/zip"
PAGE_SIZE = 50


def _download(user: User):
    data, summary = export.build_zip(user)
    # The event names the person by id only, so an erasure leaves nothing of them in it.
    record("data_export.downloaded", object_id=user.id,
           new={"user_id": user.id, "for_self": user.id == current_user.id, **summary})
    db.session.commit()
    return download_response(data, _("Personal data %(number)s.zip", number=user.employee_no),
                             ZIP_MIMETYPE)


# --- the person's own page -------------------------------------------------------------------

@bp.route("/privacy")
@signed_in
def mine():
    """What the platform stores about me, a download of it, and erasure."""
    return render_template("privacy/mine.html", guard=GuardForm(), form=ErasureRequestForm(),
                           requests=service.requests_of(current_user.id),
                           pending=service.pending_request(current_user.id))


@bp.route("/privacy/export", methods=["POST"])
@signed_in
def export_mine():
    """Download my data as a ZIP (JSON, CSV, certificates, recordings)."""
    if not GuardForm().validate_on_submit():
        abort(400)
    return _download(current_user)


@bp.route("/privacy/erasure", methods=["POST"])
@signed_in
def request_mine():
    """Ask an administrator to erase my identity."""
    form = ErasureRequestForm()
    if not form.validate_on_submit():
        return render_template("privacy/mine.html", guard=GuardForm(), form=form,
                               requests=service.requests_of(current_user.id),
                               pending=service.pending_request(current_user.id)), 400
    try:
        service.request_erasure(current_user, current_user, form.reason.data)
    except PrivacyError as error:
        flash(str(error), "danger")
        return redirect(url_for("privacy.mine"))
    db.session.commit()
    flash(_("Your request was sent. An administrator decides on it; you can withdraw it "
            "until then."), "success")
    return redirect(url_for("privacy.mine"))


def _request_or_404(request_id: int) -> ErasureRequest:
    erasure = db.session.get(ErasureRequest, request_id)
    if erasure is None:
        abort(404)
    return erasure


@bp.route("/privacy/erasure/<int:request_id>/withdraw", methods=["POST"])
@signed_in
def withdraw_mine(request_id: int):
    """Take back my own waiting request."""
    erasure = _request_or_404(request_id)
    if erasure.user_id != current_user.id:
        abort(404)
    if not GuardForm().validate_on_submit():
        abort(400)
    try:
        service.withdraw(erasure, current_user)
    except PrivacyError as error:
        flash(str(error), "danger")
        return redirect(url_for("privacy.mine"))
    db.session.commit()
    flash(_("Your erasure request is withdrawn."), "success")
    return redirect(url_for("privacy.mine"))


# --- administrators --------------------------------------------------------------------------

def _people(text: str) -> list[User]:
    if not text:
        return []
    like = f"%{text.strip().lower()}%"
    return list(db.session.scalars(select(User).where(or_(
        func.lower(User.name).like(like), func.lower(User.username).like(like),
        func.lower(User.employee_no).like(like))).order_by(User.employee_no).limit(20)))


@bp.route("/admin/privacy")
@roles_required("admin")
def requests():
    """Erasure requests waiting and decided; a person's export or erasure on their behalf."""
    query = select(ErasureRequest).order_by(
        (ErasureRequest.status == "pending").desc(), ErasureRequest.id.desc())
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    text = request.args.get("q", "")[:120]
    return render_template("privacy/requests.html", page=page, q=text, people=_people(text),
                           guard=GuardForm(), decision=DecisionForm(),
                           erasure_form=ErasureRequestForm())


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/admin/privacy/people/<int:user_id>/export", methods=["POST"])
@roles_required("admin")
def export_person(user_id: int):
    """Download a person's data on their behalf (e.g. a written request)."""
    user = _user_or_404(user_id)
    if not GuardForm().validate_on_submit():
        abort(400)
    return _download(user)


@bp.route("/admin/privacy/people/<int:user_id>/erasure", methods=["POST"])
@roles_required("admin")
def request_for(user_id: int):
    """Open an erasure request for a person (it still needs an approval)."""
    user = _user_or_404(user_id)
    form = ErasureRequestForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
        return redirect(url_for("privacy.requests", q=user.employee_no))
    try:
        service.request_erasure(user, current_user, form.reason.data)
    except PrivacyError as error:
        flash(str(error), "danger")
        return redirect(url_for("privacy.requests"))
    db.session.commit()
    flash(_("Erasure request for %(name)s opened; approve it below.", name=user.name), "success")
    return redirect(url_for("privacy.requests"))


@bp.route("/admin/privacy/requests/<int:request_id>/approve", methods=["POST"])
@roles_required("admin")
def approve(request_id: int):
    """Approve: the person's identity is erased now; their results stay anonymous."""
    erasure = _request_or_404(request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.approve(erasure, current_user, form.note.data)
    except PrivacyError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("privacy.requests"))
    db.session.commit()
    flash(_("The identity is erased; results stay in the statistics."), "success")
    return redirect(url_for("privacy.requests"))


@bp.route("/admin/privacy/requests/<int:request_id>/reject", methods=["POST"])
@roles_required("admin")
def reject(request_id: int):
    """Refuse a request, telling the person why."""
    erasure = _request_or_404(request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.reject(erasure, current_user, form.note.data)
    except PrivacyError as error:
        flash(str(error), "danger")
        return redirect(url_for("privacy.requests"))
    db.session.commit()
    flash(_("The request is refused."), "success")
    return redirect(url_for("privacy.requests"))


from lms.privacy import cli  # noqa: E402,F401  - registers the ``flask privacy`` commands
