"""Planner run pages: start runs, follow progress, results, comparisons, staffing, exports."""

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.access import roles_required, signed_in
from lms.extensions import db
from lms.formutil import choices
from lms.jobs.models import Job
from lms.planning import control, exports, forms, report, scenario_store, service
from lms.planning.routes import bp, lang


@bp.route("/scenarios/<int:scenario_id>/run", methods=["POST"])
@roles_required("planner")
def run(scenario_id: int):
    """Start a simulation of this scenario."""
    stored = scenario_store.owned(scenario_id, current_user, write=True)
    form = forms.RunForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errs in form.errors.values() for e in errs), "danger")
        return redirect(url_for("planning.scenario", scenario_id=stored.id))
    started = service.start_simulation(current_user, stored, form.seed.data,
                                       form.replications.data)
    return redirect(url_for("planning.run_page", run_id=started.id))


@bp.route("/scenarios/<int:scenario_id>/staffing", methods=["POST"])
@roles_required("planner")
def staffing(scenario_id: int):
    """Search the required staff of this scenario."""
    stored = scenario_store.owned(scenario_id, current_user, write=True)
    form = forms.RunForm()
    if not form.validate_on_submit():
        abort(400)
    started = service.start_staffing(current_user, stored, form.seed.data,
                                     form.replications.data)
    return redirect(url_for("planning.run_page", run_id=started.id))


@bp.route("/compare", methods=["GET", "POST"])
@roles_required("planner")
def compare():
    """Choose 2-4 scenarios and compare them on the same random numbers."""
    mine = scenario_store.list_for(current_user)
    form = forms.CompareForm()
    form.scenario_ids.choices = choices((s.id, s.name) for s in mine)
    form.baseline.choices = choices([(0, _("The first one chosen"))] +
                                    [(s.id, s.name) for s in mine])
    if request.method == "GET" and request.args.getlist("ids"):
        form.scenario_ids.data = [int(i) for i in request.args.getlist("ids") if i.isdigit()]
        wanted = request.args.get("baseline", "")
        form.baseline.data = int(wanted) if wanted.isdigit() else \
            (form.scenario_ids.data or [None])[0]
    if form.validate_on_submit():
        if not 2 <= len(form.scenario_ids.data) <= 4:
            form.scenario_ids.errors = [_("Choose between 2 and 4 scenarios.")]
        else:
            stored = service.scenarios_for_compare(form.scenario_ids.data, current_user)
            started = service.start_comparison(current_user, stored, form.seed.data,
                                               form.replications.data,
                                               baseline=form.baseline.data or None)
            return redirect(url_for("planning.run_page", run_id=started.id))
    status = 400 if request.method == "POST" else 200
    return render_template("planning/compare_form.html", form=form), status


@bp.route("/runs")
@roles_required("planner", "admin")
def runs():
    """Run history: who ran what, when, with which seed and replications."""
    return render_template("planning/runs.html", runs=service.history(current_user))


@bp.route("/runs/<int:run_id>")
@roles_required("planner", "admin")
def run_page(run_id: int):
    """Progress while the run works; its results once done."""
    found = service.run_for(run_id, current_user)
    job = found.job
    if job.status != "done":
        return render_template("planning/progress.html", run=found, job=job,
                               cancel_form=forms.CancelForm(),
                               detail=control.describe(control.status(found)))
    context = report.context(found, lang())
    return render_template(f"planning/result_{found.kind}.html", run=found, **context)


@bp.route("/runs/<int:run_id>/status")
@roles_required("planner", "admin")
def run_status(run_id: int):
    """JSON status of the run's job, polled by the progress page."""
    found = service.run_for(run_id, current_user)
    status = control.status(found)
    return jsonify({**status, "detail": control.describe(status),
                    "url": url_for("planning.run_page", run_id=found.id)})


@bp.route("/runs/<int:run_id>/cancel", methods=["POST"])
@roles_required("planner", "admin")
def run_cancel(run_id: int):
    """Stop a run that is still working (it stops after its current replication)."""
    found = service.run_for(run_id, current_user)
    if found.owner_id != current_user.id and not current_user.has_role("admin"):
        abort(403)
    if not forms.CancelForm().validate_on_submit():
        abort(400)
    if control.request_cancel(found):
        flash(_("Cancelling: the run stops after the replication it is working on."), "info")
    return redirect(url_for("planning.run_page", run_id=found.id))


@bp.route("/runs/<int:run_id>/report.pdf")
@roles_required("planner", "admin")
def run_pdf(run_id: int):
    """The planning report as PDF."""
    found = service.run_for(run_id, current_user)
    if found.job.status != "done":
        abort(404)
    pdf = report.pdf(found, lang())
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=planning-run-{found.id}.pdf"})


@bp.route("/runs/<int:run_id>/export/<table>.<fmt>")
@roles_required("planner", "admin")
def run_export(run_id: int, table: str, fmt: str):
    """One table of the run as CSV or XLSX."""
    found = service.run_for(run_id, current_user)
    if found.job.status != "done" or fmt not in ("csv", "xlsx"):
        abort(404)
    rows = exports.table_rows(found, table, lang())
    if rows is None:
        abort(404)
    body, mimetype = exports.encode(rows, fmt, table)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=run-{found.id}-{table}.{fmt}"})


@bp.route("/jobs/<int:job_id>/status")
@signed_in
def job_status(job_id: int):
    """JSON status of any background job of the signed-in user (admins: any job)."""
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if job.owner_id != current_user.id and not current_user.has_role("admin"):
        abort(403)
    return jsonify(job.as_status())
