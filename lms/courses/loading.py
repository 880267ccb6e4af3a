"""Loading course content from folders, with every activity reference checked.

A course file names exams, role-play cards, drill scenarios, the survey and practical
assessments by reference (``lms.activities``). Loading therefore goes in this order, all in one
transaction:

1. read and validate the files (format only);
2. store what the files refer to and that ships with the platform (each feature's
   ``lms/<feature>/shipped.py``: the shipped final exams), so an empty database can load the
   shipped courses;
3. put the courses in the session and read the files again, this time resolving every
   reference against the registry: a ref naming nothing is an error at its file and line, and
   a course's reference to itself (``practice:<its slug>``) resolves;
4. only then write asset files, paths, and commit.

Any error raises `bundle.BundleInvalid` before anything is committed (the caller rolls back).
`check_content` runs steps 1–3 and rolls back: it is what ``flask courses check`` reports for
the shipped content.
"""

from __future__ import annotations

from pathlib import Path

from lms.courses import bundle as bundles
from lms.courses import content_service, references
from lms.courses.bundle import BundleError, CourseBundle, Resolver
from lms.extensions import db


def _read(path: Path, resolve: Resolver | None = None):
    if (path / "course.yaml").is_file():  # a single course folder
        return (bundles.read_course_dir(path, resolve),), ()
    return bundles.read_content_dir(path, resolve)


def refs_of(courses: tuple[CourseBundle, ...]) -> set[str]:
    """Every activity reference the courses name."""
    return {activity.ref for course in courses for activity in course.activities}


def load_dependencies(wanted: set[str] | None = None) -> list[str]:
    """Store the shipped things that ``wanted`` references name (None: all); not committed.

    Each feature with a ``lms/<feature>/shipped.py`` stores its shipped content there with
    ``load(commit=False, wanted=...)``, idempotently; returns what was created.
    """
    from lms.web import feature_modules

    created = []
    for module in feature_modules("shipped"):
        created += module.load(commit=False, wanted=wanted)
    return created


def _stage(path: Path, status: str | None):
    """Steps 1–3 of the module docstring: the courses in the session, references checked."""
    courses, paths = _read(path)
    content_service.ensure_curricula()
    dependencies = load_dependencies(refs_of(courses))
    # Courses take their place in a curriculum in learning-path order (onboarding first).
    order = [item.course for p in paths for item in p.items]
    courses = sorted(courses, key=lambda c: (order.index(c.slug) if c.slug in order
                                             else len(order), c.slug))
    loaded = [content_service.import_tree(spec, status) for spec in courses]
    db.session.flush()
    _read(path, references.resolver())
    return courses, loaded, paths, dependencies


def load_content(path: str | Path = bundles.CONTENT_DIR, status: str = "published",
                 commit: bool = True) -> dict:
    """Load a course folder, or every course and path of a content folder; idempotent.

    Courses and paths are updated by slug (a new course gets ``status``; an existing one too).
    Raises `bundle.BundleInvalid` listing every problem (file and line) before anything is
    committed; the caller rolls back. ``commit=False`` leaves the transaction open.
    """
    courses, loaded, paths, dependencies = _stage(Path(path), status)
    for spec, course in zip(courses, loaded, strict=True):
        content_service.sync_assets(course, spec.assets)
    learning_paths = [content_service.import_path(spec) for spec in paths]
    if commit:
        db.session.commit()
    return {"courses": [c.slug for c in loaded], "paths": [p.slug for p in learning_paths],
            "dependencies": dependencies}


def check_content(path: str | Path = bundles.CONTENT_DIR) -> list[BundleError]:
    """Every problem `load_content` would meet in ``path``: a dry run, always rolled back.

    Nothing is committed and no asset file is written.
    """
    try:
        _stage(Path(path), None)
        return []
    except bundles.BundleInvalid as invalid:
        return invalid.errors
    finally:
        db.session.rollback()
