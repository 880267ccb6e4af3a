"""Course bundles: one course of the after-sales curricula as a folder or zip of YAML + Markdown.

This is the public face of the format (documented in ``lms/courses/content/README.md``). It
reads a bundle from a folder or a zip into frozen dataclasses, writes one back in a canonical
form, and reads learning paths. Pure Python: no Flask and no database, so the web app, the CLI
and the tests share one reader.

* `read_course_dir` / `read_course_zip` return a `CourseBundle` or raise `BundleInvalid`
  listing every problem (file inside the bundle, line, what is allowed); nothing half-read is
  returned.
* `write_course_dir` / `write_course_zip` write the canonical form: keys in a fixed order,
  UTF-8 YAML with unicode as is, Markdown bytes unchanged. read → write → read gives an equal
  bundle, and writing what was read from a written bundle reproduces it byte for byte.
* `read_paths` reads ``paths.yaml``; `course_hours` / `path_hours` define planned hours.
* `read_content_dir` loads every course folder and the paths of a content folder, such as the
  shipped `CONTENT_DIR`.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from lms.courses.bundle_assets import ASSET_DIR, asset_problem
from lms.courses.bundle_files import files_from_dir, files_from_zip, write_files_to_dir, zip_files
from lms.courses.bundle_model import (
    ActivitySpec,
    Asset,
    Bilingual,
    BundleError,
    BundleInvalid,
    Checklist,
    CompletionRule,
    CourseBundle,
    HoursSplit,
    LearningPath,
    LessonSpec,
    ModuleSpec,
    PathItem,
    TopicSlot,
)
from lms.courses.bundle_parse import COURSE_FILE, Resolver, lesson_file, parse_course
from lms.courses.bundle_paths import PATHS_FILE, course_hours, path_hours, read_paths
from lms.courses.bundle_yaml import dump_canonical, number_out

__all__ = [
    "CONTENT_DIR",
    "ActivitySpec",
    "Asset",
    "Bilingual",
    "BundleError",
    "BundleInvalid",
    "Checklist",
    "CompletionRule",
    "CourseBundle",
    "HoursSplit",
    "LearningPath",
    "LessonSpec",
    "ModuleSpec",
    "PathItem",
    "Resolver",
    "TopicSlot",
    "asset_problem",
    "course_files",
    "course_hours",
    "path_hours",
    "read_content_dir",
    "read_course_dir",
    "read_course_zip",
    "read_paths",
    "write_course_dir",
    "write_course_zip",
]

#: The course content shipped with the platform (one folder per course, plus paths.yaml).
CONTENT_DIR = Path(__file__).resolve().parent / "content"


def read_course_dir(path: str | os.PathLike, resolve: Resolver | None = None) -> CourseBundle:
    """Read and validate the course folder at ``path`` (``resolve``: check its references)."""
    return parse_course(files_from_dir(path), resolve)


def read_course_zip(source: bytes | str | os.PathLike,
                    resolve: Resolver | None = None) -> CourseBundle:
    """Read and validate a zipped course given as bytes or a path to the zip file."""
    return parse_course(files_from_zip(source), resolve)


def write_course_dir(bundle: CourseBundle, path: str | os.PathLike) -> Path:
    """Write ``bundle`` as a course folder at ``path`` (new or empty); returns the folder."""
    return write_files_to_dir(course_files(bundle), path)


def write_course_zip(bundle: CourseBundle) -> bytes:
    """The bundle as zip bytes, files under ``<slug>/``; the same bundle gives the same bytes."""
    return zip_files(course_files(bundle), bundle.slug)


def course_files(bundle: CourseBundle) -> dict[str, bytes]:
    """The bundle's files in canonical form, checked by reading them back (so exports import)."""
    files = {COURSE_FILE: dump_canonical(_course_data(bundle))}
    for lesson in bundle.lessons:
        for language in ("zh", "en"):
            files[lesson_file(lesson.slug, language)] = lesson.body.get(language).encode("utf-8")
            if lesson.case_study is not None:
                text = lesson.case_study.get(language)
                files[lesson_file(lesson.slug, language, case=True)] = text.encode("utf-8")
    for asset in bundle.assets:
        files[ASSET_DIR + asset.name] = asset.data
    parse_course(files)
    return files


def read_content_dir(
    path: str | os.PathLike = CONTENT_DIR, resolve: Resolver | None = None,
) -> tuple[tuple[CourseBundle, ...], tuple[LearningPath, ...]]:
    """Every course folder under ``path`` (sorted by folder name) and its learning paths.

    All problems of all courses are raised together; paths are checked against the courses.
    With ``resolve``, every activity reference must name something that exists.
    """
    root = Path(path)
    courses, errors = [], []
    for folder in sorted(p for p in root.iterdir() if (p / COURSE_FILE).is_file()):
        try:
            courses.append(read_course_dir(folder, resolve))
        except BundleInvalid as invalid:
            errors.extend(_prefixed(folder.name, e) for e in invalid.errors)
    if errors:
        raise BundleInvalid(errors)
    paths = read_paths(root / PATHS_FILE, courses) if (root / PATHS_FILE).is_file() else ()
    return tuple(courses), paths


def _prefixed(folder: str, error: BundleError) -> BundleError:
    return replace(error, file=f"{folder}/{error.file}")


def _bilingual(text: Bilingual) -> dict[str, str]:
    return {"zh": text.zh, "en": text.en}


def _course_data(bundle: CourseBundle) -> dict[str, Any]:
    """course.yaml as a dict in the documented key order."""
    rule = bundle.completion
    return {
        "slug": bundle.slug,
        "curriculum": bundle.curriculum,
        "title": _bilingual(bundle.title),
        "summary": _bilingual(bundle.summary),
        "delivery_mode": bundle.delivery_mode,
        "planned_hours": number_out(bundle.planned_hours),
        "completion": {
            "lessons_viewed": rule.lessons_viewed,
            "exam_passed": rule.exam_passed,
            "drill_scored": rule.drill_scored,
        },
        "activities": [_activity_data(activity) for activity in bundle.activities],
        "modules": [
            {
                "slug": module.slug,
                "title": _bilingual(module.title),
                "lessons": [_lesson_data(lesson) for lesson in module.lessons],
            }
            for module in bundle.modules
        ],
    }


def _activity_data(activity: ActivitySpec) -> dict[str, Any]:
    return {
        "kind": activity.kind,
        "ref": activity.ref,
        "title": _bilingual(activity.title),
        "delivery_mode": activity.delivery_mode,
        "planned_hours": number_out(activity.planned_hours),
        "required": activity.required,
    }


def _lesson_data(lesson: LessonSpec) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": lesson.slug,
        "title": _bilingual(lesson.title),
        "planned_minutes": lesson.planned_minutes,
    }
    if lesson.video_url is not None:
        data["video_url"] = lesson.video_url
    if lesson.checklist is not None:
        data["checklist"] = {"zh": list(lesson.checklist.zh), "en": list(lesson.checklist.en)}
    if lesson.case_study is not None:
        data["case_study"] = True
    return data
