"""Learning paths (``paths.yaml``): onboarding sequences and in-service templates, with hours.

A path of kind ``onboarding`` (or ``custom``) lists courses in order, each with prerequisites
among the earlier items. A path of kind ``in_service_template`` lists topic slots that a trainer
fills each month. Planned hours are defined in one place, `course_hours`:

* a course contributes its own ``planned_hours`` under its ``delivery_mode`` plus, for every
  activity attached to it (required or not), the activity's ``planned_hours`` under the
  activity's own ``delivery_mode``;
* a path's hours are the sum over its courses, or over its slots for a template.

The online/offline split of a path is that sum per delivery mode. When the courses are given,
`read_paths` checks that each path's declared ``planned_hours`` equals the computed total.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from lms.courses.bundle_model import (
    DELIVERY_MODES,
    PATH_KINDS,
    BundleError,
    BundleInvalid,
    CourseBundle,
    HoursSplit,
    LearningPath,
    PathItem,
    TopicSlot,
)
from lms.courses.bundle_yaml import DataPath, FieldReader, load_located

PATHS_FILE = "paths.yaml"
_PATH_REQUIRED = ("slug", "kind", "title", "summary", "planned_hours")
_PATH_OPTIONAL = ("items", "slots")
_SLOT_REQUIRED = ("slug", "topic", "planned_hours", "delivery_mode")


def course_hours(course: CourseBundle) -> HoursSplit:
    """Planned hours of a course and all its activities, split by delivery mode.

    Works on a course read from a bundle and on a stored ``Course`` alike (both have
    ``delivery_mode``, ``planned_hours`` and ``activities``): the one rule for hours, used
    by the path editor, the bundle checks and the learner record."""
    split = _split(course.delivery_mode, course.planned_hours)
    for activity in course.activities:
        split = split + _split(activity.delivery_mode, activity.planned_hours)
    return split


def path_hours(path: LearningPath, courses: Mapping[str, CourseBundle]) -> HoursSplit:
    """Planned hours of a path: its courses' hours, or its slots' for a template."""
    split = HoursSplit(0.0, 0.0)
    for item in path.items:
        split = split + course_hours(courses[item.course])
    for slot in path.slots:
        split = split + _split(slot.delivery_mode, slot.planned_hours)
    return split


def _split(delivery_mode: str, hours: float | None) -> HoursSplit:
    hours = float(hours or 0.0)
    return HoursSplit(hours, 0.0) if delivery_mode == "online" else HoursSplit(0.0, hours)


class _PathParser:
    """Reads the ``paths`` list of paths.yaml, collecting every problem."""

    def __init__(self, reader: FieldReader, course_slugs: set[str] | None):
        self.read = reader
        self.course_slugs = course_slugs

    def paths(self, data: Any) -> list[LearningPath | None]:
        """All paths; their slugs are unique."""
        top = self.read.mapping(data, (), ("paths",))
        items = self.read.sequence(top.get("paths"), ("paths",)) if top else None
        found, slugs = [], set()
        for index, item in enumerate(items or []):
            learning_path = self.path(item, ("paths", index))
            if learning_path and learning_path.slug in slugs:
                self.read.fail(("paths", index, "slug"), "path.duplicate_slug",
                               slug=learning_path.slug)
            slugs.add(learning_path.slug if learning_path else None)
            found.append(learning_path)
        return found

    def path(self, data: Any, path: DataPath) -> LearningPath | None:
        """One learning path with its items or slots."""
        mapping = self.read.mapping(data, path, _PATH_REQUIRED, _PATH_OPTIONAL)
        if mapping is None or any(key not in mapping for key in _PATH_REQUIRED):
            return None
        kind = self.read.choice(mapping["kind"], (*path, "kind"), PATH_KINDS)
        wanted = "slots" if kind == "in_service_template" else "items"
        if kind and wanted not in mapping:
            self.read.fail(path, "path.needs_key", kind=kind, key=wanted)
        return LearningPath(
            slug=self.read.slug(mapping["slug"], (*path, "slug")),
            kind=kind,
            title=self.read.bilingual(mapping["title"], (*path, "title")),
            summary=self.read.bilingual(mapping["summary"], (*path, "summary")),
            planned_hours=self.read.hours(mapping["planned_hours"], (*path, "planned_hours")),
            items=self.items(mapping.get("items", []), (*path, "items")),
            slots=self.slots(mapping.get("slots", []), (*path, "slots")),
        )

    def items(self, data: Any, path: DataPath) -> tuple[PathItem, ...]:
        """Courses in order; a prerequisite must be an earlier item of the same path."""
        items: list[PathItem] = []
        for index, entry in enumerate(self.read.sequence(data, path, non_empty=False) or []):
            where = (*path, index)
            mapping = self.read.mapping(entry, where, ("course",), ("prerequisites",))
            if mapping is None or "course" not in mapping:
                continue
            course = self.read.slug(mapping["course"], (*where, "course"))
            if course and self.course_slugs is not None and course not in self.course_slugs:
                self.read.fail((*where, "course"), "path.unknown_course", course=course,
                               known=", ".join(sorted(self.course_slugs)))
            earlier = [item.course for item in items]
            if course in earlier:
                self.read.fail((*where, "course"), "path.course_twice", course=course)
            prerequisites = (
                self.read.sequence(
                    mapping.get("prerequisites", []), (*where, "prerequisites"), non_empty=False
                )
                or []
            )
            for number, needed in enumerate(prerequisites):
                if needed not in earlier:
                    self.read.fail((*where, "prerequisites", number),
                                   "path.prerequisite_order", needed=repr(needed))
            items.append(PathItem(course, tuple(prerequisites)))
        return tuple(items)

    def slots(self, data: Any, path: DataPath) -> tuple[TopicSlot, ...]:
        """Topic slots of an in-service template."""
        slots = []
        for index, entry in enumerate(self.read.sequence(data, path, non_empty=False) or []):
            where = (*path, index)
            mapping = self.read.mapping(entry, where, _SLOT_REQUIRED, ("suggested_courses",))
            if mapping is None or any(key not in mapping for key in _SLOT_REQUIRED):
                continue
            suggested = (
                self.read.sequence(
                    mapping.get("suggested_courses", []),
                    (*where, "suggested_courses"),
                    non_empty=False,
                )
                or []
            )
            slots.append(
                TopicSlot(
                    slug=self.read.slug(mapping["slug"], (*where, "slug")),
                    topic=self.read.bilingual(mapping["topic"], (*where, "topic")),
                    planned_hours=self.read.hours(
                        mapping["planned_hours"], (*where, "planned_hours")
                    ),
                    delivery_mode=self.read.choice(
                        mapping["delivery_mode"], (*where, "delivery_mode"), DELIVERY_MODES
                    ),
                    suggested_courses=tuple(self._known(suggested, (*where, "suggested_courses"))),
                )
            )
        return tuple(slots)

    def _known(self, slugs: list, path: DataPath) -> list[str]:
        """The course slugs, each reported if no such course exists (when courses are known)."""
        for index, slug in enumerate(slugs):
            if self.course_slugs is not None and slug not in self.course_slugs:
                self.read.fail((*path, index), "slot.unknown_course", course=repr(slug))
        return slugs


def read_paths(
    path: str | os.PathLike, courses: Iterable[CourseBundle] | None = None
) -> tuple[LearningPath, ...]:
    """Learning paths from ``paths.yaml`` (or a folder holding it), validated.

    With ``courses``, course references are checked and each path's declared planned hours
    must equal the hours computed from its courses or slots (see `course_hours`).
    """
    file = Path(path)
    file = file / PATHS_FILE if file.is_dir() else file
    errors: list[BundleError] = []
    doc = load_located(file.read_bytes(), file.name, errors)
    if doc is None:
        raise BundleInvalid(errors)
    by_slug = {course.slug: course for course in courses} if courses is not None else None
    reader = FieldReader(doc, errors)
    paths = _PathParser(reader, set(by_slug) if by_slug is not None else None).paths(doc.data)
    if by_slug is not None and not errors:
        for index, learning_path in enumerate(paths):
            _check_hours(learning_path, by_slug, reader, ("paths", index, "planned_hours"))
    if errors:
        raise BundleInvalid(errors)
    return tuple(paths)


def _check_hours(
    learning_path: LearningPath,
    courses: Mapping[str, CourseBundle],
    reader: FieldReader,
    where: DataPath,
) -> None:
    """Report a path whose declared hours differ from what its contents add up to."""
    split = path_hours(learning_path, courses)
    if abs(split.total - learning_path.planned_hours) > 1e-9:
        reader.fail(where, "path.hours_mismatch", slug=learning_path.slug,
                    declared=f"{learning_path.planned_hours:g}", total=f"{split.total:g}",
                    online=f"{split.online:g}", offline=f"{split.offline_practice:g}")
