"""Drill pages: trainers schedule drills and see results; trainees play and read debriefs."""

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.access import roles_required
from lms.drills import forms, live, service
from lms.drills.service import ActionRefused
from lms.extensions import db
from lms.formutil import choices
from lms.home.widgets import register_widget
from lms.reports.pdf import render_pdf

bp = Blueprint("drills", __name__, url_prefix="/drills")


def lang() -> str:
    """The page language, ``zh`` or ``en``."""
    return "zh" if str(get_locale() or "zh").startswith("zh") else "en"


register_widget("trainee", "drills/_home_widget.html",
                lambda user: {"drills": [d for d in service.my_drills(user)
                                         if d.status != "finished"][:5]})


@bp.route("/")
@roles_required("trainee")
def my_drills():
    """The trainee's drills: to do, under way and done."""
    drills = service.my_drills(current_user)
    for drill in drills:
        service.settle_clock(drill)
    db.session.commit()
    return render_template("drills/my_drills.html", drills=drills)


@bp.route("/<int:drill_id>/play")
@roles_required("trainee")
def play(drill_id: int):
    """The live duty-supervisor page."""
    drill = service.drill_for_trainee(drill_id, current_user)
    service.settle_clock(drill)
    db.session.commit()
    if drill.status == "finished":
        return redirect(url_for("drills.debrief", drill_id=drill.id))
    return render_template("drills/play.html", drill=drill, **live.page_context(drill, lang()))


@bp.route("/<int:drill_id>/state")
@roles_required("trainee")
def state(drill_id: int):
    """The drill's state now, as JSON (polled every second)."""
    drill = service.drill_for_trainee(drill_id, current_user)
    service.settle_clock(drill)
    db.session.commit()
    return jsonify(live.state_json(drill, lang()))


@bp.route("/<int:drill_id>/control", methods=["POST"])
@roles_required("trainee")
def control(drill_id: int):
    """Start, pause, resume or finish the drill clock."""
    drill = service.drill_for_trainee(drill_id, current_user)
    command = (request.get_json(silent=True) or request.form).get("command", "")
    try:
        service.control(drill, command)
    except ActionRefused as refused:
        db.session.rollback()
        return jsonify(error=str(refused)), refused.status
    db.session.commit()
    return jsonify(live.state_json(drill, lang()))


@bp.route("/<int:drill_id>/actions", methods=["POST"])
@roles_required("trainee")
def act(drill_id: int):
    """Take one action now; it is stored with its drill time before the answer."""
    drill = service.drill_for_trainee(drill_id, current_user)
    payload = request.get_json(silent=True) or {}
    try:
        service.take_action(drill, current_user, str(payload.get("kind", "")),
                            dict(payload.get("params") or {}))
    except ActionRefused as refused:
        db.session.rollback()
        return jsonify(error=str(refused)), refused.status
    db.session.commit()
    return jsonify(live.state_json(drill, lang())), 201


@bp.route("/<int:drill_id>/debrief")
@roles_required("trainee", "trainer", "admin")
def debrief(drill_id: int):
    """Scores, step timeliness, comparison and timeline of a finished drill."""
    drill = live.drill_for_reader(drill_id, current_user)
    if drill.status != "finished":
        flash(_("The debrief is ready when the drill is finished."), "info")
        return redirect(url_for("drills.play", drill_id=drill.id)
                        if drill.trainee_id == current_user.id else url_for("drills.manage"))
    return render_template("drills/debrief.html", drill=drill,
                           **live.debrief_context(drill, lang()))


@bp.route("/<int:drill_id>/debrief.pdf")
@roles_required("trainee", "trainer", "admin")
def debrief_pdf(drill_id: int):
    """The drill evaluation report as PDF."""
    drill = live.drill_for_reader(drill_id, current_user)
    if drill.status != "finished":
        return redirect(url_for("drills.debrief", drill_id=drill.id))
    context = live.debrief_context(drill, lang())
    context["drill_info"] = live.drill_info(drill, lang())
    pdf = render_pdf("drills/report_pdf.html", context)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=drill-{drill.id}.pdf"})


@bp.route("/manage", methods=["GET", "POST"])
@roles_required("trainer")
def manage():
    """Schedule drills and see the results of the trainees one has drilled."""
    form = forms.ScheduleForm()
    form.scenario_id.choices = choices((e.id, e.title.get(lang()))
                                       for e in service.drill_scenarios())
    form.trainee_id.choices = choices([(0, "—")] + [(u.id, f"{u.name} ({u.employee_no})")
                                                   for u in service.trainees_of()])
    form.department_id.choices = choices([(0, "—")] + [(d.id, d.name)
                                                      for d in service.departments()])
    if form.validate_on_submit():
        trainees = ([db.session.get(service.User, form.trainee_id.data)]
                    if form.trainee_id.data else service.trainees_of(form.department_id.data))
        if not trainees:
            form.department_id.errors = [_("This department has no active trainees.")]
        else:
            service.schedule(current_user, form.scenario_id.data, trainees,
                             form.compression.data, form.seed.data)
            db.session.commit()
            flash(_("Drill scheduled for %(n)d trainee(s).", n=len(trainees)), "success")
            return redirect(url_for("drills.manage"))
    status = 400 if request.method == "POST" else 200
    return render_template("drills/manage.html", form=form,
                           drills=service.scheduled_by(current_user)), status
