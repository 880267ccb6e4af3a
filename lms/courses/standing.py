"""Standing assignments: a department or "all new hires" assignment that keeps reaching people.

Design (no cron needed): when a trainer assigns a course or path to a department or to all new
hires, `assignment.assign` gives everyone who matches *now* an ordinary `Assignment` row, and
`record` stores the target itself as a `StandingAssignment`. Whenever progress is computed
(My learning, course and lesson pages, the home panels, the trainer dashboard), `sync` resolves
every standing assignment whose due date has not passed and gives each person who now matches
(moved into the department, newly hired, account created later) the missing `Assignment` row,
with the standing assignment's due date. Materialising keeps one source of truth for progress,
completions and the dashboard, and `sync` is idempotent, so calling it often is safe.

Assumptions:

* After the due date the standing assignment stops reaching newcomers (they would be overdue
  on arrival); the rows already made stay.
* Someone who leaves the department keeps what was assigned (their progress is not lost).
* A withdrawn assignment is remembered on the standing assignment (``excluded_user_ids``) so
  the next `sync` does not bring it back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import or_, select

from lms.auth.models import User
from lms.courses.assignment import announce_activities, people_for
from lms.courses.models import Course, LearningPath
from lms.courses.models_progress import Assignment, StandingAssignment
from lms.extensions import db
from lms.signals import assignment_made

STANDING_TARGETS = ("department", "new_hires")


def record(item: Course | LearningPath, target: str, department_id: int | None,
           due_on: date | None, assigned_by: User | None) -> StandingAssignment:
    """Keep ``target`` for ``item`` so later joiners get it too; the caller commits.

    Assigning the same item to the same target again updates the due date.
    """
    if target not in STANDING_TARGETS:
        raise ValueError(f"unknown target {target!r}; allowed: {', '.join(STANDING_TARGETS)}")
    is_course = isinstance(item, Course)
    query = select(StandingAssignment).where(
        StandingAssignment.target == target,
        (StandingAssignment.course_id if is_course else StandingAssignment.path_id) == item.id)
    if target == "department":
        query = query.where(StandingAssignment.department_id == department_id)
    row = db.session.scalar(query.limit(1))
    if row is None:
        row = StandingAssignment(
            course_id=item.id if is_course else None, path_id=None if is_course else item.id,
            target=target, department_id=department_id if target == "department" else None,
            excluded_user_ids=[], assigned_by_id=assigned_by.id if assigned_by else None)
        db.session.add(row)
    row.due_on = due_on
    db.session.flush()
    return row


def active(today: date | None = None) -> list[StandingAssignment]:
    """Standing assignments that still reach newcomers (due date today or later, or none)."""
    today = today or date.today()
    query = (select(StandingAssignment)
             .where(or_(StandingAssignment.due_on.is_(None), StandingAssignment.due_on >= today))
             .order_by(StandingAssignment.id))
    return list(db.session.scalars(query))


def sync(user_ids: Iterable[int] | None = None, today: date | None = None) -> int:
    """Give people who now match a standing assignment their missing `Assignment` rows.

    Only ``user_ids`` are considered when given (everyone otherwise). Returns how many rows
    were added; the caller commits (an uncommitted sync is simply redone next time).
    """
    wanted = set(user_ids) if user_ids is not None else None
    created = 0
    if wanted is not None and not wanted:
        return 0
    for standing in active(today):
        people = people_for(standing.target, department_id=standing.department_id, today=today,
                            among=wanted)
        candidates = [p for p in people if (wanted is None or p.id in wanted)
                      and p.id not in set(standing.excluded_user_ids or [])]
        if not candidates:
            continue
        column = Assignment.course_id if standing.course_id else Assignment.path_id
        item_id = standing.course_id or standing.path_id
        have = set(db.session.scalars(select(Assignment.user_id).where(
            column == item_id, Assignment.user_id.in_([p.id for p in candidates]))))
        for person in candidates:
            if person.id in have:
                continue
            db.session.add(Assignment(
                user_id=person.id, course_id=standing.course_id, path_id=standing.path_id,
                due_on=standing.due_on, source=standing.target,
                assigned_by_id=standing.assigned_by_id))
            item = (db.session.get(Course, standing.course_id) if standing.course_id
                    else db.session.get(LearningPath, standing.path_id))
            announce_activities(person.id, item)
            assignment_made.send("course" if standing.course_id else "path",
                                 user_id=person.id, subject_id=item.id, slug=item.slug,
                                 title=dict(item.title), due_on=standing.due_on)
            created += 1
    if created:
        db.session.flush()
    return created


def forget_person(row: Assignment) -> None:
    """Before withdrawing ``row``: stop standing assignments of the same item re-adding it."""
    column = (StandingAssignment.course_id if row.course_id else StandingAssignment.path_id)
    for standing in db.session.scalars(
            select(StandingAssignment).where(column == (row.course_id or row.path_id))):
        excluded = list(standing.excluded_user_ids or [])
        if row.user_id not in excluded:
            standing.excluded_user_ids = [*excluded, row.user_id]


def of_item(item: Course | LearningPath) -> list[StandingAssignment]:
    """The standing assignments of a course or path (for the trainer's assignment page)."""
    column = (StandingAssignment.course_id if isinstance(item, Course)
              else StandingAssignment.path_id)
    return list(db.session.scalars(select(StandingAssignment).where(column == item.id)
                                   .order_by(StandingAssignment.id)))
