"""Trainer pages for learning paths, assignments and prerequisites."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import delete, select

from lms.auth import scope
from lms.auth.access import roles_required
from lms.auth.models import User, UserRole
from lms.courses import assignment, authoring, content_service, in_service, standing
from lms.courses.blueprint import bp
from lms.courses.bundle import HoursSplit
from lms.courses.bundle_paths import course_hours
from lms.courses.forms import (
    AssignForm,
    ConfirmForm,
    PathForm,
    PathItemForm,
    PrerequisiteForm,
    in_service_month_form,
    slot_field_name,
)
from lms.courses.models import Course, Curriculum, LearningPath, PathItem, Prerequisite
from lms.courses.routes_manage import AUTHORS, _bi, _fill_bi, get_or_404
from lms.extensions import db
from lms.formutil import choices
from lms.i18n import localized


def path_hours(path: LearningPath) -> HoursSplit:
    """Planned hours of a path: its slots' hours when it has slots (a template, or a month
    planned from one, whose courses are the sessions' material), else its courses' hours."""
    total = HoursSplit(0.0, 0.0)
    for course in [] if path.slots else path.courses:
        total = total + course_hours(course)
    for slot in path.slots or []:
        hours = float(slot["planned_hours"])
        total = total + (HoursSplit(hours, 0.0) if slot["delivery_mode"] == "online"
                         else HoursSplit(0.0, hours))
    return total


def _all_courses() -> list[Course]:
    query = (select(Course).join(Curriculum)
             .order_by(Curriculum.position, Course.position, Course.id))
    return list(db.session.scalars(query))


@bp.route("/manage/paths/<int:path_id>")
@roles_required(*AUTHORS)
def manage_path(path_id: int):
    """A path's courses in order (or template slots) with hours and the online share."""
    path = get_or_404(LearningPath, path_id)
    form = PathItemForm()
    in_path = {c.id for c in path.courses}
    form.course.choices = choices([(c.id, localized(c.title)) for c in _all_courses()
                                   if c.id not in in_path])
    return render_template("courses/manage_path.html", path=path, form=form,
                           confirm=ConfirmForm(), hours=path_hours(path),
                           course_hours=course_hours)


