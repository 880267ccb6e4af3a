"""Course content in the database: curriculum → course → module → lesson, activities, paths.

Texts a trainee reads are bilingual. Short texts (titles, summaries) are JSON mappings
``{"zh": ..., "en": ...}`` that templates show with ``localized``; lesson bodies and case studies
are one ``Text`` column per language so they keep their bytes exactly (a course exported again
is identical to the bundle it was imported from). Positions order siblings (0, 1, 2, ...).

Assignment and progress live in `lms.courses.models_progress`.
"""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import utcnow
from lms.extensions import db

STATUSES = ("draft", "published")
DELIVERY_MODES = ("online", "offline_practice")
ACTIVITY_KINDS = ("exam", "roleplay", "emergency_drill", "survey", "practice")
PATH_KINDS = ("onboarding", "in_service_template", "custom")


class Curriculum(db.Model):
    """A family of courses, e.g. service standards and business knowledge."""

    __tablename__ = "course_curricula"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable key used in course bundles (``service_standards``).
    key: Mapped[str] = mapped_column(String(64), unique=True)
    #: ``{"zh": ..., "en": ...}``
    title: Mapped[dict] = mapped_column(JSON)
    #: Order on the authoring page.
    position: Mapped[int] = mapped_column(default=0)

    courses: Mapped[list["Course"]] = relationship(
        back_populates="curriculum", order_by="Course.position")


class Course(db.Model):
    """A course of lessons in modules, with its activities and completion rule."""

    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="known_status"),
        CheckConstraint("delivery_mode IN ('online', 'offline_practice')", name="known_mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable key, also the folder name of its bundle (``service-standards``).
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    curriculum_id: Mapped[int] = mapped_column(ForeignKey("course_curricula.id"))
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    #: Trainees see only published courses.
    status: Mapped[str] = mapped_column(String(16), default="draft")
    delivery_mode: Mapped[str] = mapped_column(String(20), default="online")
    #: Hours of lesson study under ``delivery_mode`` (activities add their own hours).
    planned_hours: Mapped[float] = mapped_column(Float, default=0)
    #: Completion rule: every lesson opened at least once.
    require_lessons: Mapped[bool] = mapped_column(default=True)
    #: Completion rule: every required exam passed.
    require_exam: Mapped[bool] = mapped_column(default=False)
    #: Completion rule: every required role-play or emergency drill scored.
    require_drill: Mapped[bool] = mapped_column(default=False)
    #: Order inside its curriculum.
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    curriculum: Mapped[Curriculum] = relationship(back_populates="courses")
    modules: Mapped[list["Module"]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan")
    activities: Mapped[list["Activity"]] = relationship(
        back_populates="course", order_by="Activity.position", cascade="all, delete-orphan")
    assets: Mapped[list["LessonAsset"]] = relationship(
        back_populates="course", order_by="LessonAsset.name", cascade="all, delete-orphan")

    @property
    def lessons(self) -> list["Lesson"]:
        """Every lesson in reading order across modules."""
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def published(self) -> bool:
        """Whether trainees may open the course."""
        return self.status == "published"


class Module(db.Model):
    """An ordered group of lessons inside a course."""

    __tablename__ = "course_modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[dict] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module", order_by="Lesson.position", cascade="all, delete-orphan")


class Lesson(db.Model):
    """A lesson: Markdown per language, optional video link, checklist and case study."""

    __tablename__ = "course_lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id", ondelete="CASCADE"))
    #: Unique within the course (it names the lesson's files in a bundle).
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[dict] = mapped_column(JSON)
    planned_minutes: Mapped[int] = mapped_column(default=30)
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    #: ``http(s)://`` link to a video; shown as a link, never embedded.
    video_url: Mapped[str | None] = mapped_column(String(500))
    #: ``{"zh": [...], "en": [...]}`` with the same number of steps, or None.
    checklist: Mapped[dict | None] = mapped_column(JSON)
    #: Case-study Markdown per language; both None when the lesson has none.
    case_zh: Mapped[str | None] = mapped_column(Text)
    case_en: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    module: Mapped[Module] = relationship(back_populates="lessons")

    @property
    def course(self) -> Course:
        """The course this lesson belongs to."""
        return self.module.course

    def body(self, language: str) -> str:
        """The Markdown body in ``language``."""
        return self.body_zh if language == "zh" else self.body_en

    def case_study(self, language: str) -> str | None:
        """The case-study Markdown in ``language``, or None."""
        return self.case_zh if language == "zh" else self.case_en


class LessonAsset(db.Model):
    """An uploaded image or attachment of a course, stored on disk under a random name."""

    __tablename__ = "course_assets"
    __table_args__ = (UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    #: The name lessons use (``assets/<name>`` in Markdown).
    name: Mapped[str] = mapped_column(String(120))
    #: Random file name under ``UPLOAD_DIR/courses/``; never derived from the upload.
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="assets")


class Activity(db.Model):
    """An exam, role-play, emergency drill, survey or practical assessment, by reference."""

    __tablename__ = "course_activities"
    __table_args__ = (
        UniqueConstraint("course_id", "ref"),
        CheckConstraint("kind IN ('exam', 'roleplay', 'emergency_drill', 'survey', 'practice')",
                        name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    #: ``<prefix>:<key>`` resolved by the feature owning the activity (``lms.activities``).
    ref: Mapped[str] = mapped_column(String(120), index=True)
    title: Mapped[dict] = mapped_column(JSON)
    delivery_mode: Mapped[str] = mapped_column(String(20), default="online")
    planned_hours: Mapped[float] = mapped_column(Float, default=0)
    #: Whether the completion rule waits for this activity.
    required: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    course: Mapped[Course] = relationship(back_populates="activities")


class LearningPath(db.Model):
    """An ordered set of courses (onboarding) or a monthly template of topic slots."""

    __tablename__ = "learning_paths"
    __table_args__ = (
        CheckConstraint("kind IN ('onboarding', 'in_service_template', 'custom')",
                        name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(24), default="custom")
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    #: Declared hours (the shipped files are checked to add up).
    planned_hours: Mapped[float] = mapped_column(Float, default=0)
    #: Topic slots of an in-service template: list of ``{slug, topic, planned_hours,
    #: delivery_mode, suggested_courses}``; a month planned from it adds ``course`` (a slug).
    slots: Mapped[list | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)

    items: Mapped[list["PathItem"]] = relationship(
        back_populates="path", order_by="PathItem.position", cascade="all, delete-orphan")

    @property
    def courses(self) -> list[Course]:
        """The path's courses in order."""
        return [item.course for item in self.items]

    @property
    def published_courses(self) -> list[Course]:
        """The courses a trainee can take; drafts count neither for progress nor completion."""
        return [course for course in self.courses if course.published]


class PathItem(db.Model):
    """A course at a position in a learning path."""

    __tablename__ = "learning_path_items"
    __table_args__ = (UniqueConstraint("path_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("learning_paths.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)

    path: Mapped[LearningPath] = relationship(back_populates="items")
    course: Mapped[Course] = relationship()


class Prerequisite(db.Model):
    """Course ``course`` opens only when ``required_course`` is complete."""

    __tablename__ = "course_prerequisites"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    required_course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)

    course: Mapped[Course] = relationship(foreign_keys=[course_id])
    required_course: Mapped[Course] = relationship(foreign_keys=[required_course_id])
