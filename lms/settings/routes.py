"""The site settings page, its test buttons (e-mail, group robot), and the logo."""

from __future__ import annotations

import importlib
import importlib.util
import logging

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.auth.access import public, roles_required
from lms.extensions import db
from lms.settings import service
from lms.settings.forms import FIELDS, SettingsForm, TestMailForm, TestRobotForm
from lms.settings.service import SettingError

log = logging.getLogger("lms.settings")
bp = Blueprint("settings", __name__)


@bp.app_context_processor
def _site() -> dict:
    """``site_name()`` and ``site_logo_data()`` for every page and PDF."""
    return {"site_name": service.site_name, "site_logo_data": service.logo_data_uri,
            "site_has_logo": lambda: service.logo_path() is not None}


def _notify_module(name: str):
    """``lms.notify.<name>`` when the notification feature is installed, else None."""
    module_name = f"lms.notify.{name}"
    if importlib.util.find_spec("lms.notify") is None or \
            importlib.util.find_spec(module_name) is None:
        return None
    return importlib.import_module(module_name)


def _robots() -> list:
    models = _notify_module("models")
    if models is None:
        return []
    return list(db.session.scalars(select(models.DepartmentWebhook)
                                   .order_by(models.DepartmentWebhook.id)))


def _robot_form() -> TestRobotForm:
    form = TestRobotForm()
    providers = {"wecom": _("WeCom"), "dingtalk": _("DingTalk")}
    form.webhook.choices = [(robot.id, f"{robot.department.name} · "
                                       f"{providers.get(robot.provider, robot.provider)}")
                            for robot in _robots()]
    return form


def _page(form: SettingsForm, status: int = 200, mail_form=None, robot_form=None):
    channels = _notify_module("channels")
    return render_template(
        "settings/edit.html", form=form, mail_form=mail_form or TestMailForm(),
        robot_form=robot_form or _robot_form(), notify_installed=channels is not None,
        smtp_configured=bool(channels and channels.smtp_configured()),
        has_logo=service.logo_path() is not None), status


@bp.route("/admin/settings", methods=["GET", "POST"])
@roles_required("admin")
def edit():
    """Change the site's name and logo, language, time zone, passwords, reminders."""
    form = SettingsForm()
    if not form.is_submitted():
        form = _filled_form()
    if not form.validate_on_submit():
        return _page(form, 400 if form.is_submitted() else 200)
    values = form.values()
    old_logo = service.logo_path()
    upload = form.logo.data
    if upload and getattr(upload, "filename", ""):
        try:
            values["site.logo"] = service.store_logo(upload.read())
        except SettingError as error:
            form.logo.errors = [str(error)]
            return _page(form, 400)
    elif form.remove_logo.data:
        values["site.logo"] = ""
    try:
        changed = service.save(values, current_user.id)
    except SettingError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _page(form, 400)
    db.session.commit()
    if "site.logo" in changed and old_logo is not None:
        old_logo.unlink(missing_ok=True)
    flash(_("Settings saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("settings.edit"))


@bp.route("/admin/settings/test-mail", methods=["POST"])
@roles_required("admin")
def test_mail():
    """Send one test e-mail through the SMTP server the environment names."""
    mail_form = TestMailForm()
    channels = _notify_module("channels")
    if not mail_form.validate_on_submit():
        return _page(_filled_form(), 400, mail_form=mail_form)
    if channels is None:
        flash(_("Notifications are not installed, so no e-mail can be sent."), "danger")
        return redirect(url_for("settings.edit"))
    name = service.site_name()
    mail = channels.Mail(
        to_address=mail_form.address.data, to_name=current_user.name,
        subject=_("[%(site)s] Test e-mail", site=name),
        text=_("This is a test e-mail from %(site)s. If you read it, e-mail works.", site=name),
        html="<p>" + _("This is a test e-mail from %(site)s. If you read it, e-mail works.",
                        site=name) + "</p>",
        language=str(current_user.locale or service.default_language()))
    try:
        channels.send_mail(mail)
    except channels.DeliveryError as error:
        log.info("test e-mail to %s failed: %s", mail.to_address, error.detail)
        flash(_("The test e-mail was not sent: %(reason)s", reason=error.detail[:200]),
              "danger")
        return redirect(url_for("settings.edit"))
    flash(_("Test e-mail sent to %(address)s.", address=mail.to_address), "success")
    return redirect(url_for("settings.edit"))


@bp.route("/admin/settings/test-robot", methods=["POST"])
@roles_required("admin")
def test_robot():
    """Post one test message to a department's WeCom or DingTalk robot."""
    robot_form = _robot_form()
    channels = _notify_module("channels")
    if channels is None:
        flash(_("Notifications are not installed, so no robot can be tried."), "danger")
        return redirect(url_for("settings.edit"))
    if not robot_form.validate_on_submit():
        return _page(_filled_form(), 400, robot_form=robot_form)
    robot = next((r for r in _robots() if r.id == robot_form.webhook.data), None)
    if robot is None:
        abort(404)
    text = _("[%(site)s] Test message: this group robot works.", site=service.site_name())
    try:
        channels.post_to_robot(robot.provider, robot.url, text, robot.secret)
    except channels.DeliveryError as error:
        flash(_("The test message was not delivered: %(reason)s", reason=error.detail[:200]),
              "danger")
        return redirect(url_for("settings.edit"))
    flash(_("Test message posted to the robot of %(department)s.",
            department=robot.department.name), "success")
    return redirect(url_for("settings.edit"))


def _filled_form() -> SettingsForm:
    form = SettingsForm(formdata=None)
    for name, key in FIELDS.items():
        getattr(form, name).data = service.get(key)
    return form


@bp.route("/site/logo")
@public
def logo():
    """The site's logo image (shown in the page header, also before signing in)."""
    path = service.logo_path()
    if path is None:
        abort(404)
    data = path.read_bytes()
    kind = service.logo_kind(data)
    if kind is None:
        abort(404)
    response = Response(data, mimetype=service.LOGO_TYPES[kind])
    response.cache_control.max_age = 300
    return response
