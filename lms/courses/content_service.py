"""Course bundles in and out of the database, uploaded assets, and the shipped content loader.

`import_bundle` writes a validated `CourseBundle` (from `lms.courses.bundle`) into the
database, updating a course with the same slug in place: modules, lessons and activities are
matched by slug/ref so trainees' lesson views survive a re-import. Imports a person makes go
through `import_checked` (and `reference_errors` for the preview), which refuse a bundle whose
activity references name nothing (`lms.courses.references`); folders load through
`lms.courses.loading`. `export_bundle` turns a
database course back into a bundle; export(import(bundle)) == bundle.

Assets are stored under ``UPLOAD_DIR/courses/`` with random names; the name a lesson uses
(``assets/<name>``) lives only in the database, so an upload can never choose a path.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import select

from lms.courses import bundle as bundles
from lms.courses import references
from lms.courses.bundle import (
    ActivitySpec,
    Asset,
    Bilingual,
    BundleError,
    Checklist,
    CompletionRule,
    CourseBundle,
    LessonSpec,
    ModuleSpec,
    Resolver,
    asset_problem,
)
from lms.courses.models import (
    Activity,
    Course,
    Curriculum,
    LearningPath,
    Lesson,
    LessonAsset,
    Module,
    PathItem,
    Prerequisite,
)
from lms.extensions import db

CURRICULA_FILE = Path(__file__).resolve().parent / "curricula.yaml"
#: Reads the same bundle files again with a resolver (raises `bundle.BundleInvalid`).
Reread = Callable[[Resolver], object]
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
                 "gif": "image/gif", "webp": "image/webp", "pdf": "application/pdf"}


class AssetRefused(ValueError):
    """An upload of the wrong type, too big, or whose bytes do not match its name.

    ``problem`` is the `BundleError` (located at the file name) to show in the reader's language.
    """

    def __init__(self, problem):
        self.problem = problem
        super().__init__(str(problem))


def _bi(text: Bilingual) -> dict[str, str]:
    return {"zh": text.zh, "en": text.en}


def curriculum_for(key: str) -> Curriculum:
    """The curriculum with ``key``, created (with its shipped title if known) when missing."""
    found = db.session.scalar(select(Curriculum).where(Curriculum.key == key))
    if found is not None:
        return found
    known = {c["key"]: c for c in yaml.safe_load(CURRICULA_FILE.read_text(encoding="utf-8"))}
    entry = known.get(key, {"title": {"zh": key, "en": key}})
    order = list(known).index(key) if key in known else len(known)
    found = Curriculum(key=key, title=dict(entry["title"]), position=order)
    db.session.add(found)
    return found


def ensure_curricula() -> list[Curriculum]:
    """Create the four shipped curricula if missing; returns all, in order."""
    for entry in yaml.safe_load(CURRICULA_FILE.read_text(encoding="utf-8")):
        curriculum_for(entry["key"])
    db.session.flush()
    return list(db.session.scalars(select(Curriculum).order_by(Curriculum.position)))


# --- import ---------------------------------------------------------------------------------


def import_bundle(bundle: CourseBundle, status: str | None = None) -> Course:
    """Create or update (by slug) the course of ``bundle``; the caller commits.

    ``status`` sets draft/published; None keeps an existing course's status (new: draft).
    References are not checked here: imports from people go through `import_checked`.
    """
    course = import_tree(bundle, status)
    sync_assets(course, bundle.assets)
    return course


def import_checked(bundle: CourseBundle, reread: Reread, status: str | None = None) -> Course:
    """`import_bundle`, refusing a bundle whose references name nothing; the caller commits.

    ``reread(resolver)`` reads the same files again with a resolver; it runs once the course
    is in the session, so a reference to the course itself (``practice:<slug>``) resolves.
    Raises `bundle.BundleInvalid` (file and line of each bad ref) before any asset file is
    written; the caller rolls back.
    """
    course = import_tree(bundle, status)
    reread(references.resolver())
    sync_assets(course, bundle.assets)
    return course


def reference_errors(bundle: CourseBundle, reread: Reread) -> list[BundleError]:
    """What `import_checked` would refuse, found by a dry run that is rolled back."""
    try:
        import_tree(bundle, None)
        reread(references.resolver())
        return []
    except bundles.BundleInvalid as invalid:
        return invalid.errors
    finally:
        db.session.rollback()


def import_tree(bundle: CourseBundle, status: str | None) -> Course:
    """The course, its modules, lessons and activities in the session (flushed, no assets)."""
    curriculum = curriculum_for(bundle.curriculum)
    course = db.session.scalar(select(Course).where(Course.slug == bundle.slug))
    if course is None:
        db.session.flush()
        course = Course(slug=bundle.slug, status="draft", curriculum=curriculum,
                        position=len(curriculum.courses))
        db.session.add(course)
    with db.session.no_autoflush:
        _fill_course(course, bundle, status, curriculum)
    db.session.flush()
    return course


def _fill_course(course: Course, bundle: CourseBundle, status: str | None,
                 curriculum: Curriculum) -> None:
    if status is not None:
        course.status = status
    course.curriculum = curriculum
    course.title, course.summary = _bi(bundle.title), _bi(bundle.summary)
    course.delivery_mode = bundle.delivery_mode
    course.planned_hours = bundle.planned_hours
    course.require_lessons = bundle.completion.lessons_viewed
    course.require_exam = bundle.completion.exam_passed
    course.require_drill = bundle.completion.drill_scored
    _sync_modules(course, bundle.modules)
    _sync_activities(course, bundle.activities)


def _sync_modules(course: Course, specs: tuple[ModuleSpec, ...]) -> None:
    modules = {m.slug: m for m in course.modules}
    lessons = {lesson.slug: lesson for lesson in course.lessons}
    wanted = []
    for position, spec in enumerate(specs):
        module = modules.get(spec.slug) or Module(slug=spec.slug)
        module.title, module.position = _bi(spec.title), position
        wanted.append(module)
        ordered = []
        for lesson_position, lesson_spec in enumerate(spec.lessons):
            lesson = lessons.pop(lesson_spec.slug, None) or Lesson(slug=lesson_spec.slug)
            _fill_lesson(lesson, lesson_spec, lesson_position)
            ordered.append(lesson)
        module.lessons = ordered
    course.modules = wanted


def _fill_lesson(lesson: Lesson, spec: LessonSpec, position: int) -> None:
    lesson.title, lesson.position = _bi(spec.title), position
    lesson.planned_minutes = spec.planned_minutes
    lesson.body_zh, lesson.body_en = spec.body.zh, spec.body.en
    lesson.video_url = spec.video_url
    lesson.checklist = ({"zh": list(spec.checklist.zh), "en": list(spec.checklist.en)}
                        if spec.checklist else None)
    case = spec.case_study
    lesson.case_zh, lesson.case_en = (case.zh, case.en) if case else (None, None)


def _sync_activities(course: Course, specs: tuple[ActivitySpec, ...]) -> None:
    existing = {a.ref: a for a in course.activities}
    wanted = []
    for position, spec in enumerate(specs):
        activity = existing.get(spec.ref) or Activity(ref=spec.ref)
        activity.kind, activity.title = spec.kind, _bi(spec.title)
        activity.delivery_mode, activity.planned_hours = spec.delivery_mode, spec.planned_hours
        activity.required, activity.position = spec.required, position
        wanted.append(activity)
    course.activities = wanted


def sync_assets(course: Course, assets: tuple[Asset, ...]) -> None:
    """Store the bundle's assets for ``course`` and remove the ones it no longer has."""
    names = {asset.name for asset in assets}
    for stored in list(course.assets):
        if stored.name not in names:
            remove_asset(stored)
    for asset in assets:
        current = next((a for a in course.assets if a.name == asset.name), None)
        if current is None or read_asset(current) != asset.data:
            store_asset(course, asset.name, asset.data)


