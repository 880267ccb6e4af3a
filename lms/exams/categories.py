"""The bank's category tree: create, rename, move and delete, with the checks that keep the
bank and the exams drawing from it consistent.

A category is a slash-separated ``path``; renaming or moving one rewrites its path and every
path below it, and the random draws of exams that name those paths follow. Deleting refuses
while the category holds questions (deleted questions aside, which move to
``uncategorised``), has sub-categories, or an exam draws from it. Every refusal is a
``CategoryRefused`` whose ``code`` the page turns into a sentence.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select

from lms.exams.bank_service import UNCATEGORISED, category_for, subtree
from lms.exams.models import Exam, ExamItem, Question, QuestionCategory
from lms.extensions import db
from question_bank.qtypes.base import category_issues

log = logging.getLogger("lms.exams")


class CategoryRefused(ValueError):
    """A category change the rules refuse; ``code`` says why, ``params`` fill the message."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(code)


@dataclass
class CategoryRow:
    """One line of the category page."""

    category: QuestionCategory
    #: Questions filed right here (not deleted), and in the whole subtree.
    own: int
    total: int
    #: Slugs of exams drawing from it.
    drawn_by: list[str]


def _checked_path(path: str) -> str:
    path = (path or "").strip().strip("/")
    if not path:
        raise CategoryRefused("empty")
    if category_issues(path):
        raise CategoryRefused("invalid", path=path[:60])
    return path


def _by_path(path: str) -> QuestionCategory | None:
    return db.session.scalar(select(QuestionCategory).where(QuestionCategory.path == path))


def tree() -> list[CategoryRow]:
    """Every category in path order with its question counts and the exams drawing on it."""
    own = dict(db.session.execute(
        select(Question.category_id, func.count()).where(Question.status != "deleted")
        .group_by(Question.category_id)).all())
    draws = db.session.execute(select(ExamItem.draw_category, Exam.slug).join(Exam).where(
        ExamItem.draw_category.is_not(None))).all()
    rows = []
    categories = db.session.scalars(select(QuestionCategory).order_by(QuestionCategory.path))
    everything = list(categories)
    for category in everything:
        below = [c for c in everything if c.path == category.path
                 or c.path.startswith(category.path + "/")]
        rows.append(CategoryRow(
            category, own.get(category.id, 0), sum(own.get(c.id, 0) for c in below),
            sorted({slug for path, slug in draws if path == category.path})))
    return rows


def create(path: str) -> QuestionCategory:
    """A new category (its parents are made as needed); refused when it exists."""
    path = _checked_path(path)
    if _by_path(path) is not None:
        raise CategoryRefused("exists", path=path)
    return category_for(path)


def _rewrite(old: str, new: str) -> None:
    """Give the category ``old`` and everything below it the path ``new``."""
    if _by_path(new) is not None:
        raise CategoryRefused("exists", path=new)
    if new == old or new.startswith(old + "/"):
        raise CategoryRefused("into_itself", path=new)
    moving = db.session.scalars(select(QuestionCategory).where(subtree(old))
                                .order_by(QuestionCategory.path)).all()
    parent_path = new.rsplit("/", 1)[0] if "/" in new else None
    parent = category_for(parent_path) if parent_path else None
    for category in moving:
        category.path = new + category.path[len(old):]
    moving[0].parent = parent
    for item in db.session.scalars(select(ExamItem).where(ExamItem.draw_category.is_not(None))):
        if item.draw_category == old or item.draw_category.startswith(old + "/"):
            item.draw_category = new + item.draw_category[len(old):]
    db.session.flush()
    log.info("question category %s is now %s", old, new)


def rename(category: QuestionCategory, name: str) -> None:
    """Change the last part of a category's path (its sub-categories follow)."""
    name = (name or "").strip()
    if not name or "/" in name:
        raise CategoryRefused("bad_name")
    head = category.path.rsplit("/", 1)[0] + "/" if "/" in category.path else ""
    _rewrite(category.path, _checked_path(head + name))


def move(category: QuestionCategory, parent_path: str) -> None:
    """Put a category (with everything below it) under ``parent_path`` ('' = the top)."""
    name = category.path.rsplit("/", 1)[-1]
    parent_path = (parent_path or "").strip().strip("/")
    if parent_path and _by_path(parent_path) is None:
        raise CategoryRefused("no_parent", path=parent_path[:60])
    target = f"{parent_path}/{name}" if parent_path else name
    _rewrite(category.path, _checked_path(target))


def delete(category: QuestionCategory) -> None:
    """Remove an empty category that no exam draws from."""
    if db.session.scalar(select(func.count()).select_from(QuestionCategory).where(
            QuestionCategory.parent_id == category.id)):
        raise CategoryRefused("has_children")
    held = db.session.scalar(select(func.count()).select_from(Question).where(
        Question.category_id == category.id, Question.status != "deleted")) or 0
    if held:
        raise CategoryRefused("has_questions", n=held)
    drawn = sorted(set(db.session.scalars(select(Exam.slug).join(ExamItem).where(
        ExamItem.draw_category == category.path))))
    if drawn:
        raise CategoryRefused("drawn", exams=", ".join(drawn))
    if category.path == UNCATEGORISED:
        raise CategoryRefused("uncategorised")
    kept = db.session.scalars(select(Question).where(Question.category_id == category.id))
    rows = list(kept)
    if rows:
        fallback = category_for(UNCATEGORISED)
        for row in rows:
            row.category = fallback
    db.session.delete(category)
    db.session.flush()
    log.info("question category %s deleted", category.path)
