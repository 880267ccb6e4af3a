"""Practice pages for trainers and administrators: sessions, roster, attendance, checklists.

A trainer sees and acts on the sessions they run; an administrator on every session. The
service checks the ownership (403 not theirs, 404 missing); each route states its role rule.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from lms.auth.access import roles_required
from lms.auth.models import User
from lms.extensions import db
from lms.formutil import choices
from lms.i18n import localized
from lms.practice import checklists, overview, service
from lms.practice.forms import (
    AttendanceForm,
    CancelForm,
    EnrolForm,
    GuardForm,
    MarkForm,
    SessionForm,
    WithdrawSignOffForm,
)
from lms.practice.routes import bp, first_error, refusal_json, wants_json
from lms.practice.service import Refused

STAFF = ("trainer", "admin")
#: Who signs checklists off: trainers of the session, admins, and team leads for their people.
ASSESSORS = (*STAFF, "lead")


def _when(moment) -> str:
    return format_datetime(moment, "yyyy-MM-dd HH:mm")


@bp.route("/")
@roles_required(*ASSESSORS)
def index():
    """Sessions I run (all, for an administrator), upcoming and past, and checklists waiting."""
    upcoming = service.staff_sessions(current_user, past=False)
    past = service.staff_sessions(current_user, past=True, limit=50)
    seats = service.seats_by_session(s.id for s in upcoming + past)
    return render_template("practice/index.html", upcoming=upcoming, past=past, seats=seats,
                           waiting=checklists.waiting_for_sign_off(current_user),
                           may_schedule=current_user.has_role("trainer")
                           or service.is_admin(current_user))


# --- the session form ----------------------------------------------------------------------


def _session_form(practice=None) -> SessionForm:
    form = SessionForm()
    courses = service.practice_courses()
    if practice is not None and practice.course not in courses:
        courses.append(practice.course)
    form.course_id.choices = choices((c.id, localized(c.title)) for c in courses)
    lessons = overview.lessons_of(c.id for c in courses)
    form.lesson_id.choices = [SelectChoice(0, _("The course as a whole"))] + [
        SelectChoice(lesson.id, localized(lesson.title), optgroup=localized(course.title))
        for course in courses for lesson in lessons.get(course.id, [])]
    people = (service.trainers() if service.is_admin(current_user)
              else [current_user._get_current_object()])
    if practice is not None and practice.trainer not in people:
        people.append(practice.trainer)
    form.trainer_id.choices = choices((p.id, f"{p.name} ({p.employee_no})") for p in people)
    if request.method == "GET":
        if practice is None:
            form.trainer_id.data = current_user.id
            if request.args.get("course", type=int):
                form.course_id.data = request.args.get("course", type=int)
        else:
            starts, ends = service.to_local(practice.starts_at), service.to_local(practice.ends_at)
            form.course_id.data, form.lesson_id.data = practice.course_id, practice.lesson_id or 0
            form.trainer_id.data, form.place.data = practice.trainer_id, practice.place
            form.day.data, form.start_time.data = starts.date(), starts.time()
            form.end_time.data, form.capacity.data = ends.time(), practice.capacity
    return form


def _session_input(form: SessionForm) -> service.SessionInput:
    return service.SessionInput(
        course_id=form.course_id.data, lesson_id=form.lesson_id.data or None,
        trainer_id=form.trainer_id.data,
        starts_at=service.local_to_utc(form.day.data, form.start_time.data),
        ends_at=service.local_to_utc(form.day.data, form.end_time.data),
        place=form.place.data or "", capacity=form.capacity.data)


def _form_page(form, practice=None, status=200):
    return render_template("practice/session_form.html", form=form, practice=practice,
                           zone=str(get_timezone())), status


def _save_session(form, practice=None):
    if not form.validate_on_submit():
        return _form_page(form, practice, 400 if request.method == "POST" else 200)
    try:
        data = _session_input(form)
        if practice is None:
            practice = service.create_session(data, current_user)
            message = _("Session scheduled for %(when)s.", when=_when(practice.starts_at))
        else:
            service.update_session(practice, data, current_user)
            message = _("Session saved.")
    except Refused as refused:
        db.session.rollback()
        target = getattr(form, refused.field, None)
        if target is not None:
            target.errors = [*target.errors, refused.message]
        else:
            flash(refused.message, "danger")
        return _form_page(form, practice, 400)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("practice.session_page", session_id=practice.id))


@bp.route("/sessions/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_session():
    """Schedule a session: course (and lesson), local date and times, place, trainer, places."""
    return _save_session(_session_form())


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_session(session_id: int):
    """Change a scheduled session I run."""
    practice = service.session_for_staff(current_user, session_id)
    if practice.cancelled:
        abort(404)
    return _save_session(_session_form(practice), practice)


# --- one session ---------------------------------------------------------------------------


def _session_page(practice, status=200, enrol_form=None):
    enrolled_ids = {e.user_id for e in practice.active_enrolments}
    candidates = [p for p in service.assigned_trainees(practice.course)
                  if p.id not in enrolled_ids]
    form = enrol_form or EnrolForm(formdata=None)
    form.user_id.choices = choices((p.id, f"{p.name} ({p.employee_no})") for p in candidates)
    views = {e.user_id: checklists.view(practice.course, e.user)
             for e in practice.active_enrolments}
    return render_template("practice/session.html", practice=practice, guard=GuardForm(),
                           enrol_form=form, cancel_form=CancelForm(formdata=None),
                           seats=service.seats_taken(practice.id), views=views,
                           has_checklist=bool(checklists.items_of(practice.course)),
                           trail=service.audit_trail(session_id=practice.id, limit=50),
                           attendance_open=service.attendance_open(practice)), status


def _refused_on_session(practice, refused: Refused):
    db.session.rollback()
    if wants_json():
        return refusal_json(refused.field, refused.message)
    flash(refused.message, "danger")
    return _session_page(practice, 400)


@bp.route("/sessions/<int:session_id>")
@roles_required(*STAFF)
def session_page(session_id: int):
    """A session I run: details, who is enrolled, enrol someone, attendance and checklists."""
    return _session_page(service.session_for_staff(current_user, session_id))


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@roles_required(*STAFF)
def cancel_session(session_id: int):
    """Cancel a session I run (before any attendance is taken)."""
    practice = service.session_for_staff(current_user, session_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return _refused_on_session(practice, Refused(*first_error(form)))
    try:
        service.cancel_session(practice, current_user, form.reason.data)
    except Refused as refused:
        return _refused_on_session(practice, refused)
    db.session.commit()
    flash(_("The session was cancelled."), "success")
    return redirect(url_for("practice.session_page", session_id=practice.id))


@bp.route("/sessions/<int:session_id>/enrolments", methods=["POST"])
@roles_required(*STAFF)
def enrol_person(session_id: int):
    """Enrol a trainee assigned to the course in a session I run."""
    practice = service.session_for_staff(current_user, session_id)
    form = EnrolForm()
    form.user_id.choices = choices((p.id, p.name)
                                   for p in service.assigned_trainees(practice.course))
    if not form.validate_on_submit():
        person_id = request.form.get("user_id", "")
        return _refused_on_session(practice, Refused("user_id", _(
            "Choose a trainee assigned to this course (not “%(value)s”).",
            value=service.excerpt(person_id))))
    person = db.session.get(User, form.user_id.data)
    try:
        service.enrol(practice, person, current_user)
    except Refused as refused:
        return _refused_on_session(practice, refused)
    db.session.commit()
    flash(_("%(name)s is enrolled.", name=person.name), "success")
    return redirect(url_for("practice.session_page", session_id=practice.id))


@bp.route("/enrolments/<int:enrolment_id>/withdraw", methods=["POST"])
@roles_required(*STAFF)
def withdraw_person(enrolment_id: int):
    """Take someone off the list of a session I run."""
    enrolment = service.enrolment_for_staff(current_user, enrolment_id)
    if not GuardForm().validate_on_submit():
        abort(400)
    try:
        service.withdraw(enrolment, current_user)
    except Refused as refused:
        return _refused_on_session(enrolment.session, refused)
    db.session.commit()
    flash(_("%(name)s was withdrawn.", name=enrolment.user.name), "success")
    return redirect(url_for("practice.session_page", session_id=enrolment.session_id))


# --- attendance ----------------------------------------------------------------------------


@bp.route("/sessions/<int:session_id>/attendance")
@roles_required(*STAFF)
def attendance(session_id: int):
    """The tablet page: one row per person, present / late / absent saved per tap."""
    practice = service.session_for_staff(current_user, session_id)
    return render_template("practice/attendance.html", practice=practice,
                           form=AttendanceForm(formdata=None),
                           attendance_open=service.attendance_open(practice))


@bp.route("/enrolments/<int:enrolment_id>/attendance", methods=["POST"])
@roles_required(*STAFF)
def mark_attendance(enrolment_id: int):
    """Store one tap; JSON clients get the saved state and time back."""
    enrolment = service.enrolment_for_staff(current_user, enrolment_id)
    form = AttendanceForm()
    try:
        if not form.validate_on_submit():
            raise Refused(*first_error(form))
        service.mark_attendance(enrolment, form.status.data, current_user)
    except Refused as refused:
        db.session.rollback()
        if wants_json():
            return refusal_json(refused.field, refused.message)
        flash(refused.message, "danger")
        return render_template("practice/attendance.html", practice=enrolment.session,
                               form=AttendanceForm(formdata=None),
                               attendance_open=service.attendance_open(enrolment.session)), 400
    db.session.commit()
    saved = _("Saved %(time)s", time=format_datetime(enrolment.attendance_at, "HH:mm:ss"))
    if wants_json():
        return {"status": enrolment.attendance, "saved": saved,
                "at": enrolment.attendance_at.isoformat() + "Z"}
    return redirect(url_for("practice.attendance", session_id=enrolment.session_id)
                    + f"#person-{enrolment.id}")


# --- checklists ----------------------------------------------------------------------------


def _checklist_page(course, trainee, status=200):
    current = checklists.view(course, trainee)
    return render_template(
        "practice/checklist.html", view=current, guard=GuardForm(),
        withdraw_form=WithdrawSignOffForm(formdata=None),
        attended=service.attended_hours(trainee.id, course.id),
        trail=service.audit_trail(course_id=course.id, subject_id=trainee.id, limit=100),
        ), status


def _refused_on_checklist(course, trainee, refused: Refused):
    db.session.rollback()
    if wants_json():
        return refusal_json(refused.field, refused.message)
    flash(refused.message, "danger")
    return _checklist_page(course, trainee, 400)


@bp.route("/checklists/<slug>/<int:trainee_id>")
@roles_required(*ASSESSORS)
def checklist(slug: str, trainee_id: int):
    """A trainee's practical assessment checklist for a course: items, sign-off, history."""
    course, trainee = checklists.for_assessor(current_user, slug, trainee_id)
    return _checklist_page(course, trainee)