# --- assets ---------------------------------------------------------------------------------


def asset_dir() -> Path:
    """Where course assets are stored (created on first use)."""
    folder = Path(current_app.config["UPLOAD_DIR"]) / "courses"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_asset(course: Course, name: str, data: bytes) -> LessonAsset:
    """Check and store an image or attachment as ``assets/<name>`` of ``course``.

    Raises `AssetRefused` with the reason (type, size, content) and stores nothing then.
    """
    problem = asset_problem(name, data)
    if problem:
        raise AssetRefused(problem)
    extension = name.rsplit(".", 1)[-1].lower()
    stored_name = f"{secrets.token_hex(16)}.{extension}"
    (asset_dir() / stored_name).write_bytes(data)
    asset = next((a for a in course.assets if a.name == name), None)
    if asset is None:
        asset = LessonAsset(name=name)
        course.assets.append(asset)
    else:
        _unlink(asset.stored_name)
    asset.stored_name, asset.size = stored_name, len(data)
    asset.content_type = CONTENT_TYPES[extension]
    return asset


def read_asset(asset: LessonAsset) -> bytes:
    """The stored bytes of ``asset``."""
    return (asset_dir() / asset.stored_name).read_bytes()


def asset_path(asset: LessonAsset) -> Path:
    """The file holding ``asset`` on disk."""
    return asset_dir() / asset.stored_name


def remove_asset(asset: LessonAsset) -> None:
    """Delete ``asset`` and its file."""
    _unlink(asset.stored_name)
    asset.course.assets.remove(asset)


