"""The trainer dashboard: enrolment figures per course, path and department, and exports.

An *enrolment* is one (person, course) pair that is assigned, directly or through a path. Each
group (a course, a path, a department) reports: enrolled people, in progress, completed,
overdue, and the average progress in percent. For a path, a person counts as completed when
every published course of the path is complete, and their progress is the mean over the path's
published courses (drafts are ignored, as trainees cannot see them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.auth.models import User
from lms.courses import standing
from lms.courses.models import LearningPath
from lms.courses.models_progress import Assignment
from lms.courses.progress import CourseProgress, ProgressBook
from lms.extensions import db
from lms.i18n import local_text, localized
from lms.tabular import write_csv, write_xlsx

EXPORT_COLUMNS = (_l("Employee number"), _l("Name"), _l("Department"), _l("Course"),
                  _l("Due on"), _l("Progress (%)"), _l("Status"), _l("Overdue"),
                  _l("Completed at"))
STATUS_LABELS = {"completed": _l("Completed"), "renewal_due": _l("Renewal due"),
                 "in_progress": _l("In progress"), "not_started": _l("Not started")}


@dataclass
class Enrolment:
    """One person's progress in one assigned course."""

    user: User
    progress: CourseProgress

    @property
    def department(self) -> str:
        """The person's department name, or an empty string."""
        return self.user.department.name if self.user.department else ""


@dataclass
class Figures:
    """Counts for one group of enrolments."""

    key: object
    label: object
    enrolled: int = 0
    in_progress: int = 0
    completed: int = 0
    overdue: int = 0
    progress_sum: float = 0.0

    @property
    def average(self) -> int:
        """Average progress in percent."""
        return round(self.progress_sum / self.enrolled) if self.enrolled else 0

    def add(self, percent: float, status: str, overdue: bool) -> None:
        """Count one person in this group."""
        self.enrolled += 1
        self.progress_sum += percent
        self.completed += status == "completed"
        self.in_progress += status == "in_progress"
        self.overdue += overdue


def _assigned_users(today: date | None = None) -> list[User]:
    standing.sync(None, today)  # newcomers to departments / new hires count too
    ids = set(db.session.scalars(select(Assignment.user_id)))
    return list(db.session.scalars(select(User).where(User.id.in_(ids))
                                   .order_by(User.employee_no)))


def enrolments(today: date | None = None, department_id: int | None = None,
               book: ProgressBook | None = None,
               allowed: set[int] | None = None) -> list[Enrolment]:
    """Every assigned (person, course) pair with its progress; ``allowed``: only people of
    these departments (a team lead's scope; None = everyone)."""
    users = [u for u in _assigned_users(today)
             if (department_id is None or u.department_id == department_id)
             and (allowed is None or u.department_id in allowed)]
    book = book or ProgressBook([u.id for u in users], today)
    rows = []
    for user in users:
        for course, due_on in book.assigned_courses(user.id).items():
            rows.append(Enrolment(user, book.progress(user.id, course, due_on)))
    return rows


def by_course(rows: list[Enrolment]) -> list[Figures]:
    """Figures per course."""
    groups: dict[int, Figures] = {}
    for row in rows:
        course = row.progress.course
        figures = groups.setdefault(course.id, Figures(course, course.title))
        figures.add(row.progress.percent, row.progress.status, row.progress.overdue)
    return sorted(groups.values(), key=lambda f: (f.key.curriculum.position, f.key.position))


def by_department(rows: list[Enrolment]) -> list[Figures]:
    """Figures per department (each person-course pair counts once)."""
    groups: dict[str, Figures] = {}
    for row in rows:
        name = row.department
        figures = groups.setdefault(name, Figures(name, name or "—"))
        figures.add(row.progress.percent, row.progress.status, row.progress.overdue)
    return sorted(groups.values(), key=lambda f: f.key)


def by_path(today: date | None = None, allowed: set[int] | None = None) -> list[Figures]:
    """Figures per learning path: one entry per assigned person (of ``allowed``
    departments, when given)."""
    users = [u for u in _assigned_users(today)
             if allowed is None or u.department_id in allowed]
    book = ProgressBook([u.id for u in users], today)
    groups: dict[int, Figures] = {}
    paths = list(db.session.scalars(select(LearningPath).order_by(LearningPath.position,
                                                                   LearningPath.id)))
    for path in paths:
        groups[path.id] = Figures(path, path.title)
    for user in users:
        for path, due_on in book.assigned_paths(user.id).items():
            progresses = [book.progress(user.id, c) for c in path.published_courses]
            done = bool(progresses) and all(p.status == "completed" for p in progresses)
            started = any(p.started for p in progresses)
            status = "completed" if done else ("in_progress" if started else "not_started")
            overdue = not done and due_on is not None and due_on < book.today
            percent = (sum(p.percent for p in progresses) / len(progresses)) if progresses else 0
            groups[path.id].add(percent, status, overdue)
    return [f for f in groups.values() if f.enrolled]


def overdue(rows: list[Enrolment]) -> list[Enrolment]:
    """Enrolments past their due date and not complete, the longest overdue first."""
    late = [row for row in rows if row.progress.overdue]
    return sorted(late, key=lambda r: (r.progress.due_on, r.user.employee_no))


def export_rows(rows: list[Enrolment], language: str) -> list[list]:
    """Table rows (header first) for CSV/XLSX, course titles in ``language``."""
    table = [[str(title) for title in EXPORT_COLUMNS]]
    for row in rows:
        p = row.progress
        table.append([
            row.user.employee_no, row.user.name, row.department,
            localized(p.course.title, language), p.due_on.isoformat() if p.due_on else "",
            p.percent, str(STATUS_LABELS.get(p.status, p.status)),
            _("yes") if p.overdue else _("no"),
            local_text(p.completed_at),
        ])
    return table


def to_csv(table: list[list]) -> bytes:
    """UTF-8 CSV with a byte-order mark so spreadsheet programs read the Chinese."""
    return write_csv(table)


def to_xlsx(table: list[list], sheet_title: str = "progress") -> bytes:
    """An XLSX workbook with one sheet holding ``table`` (names never run as formulas)."""
    return write_xlsx(table, sheet_title=sheet_title)
