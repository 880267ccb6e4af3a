"""Training-effectiveness pages: dashboard (levels 1-4), drill-down, imports, survey, PDF."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms import jobs
from lms.auth.access import roles_required, signed_in
from lms.auth.models import User, UserRole
from lms.evaluation import (
    events,  # noqa: F401 - connects the signal listeners
    impact_runs,
    imports,
    kpis,
    names,
    report,
    service,
)
from lms.evaluation.content import load_survey
from lms.evaluation.forms import RunForm, SurveyForm, UploadForm
from lms.evaluation.pdf import report_context
from lms.evaluation.statistics import kpi_targets
from lms.extensions import db
from lms.reports.pdf import render_pdf
from lms.tabular import CSV_MIMETYPE, download_response, write_csv

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")
bp.add_app_template_global(names.name_of, "ref_name")
bp.add_app_template_global(names.pair_label, "pair_label")
MANAGERS = ("trainer", "admin", "planner")


@bp.route("/")
@roles_required(*MANAGERS)
def index():
    """The effectiveness dashboard for a cohort, department or course."""
    filters = service.Filters.from_args(request.args)
    return render_template("evaluation/dashboard.html", data=report.dashboard(filters),
                           choices=service.filter_choices(), targets=kpi_targets)


@bp.route("/impact")
@roles_required(*MANAGERS)
def impact():
    """Simulated level-4 impact: the stored result, or the progress of its background run."""
    jobs.recover_interrupted()  # a restart leaves in-process runs "running": settle them
    filters = service.Filters.from_args(request.args)
    data = report.dashboard(filters, with_impact=True)
    return render_template("evaluation/impact.html", data=data, run_form=RunForm(),
                           choices=service.filter_choices(), interrupted=jobs.INTERRUPTED)


@bp.route("/impact/run", methods=["POST"])
@roles_required(*MANAGERS)
def run_impact():
    """Start (or reuse) the background simulation for the selection, then show its progress."""
    if not RunForm().validate_on_submit():
        abort(400)
    filters = service.Filters.from_args(request.form)
    data = report.dashboard(filters)
    params = impact_runs.impact_params(data["impact_inputs"])
    if params is None:
        flash(_("No pre/post test pairs yet: import them, or pair a pre-test and post-test "
                "exam."), "warning")
    else:
        impact_runs.start_run(params, current_user.id)
    return redirect(url_for("evaluation.impact", **filters.as_args()))


@bp.route("/impact/jobs/<int:job_id>")
@roles_required(*MANAGERS)
def impact_status(job_id: int):
    """What the progress bar polls: status, fraction done, error."""
    job = impact_runs.impact_job(job_id)
    if job is None:
        abort(404)
    return jsonify(job.as_status())


@bp.route("/people/<int:user_id>")
@roles_required(*MANAGERS)
def person(user_id: int):
    """Drill-down: one trainee's survey, gains, practice scores and KPI months."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return render_template("evaluation/person.html", person=user,
                           data=report.person_data(user), targets=kpi_targets)


@bp.route("/staff")
@roles_required(*MANAGERS)
def staff():
    """Monthly staff assessment: who meets every KPI target, and service-star candidates."""
    filters = service.Filters.from_args(request.args)
    assessment = kpis.staff_assessment(kpis.kpi_rows(filters), request.args.get("month"))
    return render_template("evaluation/staff.html", assessment=assessment, targets=kpi_targets,
                           filters=filters)


@bp.route("/report.pdf")
@roles_required(*MANAGERS)
def report_pdf():
    """The evaluation report as a PDF (Chinese or English, the reader's language)."""
    filters = service.Filters.from_args(request.args)
    data = report.dashboard(filters, with_impact=True)
    pdf = render_pdf("evaluation/report_pdf.html", report_context(data))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": "attachment; filename=training-evaluation.pdf"})