def _unlink(stored_name: str) -> None:
    (asset_dir() / stored_name).unlink(missing_ok=True)


# --- export ---------------------------------------------------------------------------------


def _bilingual(mapping: dict) -> Bilingual:
    return Bilingual(zh=mapping.get("zh", ""), en=mapping.get("en", ""))


def export_bundle(course: Course) -> CourseBundle:
    """The course as a bundle (validate with `bundle.course_files` before writing)."""
    return CourseBundle(
        slug=course.slug, curriculum=course.curriculum.key,
        title=_bilingual(course.title), summary=_bilingual(course.summary),
        delivery_mode=course.delivery_mode, planned_hours=course.planned_hours,
        completion=CompletionRule(course.require_lessons, course.require_exam,
                                  course.require_drill),
        activities=tuple(
            ActivitySpec(kind=a.kind, ref=a.ref, title=_bilingual(a.title),
                         delivery_mode=a.delivery_mode, planned_hours=a.planned_hours,
                         required=a.required) for a in course.activities),
        modules=tuple(
            ModuleSpec(slug=m.slug, title=_bilingual(m.title),
                       lessons=tuple(_lesson_spec(lesson) for lesson in m.lessons))
            for m in course.modules),
        assets=tuple(Asset(a.name, read_asset(a))
                     for a in sorted(course.assets, key=lambda a: a.name)),
    )


def _lesson_spec(lesson: Lesson) -> LessonSpec:
    checklist = lesson.checklist
    case = (Bilingual(lesson.case_zh, lesson.case_en)
            if lesson.case_zh is not None and lesson.case_en is not None else None)
    return LessonSpec(
        slug=lesson.slug, title=_bilingual(lesson.title), planned_minutes=lesson.planned_minutes,
        body=Bilingual(lesson.body_zh, lesson.body_en), video_url=lesson.video_url or None,
        checklist=Checklist(tuple(checklist["zh"]), tuple(checklist["en"])) if checklist else None,
        case_study=case)


def export_zip(course: Course) -> bytes:
    """The course as zip bytes; raises `bundle.BundleInvalid` if it would not import again."""
    return bundles.write_course_zip(export_bundle(course))


# --- learning paths and the shipped content -------------------------------------------------


def import_path(spec: bundles.LearningPath) -> LearningPath:
    """Create or update (by slug) a learning path; its courses must exist. Caller commits."""
    path = db.session.scalar(select(LearningPath).where(LearningPath.slug == spec.slug))
    if path is None:
        path = LearningPath(slug=spec.slug)
        db.session.add(path)
    path.kind, path.title, path.summary = spec.kind, _bi(spec.title), _bi(spec.summary)
    path.planned_hours = spec.planned_hours
    path.slots = [_slot_data(slot) for slot in spec.slots] or None
    courses = {c.slug: c for c in db.session.scalars(select(Course))}
    existing = {item.course.slug: item for item in path.items}
    path.items = [existing.get(item.course) or PathItem(course=courses[item.course])
                  for item in spec.items]
    for position, item in enumerate(path.items):
        item.position = position
    for item in spec.items:
        for needed in item.prerequisites:
            add_prerequisite(courses[item.course], courses[needed])
    return path


def _slot_data(slot: bundles.TopicSlot) -> dict:
    return {"slug": slot.slug, "topic": _bi(slot.topic), "planned_hours": slot.planned_hours,
            "delivery_mode": slot.delivery_mode,
            "suggested_courses": list(slot.suggested_courses)}


def add_prerequisite(course: Course, required: Course) -> bool:
    """Make ``course`` open only after ``required``; False if already so or if it would loop."""
    if course.id is None or required.id is None:
        db.session.flush()
    if course.id == required.id or required.id in prerequisite_closure(course.id) \
            or course.id in prerequisite_closure(required.id):
        return False
    db.session.add(Prerequisite(course_id=course.id, required_course_id=required.id))
    return True


def prerequisite_closure(course_id: int) -> set[int]:
    """Every course ``course_id`` waits for, directly or through others."""
    pairs = db.session.execute(select(Prerequisite.course_id, Prerequisite.required_course_id))
    needs: dict[int, set[int]] = {}
    for dependent, needed in pairs:
        needs.setdefault(dependent, set()).add(needed)
    found, todo = set(), [course_id]
    while todo:
        for needed in needs.get(todo.pop(), ()):
            if needed not in found:
                found.add(needed)
                todo.append(needed)
    return found


def load_content(path: str | Path = bundles.CONTENT_DIR, status: str = "published",
                 commit: bool = True) -> dict:
    """Load a course folder or a content folder with its references checked (see
    `lms.courses.loading.load_content`, where it lives)."""
    from lms.courses import loading

    return loading.load_content(path, status, commit)
