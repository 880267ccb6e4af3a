"""The trainer dashboard: figures per course, path and department, people, overdue, exports."""

from flask import Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth import scope
from lms.auth.access import roles_required
from lms.courses import dashboard, progress, standing
from lms.courses.blueprint import bp
from lms.extensions import db
from lms.i18n import localized
from lms.reports.charts import Series, bar_chart

AUTHORS = ("trainer", "admin")
#: Who reads progress: authors see everyone, a team lead the people of their departments.
READERS = (*AUTHORS, "lead")


def short_label(text: str, units: int) -> str:
    """``text`` cut to about ``units`` character widths (a Chinese character counts two),
    so axis labels of a crowded chart do not run into each other."""
    used, kept = 0, []
    for char in text:
        used += 2 if ord(char) > 0x2E80 else 1
        if used > units:
            return "".join(kept).rstrip() + "…"
        kept.append(char)
    return text


def _department_filter() -> int | None:
    """The department asked for in the URL; 404 when it is outside the viewer's scope."""
    return scope.department_or_404(current_user,
                                   request.args.get("department", type=int) or None)


@bp.route("/manage/dashboard", endpoint="dashboard")
@roles_required(*READERS)
def dashboard_page():
    """Enrolled, in progress, completed, overdue and average progress per group (a team
    lead: of their departments only)."""
    department_id = _department_filter()
    allowed = scope.department_ids(current_user)
    if standing.sync():  # keep the assignments a standing assignment has just reached,
        db.session.commit()  # before loading: a commit after would reload each person
    rows = dashboard.enrolments(department_id=department_id, allowed=allowed)
    courses = dashboard.by_course(rows)
    chart = None
    if courses:
        chart = bar_chart(
            [short_label(localized(f.label), 120 // len(courses)) for f in courses],
            [Series(_("Average progress %"), [f.average for f in courses])],
            title=_("Average progress per course"), y_label="%", y_max=100, width=900)
    departments = scope.visible_departments(current_user)
    return render_template(
        "courses/dashboard.html", courses=courses, departments_figures=dashboard.by_department(
            rows), paths=dashboard.by_path(allowed=allowed) if department_id is None else [],
        overdue=dashboard.overdue(rows), chart=chart, departments=departments,
        department_id=department_id, people=_people(rows))


def _people(rows) -> list[dict]:
    people: dict[int, dict] = {}
    for row in rows:
        entry = people.setdefault(row.user.id, {"user": row.user, "count": 0, "sum": 0,
                                                "completed": 0, "overdue": 0})
        entry["count"] += 1
        entry["sum"] += row.progress.percent
        entry["completed"] += row.progress.status == "completed"
        entry["overdue"] += row.progress.overdue
    for entry in people.values():
        entry["average"] = round(entry["sum"] / entry["count"])
    return sorted(people.values(), key=lambda e: e["user"].employee_no)


@bp.route("/manage/dashboard/people/<int:user_id>")
@roles_required(*READERS)
def person(user_id: int):
    """One person's assigned courses and paths with their progress, step by step."""
    user = scope.person_or_404(current_user, user_id)
    book = progress.book_for(user.id)
    courses = [book.progress(user.id, course, due)
               for course, due in book.assigned_courses(user.id, published_only=False).items()]
    paths = [{"path": p, "due_on": due, "percent": book.path_percent(user.id, p),
              "completed_at": progress.path_completed_at(user.id, p)}
             for p, due in book.assigned_paths(user.id).items()]
    return render_template("courses/person.html", person=user, courses=courses, paths=paths)


@bp.route("/manage/dashboard/export.<fmt>")
@roles_required(*READERS)
def export_progress(fmt: str):
    """Every enrolment (or only the overdue ones) as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    rows = dashboard.enrolments(department_id=_department_filter(),
                                allowed=scope.department_ids(current_user))
    if request.args.get("only") == "overdue":
        rows = dashboard.overdue(rows)
    table = dashboard.export_rows(rows, str(get_locale() or "zh"))
    name = "course-progress" + ("-overdue" if request.args.get("only") == "overdue" else "")
    if fmt == "csv":
        return Response(dashboard.to_csv(table), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename={name}.csv"})
    return Response(
        dashboard.to_xlsx(table),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename={name}.xlsx"})
