"""Administrator pages: the user list, user details and roles, resets, bulk import."""

from flask import (
    Blueprint,
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
from sqlalchemy import func, or_, select

from lms import jobs
from lms.admin import departments, imports, service
from lms.admin.forms import ConfirmForm, ImportForm, UserForm
from lms.auth import service as auth_service
from lms.auth import sessions
from lms.auth.access import roles_required
from lms.auth.models import Department, User, UserRole
from lms.extensions import db
from lms.tabular import CSV_MIMETYPE, download_response, write_csv

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


def _department_choices(form: UserForm) -> None:
    form.led_departments.choices = [(d.id, d.name) for d in db.session.scalars(
        select(Department).order_by(Department.name))]


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
@roles_required("admin")
def users():
    """All users, searchable by name or number and filterable by role and department."""
    query = select(User).order_by(User.employee_no)
    text = request.args.get("q", "").strip()
    if text:
        like = f"%{text.lower()}%"
        query = query.where(or_(func.lower(User.name).like(like),
                                func.lower(User.employee_no).like(like),
                                func.lower(User.username).like(like)))
    role = request.args.get("role", "")
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    department_id = request.args.get("department", type=int)
    if department_id:
        query = query.where(User.department_id == department_id)
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    departments = db.session.scalars(select(Department).order_by(Department.name)).all()
    return render_template("admin/users.html", page=page, departments=departments,
                           confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    """Create one user; the temporary password is shown once."""
    form = UserForm()
    _department_choices(form)
    if form.validate_on_submit():
        user, initial = service.create_user(
            username=form.username.data, employee_no=form.employee_no.data, name=form.name.data,
            department=form.department.data, roles=form.roles.data, email=form.email.data,
            hired_on=form.hired_on.data, locale=form.locale.data or None,
        )
        user.active = form.active.data
        departments.set_led(user, form.led_departments.data)
        db.session.commit()
        flash(_("User %(name)s created. Temporary password: %(pw)s (shown only now; the user "
                "must change it at first sign-in).", name=user.username, pw=initial), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    """Edit a user's details, roles, language and whether they may sign in."""
    user = _user_or_404(user_id)
    form = UserForm(obj=user, user=user)
    _department_choices(form)
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.led_departments.data = [d.id for d in user.led_departments]
        form.department.data = user.department.name if user.department else ""
        form.locale.data = user.locale or ""
    if form.validate_on_submit():
        if user.id == current_user.id and (not form.active.data or "admin" not in form.roles.data):
            form.roles.errors = [_("You cannot remove your own administrator role or "
                                   "deactivate yourself.")]
            return render_template("admin/user_form.html", form=form, user=user), 400
        user.username = form.username.data.strip().lower()
        user.employee_no = form.employee_no.data.strip()
        user.name = form.name.data.strip()
        user.email = form.email.data or None
        user.hired_on = form.hired_on.data
        user.locale = form.locale.data or None
        user.active = form.active.data
        if not user.active:
            sessions.end_all(user, "deactivated")
        user.department = (Department.get_or_create(form.department.data.strip())
                           if form.department.data else None)
        user.set_roles(form.roles.data)
        departments.set_led(user, form.led_departments.data)
        db.session.commit()
        flash(_("Changes to %(name)s saved.", name=user.username), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required("admin")
def toggle_active(user_id: int):
    """Deactivate or reactivate a user (records are kept either way)."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate yourself."), "danger")
        return redirect(url_for("admin.users"))
    user.active = not user.active
    if not user.active:
        sessions.end_all(user, "deactivated")
    db.session.commit()
    if user.active:
        flash(_("%(name)s can sign in again.", name=user.username), "success")
    else:
        flash(_("%(name)s is deactivated and can no longer sign in.", name=user.username),
              "success")
    return redirect(request.referrer or url_for("admin.users"))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@roles_required("admin")
def reset_password(user_id: int):
    """Give a user a temporary password, shown once to the administrator."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    initial = service.reset_password(user)
    flash(_("New temporary password for %(name)s: %(pw)s (shown only now).",
            name=user.username, pw=initial), "success")
    return redirect(url_for("admin.users"))


@bp.route("/sign-in-locks")
@roles_required("admin")
def sign_in_locks():
    """Accounts and network addresses held back by failed sign-ins, with a way to unlock."""
    rows = []
    for row in auth_service.locks():
        kind, _sep, rest = row.key.partition(":")
        account, _bar, address = rest.partition("|") if kind == "pair" else ("", "", rest)
        rows.append({"key": row.key, "account": account, "address": address,
                     "failures": row.failures, "locked_until": row.locked_until,
                     "last_failure_at": row.last_failure_at})
    return render_template("admin/sign_in_locks.html", rows=rows, confirm=ConfirmForm())


@bp.route("/sign-in-locks/unlock", methods=["POST"])
@roles_required("admin")
def unlock_sign_in():
    """Lift one sign-in lock (an account on one address, or a whole address)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    key = request.form.get("key", "")
    if not key.startswith(("pair:", "addr:")) or not auth_service.unlock(key[:200]):
        abort(404)
    flash(_("The lock is lifted; sign-in works again at once."), "success")
    return redirect(url_for("admin.sign_in_locks"))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@roles_required("admin")
def unlock_user(user_id: int):
    """Lift every sign-in lock of one account."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = auth_service.unlock_user(user)
    flash(_("%(name)s: %(n)d sign-in lock(s) lifted.", name=user.username, n=count), "success")
    return redirect(request.referrer or url_for("admin.users"))


@bp.route("/users/import", methods=["GET", "POST"])
@roles_required("admin")
def import_users():
    """Check a CSV/XLSX of users at once; a clean file is created by a background job."""
    form = ImportForm()
    limits = {"rows": imports.MAX_IMPORT_ROWS, "lengths": imports.MAX_LENGTHS}
    if form.validate_on_submit():
        upload = form.file.data
        report = imports.check_import(upload.filename or "upload", upload.read(),
                                      form.encoding.data or None)
        if report.errors:
            return render_template("admin/import.html", form=form, errors=report.errors,
                                   limits=limits), 400
        job = imports.start_import(report, current_user.id)
        return redirect(url_for("admin.import_job", job_id=job.id))
    status = 400 if form.errors else 200
    return render_template("admin/import.html", form=form, errors=[], limits=limits), status


@bp.route("/users/import/jobs/<int:job_id>")
@roles_required("admin")
def import_job(job_id: int):
    """Progress of a user import, then its outcome (temporary passwords shown once)."""
    jobs.recover_interrupted()  # a restart leaves an in-process import "running": settle it
    job = imports.import_job_for(job_id, current_user.id)
    if job is None:
        abort(404)
    shown_before = job.status == "done" and bool(job.result.get("passwords_shown"))
    users = imports.take_temporary_passwords(job) if job.status == "done" else []
    return render_template("admin/import_job.html", job=job, users=users,
                           shown_before=shown_before, interrupted=jobs.INTERRUPTED)


@bp.route("/users/import/jobs/<int:job_id>/status")
@roles_required("admin")
def import_job_status(job_id: int):
    """What a script polls: status, fraction done, error."""
    job = imports.import_job_for(job_id, current_user.id)
    if job is None:
        abort(404)
    return jsonify(job.as_status())


@bp.route("/users/import/template.csv")
@roles_required("admin")
def import_template():
    """A CSV with the expected header and one example row."""
    body = write_csv([["E2001", "张三", "Hotline East", "trainee", "", "", "2026-11-02", ""]],
                     ["employee_no", "name", "department", "roles", "username", "email",
                      "hired_on", "password"])
    return download_response(body, "users-template.csv", CSV_MIMETYPE)


from lms.admin import routes_departments  # noqa: E402,F401 - registers the department pages
