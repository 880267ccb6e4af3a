"""Practice pages for trainees: my practice, one course's sessions, hours and checklist.

The trainer pages (sessions, attendance, checklists) live in `routes_manage` on the same
blueprint. A refused request answers 400 with the message: JSON ``{error, message, field}``
for the tablet's taps, else the page again with the message on top.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.access import roles_required
from lms.courses import progress
from lms.extensions import db
from lms.home.widgets import register_widget
from lms.practice import checklists, overview, service
from lms.practice.forms import GuardForm
from lms.practice.service import Refused

bp = Blueprint("practice", __name__, url_prefix="/practice")

register_widget("trainee", "practice/_home_trainee.html", overview.trainee_widget, order=40)
register_widget("trainer", "practice/_home_trainer.html", overview.trainer_widget, order=40)


def wants_json() -> bool:
    """Whether the client asked for a JSON answer (the tablet's taps do)."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def refusal_json(field: str, message: str):
    """The 400 a JSON client reads: the message and the field to correct."""
    return {"error": message, "message": message, "field": field}, 400


def first_error(form) -> tuple[str, str]:
    """(field name, message) of a form's first validation error."""
    for name, errors in form.errors.items():
        if errors:
            label = getattr(form, name).label.text if hasattr(form, name) else name
            message = errors[0] if isinstance(errors[0], str) else str(errors[0])
            return name, f"{label}: {message}"
    return "form", ""


def _assigned_course_or_404(slug: str):
    course = checklists.course_by_slug(slug)
    if not course.published or not progress.is_assigned(current_user.id, course):
        abort(404)
    return course


def _my_course_page(course, status: int = 200):
    return render_template(
        "practice/my_course.html", course=course, guard=GuardForm(),
        summary=overview.course_summary(current_user, course),
        offers=overview.offers(current_user, course),
        past=overview.past_enrolments(current_user.id, course.id)), status


@bp.route("/my")
@roles_required("trainee")
def my_practice():
    """My practice: every assigned course with offline practice, hours and checklist."""
    courses = overview.trainee_courses(current_user)
    return render_template("practice/my_practice.html",
                           summaries=[overview.course_summary(current_user, c) for c in courses],
                           next_enrolment=overview.next_enrolment(current_user.id))


@bp.route("/my/<slug>")
@roles_required("trainee")
def my_course(slug: str):
    """One course's sessions to enrol in, my attendance, hours and assessment checklist."""
    return _my_course_page(_assigned_course_or_404(slug))


def _self_service(session_id: int, action):
    practice = service.session_for_trainee(current_user, session_id)
    if not GuardForm().validate_on_submit():
        abort(400)
    try:
        message = action(practice)
    except Refused as refused:
        if wants_json():
            return refusal_json(refused.field, refused.message)
        flash(refused.message, "danger")
        return _my_course_page(practice.course, 400)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("practice.my_course", slug=practice.course.slug))


@bp.route("/sessions/<int:session_id>/enrol", methods=["POST"])
@roles_required("trainee")
def enrol(session_id: int):
    """Enrol myself in a session of a course assigned to me (while places are free)."""
    def action(practice):
        service.enrol(practice, current_user, current_user)
        return _("You are enrolled for %(when)s at %(place)s.",
                 when=format_datetime(practice.starts_at, "yyyy-MM-dd HH:mm"),
                 place=practice.place)
    return _self_service(session_id, action)


@bp.route("/sessions/<int:session_id>/withdraw", methods=["POST"])
@roles_required("trainee")
def withdraw(session_id: int):
    """Withdraw from a session before it starts."""
    def action(practice):
        found = service.enrolment_of(practice, current_user.id)
        if found is None:
            raise Refused("session", _("You are not enrolled in this session."))
        service.withdraw(found, current_user)
        return _("You have withdrawn from the session of %(when)s.",
                 when=format_datetime(practice.starts_at, "yyyy-MM-dd HH:mm"))
    return _self_service(session_id, action)


from lms.practice import routes_manage  # noqa: E402,F401  (registers the trainer pages)