def _upload_page(kind: str, check, template: str, max_rows: int):
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload.filename or "upload"
        checked = check(filename, upload.read())
        if checked.errors:
            return render_template(template, form=form, errors=checked.errors,
                                   max_rows=max_rows), 400
        job = imports.start_import(kind, checked, filename, current_user.id)
        return redirect(url_for("evaluation.import_job", job_id=job.id))
    return render_template(template, form=form, errors=[], max_rows=max_rows), \
        400 if form.errors else 200


@bp.route("/kpi/import", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def import_kpis():
    """Import monthly per-agent KPI figures; any bad row imports nothing."""
    return _upload_page("kpi", imports.check_kpi_file, "evaluation/import_kpi.html",
                        imports.MAX_KPI_ROWS)


@bp.route("/pairs/import", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def import_pairs():
    """Import pre/post test scores; any bad row imports nothing."""
    return _upload_page("pairs", imports.check_pair_file, "evaluation/import_pairs.html",
                        imports.MAX_PAIR_ROWS)


@bp.route("/imports/<int:job_id>")
@roles_required("trainer", "admin")
def import_job(job_id: int):
    """Progress of a KPI or pre/post import (the page refreshes itself), then its outcome."""
    jobs.recover_interrupted()  # a restart leaves in-process imports "running": settle them
    job = imports.import_job_for(job_id, current_user.id)
    if job is None:
        abort(404)
    return render_template("evaluation/import_job.html", job=job,
                           interrupted=jobs.INTERRUPTED)


@bp.route("/imports/<int:job_id>/status")
@roles_required("trainer", "admin")
def import_job_status(job_id: int):
    """What a script polls: status, fraction done, error."""
    job = imports.import_job_for(job_id, current_user.id)
    if job is None:
        abort(404)
    return jsonify(job.as_status())


@bp.route("/kpi/template.csv")
@roles_required("trainer", "admin")
def kpi_template():
    """A KPI CSV with the expected header and one example row."""
    body = write_csv([["E1001", "2026-11", 98.5, 96.0, 92.3, 0.3]],
                     ["employee_no", "month", "response_on_time_rate", "resolution_rate",
                      "satisfaction", "complaint_rate"])
    return download_response(body, "kpi-template.csv", CSV_MIMETYPE)


def _trainer_choices() -> list[tuple[str, str]]:
    trainers = db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == "trainer").order_by(User.name)).all()
    return [(str(u.id), u.name) for u in trainers]


@bp.route("/survey/<path:course_ref>", methods=["GET", "POST"])
@signed_in
def survey(course_ref: str):
    """The post-course survey of one published course, for the people it is assigned to, once.

    A made-up course is 404, someone the course is not assigned to 403; a variant spelling of
    the reference (case, slashes, no ``course:``) is the same course and leads to its address.
    """
    try:
        course = service.survey_for(current_user, course_ref)
    except service.SurveyRefused as refused:
        abort(refused.status)
    db.session.commit()  # keeps assignments a standing assignment has just reached
    canonical = service.canonical_course_ref(course)
    if request.method == "GET" and course_ref != canonical:
        return redirect(url_for("evaluation.survey", course_ref=canonical))
    def done(status: int):
        return render_template("evaluation/survey_done.html", course=course,
                               course_ref=canonical), status

    if service.survey_response(current_user, canonical) is not None:
        return done(409 if request.method == "POST" else 200)
    form = SurveyForm(trainers=_trainer_choices())
    survey_spec, missing, values = load_survey(), [], {}
    if form.validate_on_submit():
        answers, free, missing = service.read_survey_form(request.form)
        values = request.form
        if not missing:
            trainer_id = int(form.trainer.data) if form.trainer.data else None
            try:
                service.submit_survey(current_user, course, answers, free, trainer_id)
            except service.SurveyRefused:
                return done(409)
            db.session.commit()
            flash(_("Thank you. Your answers were saved."), "success")
            return redirect(url_for("evaluation.survey", course_ref=canonical))
    elif request.method == "POST":
        abort(400)
    return render_template("evaluation/survey.html", form=form, survey=survey_spec,
                           course=course, course_ref=canonical, missing=missing,
                           values=values), 400 if missing else 200