@bp.route("/checklists/<slug>/<int:trainee_id>/items", methods=["POST"])
@roles_required(*ASSESSORS)
def mark_item(slug: str, trainee_id: int):
    """Mark one item observed / not yet with a comment (one tap, saved at once)."""
    course, trainee = checklists.for_assessor(current_user, slug, trainee_id)
    form = MarkForm()
    try:
        if not form.validate_on_submit():
            raise Refused(*first_error(form))
        mark = checklists.mark_item(course, trainee, form.lesson_id.data, form.index.data,
                                    form.observed.data == "observed", form.comment.data or "",
                                    current_user)
    except Refused as refused:
        return _refused_on_checklist(course, trainee, refused)
    db.session.commit()
    current = checklists.view(course, trainee)
    if wants_json():
        return {"observed": mark.observed, "comment": mark.comment,
                "saved": _("Saved %(time)s", time=format_datetime(mark.marked_at, "HH:mm:ss")),
                "done": current.observed, "total": current.total, "ready": current.ready,
                "progress": _("%(done)d of %(total)d items observed", done=current.observed,
                              total=current.total)}
    return redirect(url_for("practice.checklist", slug=slug, trainee_id=trainee_id)
                    + f"#item-{mark.lesson_id}-{mark.item_index}")


@bp.route("/checklists/<slug>/<int:trainee_id>/sign-off", methods=["POST"])
@roles_required(*ASSESSORS)
def sign_off(slug: str, trainee_id: int):
    """Sign off the whole checklist (every item must be observed)."""
    course, trainee = checklists.for_assessor(current_user, slug, trainee_id)
    if not GuardForm().validate_on_submit():
        abort(400)
    try:
        checklists.sign_off(course, trainee, current_user)
    except Refused as refused:
        return _refused_on_checklist(course, trainee, refused)
    db.session.commit()
    flash(_("The checklist of %(name)s is signed off.", name=trainee.name), "success")
    return redirect(url_for("practice.checklist", slug=slug, trainee_id=trainee_id))


@bp.route("/checklists/<slug>/<int:trainee_id>/withdraw", methods=["POST"])
@roles_required(*ASSESSORS)
def withdraw_sign_off(slug: str, trainee_id: int):
    """Withdraw a sign-off, giving the reason."""
    course, trainee = checklists.for_assessor(current_user, slug, trainee_id)
    form = WithdrawSignOffForm()
    try:
        if not form.validate_on_submit():
            raise Refused(*first_error(form))
        checklists.withdraw_sign_off(course, trainee, current_user, form.reason.data)
    except Refused as refused:
        return _refused_on_checklist(course, trainee, refused)
    db.session.commit()
    flash(_("The sign-off was withdrawn."), "success")
    return redirect(url_for("practice.checklist", slug=slug, trainee_id=trainee_id))
