"""Departments as a tree: create, rename, place under another, merge (not committed)."""

from __future__ import annotations

import logging

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lms.auth.models import Department, LeadDepartment, User
from lms.auth.scope import descendants
from lms.extensions import db

log = logging.getLogger("lms.admin")


class DepartmentError(ValueError):
    """A change the department tree cannot take: ``kind`` says why (``empty``, ``taken``,
    ``unknown``, ``cycle``, ``clash``), ``value`` what was given."""

    def __init__(self, kind: str, value: str = ""):
        super().__init__(f"{kind}: {value}")
        self.kind, self.value = kind, value


def overview() -> list[dict]:
    """Every department, parents before children, with its depth, head count and leads."""
    departments = db.session.scalars(select(Department).order_by(Department.name)).all()
    counts = dict(db.session.execute(select(User.department_id, func.count(User.id))
                                     .where(User.active).group_by(User.department_id)).all())
    leads: dict[int, list[str]] = {}
    for dept_id, name in db.session.execute(
            select(LeadDepartment.department_id, User.name).join(
                User, User.id == LeadDepartment.user_id).order_by(User.name)):
        leads.setdefault(dept_id, []).append(name)
    children: dict[int | None, list[Department]] = {}
    for department in departments:
        children.setdefault(department.parent_id, []).append(department)
    rows: list[dict] = []

    def walk(parent_id, depth):
        for department in children.get(parent_id, []):
            rows.append({"department": department, "depth": depth,
                         "people": counts.get(department.id, 0),
                         "leads": leads.get(department.id, [])})
            walk(department.id, depth + 1)

    walk(None, 0)
    return rows


def _check_name(name: str, current: Department | None) -> str:
    name = (name or "").strip()
    if not name:
        raise DepartmentError("empty")
    taken = db.session.scalar(select(Department).where(func.lower(Department.name)
                                                       == name.lower()))
    if taken is not None and taken is not current:
        raise DepartmentError("taken", name)
    return name


def _check_parent(department: Department | None, parent_id: int | None) -> Department | None:
    if not parent_id:
        return None
    parent = db.session.get(Department, parent_id)
    if parent is None:
        raise DepartmentError("unknown", str(parent_id))
    if department is not None and parent.id in descendants({department.id}):
        raise DepartmentError("cycle", parent.name)  # not under itself
    return parent


def create(name: str, parent_id: int | None) -> Department:
    """A new department (``DepartmentError`` naming a taken name)."""
    department = Department(name=_check_name(name, None))
    department.parent = _check_parent(None, parent_id)
    db.session.add(department)
    db.session.flush()
    return department


def change(department: Department, name: str, parent_id: int | None) -> None:
    """Rename and/or move ``department`` (not under itself or its own sub-departments)."""
    department.name = _check_name(name, department)
    department.parent = _check_parent(department, parent_id)


def merge(source: Department, target: Department) -> int:
    """Move the people, leads and sub-departments of ``source`` to ``target`` and delete
    ``source``; returns how many people moved."""
    if source.id == target.id or target.id in descendants({source.id}):
        raise DepartmentError("cycle", target.name)
    moved = db.session.execute(update(User).where(User.department_id == source.id)
                               .values(department_id=target.id)).rowcount
    _repoint_references(source.id, target.id)
    for child in list(source.children):
        child.parent = target
    already = set(db.session.scalars(select(LeadDepartment.user_id).where(
        LeadDepartment.department_id == target.id)))
    for row in db.session.scalars(select(LeadDepartment).where(
            LeadDepartment.department_id == source.id)).all():
        if row.user_id not in already:
            db.session.add(LeadDepartment(user_id=row.user_id, department_id=target.id))
        db.session.delete(row)
    db.session.flush()
    db.session.delete(source)
    log.info("department %s merged into %s (%d people)", source.id, target.id, moved)
    return moved


#: Tables whose department references ``merge`` handles itself.
_OWN_REFERENCES = {"departments", "lead_departments", "users"}


def _repoint_references(source_id: int, target_id: int) -> None:
    """Every other table that names a department (standing assignments, exam overrides,
    webhooks, ...) names the target instead; a clash with a row the target already has
    (two overrides of one exam) is refused with the table's name."""
    for table in db.metadata.sorted_tables:
        if table.name in _OWN_REFERENCES:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name != "departments":
                continue
            column = fk.parent
            try:
                with db.session.begin_nested():
                    db.session.execute(table.update().where(column == source_id)
                                       .values({column.name: target_id}))
            except IntegrityError as error:
                log.warning("merge refused: %s.%s clashes (%s)", table.name, column.name,
                            error.orig)
                raise DepartmentError("clash", source_name(source_id)) from error


def source_name(department_id: int) -> str:
    department = db.session.get(Department, department_id)
    return department.name if department else ""


def set_led(user: User, department_ids: list[int]) -> None:
    """The departments ``user`` leads (only meaningful with the ``lead`` role)."""
    wanted = set(department_ids) if user.has_role("lead") else set()
    user.led_departments = list(db.session.scalars(
        select(Department).where(Department.id.in_(wanted or {-1}))))
