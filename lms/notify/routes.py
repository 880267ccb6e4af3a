"""Notification pages: my notices (the bell), my channel choices, and the administrator's
deliveries and department robots; the dashboard's "send reminders now"."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from lms.auth import scope
from lms.auth.access import roles_required, signed_in
from lms.auth.models import Department, User
from lms.extensions import db
from lms.notify import channels, events, render, service, sweep
from lms.notify.forms import GuardForm, WebhookForm, field_name, preferences_form
from lms.notify.kinds import KINDS, kinds_for
from lms.notify.models import DELIVERY_CHANNELS, DELIVERY_STATUSES, Delivery, DepartmentWebhook
from lms.notify.models import Notification as NotificationRow
from lms.settings import service as site_settings

log = logging.getLogger("lms.notify")
bp = Blueprint("notify", __name__, url_prefix="/notifications", cli_group="notify")
events.connect()
PAGE_SIZE = 30


@bp.app_context_processor
def _bell() -> dict:
    def notify_unread() -> int:
        if not getattr(current_user, "is_authenticated", False):
            return 0
        return service.unread_count(current_user.id)

    return {"notify_unread": notify_unread}


# --- my notices -----------------------------------------------------------------------------
@bp.route("/")
@signed_in
def inbox():
    """My notices, newest first, unread ones marked; each leads to its subject."""
    unread_only = request.args.get("unread") == "1"
    page = db.paginate(service.inbox_query(current_user.id, unread_only), per_page=PAGE_SIZE,
                       error_out=False)
    words = render.page_wording()
    items = [render.shown(n, words) for n in page.items]
    return render_template("notify/inbox.html", page=page, items=items,
                           unread_only=unread_only, guard=GuardForm(),
                           unread=service.unread_count(current_user.id))


def _mine_or_404(notification_id: int) -> NotificationRow:
    notification = service.own_notification(notification_id, current_user.id)
    if notification is None:
        abort(404)
    return notification


@bp.route("/<int:notification_id>/open")
@signed_in
def open_notification(notification_id: int):
    """Mark the notice read and go to what it is about."""
    notification = _mine_or_404(notification_id)
    service.mark_read(notification)
    db.session.commit()
    return redirect(render.link_url(notification.link) or url_for("notify.inbox"))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@signed_in
def mark_read(notification_id: int):
    """Mark one notice read."""
    if not GuardForm().validate_on_submit():
        abort(400)
    service.mark_read(_mine_or_404(notification_id))
    db.session.commit()
    return redirect(url_for("notify.inbox", unread=request.args.get("unread") or None))


@bp.route("/read-all", methods=["POST"])
@signed_in
def mark_all_read():
    """Mark every notice of mine read."""
    if not GuardForm().validate_on_submit():
        abort(400)
    count = service.mark_all_read(current_user.id)
    db.session.commit()
    flash(_("%(n)d notices marked as read.", n=count), "success")
    return redirect(url_for("notify.inbox"))


# --- my choices -----------------------------------------------------------------------------
@bp.route("/preferences", methods=["GET", "POST"])
@signed_in
def preferences():
    """Per kind of notice: in the app, by e-mail (at once or in the daily digest), in the
    team group when the department has a robot."""
    kinds = kinds_for(current_user)
    robots = service.department_robots(current_user.department_id)
    chosen = service.preferences(current_user.id)
    data = {}
    for kind in kinds:
        data[field_name("in_app", kind)] = chosen[kind.key]["in_app"]
        data[field_name("email", kind)] = service.email_mode(chosen[kind.key])
        data[field_name("webhook", kind)] = chosen[kind.key]["webhook"]
    form = preferences_form(kinds, bool(robots), data=data)
    relayed = {key for robot in robots for key in (robot.kinds or [])}
    if form.validate_on_submit():
        wanted = {}
        for kind in kinds:
            mode = form[field_name("email", kind)].data
            wanted[kind.key] = {"in_app": form[field_name("in_app", kind)].data,
                                "email": mode == "now", "digest": mode == "digest"}
            if kind.key in relayed:
                wanted[kind.key]["webhook"] = form[field_name("webhook", kind)].data
        service.save_preferences(current_user.id, wanted)
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notify.preferences"))
    services = ", ".join(channel_labels()[robot.provider] for robot in robots)
    return render_template("notify/preferences.html", form=form, kinds=kinds, robots=robots,
                           relayed=relayed, field_name=field_name, services=services,
                           has_email=bool(current_user.email)), 400 if form.errors else 200


# --- the administrator's view ---------------------------------------------------------------
def channel_labels() -> dict:
    """Channel → label."""
    return {"in_app": _("In the app"), "email": _("E-mail"), "digest": _("Daily digest"),
            "wecom": _("WeCom group"), "dingtalk": _("DingTalk group")}


def status_labels() -> dict:
    """Delivery status → label."""
    return {"queued": _("Queued"), "waiting": _("Waiting for the digest"),
            "retrying": _("Will retry"), "sent": _("Sent"), "failed": _("Failed")}


def error_labels() -> dict:
    """Delivery error code → what it means."""
    return {"no_address": _("The person has no e-mail address."),
            "smtp_unset": _("No mail server is configured (SMTP_HOST)."),
            "transient": _("The server could not be reached or asked to try later."),
            "refused": _("The server refused the message."),
            "robot_gone": _("The robot was removed or switched off.")}


@bp.route("/deliveries")
@roles_required("admin")
def deliveries():
    """Every delivery: to whom, which channel, how it went and why it failed."""
    query = (select(Delivery).join(NotificationRow).join(User, User.id == NotificationRow.user_id)
             .order_by(Delivery.created_at.desc(), Delivery.id.desc()))
    status = request.args.get("status", "")
    channel = request.args.get("channel", "")
    if status in DELIVERY_STATUSES:
        query = query.where(Delivery.status == status)
    if channel in DELIVERY_CHANNELS:
        query = query.where(Delivery.channel == channel)
    text = request.args.get("q", "").strip()
    if text:
        query = query.where(User.name.ilike(f"%{text}%") | User.employee_no.ilike(f"%{text}%"))
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    return render_template("notify/deliveries.html", page=page, status=status, channel=channel,
                           q=text, channels=channel_labels(), statuses=status_labels(),
                           errors=error_labels(), kinds=KINDS)


def _webhook_form(editing: DepartmentWebhook | None = None) -> WebhookForm:
    form = WebhookForm(obj=editing, editing=editing)
    if editing is not None and request.method == "GET":
        form.secret.data = ""
    departments = db.session.scalars(select(Department).order_by(Department.name))
    form.department_id.choices = [(d.id, d.name) for d in departments]
    return form


def _save_webhook(form: WebhookForm, robot: DepartmentWebhook) -> None:
    robot.department_id, robot.provider = form.department_id.data, form.provider.data
    robot.url, robot.language = form.url.data.strip(), form.language.data
    robot.kinds = [key for key in form.kinds.data if key in KINDS]
    robot.enabled = form.enabled.data
    if form.clear_secret.data:
        robot.secret = None
    elif form.secret.data:
        robot.secret = form.secret.data.strip()


@bp.route("/webhooks", methods=["GET", "POST"])
@roles_required("admin")
def webhooks():
    """Group robots per department, and a form to add one."""
    form = _webhook_form()
    if form.validate_on_submit():
        robot = DepartmentWebhook()
        _save_webhook(form, robot)
        db.session.add(robot)
        db.session.commit()
        flash(_("The group robot is saved."), "success")
        return redirect(url_for("notify.webhooks"))
    robots = db.session.scalars(select(DepartmentWebhook).join(Department)
                                .order_by(Department.name, DepartmentWebhook.provider)).all()
    return render_template("notify/webhooks.html", form=form, robots=robots, guard=GuardForm(),
                           kinds=KINDS, editing=None), 400 if form.errors else 200


def _robot_or_404(webhook_id: int) -> DepartmentWebhook:
    robot = db.session.get(DepartmentWebhook, webhook_id)
    if robot is None:
        abort(404)
    return robot


@bp.route("/webhooks/<int:webhook_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_webhook(webhook_id: int):
    """Change a department's group robot (the stored secret is kept unless replaced)."""
    robot = _robot_or_404(webhook_id)
    form = _webhook_form(robot)
    if form.validate_on_submit():
        _save_webhook(form, robot)
        db.session.commit()
        flash(_("The group robot is saved."), "success")
        return redirect(url_for("notify.webhooks"))
    return render_template("notify/webhook_form.html", form=form, robot=robot), \
        400 if form.errors else 200


