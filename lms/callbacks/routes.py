"""The callback page: record what a customer said at the callback, and the satisfaction KPI
of the people one may see (own department for agents, led departments for leads, everyone
for trainers and administrators)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.access import roles_required
from lms.callbacks import service
from lms.callbacks.forms import CallbackForm
from lms.extensions import db
from lms.formutil import choices
from lms.home.widgets import register_widget
from lms.i18n import to_local, to_utc

bp = Blueprint("callbacks", __name__, url_prefix="/callbacks")
ROLES = ("trainee", "lead", "trainer", "admin")


def _month(stored) -> str:
    return to_local(stored).strftime("%Y-%m")


@bp.route("/", methods=["GET", "POST"])
@roles_required(*ROLES)
def index():
    """Record a callback; my recent ones; the KPI per person and month."""
    handlers = service.handlers_for(current_user)
    form = CallbackForm()
    form.handler_id.choices = choices((h.id, f"{h.name} ({h.employee_no})") for h in handlers)
    if request.method == "GET":
        form.called_at.data = CallbackForm.now_local()
        if any(h.id == current_user.id for h in handlers):
            form.handler_id.data = current_user.id
    status = 200
    if form.validate_on_submit():
        handler = next(h for h in handlers if h.id == form.handler_id.data)
        service.record(current_user, handler, case_ref=form.case_ref.data,
                       called_at=to_utc(form.called_at.data), solved=form.solved.data == "yes",
                       professional=form.professional.data, satisfied=form.satisfied.data,
                       improve=form.improve.data or "")
        db.session.commit()
        flash(_("Callback of case %(case)s recorded.", case=form.case_ref.data.strip()),
              "success")
        return redirect(url_for("callbacks.index"))
    if request.method == "POST":
        status = 400
    staff = current_user.has_role("lead", "trainer", "admin")
    shown = handlers if staff else [current_user]
    return render_template("callbacks/index.html", form=form, mine=service.recorded_by(
        current_user), months=service.monthly(shown, _month), staff=staff,
        rule={"from": service.SATISFIED_FROM, "target": round(service.TARGET * 100),
              "minimum": service.MIN_CALLBACKS}), status


def _home_widget(user) -> dict:
    return {}


register_widget("trainee", "callbacks/_home_widget.html", _home_widget, order=60)
