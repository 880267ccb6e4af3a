"""Department pages (administrators): the tree with head counts and leads; create, rename,
place under another department, merge."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.admin import departments as service
from lms.admin.forms import DepartmentForm, MergeForm
from lms.admin.routes import bp
from lms.auth.access import roles_required
from lms.auth.models import Department
from lms.auth.scope import descendants
from lms.extensions import db


def _message(error: service.DepartmentError) -> str:
    return {
        "empty": _("Name: give the department a name."),
        "taken": _("Name: a department called \"%(name)s\" exists already.",
                   name=error.value),
        "unknown": _("Belongs to: that department does not exist (any more)."),
        "cycle": _("\"%(name)s\" is this department or lies below it; a department cannot "
                   "belong to itself.", name=error.value),
        "clash": _("Merging \"%(name)s\" would give the target two settings of the same kind "
                   "(for example two overrides of one exam); remove one first.",
                   name=error.value),
    }[error.kind]


def _parent_choices(department: Department | None) -> list[tuple[int, str]]:
    excluded = descendants({department.id}) if department is not None else set()
    rows = service.overview()
    return [(0, _("— top level —"))] + [
        (row["department"].id, "\u00a0\u00a0" * row["depth"] + row["department"].name)
        for row in rows if row["department"].id not in excluded]


@bp.route("/departments", methods=["GET", "POST"])
@roles_required("admin")
def departments():
    """The department tree; the form at the top creates a department."""
    form = DepartmentForm()
    form.parent.choices = _parent_choices(None)
    status = 200
    if form.validate_on_submit():
        try:
            created = service.create(form.name.data, form.parent.data or None)
        except service.DepartmentError as error:
            form.name.errors = [_message(error)]
            status = 400
        else:
            db.session.commit()
            flash(_("Department %(name)s created.", name=created.name), "success")
            return redirect(url_for("admin.departments"))
    elif form.errors:
        status = 400
    return render_template("admin/departments.html", rows=service.overview(), form=form), status


@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@roles_required("admin")
def department(department_id: int):
    """Rename a department, move it under another one, or merge it into another."""
    found = db.session.get(Department, department_id)
    if found is None:
        abort(404)
    form = DepartmentForm(obj=found, prefix="edit")
    form.parent.choices = _parent_choices(found)
    merge = MergeForm(prefix="merge")
    merge.into.choices = [(d_id, label) for d_id, label in _parent_choices(found) if d_id]
    status = 200
    if form.is_submitted() and "edit-name" in request.form:
        if form.validate():
            try:
                service.change(found, form.name.data, form.parent.data or None)
            except service.DepartmentError as error:
                form.name.errors = [_message(error)]
                status = 400
            else:
                db.session.commit()
                flash(_("Department %(name)s saved.", name=found.name), "success")
                return redirect(url_for("admin.departments"))
        else:
            status = 400
    elif merge.is_submitted() and "merge-into" in request.form:
        if merge.validate():
            target = db.session.get(Department, merge.into.data)
            name = found.name
            try:
                moved = service.merge(found, target)
            except service.DepartmentError as error:
                db.session.rollback()
                flash(_message(error), "danger")
                return redirect(url_for("admin.department", department_id=department_id))
            db.session.commit()
            flash(ngettext("%(source)s merged into %(target)s: %(num)d person moved.",
                             "%(source)s merged into %(target)s: %(num)d people moved.", moved,
                             source=name, target=target.name), "success")
            return redirect(url_for("admin.departments"))
        status = 400
    elif form.is_submitted():
        status = 400
    if not form.is_submitted():
        form.parent.data = found.parent_id or 0
    return render_template("admin/department.html", department=found, form=form,
                           merge=merge), status
