"""Building an exam by picking: the state of the exam form's pickers between posts.

The exam form is one page that works without JavaScript: searching the bank ("Find") and
"Add the ticked questions" post the whole form back and show it again with what was picked,
so nothing typed is lost; only "Save exam" stores anything. This module reads that state
from a post (fixed questions with their marks, draw rules, people and departments) and
prepares what the page shows (picked questions, the choices of the lists).
"""

from __future__ import annotations

import math

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from lms.auth.models import Department, User
from lms.exams import bank_service
from lms.exams.exam_admin import DrawRule, Picked
from lms.exams.models import Question
from lms.extensions import db

#: Most fixed questions one exam holds (a longer post is cut here).
MAX_FIXED = 300
SPARE_DRAW_ROWS = 2
#: Prefix of the picker's search fields inside the exam form.
FIND = "find-"


def _int(value) -> int | None:
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 1 <= number <= 2**31 - 1 else None


def _mark(value) -> float | None:
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def picked_from_post(data, form) -> Picked:
    """The pickers' state from a posted exam form (``data`` is ``request.form``)."""
    picked = Picked()
    seen: set[int] = set()
    for raw in data.getlist("fixed_id")[:MAX_FIXED]:
        question_id = _int(raw)
        if question_id is None or question_id in seen or data.get(f"fixed_remove-{raw}"):
            continue
        seen.add(question_id)
        picked.fixed.append((question_id, _mark(data.get(f"fixed_mark-{raw}", ""))))
    for entry in form.draw_rows.entries:
        row = entry.form
        tags = tuple(tag.strip() for tag in (row.tags.data or "").replace("，", ",").split(",")
                     if tag.strip())
        picked.rules.append(DrawRule(row.count.data, row.category.data or "",
                                     row.difficulty.data or "", tags, row.mark.data))
    picked.user_ids = [value for value in form.user_ids.data or [] if _int(value)]
    picked.department_ids = [value for value in form.department_ids.data or [] if _int(value)]
    return picked


def add_ticked(picked: Picked, data) -> int:
    """Add the questions ticked in the search results; returns how many were new."""
    have = {question_id for question_id, _mark in picked.fixed}
    added = 0
    for raw in data.getlist("pick")[:MAX_FIXED]:
        question_id = _int(raw)
        if question_id is not None and question_id not in have:
            picked.fixed.append((question_id, None))
            have.add(question_id)
            added += 1
    return added


def fill_rules(form, picked: Picked) -> None:
    """Put the draw rules into the form's rows, with blank rows to add more."""
    while form.draw_rows.entries:
        form.draw_rows.pop_entry()
    for rule in picked.rules:
        form.draw_rows.append_entry({"count": rule.count, "category": rule.category,
                                     "difficulty": rule.difficulty, "tags": ", ".join(rule.tags),
                                     "mark": rule.mark})
    for _ in range(SPARE_DRAW_ROWS):
        form.draw_rows.append_entry()


def spare_rows(form) -> None:
    """Make sure a re-shown form offers blank draw rows."""
    blank = [e for e in form.draw_rows.entries if not e.form.count.data]
    for _ in range(max(0, SPARE_DRAW_ROWS - len(blank))):
        form.draw_rows.append_entry()


def set_choices(form) -> None:
    """The lists of the form: categories for draw rows, people and departments."""
    categories = [("", "*")] + [(c.path, c.path) for c in bank_service.categories()]
    for entry in form.draw_rows.entries:
        entry.form.category.choices = categories
    form.user_ids.choices = [
        (user.id, f"{user.name} ({user.employee_no})") for user in db.session.scalars(
            select(User).where(User.active.is_(True)).order_by(User.name))]
    form.department_ids.choices = [
        (department.id, department.name)
        for department in db.session.scalars(select(Department).order_by(Department.name))]


def fixed_rows(picked: Picked) -> list[dict]:
    """The picked questions as the page lists them (unknown ids left out)."""
    rows = []
    for question_id, mark in picked.fixed:
        question = db.session.get(Question, question_id)
        if question is not None:
            rows.append({"question": question, "mark": mark})
    return rows


def finder_args(data) -> MultiDict:
    """The picker's search fields as the bank filter reads them (``find-text`` -> ``text``)."""
    args = MultiDict()
    for key in data.keys():
        if key.startswith(FIND):
            for value in data.getlist(key):
                args.add(key[len(FIND):], value)
    return args
