"""Rostering pages about people and shifts: contracts and skill groups and shift templates
(planners), days off (everyone rostered asks, planners decide)."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

import scenarios
from lms.auth.access import roles_required, signed_in
from lms.auth.models import Department, User, UserRole
from lms.extensions import db
from lms.formutil import choices
from lms.i18n import to_local
from lms.rostering import people, shift_templates
from lms.rostering.forms import (
    ContractForm,
    DayOffForm,
    DecisionForm,
    GuardForm,
    TemplateForm,
    minutes_of,
)
from lms.rostering.models import CONTRACT_PRESETS, DayOffRequest, OwnShiftTemplate
from lms.rostering.routes import _lang, bp, mine_page
from lms.rostering.service import agents_of


@functools.cache
def _library_groups() -> tuple[tuple[str, str, str], ...]:
    seen: dict[str, tuple[str, str]] = {}
    for entry in scenarios.library():
        for group in entry.load().groups:
            if group.name not in seen and group.title is not None:
                seen[group.name] = (group.title.zh, group.title.en)
    return tuple((key, zh, en) for key, (zh, en) in seen.items())


def known_groups(lang: str) -> list[tuple[str, str]]:
    """(key, title) of every agent group in the shipped scenario library, once each."""
    return [(key, zh if lang == "zh" else en) for key, zh, en in _library_groups()]


def _today() -> date:
    return to_local(datetime.now(UTC).replace(tzinfo=None)).date()


@bp.route("/people")
@roles_required("planner")
def people_page():
    """The people of a department with their contracts and skill groups."""
    departments = list(db.session.scalars(select(Department).order_by(Department.name)))
    chosen = request.args.get("department", type=int)
    department = next((d for d in departments if d.id == chosen),
                      departments[0] if departments else None)
    staff = agents_of(department.id) if department else []
    titles = dict(known_groups(_lang()))
    return render_template("rostering/people.html", departments=departments,
                           department=department, staff=staff, titles=titles,
                           contracts=people.contracts_of([u.id for u in staff]),
                           presets=CONTRACT_PRESETS)


def _person_or_404(user_id: int) -> User:
    person = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if person is None or not db.session.scalar(select(UserRole.user_id).where(
            UserRole.user_id == person.id, UserRole.role == "trainee")):
        abort(404)
    return person


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@roles_required("planner")
def contract(user_id: int):
    """Edit one person's contract and skill groups."""
    person = _person_or_404(user_id)
    row = people.contract_of(person.id)
    form = ContractForm(obj=row) if request.method == "GET" and row else ContractForm()
    form.groups.choices = choices(known_groups(_lang()))
    if request.method == "GET":
        if row is None:
            preset = CONTRACT_PRESETS["full_time"]
            form.kind.data = "full_time"
            form.min_hours.data, form.max_hours.data = preset["min_hours"], preset["max_hours"]
            form.max_days.data = preset["max_days"]
            form.max_consecutive_days.data = preset["max_consecutive_days"]
        else:
            form.groups.data = row.groups
    status = 200
    if form.validate_on_submit():
        try:
            people.save_contract(person, current_user, kind=form.kind.data,
                                 min_hours=form.min_hours.data, max_hours=form.max_hours.data,
                                 max_days=form.max_days.data,
                                 max_consecutive_days=form.max_consecutive_days.data,
                                 groups=form.groups.data or [])
        except people.RequestRefused as refused:
            db.session.rollback()
            form.max_hours.errors.append(str(refused))
            status = 400
        else:
            db.session.commit()
            flash(_("Contract of %(name)s saved.", name=person.name), "success")
            return redirect(url_for("rostering.people_page",
                                    department=person.department_id or ""))
    elif request.method == "POST":
        status = 400
    return render_template("rostering/contract.html", person=person, form=form), status


@bp.route("/requests")
@roles_required("planner")
def requests():
    """Days off waiting for a decision, and the latest decisions."""
    return render_template("rostering/requests.html", waiting=people.open_requests(),
                           decided=people.decided_recently(), form=DecisionForm())


