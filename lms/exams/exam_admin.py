"""Setting up exams: the questions picked and the draw rules, who takes it, then saving.

The exam form holds fixed questions picked from the bank (ids, each with an optional mark),
random-draw rules as rows (category, difficulty, tags, count and a mark per slot), and people
and departments chosen from lists. Typed input still works for long lists: fixed questions
by key, one per line, and draw lines ``count category [difficulty] [tag,tag]`` (category
``*`` = the whole bank), departments by name and employee numbers. Every unknown key,
category, department or employee is reported with its line or value and nothing is saved.
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


@dataclass
class DrawRule:
    """One random-draw row of the exam form."""

    count: int | None
    category: str = ""
    difficulty: str = ""
    tags: tuple[str, ...] = ()
    mark: float | None = None


@dataclass
class Picked:
    """What the exam form's pickers hold: fixed questions (id -> mark), draw rules, people
    and departments (ids)."""

    fixed: list[tuple[int, float | None]] = field(default_factory=list)
    rules: list[DrawRule] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    department_ids: list[int] = field(default_factory=list)


def _mark_problem(mark: float | None) -> bool:
    return mark is not None and not (0 < mark <= 1000)


def _picked(picked: Picked, plan: ExamPlan) -> None:
    for question_id, mark in picked.fixed:
        question = db.session.get(Question, question_id)
        if question is None or question.status == "deleted":
            plan.errors.append(_("A picked question is no longer in the bank."))
        elif _mark_problem(mark):
            plan.errors.append(_("Question %(key)s: a mark lies above 0 and at most 1000.",
                                 key=question.key))
        else:
            plan.items.append(ExamItem(question_id=question.id, mark=mark))
    for number, rule in enumerate(picked.rules, start=1):
        if not rule.count and not rule.category and not rule.tags:
            continue  # an empty row
        if not rule.count or rule.count < 1:
            plan.errors.append(_("Random draw %(n)d: give how many questions to draw.",
                                 n=number))
            continue
        category = rule.category.strip("/") or None
        if category and not db.session.scalar(select(QuestionCategory).where(
                QuestionCategory.path == category)):
            plan.errors.append(_("Random draw %(n)d: no category %(c)s.", n=number,
                                 c=excerpt(category)))
            continue
        if _mark_problem(rule.mark):
            plan.errors.append(_("Random draw %(n)d: a mark lies above 0 and at most 1000.",
                                 n=number))
            continue
        if rule.difficulty and rule.difficulty not in {d.value for d in Difficulty}:
            plan.errors.append(_("Random draw %(n)d: choose a difficulty from the list.",
                                 n=number))
            continue
        plan.items.append(ExamItem(draw_count=rule.count, draw_category=category,
                                   draw_difficulty=rule.difficulty or None,
                                   draw_tags=list(rule.tags), mark=rule.mark))
    for user_id in picked.user_ids:
        user = db.session.get(User, user_id)
        if user is None:
            plan.errors.append(_("A chosen person no longer exists."))
        elif user not in plan.users:
            plan.users.append(user)
    for department_id in picked.department_ids:
        department = db.session.get(Department, department_id)
        if department is None:
            plan.errors.append(_("A chosen department no longer exists."))
        elif department not in plan.departments:
            plan.departments.append(department)


def check_plan(fixed: str, draws: str, departments: str, employees: str,
               picked: Picked | None = None) -> ExamPlan:
    """Check what was picked and parse what was typed; ``errors`` lists every problem."""
    plan = ExamPlan()
    if picked is not None:
        _picked(picked, plan)
    _fixed(fixed or "", plan)
    for number, line in enumerate((draws or "").splitlines(), start=1):
        if line.strip():
            _draw(line, number, plan)
    _assignees(departments or "", employees or "", plan)
    if not plan.items:
        plan.errors.append(_("Add at least one fixed question or random draw."))
    return plan


def items_signature(items) -> list[tuple]:
    """What an exam's questions are, comparable before and after an edit."""
    return [(item.question_id, item.draw_count if not item.question_id else 0,
             item.draw_category, item.draw_difficulty, tuple(item.draw_tags or ()), item.mark)
            for item in items]


def picked_of(exam: Exam) -> Picked:
    """The exam's items and assignments as the pickers show them."""
    picked = Picked()
    for item in exam.items:
        if item.question_id:
            picked.fixed.append((item.question_id, item.mark))
        else:
            picked.rules.append(DrawRule(item.draw_count, item.draw_category or "",
                                         item.draw_difficulty or "",
                                         tuple(item.draw_tags or ()), item.mark))
    picked.user_ids = [a.user_id for a in exam.assignments if a.user_id]
    picked.department_ids = [a.department_id for a in exam.assignments if a.department_id]
    return picked


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