@bp.route("/webhooks/<int:webhook_id>/delete", methods=["POST"])
@roles_required("admin")
def delete_webhook(webhook_id: int):
    """Remove a group robot (its past deliveries stay on record)."""
    robot = _robot_or_404(webhook_id)
    if not GuardForm().validate_on_submit():
        abort(400)
    db.session.delete(robot)
    db.session.commit()
    flash(_("The group robot is removed."), "success")
    return redirect(url_for("notify.webhooks"))


@bp.route("/webhooks/<int:webhook_id>/test", methods=["POST"])
@roles_required("admin")
def test_webhook(webhook_id: int):
    """Post a test message to the robot now and say how it went."""
    robot = _robot_or_404(webhook_id)
    if not GuardForm().validate_on_submit():
        abort(400)
    text = "【{}】{}".format(site_settings.site_name(),
                            _("Test message: notices for %(department)s will arrive here.",
                              department=robot.department.name))
    try:
        channels.post_to_robot(robot.provider, robot.url, text, robot.secret)
    except channels.DeliveryError as error:
        flash(_("The robot did not take the test message: %(reason)s",
                reason=error.detail[:200]), "danger")
    else:
        flash(_("The robot took the test message."), "success")
    return redirect(url_for("notify.webhooks"))


# --- reminders from the training dashboard ---------------------------------------------------
@bp.route("/remind-overdue", methods=["POST"])
@roles_required("trainer", "admin", "lead")
def remind_overdue():
    """Send everyone on the overdue list (of one department, if chosen) a reminder now; a
    team lead reaches only the people they lead."""
    if not GuardForm().validate_on_submit():
        abort(400)
    department_id = scope.department_or_404(current_user,
                                            request.args.get("department", type=int) or None)
    sent, skipped = sweep.overdue_nudges(department_id,
                                         allowed=scope.department_ids(current_user))
    db.session.commit()
    if sent:
        flash(_("Reminders sent: %(n)d.", n=sent), "success")
    if skipped:
        flash(ngettext("%(num)d person was reminded today already and is not reminded again.",
                       "%(num)d people were reminded today already; they are not reminded "
                       "again.", skipped), "info")
    if not sent and not skipped:
        flash(_("Nothing is overdue."), "info")
    return redirect(url_for("courses.dashboard", department=department_id) + "#overdue")


from lms.notify import cli  # noqa: E402,F401  - registers the ``flask notify`` commands