@bp.route("/requests/<int:request_id>", methods=["POST"])
@roles_required("planner")
def decide(request_id: int):
    """Approve or decline one request."""
    row = db.session.get(DayOffRequest, request_id) if 0 < request_id < 2**31 else None
    if row is None:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        people.decide(row, current_user, form.decision.data == "approve")
    except people.RequestRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(_("Approved.") if row.status == "approved" else _("Declined."), "success")
    return redirect(url_for("rostering.requests"))


@bp.route("/mine/days-off", methods=["POST"])
@signed_in
def ask_day_off():
    """Ask for a day off."""
    form = DayOffForm()
    if form.validate_on_submit():
        try:
            people.ask(current_user, form.day.data, form.reason.data or "", _today())
        except people.RequestRefused as refused:
            db.session.rollback()
            form.day.errors.append(str(refused))
        else:
            db.session.commit()
            flash(_("Your request for %(day)s is sent to the planners.",
                    day=form.day.data.isoformat()), "success")
            return redirect(url_for("rostering.mine"))
    return mine_page(day_off=form), 400


@bp.route("/mine/days-off/<int:request_id>/withdraw", methods=["POST"])
@signed_in
def withdraw_day_off(request_id: int):
    """Take back my request while it is still open."""
    row = db.session.get(DayOffRequest, request_id) if 0 < request_id < 2**31 else None
    if row is None or row.user_id != current_user.id:
        abort(404)
    if not GuardForm().validate_on_submit():
        abort(400)
    try:
        people.withdraw(row, current_user)
    except people.RequestRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(_("Request withdrawn."), "success")
    return redirect(url_for("rostering.mine"))


@bp.route("/templates", methods=["GET", "POST"])
@roles_required("planner")
def shift_templates_page():
    """The shipped shift templates and my own, and a form to make one."""
    form = TemplateForm()
    status = 200
    if form.validate_on_submit():
        try:
            row = shift_templates.save(
                current_user, name=form.name.data,
                start_earliest=minutes_of(form.start_earliest.data),
                start_latest=minutes_of(form.start_latest.data),
                length=int(round(float(form.length_hours.data) * 60)), step=form.step.data,
                lunch=form.lunch.data, lunch_after=int(round(float(form.lunch_after.data) * 60)),
                short_break=form.short_break.data, weekdays=form.weekdays.data or [],
                cost_per_hour=float(form.cost_per_hour.data))
        except shift_templates.TemplateRefused as refused:
            db.session.rollback()
            getattr(form, refused.field).errors.append(str(refused))
            status = 400
        else:
            db.session.commit()
            flash(_("Shift template %(name)s saved: choose it for your next plan.",
                    name=row.name), "success")
            return redirect(url_for("rostering.shift_templates_page"))
    elif request.method == "POST":
        status = 400
    offered = shift_templates.available(current_user)
    rows = [{"key": key, "label": label, "own": key.startswith("own:"),
             "id": key[4:] if key.startswith("own:") else None,
             "paid_hours": template.paid_minutes / 60,
             "starts": f"{template.start_earliest // 60:02d}:{template.start_earliest % 60:02d}"
                       f"–{template.start_latest // 60:02d}:{template.start_latest % 60:02d}",
             "full": template.paid_minutes >= shift_templates.FULL_TIME_MINUTES}
            for key, (label, template) in offered.items()]
    return render_template("rostering/templates.html", form=form, rows=rows,
                           guard=GuardForm()), status


@bp.route("/templates/<int:template_id>/delete", methods=["POST"])
@roles_required("planner")
def delete_template(template_id: int):
    """Delete one of my templates (plans solved with it keep their shifts)."""
    row = db.session.get(OwnShiftTemplate, template_id) if 0 < template_id < 2**31 else None
    if row is None or row.owner_id != current_user.id:
        abort(404)
    if not GuardForm().validate_on_submit():
        abort(400)
    db.session.delete(row)
    db.session.commit()
    flash(_("Shift template deleted."), "success")
    return redirect(url_for("rostering.shift_templates_page"))
