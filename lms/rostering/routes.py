"""Rostering pages: shift plans for planners; my shifts and their feed for everyone rostered."""

import logging
from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import format_date, get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms import jobs
from lms.auth.access import public, roles_required, signed_in
from lms.auth.models import Department, utcnow
from lms.extensions import db
from lms.i18n import to_local
from lms.reports.charts import Series, line_chart
from lms.reports.pdf import render_pdf
from lms.rostering import people, service, shift_templates
from lms.rostering.forms import DayOffForm, GuardForm, PlanForm
from lms.tabular import download_response, write_xlsx

bp = Blueprint("rostering", __name__, url_prefix="/rostering")
log = logging.getLogger("lms.rostering")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_form() -> PlanForm:
    form = PlanForm()
    form.source.choices = [("default", _("Erlang C on the shipped normal weekday"))] + [
        (f"run:{r.id}", _("Staffing run: %(label)s", label=r.label))
        for r in service.staffing_runs(current_user)]
    form.templates.choices = [(k, label) for k, (label, _t) in
                              shift_templates.available(current_user).items()]
    if not form.is_submitted():
        form.templates.data = ["early", "day", "late"]
    form.department.choices = [(0, _("Nobody: anonymous shifts only"))] + [
        (d.id, d.name) for d in db.session.scalars(select(Department).order_by(Department.name))]
    return form


@bp.route("/", methods=["GET", "POST"])
@roles_required("planner")
def index():
    """My shift plans, and a new one solved in the background."""
    form = _plan_form()
    if form.validate_on_submit():
        try:
            plan = service.create_plan(current_user, form.name.data.strip(), form.source.data,
                                       form.templates.data, form.department.data or None,
                                       form.starts_on.data, str(get_timezone()),
                                       form.time_limit.data)
        except service.SourceError as error:
            db.session.rollback()
            form.source.errors.append(str(error))
        else:
            db.session.commit()
            plan.job_id = jobs.submit("rostering.solve", service.solve_params(plan),
                                      current_user.id).id
            db.session.commit()
            return redirect(url_for("rostering.plan", plan_id=plan.id))
    return render_template("rostering/index.html", form=form,
                           plans=service.plans_of(current_user),
                           open_requests=len(people.open_requests()))


def _lang() -> str:
    return "zh" if str(get_locale() or "zh").startswith("zh") else "en"


def _owned(plan_id: int):
    plan = service.plan_of(current_user, plan_id)
    if plan is None:
        abort(404)
    return plan


def _charts(plan, solved) -> list:
    req = plan.requirement
    im, offset, n = req["interval_minutes"], req["offset"], req["n_intervals"]
    charts = []
    titles = service.group_titles(plan, _lang())
    for g in req["groups"]:
        need = req["need"][g][offset:offset + n]
        have = [m / im for m in solved["coverage"][g][offset:offset + n]]
        charts.append(line_chart(req["labels"], [Series(_("Required"), need),
                                                  Series(_("Scheduled"), have)],
                                 title=_("%(group)s: required and scheduled heads",
                                         group=titles.get(g, g)),
                                 y_label=_("Heads")))
    return charts


@bp.route("/<int:plan_id>")
@roles_required("planner")
def plan(plan_id: int):
    """A plan: progress while solving, then totals, the chart, the roster, the verification."""
    shift_plan = _owned(plan_id)
    result = service.result_of(shift_plan)
    solved = (result or {}).get("roster") or (result or {}).get("plan")
    verification = shift_plan.verify_job.result if shift_plan.verify_job is not None else None
    return render_template("rostering/plan.html", plan=shift_plan, result=result, solved=solved,
                           charts=_charts(shift_plan, solved) if solved else [],
                           rows=service.roster_rows(shift_plan, _lang()),
                           titles=service.group_titles(shift_plan, _lang()),
                           verification=verification,
                           label_of=shift_templates.label_of, guard=GuardForm())


@bp.route("/<int:plan_id>/publish", methods=["POST"])
@roles_required("planner")
def publish(plan_id: int):
    """Publish the roster: the agents see their shifts."""
    shift_plan = _owned(plan_id)
    if not GuardForm().validate_on_submit():
        abort(400)
    try:
        count = service.publish(shift_plan)
    except service.SourceError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Published %(count)d shifts.", count=count), "success")
    return redirect(url_for("rostering.plan", plan_id=plan_id))


@bp.route("/<int:plan_id>/verify", methods=["POST"])
@roles_required("planner")
def verify(plan_id: int):
    """Simulate the plan's heads on its scenario in the background."""
    shift_plan = _owned(plan_id)
    if not GuardForm().validate_on_submit():
        abort(400)
    result = service.result_of(shift_plan)
    if not result or "plan" not in result:
        flash(_("Solve the plan before verifying it."), "error")
        return redirect(url_for("rostering.plan", plan_id=plan_id))
    shift_plan.verify_job_id = jobs.submit("rostering.verify", service.verify_params(shift_plan),
                                           current_user.id).id
    db.session.commit()
    return redirect(url_for("rostering.plan", plan_id=plan_id))


