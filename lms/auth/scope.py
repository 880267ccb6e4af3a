"""Who may see whom: department scope.

Administrators, trainers and planners work across the organisation and see everyone. A
team lead (班组长, role ``lead``) sees and manages only the people of the departments they
lead, sub-departments included. Every view a lead may open passes its people and department
filters through here, so the rule is stated once:

- :func:`department_ids` — the departments the viewer may see (``None``: all);
- :func:`restrict` — a SQL query on users cut to those departments;
- :func:`may_see` / :func:`person_or_404` — one person, 404 when out of scope (the person's
  existence is not confirmed to someone who may not see them);
- :func:`department_or_404` — a department filter given in a URL.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from lms.auth.models import Department, LeadDepartment, User
from lms.extensions import db

#: Roles that see every department.
GLOBAL_ROLES = ("admin", "trainer", "planner")


def descendants(department_ids: set[int]) -> set[int]:
    """The departments and every department below them."""
    children: dict[int | None, list[int]] = {}
    for dept_id, parent_id in db.session.execute(select(Department.id, Department.parent_id)):
        children.setdefault(parent_id, []).append(dept_id)
    found, todo = set(), list(department_ids)
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo.extend(children.get(current, []))
    return found


def department_ids(viewer: User) -> set[int] | None:
    """Departments ``viewer`` may see: None for every one (global roles); for a lead the
    departments they lead and those below; for anyone else none."""
    if viewer.has_role(*GLOBAL_ROLES):
        return None
    if not viewer.has_role("lead"):
        return set()
    led = set(db.session.scalars(select(LeadDepartment.department_id).where(
        LeadDepartment.user_id == viewer.id)))
    return descendants(led)


def is_scoped(viewer: User) -> bool:
    """True when ``viewer`` sees only some departments (a team lead)."""
    return department_ids(viewer) is not None


def restrict(query, viewer: User, column=None):
    """``query`` (selecting users) cut to the people ``viewer`` may see."""
    allowed = department_ids(viewer)
    if allowed is None:
        return query
    column = column if column is not None else User.department_id
    return query.where(column.in_(allowed or {-1}))


def may_see(viewer: User, person: User) -> bool:
    """Whether ``viewer`` may see ``person`` (themselves always)."""
    if person.id == viewer.id:
        return True
    allowed = department_ids(viewer)
    return allowed is None or person.department_id in allowed


def person_or_404(viewer: User, user_id: int) -> User:
    """The person ``user_id`` if ``viewer`` may see them; 404 otherwise."""
    person = db.session.get(User, user_id)
    if person is None or not may_see(viewer, person):
        abort(404)
    return person


def visible_departments(viewer: User) -> list[Department]:
    """The departments ``viewer`` may pick in a filter, by name."""
    query = select(Department).order_by(Department.name)
    allowed = department_ids(viewer)
    if allowed is not None:
        query = query.where(Department.id.in_(allowed or {-1}))
    return list(db.session.scalars(query))


def department_or_404(viewer: User, department_id: int | None) -> int | None:
    """A department filter from a URL: kept when ``viewer`` may see it, 404 otherwise."""
    if department_id is None:
        return None
    allowed = department_ids(viewer)
    if allowed is not None and department_id not in allowed:
        abort(404)
    return department_id
