"""Setting up exams: parsing the exam form's question lines and assignments, then saving.

Fixed questions are named by key, one per line. A random draw line reads
``count category [difficulty] [tag,tag]`` (category ``*`` = the whole bank). Assignments name
departments and employee numbers. Every unknown key, category, department or employee is
reported with its line or value and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from lms.auth.models import Department, User
from lms.exams.models import (
    REVIEW_MOMENTS,
    REVIEW_PARTS,
    Exam,
    ExamAssignment,
    ExamItem,
    Question,
    QuestionCategory,
)
from lms.extensions import db
from question_bank.model import Difficulty


def excerpt(text: str, limit: int = 60) -> str:
    """At most ``limit`` characters of what the trainer typed, for an error message."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass
class ExamPlan:
    """The checked question lines and assignments of an exam form."""

    items: list[ExamItem] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _fixed(text: str, plan: ExamPlan) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        key = line.strip()
        if not key:
            continue
        question = db.session.scalar(select(Question).where(Question.key == key))
        if question is None:
            plan.errors.append(_("Fixed questions, line %(n)d: no question with key %(key)s.",
                                 n=number, key=excerpt(key)))
        else:
            plan.items.append(ExamItem(question_id=question.id))


def _draw(line: str, number: int, plan: ExamPlan) -> None:
    parts = line.split()
    if len(parts) < 2 or not parts[0].isdigit() or int(parts[0]) < 1:
        plan.errors.append(_("Random draws, line %(n)d: write a count and a category, e.g. "
                             "\"5 service-standards easy\".", n=number))
        return
    category = None if parts[1] == "*" else parts[1].strip("/")
    if category and not db.session.scalar(select(QuestionCategory).where(
            QuestionCategory.path == category)):
        plan.errors.append(_("Random draws, line %(n)d: no category %(c)s.", n=number,
                             c=excerpt(category)))
        return
    difficulty, tags = None, []
    for extra in parts[2:]:
        if extra in {d.value for d in Difficulty}:
            difficulty = extra
        else:
            tags += [tag for tag in extra.split(",") if tag]
    plan.items.append(ExamItem(draw_count=int(parts[0]), draw_category=category,
                               draw_difficulty=difficulty, draw_tags=tags))


def _assignees(departments: str, employees: str, plan: ExamPlan) -> None:
    for name in filter(None, (part.strip() for part in departments.split(","))):
        found = db.session.scalar(select(Department).where(Department.name == name))
        if found is None:
            plan.errors.append(_("No department called %(name)s.", name=excerpt(name)))
        else:
            plan.departments.append(found)
    for number in filter(None, (part.strip() for part in employees.split(","))):
        found = db.session.scalar(select(User).where(User.employee_no == number))
        if found is None:
            plan.errors.append(_("No employee with number %(no)s.", no=excerpt(number)))
        else:
            plan.users.append(found)


def check_plan(fixed: str, draws: str, departments: str, employees: str) -> ExamPlan:
    """Parse the question lines and assignments; ``errors`` lists every problem."""
    plan = ExamPlan()
    _fixed(fixed or "", plan)
    for number, line in enumerate((draws or "").splitlines(), start=1):
        if line.strip():
            _draw(line, number, plan)
    _assignees(departments or "", employees or "", plan)
    if not plan.items:
        plan.errors.append(_("Add at least one fixed question or random draw."))
    return plan


def apply_plan(exam: Exam, plan: ExamPlan) -> None:
    """Replace the exam's items and assignments with the checked plan."""
    exam.items.clear()
    db.session.flush()
    for position, item in enumerate(plan.items):
        item.position = position
        exam.items.append(item)
    exam.assignments.clear()
    for department in plan.departments:
        exam.assignments.append(ExamAssignment(department_id=department.id))
    for user in plan.users:
        exam.assignments.append(ExamAssignment(user_id=user.id))


def plan_text(exam: Exam) -> dict:
    """The exam's items and assignments as the form's text fields."""
    fixed, draws = [], []
    for item in exam.items:
        if item.question_id:
            fixed.append(db.session.get(Question, item.question_id).key)
        else:
            extra = [item.draw_difficulty or ""] + [",".join(item.draw_tags or [])]
            draws.append(" ".join(filter(None, [str(item.draw_count), item.draw_category or "*",
                                                *extra])))
    departments = [db.session.get(Department, a.department_id).name
                   for a in exam.assignments if a.department_id]
    employees = [db.session.get(User, a.user_id).employee_no
                 for a in exam.assignments if a.user_id]
    return {"fixed_keys": "\n".join(fixed), "draws": "\n".join(draws),
            "departments": ", ".join(departments), "employees": ", ".join(employees)}


def review_from_form(form) -> dict:
    """The review matrix from the form's checkboxes."""
    return {moment: {part: bool(getattr(form, f"review_{moment}_{part}").data)
                     for part in REVIEW_PARTS} for moment in REVIEW_MOMENTS}


def review_to_form(form, review: dict) -> None:
    """Tick the form's checkboxes from a review matrix."""
    for moment in REVIEW_MOMENTS:
        for part in REVIEW_PARTS:
            getattr(form, f"review_{moment}_{part}").data = bool(
                (review or {}).get(moment, {}).get(part))