@bp.route("/<int:plan_id>/resolve", methods=["POST"])
@roles_required("planner")
def resolve(plan_id: int):
    """Solve a new plan on the requirement raised where the simulation found misses."""
    shift_plan = _owned(plan_id)
    if not GuardForm().validate_on_submit():
        abort(400)
    try:
        copy = service.corrected_plan(shift_plan, _("%(name)s (corrected)", name=shift_plan.name))
    except service.SourceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("rostering.plan", plan_id=plan_id))
    db.session.commit()
    copy.job_id = jobs.submit("rostering.solve", service.solve_params(copy), current_user.id).id
    db.session.commit()
    flash(_("A new plan is being solved with the correction; the first one is kept."), "success")
    return redirect(url_for("rostering.plan", plan_id=copy.id))


@bp.route("/<int:plan_id>/roster.xlsx")
@roles_required("planner")
def export(plan_id: int):
    """The roster as a spreadsheet."""
    shift_plan = _owned(plan_id)
    headers = [_("Agent"), _("Group"), _("Shift"), _("Date"), _("Starts at"), _("Ends at"),
               _("Paid hours"), _("Training score")]
    body = write_xlsx(service.roster_rows(shift_plan, _lang()), headers, sheet_title=_("Roster"))
    return download_response(body, f"{shift_plan.name}.xlsx", XLSX)


def mine_page(new_address: str | None = None, day_off=None):
    """My shifts page: shifts, days off asked for, and the feed address."""
    return render_template("rostering/mine.html",
                           shifts=service.shifts_of(current_user, utcnow() - timedelta(days=1)),
                           feed=service.feed_of(current_user), guard=GuardForm(),
                           label_of=shift_templates.label_of, new_address=new_address,
                           day_off=day_off or DayOffForm(),
                           requests=people.requests_of(current_user))


@bp.route("/mine")
@signed_in
def mine():
    """My published shifts from yesterday on, my days off, and my private feed address."""
    return mine_page()


def _weekday(day) -> str:
    return format_date(day, "EEEE")


@bp.route("/mine.pdf")
@signed_in
def mine_pdf():
    """My published shifts from today on, to print (times in my zone)."""
    rows = []
    for shift in service.shifts_of(current_user, utcnow() - timedelta(days=1)):
        begin, end = to_local(shift.starts_at), to_local(shift.ends_at)
        label = shift_templates.label_of(shift.template)
        rows.append({"date": begin.date().isoformat(), "weekday": _weekday(begin.date()),
                     "shift": str(label), "start": begin.strftime("%H:%M"),
                     "end": end.strftime("%H:%M"), "hours": shift.paid_minutes / 60})
    title = _("My shifts")
    body = render_pdf("rostering/shifts_pdf.html", {
        "title": title, "zone": str(get_timezone()),
        "agents": [{"name": current_user.name, "rows": rows}]})
    return download_response(body, f"{title}.pdf", "application/pdf")


@bp.route("/<int:plan_id>/roster.pdf")
@roles_required("planner")
def export_pdf(plan_id: int):
    """The roster, one page per agent, to hand out (times on the plan's clock)."""
    shift_plan = _owned(plan_id)
    per_agent: dict[str, list] = {}
    for name, _group, shift, day, start, end, hours, _score in service.roster_rows(
            shift_plan, _lang()):
        per_agent.setdefault(name, []).append({
            "date": day, "weekday": _weekday(date.fromisoformat(day)), "shift": shift,
            "start": start, "end": end, "hours": hours})
    if not per_agent:
        flash(_("This plan has no roster of named agents yet."), "error")
        return redirect(url_for("rostering.plan", plan_id=plan_id))
    body = render_pdf("rostering/shifts_pdf.html", {
        "title": shift_plan.name, "zone": shift_plan.zone,
        "agents": [{"name": n, "rows": r} for n, r in sorted(per_agent.items())]})
    return download_response(body, f"{shift_plan.name}.pdf", "application/pdf")


@bp.route("/mine/feed", methods=["POST"])
@signed_in
def make_feed():
    """Make my shift-feed address (a new one replaces the old); it is shown this once."""
    if not GuardForm().validate_on_submit():
        abort(400)
    token = service.new_feed_token(current_user)
    db.session.commit()
    return mine_page(url_for("rostering.feed", token=token, _external=True))


@bp.route("/feed/<token>.ics")
@public
def feed(token: str):
    """The shifts of the person whose secret address this is (404 otherwise)."""
    user = service.user_for_token(token)
    if user is None:
        abort(404)
    body = service.build_ics(user, service.shifts_of(user, utcnow() - timedelta(days=30)),
                             "lms")
    return Response(body, mimetype="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": "inline; filename=shifts.ics",
                             "Cache-Control": "private, max-age=300"})


from lms.rostering import routes_people  # noqa: E402,F401  (register the people pages)
