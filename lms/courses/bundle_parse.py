"""Turn the files of a course bundle into a validated `CourseBundle`, or say everything wrong.

Input is a mapping of POSIX paths inside the course folder (``course.yaml``,
``lessons/<slug>.<lang>.md``, ``assets/<name>``) to their bytes; the folder and zip readers in
`lms.courses.bundle_files` produce it after their own safety checks. Every problem is collected
(file, line, what is allowed) and raised together as `BundleInvalid`; no partial course escapes.

Whether an activity's ``ref`` names something that exists is not the format's business: the
caller passes a `Resolver` (``lms.courses.references.resolver``, backed by the database) and
every reference it refuses becomes an error at the ref's line like any other.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from lms.activities import REFERENCE
from lms.courses.bundle_assets import check_asset_refs, check_assets
from lms.courses.bundle_model import (
    ACTIVITY_KINDS,
    ACTIVITY_REF_PREFIX,
    CURRICULA,
    DELIVERY_MODES,
    LANGUAGES,
    ActivitySpec,
    Bilingual,
    BundleError,
    BundleInvalid,
    Checklist,
    CompletionRule,
    CourseBundle,
    LessonSpec,
    ModuleSpec,
    bundle_error,
)
from lms.courses.bundle_yaml import DataPath, FieldReader, decode_utf8, load_located

COURSE_FILE = "course.yaml"
_COURSE_REQUIRED = (
    "slug",
    "curriculum",
    "title",
    "summary",
    "delivery_mode",
    "planned_hours",
    "completion",
    "modules",
)
_COURSE_OPTIONAL = ("activities",)
_ACTIVITY_KEYS = ("kind", "ref", "title", "delivery_mode", "planned_hours", "required")
_LESSON_REQUIRED = ("slug", "title", "planned_minutes")
_LESSON_OPTIONAL = ("video_url", "checklist", "case_study")
_COMPLETION_KEYS = ("lessons_viewed", "exam_passed", "drill_scored")
_DRILL_KINDS = ("roleplay", "emergency_drill")
_VIDEO_URL = re.compile(r"^https?://[^\s<>\"']+$")

#: ``(ref, kind) -> None`` when the reference resolves, else ``(message code, params)``.
Resolver = Callable[[str, str], tuple[str, dict] | None]


def lesson_file(slug: str, language: str, case: bool = False) -> str:
    """Path of a lesson's Markdown (or its case study) inside the bundle."""
    return f"lessons/{slug}.case.{language}.md" if case else f"lessons/{slug}.{language}.md"


