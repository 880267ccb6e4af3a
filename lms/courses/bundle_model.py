"""The course bundle as plain frozen data, and the errors a bundle can carry.

A course bundle is one course of the after-sales curricula written as YAML + Markdown files
(see ``lms/courses/content/README.md``). This module only holds the shapes: the parsed course
(`CourseBundle` → `ModuleSpec` → `LessonSpec`, plus `ActivitySpec`), the learning paths, and
`BundleError` / `BundleInvalid` (messages from the bilingual catalogue ``messages.yaml``).
Nothing here touches Flask or the database.

Assumptions: every user-facing text is bilingual (`Bilingual`, language codes ``zh`` and ``en``);
hours are decimal numbers (0.5 h steps in the shipped content), lesson durations whole minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("zh", "en")
CURRICULA = ("service_standards", "technical_skills", "service_awareness", "emergency_handling")
DELIVERY_MODES = ("online", "offline_practice")
ACTIVITY_KINDS = ("exam", "roleplay", "emergency_drill", "survey", "practice")
#: The prefix an activity's ``ref`` must carry for each kind. The owning feature registers the
#: same pair in ``lms.activities`` and resolves the key (see ``lms/courses/references.py``).
ACTIVITY_REF_PREFIX = {
    "exam": "exam",
    "roleplay": "roleplay",
    "emergency_drill": "drill",
    "survey": "survey",
    "practice": "practice",
}
PATH_KINDS = ("onboarding", "in_service_template", "custom")
ASSET_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp", "pdf")
MAX_ASSET_BYTES = 5 * 1024 * 1024
#: Guard against zip bombs and runaway folders: the whole bundle, uncompressed.
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
MAX_BUNDLE_FILES = 2000


@dataclass(frozen=True)
class Bilingual:
    """One user-facing text in Simplified Chinese and English."""

    zh: str
    en: str

    def get(self, language: str) -> str:
        """The text in ``language`` (``zh`` or ``en``)."""
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class Checklist:
    """A lesson's practical checklist; item *i* in ``zh`` is item *i* in ``en``."""

    zh: tuple[str, ...]
    en: tuple[str, ...]


@dataclass(frozen=True)
class LessonSpec:
    """A lesson: Markdown body per language, optional video, checklist and case study."""

    slug: str
    title: Bilingual
    planned_minutes: int
    body: Bilingual
    video_url: str | None = None
    checklist: Checklist | None = None
    #: Markdown of the case study per language, or None when the lesson has none.
    case_study: Bilingual | None = None


@dataclass(frozen=True)
class ModuleSpec:
    """A module: an ordered group of lessons inside a course."""

    slug: str
    title: Bilingual
    lessons: tuple[LessonSpec, ...]


@dataclass(frozen=True)
class ActivitySpec:
    """An exam, role-play, emergency drill, survey or practical assessment, by reference."""

    kind: str
    #: ``<prefix>:<key>``, e.g. ``exam:service-standards-final``; the key is the owning
    #: feature's own identifier (``lms.activities``).
    ref: str
    title: Bilingual
    delivery_mode: str
    planned_hours: float
    required: bool


@dataclass(frozen=True)
class CompletionRule:
    """What a trainee must do for the course to count as complete."""

    lessons_viewed: bool = True
    exam_passed: bool = False
    drill_scored: bool = False


@dataclass(frozen=True)
class Asset:
    """An image or attachment stored as ``assets/<name>`` in the bundle."""

    name: str
    data: bytes


@dataclass(frozen=True)
class CourseBundle:
    """One course with its modules, lessons, activities and assets."""

    slug: str
    curriculum: str
    title: Bilingual
    summary: Bilingual
    delivery_mode: str
    #: Hours of lesson study, counted under the course's delivery mode.
    planned_hours: float
    completion: CompletionRule
    activities: tuple[ActivitySpec, ...]
    modules: tuple[ModuleSpec, ...]
    assets: tuple[Asset, ...] = ()

    @property
    def lessons(self) -> tuple[LessonSpec, ...]:
        """All lessons in reading order across modules."""
        return tuple(lesson for module in self.modules for lesson in module.lessons)


@dataclass(frozen=True)
class PathItem:
    """A course in a learning path, opened only after its prerequisites are complete."""

    course: str
    prerequisites: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicSlot:
    """A slot of an in-service template, filled each month with a concrete session."""

    slug: str
    topic: Bilingual
    planned_hours: float
    delivery_mode: str
    suggested_courses: tuple[str, ...] = ()


@dataclass(frozen=True)
class LearningPath:
    """An ordered set of courses (onboarding) or topic slots (in-service template)."""

    slug: str
    kind: str
    title: Bilingual
    summary: Bilingual
    planned_hours: float
    items: tuple[PathItem, ...] = ()
    slots: tuple[TopicSlot, ...] = ()


@dataclass(frozen=True)
class HoursSplit:
    """Planned hours of a course or path split by delivery mode."""

    online: float
    offline_practice: float

    @property
    def total(self) -> float:
        """All planned hours."""
        return self.online + self.offline_practice

    @property
    def online_share(self) -> float:
        """Online theory as a fraction of the total (0 when there are no hours)."""
        return self.online / self.total if self.total else 0.0

    def __add__(self, other: HoursSplit) -> HoursSplit:
        return HoursSplit(
            self.online + other.online, self.offline_practice + other.offline_practice
        )


@dataclass(frozen=True)
class BundleError:
    """One problem found in a bundle: the file inside it, the line (if known) and what is wrong.

    What is wrong is a message ``code`` of ``lms/courses/messages.yaml`` with its ``params``;
    `message` renders it in Chinese or English. ``str()`` gives the English form with its place.
    """

    file: str
    line: int | None
    code: str
    #: ``(name, value)`` pairs; a value is text or a `Bilingual`.
    params: tuple[tuple[str, object], ...] = ()

    def message(self, language: str = "en") -> str:
        """What is wrong, in ``language`` (``zh`` or ``en``)."""
        from lms.courses.bundle_messages import message_text

        return message_text(self.code, language, dict(self.params))

    def where(self) -> str:
        """``file:line`` (or just the file when the line is unknown)."""
        return f"{self.file}:{self.line}" if self.line else self.file

    def text(self, language: str = "en") -> str:
        """Place and message in ``language``, e.g. for the command line."""
        return f"{self.where()}: {self.message(language)}"

    def __str__(self) -> str:
        return self.text("en")


def bundle_error(file: str, line: int | None, code: str, **params: object) -> BundleError:
    """A `BundleError`; fails loudly if ``code`` is missing from the message catalogue."""
    from lms.courses.bundle_messages import check_code

    return BundleError(file, line, check_code(code), tuple(params.items()))


class BundleInvalid(ValueError):
    """Raised when a bundle has errors; ``errors`` lists all of them, nothing was loaded."""

    def __init__(self, errors: list[BundleError]):
        self.errors = sorted(errors, key=lambda e: (e.file, e.line or 0, e.message("en")))
        super().__init__("\n".join(str(error) for error in self.errors))
