"""Assigning courses and learning paths to people: chosen users, a department, or new hires.

"New hires" are active users whose ``hired_on`` lies within the last `NEW_HIRE_DAYS` days
(the onboarding window). A department or new-hire assignment is expanded to one row per person
at the moment it is made; the route also records it as a standing assignment
(`lms.courses.standing`) so that people who join later are reached too. Assigning the same
thing to the same person again updates the due date instead of adding a second row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from lms.auth.models import Department, User
from lms.courses.models import Course, LearningPath
from lms.courses.models_progress import Assignment
from lms.extensions import db
from lms.signals import activities_assigned, assignment_made

NEW_HIRE_DAYS = 90
TARGETS = ("users", "department", "new_hires")


@dataclass
class AssignResult:
    """How many people got a new assignment and how many had their due date changed."""

    created: int
    updated: int

    @property
    def total(self) -> int:
        """Everyone the assignment reached."""
        return self.created + self.updated


def _among(query, among):
    """``query`` narrowed to the ids ``among`` (None: everyone)."""
    return query if among is None else query.where(User.id.in_(list(among)))


def new_hires(today: date | None = None, among=None) -> list[User]:
    """Active users hired within the last `NEW_HIRE_DAYS` days (not in the future)."""
    today = today or date.today()
    since = today - timedelta(days=NEW_HIRE_DAYS)
    query = (select(User).where(User.active.is_(True), User.hired_on.is_not(None),
                                User.hired_on >= since, User.hired_on <= today)
             .order_by(User.employee_no))
    return list(db.session.scalars(_among(query, among)))


def department_members(department_id: int, among=None) -> list[User]:
    """Active users of a department."""
    query = (select(User).where(User.department_id == department_id, User.active.is_(True))
             .order_by(User.employee_no))
    return list(db.session.scalars(_among(query, among)))


def people_for(target: str, user_ids=(), department_id: int | None = None,
               today: date | None = None, among=None) -> list[User]:
    """The people a target names: ``users`` (ids), ``department`` or ``new_hires``; only
    those of ``among`` (ids) when given, so one person's check reads one person."""
    if target == "users":
        ids = [int(i) for i in user_ids]
        return list(db.session.scalars(select(User).where(User.id.in_(ids))
                                       .order_by(User.employee_no)))
    if target == "department":
        if department_id is None or db.session.get(Department, department_id) is None:
            raise ValueError(f"unknown department {department_id}")
        return department_members(department_id, among)
    if target == "new_hires":
        return new_hires(today, among)
    raise ValueError(f"unknown target {target!r}; allowed: {', '.join(TARGETS)}")


def assign(item: Course | LearningPath, people: list[User], due_on: date | None,
           assigned_by: User | None, source: str = "users") -> AssignResult:
    """Assign a course or path to ``people`` with a due date; the caller commits."""
    is_course = isinstance(item, Course)
    created = updated = 0
    for person in people:
        query = select(Assignment).where(Assignment.user_id == person.id)
        query = query.where(Assignment.course_id == item.id if is_course
                            else Assignment.path_id == item.id)
        existing = db.session.scalar(query.limit(1))
        if existing is not None:
            existing.due_on = due_on
            updated += 1
            continue
        db.session.add(Assignment(
            user_id=person.id, course_id=item.id if is_course else None,
            path_id=None if is_course else item.id, due_on=due_on, source=source,
            assigned_by_id=assigned_by.id if assigned_by else None))
        announce_activities(person.id, item)
        assignment_made.send("course" if is_course else "path", user_id=person.id,
                             subject_id=item.id, slug=item.slug, title=dict(item.title),
                             due_on=due_on)
        created += 1
    db.session.flush()
    return AssignResult(created, updated)


def announce_activities(user_id: int, item: Course | LearningPath) -> None:
    """Tell other features (exams) which activities a new assignment brings."""
    courses = [item] if isinstance(item, Course) else item.published_courses
    refs = [activity.ref for course in courses for activity in course.activities]
    if refs:
        activities_assigned.send("course", user_id=user_id, refs=refs)


def announce_new_activity(course: Course, ref: str) -> int:
    """Tell other features that everyone the course is assigned to now has ``ref`` too.

    A course gains an activity after people were assigned it (the editor): exams put the exam
    on their lists as an assignment would have. Returns how many people were told.
    """
    from lms.courses.models import PathItem

    direct = select(Assignment.user_id).where(Assignment.course_id == course.id)
    by_path = (select(Assignment.user_id)
               .join(PathItem, PathItem.path_id == Assignment.path_id)
               .where(PathItem.course_id == course.id))
    people = set(db.session.scalars(direct)) | (
        set(db.session.scalars(by_path)) if course.published else set())
    for user_id in sorted(people):
        activities_assigned.send("course", user_id=user_id, refs=[ref])
    return len(people)


def assignments_of(item: Course | LearningPath) -> list[Assignment]:
    """Every assignment of a course or path, by person."""
    column = Assignment.course_id if isinstance(item, Course) else Assignment.path_id
    query = (select(Assignment).join(User, User.id == Assignment.user_id)
             .where(column == item.id).order_by(User.employee_no))
    return list(db.session.scalars(query))


def withdraw(assignment: Assignment) -> None:
    """Remove an assignment (views and results stay); the caller commits.

    A standing department/new-hire assignment of the same item will not bring it back.
    """
    from lms.courses import standing

    standing.forget_person(assignment)
    db.session.delete(assignment)