class _CourseParser:
    """Holds the state of one parse: the files, the errors, and which files were used."""

    def __init__(self, files: Mapping[str, bytes], reader: FieldReader,
                 resolve: Resolver | None = None):
        self.files = files
        self.read = reader
        self.resolve = resolve
        self.errors = reader.errors
        self.used_files = {COURSE_FILE}
        #: False once some lesson could not be read: its files would look like strays.
        self.lessons_known = True

    def course(self, data: Any) -> CourseBundle | None:
        """The whole course from the top-level mapping of course.yaml."""
        top = self.read.mapping(data, (), _COURSE_REQUIRED, _COURSE_OPTIONAL)
        self.lessons_known = top is not None and "modules" in top
        if top is None:
            return None
        activities = self.activities(top.get("activities", []))
        return CourseBundle(
            slug=self._field(top, "slug", self.read.slug),
            curriculum=self._field(top, "curriculum", self.read.choice, CURRICULA),
            title=self._field(top, "title", self.read.bilingual),
            summary=self._field(top, "summary", self.read.bilingual),
            delivery_mode=self._field(top, "delivery_mode", self.read.choice, DELIVERY_MODES),
            planned_hours=self._field(top, "planned_hours", self.read.hours),
            completion=self.completion(top["completion"], activities)
            if "completion" in top
            else CompletionRule(),
            activities=activities,
            modules=self.modules(top["modules"]) if "modules" in top else (),
        )

    def _field(self, mapping: dict, key: str, reader, *args) -> Any:
        """Read ``mapping[key]`` with ``reader`` when present (a missing key is reported once)."""
        if key not in mapping:
            return None
        return reader(mapping[key], (key,), *args)

    def completion(self, data: Any, activities: tuple[ActivitySpec, ...]) -> CompletionRule:
        """The completion rule, checked against the activities it relies on."""
        rule = self.read.mapping(data, ("completion",), _COMPLETION_KEYS)
        if rule is None:
            return CompletionRule()
        flags = {
            key: self.read.boolean(rule[key], ("completion", key))
            for key in _COMPLETION_KEYS
            if key in rule
        }
        if any(a is None or a.kind is None for a in activities):
            return CompletionRule()  # the broken activity is reported; don't pile on
        required_kinds = {a.kind for a in activities if a.required}
        if flags.get("exam_passed") and "exam" not in required_kinds:
            self.read.fail(
("completion", "exam_passed"), "completion.exam_without_exam")
        if flags.get("drill_scored") and not required_kinds & set(_DRILL_KINDS):
            self.read.fail(
("completion", "drill_scored"), "completion.drill_without_drill")
        return CompletionRule(**{key: bool(value) for key, value in flags.items()})

    def activities(self, data: Any) -> tuple[ActivitySpec, ...]:
        """The activities attached to the course; refs are unique within it."""
        items = self.read.sequence(data, ("activities",), non_empty=False) or []
        activities, refs = [], set()
        for index, item in enumerate(items):
            activity = self.activity(item, ("activities", index))
            if activity and activity.ref in refs:
                self.read.fail(("activities", index, "ref"), "activity.duplicate_ref",
                               ref=activity.ref)
            activities.append(activity)
            refs.add(activity.ref if activity else None)
        return tuple(activities)

    def activity(self, data: Any, path: DataPath) -> ActivitySpec | None:
        """One activity: kind, ``<prefix>:<key>`` ref, title, mode, hours, required."""
        item = self.read.mapping(data, path, _ACTIVITY_KEYS)
        if item is None or any(key not in item for key in _ACTIVITY_KEYS):
            return None
        kind = self.read.choice(item["kind"], (*path, "kind"), ACTIVITY_KINDS)
        ref = self.read.text(item["ref"], (*path, "ref"))
        if kind and ref:
            self.check_ref(ref, kind, (*path, "ref"))
        return ActivitySpec(
            kind=kind,
            ref=ref,
            title=self.read.bilingual(item["title"], (*path, "title")),
            delivery_mode=self.read.choice(
                item["delivery_mode"], (*path, "delivery_mode"), DELIVERY_MODES
            ),
            planned_hours=self.read.hours(item["planned_hours"], (*path, "planned_hours")),
            required=self.read.boolean(item["required"], (*path, "required")),
        )

    def check_ref(self, ref: str, kind: str, path: DataPath) -> None:
        """``<prefix>:<key>`` with the kind's prefix, naming something that exists."""
        prefix = ACTIVITY_REF_PREFIX[kind]
        match = REFERENCE.match(ref)
        if match is None or match.group(1) != prefix:
            self.read.fail(path, "activity.bad_ref", ref=repr(ref[:60]), kind=kind,
                           prefix=prefix)
            return
        refused = self.resolve(ref, kind) if self.resolve is not None else None
        if refused is not None:
            code, params = refused
            self.read.fail(path, code, **params)

    def modules(self, data: Any) -> tuple[ModuleSpec, ...]:
        """The modules in order; module slugs and lesson slugs are unique in the course."""
        items = self.read.sequence(data, ("modules",))
        self.lessons_known = self.lessons_known and items is not None
        modules, module_slugs, lesson_slugs = [], set(), set()
        for index, item in enumerate(items or []):
            path: DataPath = ("modules", index)
            module = self.read.mapping(item, path, ("slug", "title", "lessons"))
            if module is None:
                self.lessons_known = False
                continue
            slug = self._unique(module, path, module_slugs, "module")
            lessons = []
            entries = self.read.sequence(module.get("lessons"), (*path, "lessons"))
            self.lessons_known = self.lessons_known and entries is not None
            for position, lesson in enumerate(entries or []):
                lessons.append(self.lesson(lesson, (*path, "lessons", position), lesson_slugs))
            title = (
                self.read.bilingual(module["title"], (*path, "title"))
                if "title" in module
                else None
            )
            modules.append(ModuleSpec(slug, title, tuple(lessons)))
        return tuple(modules)

    def _unique(self, mapping: dict, path: DataPath, seen: set, what: str) -> str | None:
        """The mapping's slug, reported if another {what} already uses it."""
        if "slug" not in mapping:
            return None
        slug = self.read.slug(mapping["slug"], (*path, "slug"))
        if slug in seen:
            self.read.fail((*path, "slug"), f"{what}.duplicate_slug", slug=slug)
        seen.add(slug)
        return slug

    def lesson(self, data: Any, path: DataPath, seen: set) -> LessonSpec | None:
        """One lesson with its Markdown body, optional video, checklist and case study."""
        lesson = self.read.mapping(data, path, _LESSON_REQUIRED, _LESSON_OPTIONAL)
        if lesson is None:
            self.lessons_known = False
            return None
        slug = self._unique(lesson, path, seen, "lesson")
        title = (
            self.read.bilingual(lesson["title"], (*path, "title")) if "title" in lesson else None
        )
        minutes = (
            self.read.minutes(lesson["planned_minutes"], (*path, "planned_minutes"))
            if "planned_minutes" in lesson
            else None
        )
        has_case = self.read.boolean(lesson.get("case_study", False), (*path, "case_study"))
        self.lessons_known = self.lessons_known and slug is not None and has_case is not None
        return LessonSpec(
            slug=slug,
            title=title,
            planned_minutes=minutes,
            body=self.markdown(slug, path, case=False),
            video_url=self.video_url(lesson.get("video_url"), (*path, "video_url")),
            checklist=self.checklist(lesson.get("checklist"), (*path, "checklist")),
            case_study=self.markdown(slug, path, case=True) if has_case else None,
        )

    def video_url(self, value: Any, path: DataPath) -> str | None:
        """An optional http(s) link to a video."""
        if value is None or (isinstance(value, str) and _VIDEO_URL.match(value)):
            return value
        self.read.fail(path, "lesson.video_url", value=repr(value))
        return None

    def checklist(self, value: Any, path: DataPath) -> Checklist | None:
        """An optional checklist with the same number of items in both languages."""
        if value is None:
            return None
        mapping = self.read.mapping(value, path, LANGUAGES)
        if mapping is None or any(lang not in mapping for lang in LANGUAGES):
            return None
        items = {}
        for lang in LANGUAGES:
            entries = self.read.sequence(mapping[lang], (*path, lang)) or []
            items[lang] = tuple(
                self.read.text(entry, (*path, lang, i)) for i, entry in enumerate(entries)
            )
        if len(items["zh"]) != len(items["en"]):
            self.read.fail(path, "lesson.checklist_mismatch", zh=len(items["zh"]),
                           en=len(items["en"]))
        return Checklist(items["zh"], items["en"])

    def markdown(self, slug: str | None, path: DataPath, case: bool) -> Bilingual | None:
        """The lesson's Markdown in both languages, strictly UTF-8."""
        if slug is None:
            return None
        texts = {}
        for lang in LANGUAGES:
            name = lesson_file(slug, lang, case)
            self.used_files.add(name)
            if name not in self.files:
                code = "lesson.case_missing" if case else "lesson.text_missing"
                self.read.fail((*path, "slug"), code, slug=slug, name=name)
                continue
            texts[lang] = decode_utf8(self.files[name], name, self.errors)
            if texts[lang] is not None:
                self.errors.extend(check_asset_refs(name, texts[lang], self.files))
        return Bilingual(texts.get("zh"), texts.get("en"))

    def unused_files(self) -> list[BundleError]:
        """Files in the bundle that course.yaml does not account for."""
        errors = []
        for name in sorted(self.files):
            if name in self.used_files or name.startswith("assets/"):
                continue
            if name.startswith("lessons/"):
                if not self.lessons_known:
                    continue  # the broken lesson entry is reported; its files are not strays
                code = "file.stray_lesson"
            else:
                code = "file.stray"
            errors.append(bundle_error(name, None, code))
        return errors


def parse_course(files: Mapping[str, bytes], resolve: Resolver | None = None) -> CourseBundle:
    """Validate the files of one course and build its bundle; raise `BundleInvalid` if wrong.

    With ``resolve``, every activity reference must also name something that exists.
    """
    errors: list[BundleError] = []
    if COURSE_FILE not in files:
        raise BundleInvalid([bundle_error(COURSE_FILE, None, "course.missing")])
    doc = load_located(files[COURSE_FILE], COURSE_FILE, errors)
    if doc is None:
        raise BundleInvalid(errors)
    parser = _CourseParser(files, FieldReader(doc, errors), resolve)
    course = parser.course(doc.data)
    errors.extend(parser.unused_files())
    assets = check_assets(files, errors)
    if errors or course is None:
        raise BundleInvalid(errors)
    return replace(course, assets=assets)
