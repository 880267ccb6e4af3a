"""Trainer edits to the course tree: ordering siblings, checks that keep a course exportable.

Siblings (curricula, courses in a curriculum, modules in a course, lessons in a module,
activities, path items) are ordered by ``position``; moving swaps with the neighbour and then
renumbers 0..n-1, so gaps or duplicates left by deletions heal on the next move.
"""

from __future__ import annotations

from sqlalchemy import select

from lms.courses.models import Course, Lesson, Module
from lms.extensions import db

DIRECTIONS = ("up", "down")


def move(item, siblings: list, direction: str) -> bool:
    """Move ``item`` one place up or down among ``siblings``; False at either end."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    ordered = sorted(siblings, key=lambda s: (s.position, s.id or 0))
    index = ordered.index(item)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, sibling in enumerate(ordered):
        sibling.position = position
    return True


def next_position(siblings: list) -> int:
    """The position for a new last sibling."""
    return max((s.position for s in siblings), default=-1) + 1


def lesson_slug_taken(course: Course, slug: str, lesson: Lesson | None = None) -> bool:
    """Whether another lesson of ``course`` already uses ``slug`` (slugs name bundle files)."""
    return any(other.slug == slug and other is not lesson for other in course.lessons)


def module_slug_taken(course: Course, slug: str, module: Module | None = None) -> bool:
    """Whether another module of ``course`` already uses ``slug``."""
    return any(other.slug == slug and other is not module for other in course.modules)


def course_slug_taken(slug: str, course: Course | None = None) -> bool:
    """Whether another course uses ``slug``."""
    found = db.session.scalar(select(Course).where(Course.slug == slug))
    return found is not None and found is not course


def rule_problems(course: Course) -> list[str]:
    """Why the course's completion rule cannot be met (a flag without its activity)."""
    from flask_babel import gettext as _

    problems = []
    required = [a for a in course.activities if a.required]
    if course.require_exam and not any(a.kind == "exam" for a in required):
        problems.append(_("The rule asks for a passed exam, but the course has no required "
                          "exam activity."))
    if course.require_drill and not any(a.kind in ("roleplay", "emergency_drill")
                                        for a in required):
        problems.append(_("The rule asks for a scored drill, but the course has no required "
                          "role-play or emergency drill activity."))
    return problems


def delete_lessons(lessons: list[Lesson]) -> None:
    """Delete lessons with their views (SQLite does not cascade without foreign keys on)."""
    from sqlalchemy import delete

    from lms.courses.models_progress import LessonView

    ids = [lesson.id for lesson in lessons if lesson.id is not None]
    if ids:
        db.session.execute(delete(LessonView).where(LessonView.lesson_id.in_(ids)))
    for lesson in lessons:
        lesson.module.lessons.remove(lesson)


def delete_module(module: Module) -> None:
    """Delete a module, its lessons and their views."""
    delete_lessons(list(module.lessons))
    module.course.modules.remove(module)


def delete_course(course: Course) -> None:
    """Delete a course with everything hanging off it, stored asset files included."""
    from sqlalchemy import delete, or_

    from lms.courses.content_service import remove_asset
    from lms.courses.models import PathItem, Prerequisite
    from lms.courses.models_progress import Assignment, CourseCompletion

    for module in list(course.modules):
        delete_module(module)
    for asset in list(course.assets):
        remove_asset(asset)
    db.session.execute(delete(Assignment).where(Assignment.course_id == course.id))
    db.session.execute(delete(CourseCompletion).where(CourseCompletion.course_id == course.id))
    db.session.execute(delete(PathItem).where(PathItem.course_id == course.id))
    db.session.execute(delete(Prerequisite).where(or_(
        Prerequisite.course_id == course.id, Prerequisite.required_course_id == course.id)))
    db.session.delete(course)


def delete_path(path) -> None:
    """Delete a learning path with its assignments and completions."""
    from sqlalchemy import delete

    from lms.courses.models_progress import Assignment, PathCompletion

    db.session.execute(delete(Assignment).where(Assignment.path_id == path.id))
    db.session.execute(delete(PathCompletion).where(PathCompletion.path_id == path.id))
    db.session.delete(path)
