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
    report,
    service,
)
from lms.evaluation.content import load_survey
from lms.evaluation.forms import RunForm, SurveyForm, UploadForm
from lms.evaluation.pdf import report_context
from lms.evaluation.statistics import kpi_targets
from lms.extensions import db
from lms.reports.pdf import render_pdf

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")
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


def _upload_page(kind: str, check, apply, template: str):
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        checked = check(upload.filename or "upload", upload.read())
        if checked.errors:
            return render_template(template, form=form, errors=checked.errors), 400
        count = apply(checked.rows)
        db.session.commit()
        flash(_("%(n)d rows imported.", n=count), "success")
        return redirect(url_for("evaluation.index"))
    return render_template(template, form=form, errors=[]), 400 if form.errors else 200


@bp.route("/kpi/import", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def import_kpis():
    """Import monthly per-agent KPI figures; any bad row imports nothing."""
    return _upload_page("kpi", imports.check_kpi_file, imports.apply_kpi_rows,
                        "evaluation/import_kpi.html")


@bp.route("/pairs/import", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def import_pairs():
    """Import pre/post test scores; any bad row imports nothing."""
    return _upload_page("pairs", imports.check_pair_file, imports.apply_pair_rows,
                        "evaluation/import_pairs.html")


@bp.route("/kpi/template.csv")
@roles_required("trainer", "admin")
def kpi_template():
    """A KPI CSV with the expected header and one example row."""
    body = ("employee_no,month,response_on_time_rate,resolution_rate,satisfaction,"
            "complaint_rate\nE1001,2026-11,98.5,96.0,92.3,0.3\n")
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=kpi-template.csv"})


def _trainer_choices() -> list[tuple[str, str]]:
    trainers = db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == "trainer").order_by(User.name)).all()
    return [(str(u.id), u.name) for u in trainers]


@bp.route("/survey/<path:course_ref>", methods=["GET", "POST"])
@signed_in
def survey(course_ref: str):
    """The post-course survey of one course; each trainee answers it once."""
    course_ref = course_ref.strip()[:120]
    if not course_ref:
        abort(404)
    existing = service.survey_response(current_user, course_ref)
    if existing is not None:
        return render_template("evaluation/survey_done.html", course_ref=course_ref)
    form = SurveyForm(trainers=_trainer_choices())
    survey_spec, missing, values = load_survey(), [], {}
    if form.validate_on_submit():
        answers, free, missing = service.read_survey_form(request.form)
        values = request.form
        if not missing:
            trainer_id = int(form.trainer.data) if form.trainer.data else None
            service.submit_survey(current_user, course_ref, answers, free, trainer_id)
            db.session.commit()
            flash(_("Thank you. Your answers were saved."), "success")
            return redirect(url_for("evaluation.survey", course_ref=course_ref))
    elif request.method == "POST":
        abort(400)
    return render_template("evaluation/survey.html", form=form, survey=survey_spec,
                           course_ref=course_ref, missing=missing, values=values), \
        400 if missing else 200
