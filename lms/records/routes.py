"""Learner record pages: my record, a person's record (staff), the gradebook, and exports.

Access: a trainee sees only their own record (403 for anyone else's); trainers and admins
see everyone's and the gradebook; a team lead those of the departments they lead (404 for
anyone else's).
"""

from flask import Blueprint, abort, has_request_context, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth import scope
from lms.auth.access import roles_required
from lms.extensions import db
from lms.records import exports, service
from lms.records.labels import template_helpers
from lms.reports.pdf import render_pdf
from lms.tabular import XLSX_MIMETYPE, download_response

bp = Blueprint("records", __name__, url_prefix="/records")

EVERYONE = ("admin", "trainer", "planner", "trainee", "lead")
STAFF = ("trainer", "admin", "lead")


@bp.app_context_processor
def _helpers() -> dict:
    return template_helpers() if has_request_context() and request.blueprint == "records" \
        else {}


def _record_or_abort(user_id: int) -> dict:
    """The record of ``user_id`` if the signed-in person may see it (403 / 404 otherwise)."""
    if user_id != current_user.id:
        if not current_user.has_role(*STAFF):
            abort(403)
        scope.person_or_404(current_user, user_id)
    record = service.learner_record(user_id)
    if record is None:
        abort(404)
    return record


@bp.route("/me")
@roles_required(*EVERYONE)
def me():
    """My learner record."""
    return render_template("records/record.html", record=_record_or_abort(current_user.id),
                           own=True)


@bp.route("/people/<int:user_id>")
@roles_required(*EVERYONE)
def person(user_id: int):
    """One person's learner record (trainers and admins; a trainee only their own)."""
    return render_template("records/record.html", record=_record_or_abort(user_id),
                           own=user_id == current_user.id)


@bp.route("/people/<int:user_id>/pdf")
@roles_required(*EVERYONE)
def person_pdf(user_id: int):
    """The learner record as a PDF."""
    record = _record_or_abort(user_id)
    pdf = render_pdf("records/record_pdf.html", {"record": record, **template_helpers()})
    return download_response(pdf, _("Learner record %(name)s.pdf",
                                    name=record["person"]["name"]), "application/pdf")


@bp.route("/people/<int:user_id>/xlsx")
@roles_required(*EVERYONE)
def person_xlsx(user_id: int):
    """The learner record as an XLSX sheet."""
    record = _record_or_abort(user_id)
    return download_response(exports.record_xlsx(record), _(
        "Learner record %(name)s.xlsx", name=record["person"]["name"]), XLSX_MIMETYPE)


def _filters() -> tuple[int | None, tuple[int, int] | None]:
    department_id = scope.department_or_404(current_user,
                                            request.args.get("department", type=int))
    try:
        cohort = service.parse_cohort(request.args.get("cohort", ""))
    except ValueError as error:
        abort(400, description=_(
            "Hire month: \"%(value)s\" is not a month; use the form YYYY-MM (2026-03).",
            value=str(error)))
    return department_id, cohort


@bp.route("/gradebook")
@roles_required(*STAFF)
def gradebook():
    """One row per trainee with the record's sections summarised; filter and page."""
    department_id, cohort = _filters()
    page = db.paginate(scope.restrict(service.learners_query(department_id, cohort),
                                      current_user),
                       per_page=service.PAGE_SIZE, error_out=False)
    records = service.learner_records([user.id for user in page.items])
    rows = [service.summary(records[user.id]) for user in page.items if user.id in records]
    departments = scope.visible_departments(current_user)
    return render_template("records/gradebook.html", page=page, rows=rows,
                           departments=departments)


@bp.route("/gradebook/xlsx")
@roles_required(*STAFF)
def gradebook_xlsx():
    """Every trainee matching the filters (all pages) as an XLSX sheet."""
    department_id, cohort = _filters()
    people = db.session.scalars(scope.restrict(service.learners_query(department_id, cohort),
                                               current_user)).all()
    records = service.learner_records([user.id for user in people])
    rows = [service.summary(records[user.id]) for user in people if user.id in records]
    return download_response(exports.gradebook_xlsx(rows), _("Gradebook.xlsx"),
                             XLSX_MIMETYPE)