@bp.route("/manage/paths/new", methods=["GET", "POST"])
@bp.route("/manage/paths/<int:path_id>/edit", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_path(path_id: int | None = None):
    """Create a learning path or edit its details."""
    path = get_or_404(LearningPath, path_id) if path_id else None
    form = PathForm(obj=path)
    if request.method == "GET" and path:
        _fill_bi(form, "title", path.title)
        _fill_bi(form, "summary", path.summary)
    if form.validate_on_submit():
        taken = db.session.scalar(select(LearningPath).where(LearningPath.slug == form.slug.data))
        if taken is not None and taken is not path:
            form.slug.errors.append(_("Another path has this slug."))
        else:
            if path is None:
                siblings = db.session.scalars(select(LearningPath)).all()
                path = LearningPath(position=authoring.next_position(siblings))
                db.session.add(path)
            path.slug, path.kind = form.slug.data, form.kind.data
            path.title, path.summary = _bi(form, "title"), _bi(form, "summary")
            path.planned_hours = form.planned_hours.data
            db.session.commit()
            flash(_("Learning path saved."), "success")
            return redirect(url_for("courses.manage_path", path_id=path.id))
    return render_template("courses/form.html", form=form, heading=_("Learning path"),
                           back=url_for("courses.manage")), 400 if form.errors else 200


@bp.route("/manage/paths/<int:path_id>/items", methods=["POST"])
@roles_required(*AUTHORS)
def add_path_item(path_id: int):
    """Add a course at the end of a path."""
    path = get_or_404(LearningPath, path_id)
    form = PathItemForm()
    form.course.choices = choices([(c.id, "") for c in _all_courses()])
    if form.validate_on_submit() and form.course.data not in {c.id for c in path.courses}:
        path.items.append(PathItem(course=get_or_404(Course, form.course.data),
                                   position=authoring.next_position(path.items)))
        db.session.commit()
        flash(_("Course added to the path."), "success")
    else:
        flash(_("Choose a course that is not in the path yet."), "danger")
    return redirect(url_for("courses.manage_path", path_id=path.id))


def _item_choices() -> list:
    paths = db.session.scalars(select(LearningPath).order_by(LearningPath.position)).all()
    pairs = [(f"path:{p.id}", _("Path: %(title)s", title=localized(p.title)))
             for p in paths if p.kind != "in_service_template"]
    pairs += [(f"course:{c.id}", _("Course: %(title)s", title=localized(c.title)))
              for c in _all_courses()]
    return choices(pairs)


def _chosen_item(value: str):
    kind, _sep, number = (value or "").partition(":")
    if kind not in ("path", "course") or not number.isdigit():
        return None
    return db.session.get(LearningPath if kind == "path" else Course, int(number))


@bp.route("/manage/assign", methods=["GET", "POST"])
@roles_required(*AUTHORS, "lead")
def assign():
    """Assign a course or path to people, a department, or all new hires, with a due date.

    A team lead assigns only to the people and departments they lead (not "all new hires")."""
    form = AssignForm()
    form.item.choices = _item_choices()
    scoped = scope.is_scoped(current_user)
    if scoped:
        form.target.choices = [c for c in form.target.choices if c.value != "new_hires"]
    form.department.choices = choices([(d.id, d.name)
                                       for d in scope.visible_departments(current_user)])
    trainees = db.session.scalars(scope.restrict(
        select(User).join(UserRole).where(UserRole.role == "trainee", User.active.is_(True))
        .order_by(User.employee_no), current_user)).all()
    form.users.choices = choices([(u.id, f"{u.employee_no} {u.name}") for u in trainees])
    if request.method == "GET" and request.args.get("item"):
        form.item.data = request.args["item"]
    if form.validate_on_submit():
        item = _chosen_item(form.item.data)
        people = assignment.people_for(form.target.data, form.users.data or [],
                                       form.department.data)
        standing_target = form.target.data in standing.STANDING_TARGETS
        if form.due_on.data < date.today():
            form.due_on.errors.append(_("The due date is in the past."))
        elif not people and not standing_target:
            flash(_("Nobody matches this choice; nothing was assigned."), "warning")
        else:
            result = assignment.assign(item, people, form.due_on.data, current_user,
                                       form.target.data)
            if standing_target:
                standing.record(item, form.target.data, form.department.data,
                                form.due_on.data, current_user)
            db.session.commit()
            flash(ngettext("Assigned to %(num)d person (%(new)d new, %(updated)d due dates "
                           "updated).",
                           "Assigned to %(num)d people (%(new)d new, %(updated)d due dates "
                           "updated).", result.total, new=result.created,
                           updated=result.updated), "success")
            if standing_target:
                flash(_("People who join later get it too, until the due date."), "info")
            if scoped:
                return redirect(url_for("courses.dashboard"))
            return redirect(url_for("courses.assignments", item=form.item.data))
    return render_template("courses/assign.html", form=form), 400 if form.errors else 200


@bp.route("/manage/assignments")
@roles_required(*AUTHORS)
def assignments():
    """Who has a course or path assigned, and withdrawing an assignment."""
    item = _chosen_item(request.args.get("item", ""))
    if standing.sync():  # newcomers a standing assignment reaches show up in the list
        db.session.commit()
    rows = assignment.assignments_of(item) if item is not None else []
    rules = standing.of_item(item) if item is not None else []
    return render_template("courses/assignments.html", item=item, rows=rows, rules=rules,
                           item_key=request.args.get("item", ""), confirm=ConfirmForm(),
                           choices=_item_choices(), today=date.today())


@bp.route("/manage/standing/<int:standing_id>/stop", methods=["POST"])
@roles_required(*AUTHORS)
def stop_standing(standing_id: int):
    """Stop a standing assignment reaching newcomers; the assignments it made stay."""
    from lms.courses.models_progress import StandingAssignment

    row = get_or_404(StandingAssignment, standing_id)
    key = f"course:{row.course_id}" if row.course_id else f"path:{row.path_id}"
    if ConfirmForm().validate_on_submit():
        db.session.delete(row)
        db.session.commit()
        flash(_("Newcomers no longer get this assignment; existing assignments stay."), "success")
    return redirect(url_for("courses.assignments", item=key))


@bp.route("/manage/assignments/<int:assignment_id>/withdraw", methods=["POST"])
@roles_required(*AUTHORS)
def withdraw(assignment_id: int):
    """Withdraw one assignment; what the person already did is kept."""
    from lms.courses.models_progress import Assignment

    row = get_or_404(Assignment, assignment_id)
    key = f"course:{row.course_id}" if row.course_id else f"path:{row.path_id}"
    if ConfirmForm().validate_on_submit():
        assignment.withdraw(row)
        db.session.commit()
        flash(_("Assignment withdrawn."), "success")
    return redirect(url_for("courses.assignments", item=key))


@bp.route("/manage/prerequisites", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def prerequisites():
    """Which course opens after which."""
    form = PrerequisiteForm()
    course_choices = choices([(c.id, localized(c.title)) for c in _all_courses()])
    form.course.choices, form.required_course.choices = course_choices, list(course_choices)
    if form.validate_on_submit():
        course = get_or_404(Course, form.course.data)
        needed = get_or_404(Course, form.required_course.data)
        if content_service.add_prerequisite(course, needed):
            db.session.commit()
            flash(_("Saved: %(course)s opens after %(needed)s.", course=localized(course.title),
                    needed=localized(needed.title)), "success")
            return redirect(url_for("courses.prerequisites"))
        form.required_course.errors.append(_(
            "Not added: it exists already, names the course itself, or would make a loop."))
    rows = db.session.scalars(select(Prerequisite)).all()
    return render_template("courses/prerequisites.html", form=form, rows=rows,
                           confirm=ConfirmForm()), 400 if form.errors else 200


@bp.route("/manage/prerequisites/<int:course_id>/<int:required_id>/delete", methods=["POST"])
@roles_required(*AUTHORS)
def delete_prerequisite(course_id: int, required_id: int):
    """Remove one prerequisite."""
    if ConfirmForm().validate_on_submit():
        db.session.execute(delete(Prerequisite).where(
            Prerequisite.course_id == course_id, Prerequisite.required_course_id == required_id))
        db.session.commit()
        flash(_("Prerequisite removed."), "success")
    return redirect(url_for("courses.prerequisites"))


def _plan_refused_text(reason: str) -> str:
    return {
        "not_template": _("Only an in-service template can be planned for a month."),
        "bad_month": _("Write the month as YYYY-MM, e.g. 2026-12."),
        "slot_missing": _("Choose a course for every topic."),
        "draft_course": _("Choose published courses only: trainees cannot see drafts."),
        "exists": _("This month is already planned; open its learning path instead."),
    }[reason]


@bp.route("/manage/paths/<int:path_id>/month", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def plan_month(path_id: int):
    """Instantiate the in-service template for a month: one published course per topic slot."""
    template = get_or_404(LearningPath, path_id)
    if template.kind != in_service.TEMPLATE_KIND:
        abort(404)
    courses = [c for c in _all_courses() if c.published]
    slots = template.slots or []
    labels = {slot["slug"]: _("%(topic)s (%(hours)s h)", topic=localized(slot["topic"]),
                              hours=format(slot["planned_hours"], "g")) for slot in slots}
    form = in_service_month_form(slots, choices([(c.id, localized(c.title)) for c in courses]),
                                 labels)
    if request.method == "GET":
        for slug, course_id in in_service.default_choices(template).items():
            getattr(form, slot_field_name(slug)).data = course_id
    if form.validate_on_submit():
        by_id = {c.id: c for c in courses}
        chosen = {slot["slug"]: by_id[getattr(form, slot_field_name(slot["slug"])).data]
                  for slot in slots}
        try:
            path = in_service.instantiate(template, form.month.data, chosen)
        except in_service.PlanRefused as refused:
            db.session.rollback()
            form.month.errors.append(_plan_refused_text(refused.reason))
        else:
            db.session.commit()
            flash(_("The in-service plan for %(month)s was created; assign it now.",
                    month=form.month.data), "success")
            return redirect(url_for("courses.manage_path", path_id=path.id))
    return render_template("courses/form.html", form=form,
                           heading=_("Plan a month: %(title)s", title=localized(template.title)),
                           back=url_for("courses.manage_path", path_id=template.id)), \
        400 if form.errors else 200
