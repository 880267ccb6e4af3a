"""Authoring pages for trainers: curricula, courses, modules, lessons, activities, assets.

Every change is committed before the redirect. Ordering uses up/down buttons; deleting asks
for confirmation in the browser. Import and export of course zips are in `routes_import`.
"""

from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms.auth.access import roles_required
from lms.courses import assignment, authoring, content_service, references
from lms.courses.blueprint import bp
from lms.courses.forms import (
    ActivityForm,
    AssetForm,
    ConfirmForm,
    CourseForm,
    CurriculumForm,
    LessonForm,
    ModuleForm,
    lines,
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
)
from lms.extensions import db
from lms.formutil import choices
from lms.i18n import localized

AUTHORS = ("trainer", "admin")


def get_or_404(model, object_id: int):
    """The row of ``model`` with ``object_id`` or a 404."""
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def _bi(form, name: str) -> dict:
    return {"zh": getattr(form, f"{name}_zh").data.strip(),
            "en": getattr(form, f"{name}_en").data.strip()}


def _fill_bi(form, name: str, mapping: dict) -> None:
    getattr(form, f"{name}_zh").data = mapping.get("zh", "")
    getattr(form, f"{name}_en").data = mapping.get("en", "")


def editor_url(course: Course) -> str:
    """The course editor page."""
    return url_for("courses.manage_course", course_id=course.id)


@bp.route("/manage")
@roles_required(*AUTHORS)
def manage():
    """Curricula with their courses, and the learning paths."""
    curricula = db.session.scalars(select(Curriculum).order_by(Curriculum.position,
                                                               Curriculum.id)).all()
    paths = db.session.scalars(select(LearningPath).order_by(LearningPath.position,
                                                             LearningPath.id)).all()
    return render_template("courses/manage.html", curricula=curricula, paths=paths,
                           confirm=ConfirmForm())


@bp.route("/manage/curricula/new", methods=["GET", "POST"])
@bp.route("/manage/curricula/<int:curriculum_id>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_curriculum(curriculum_id: int | None = None):
    """Create or rename a curriculum."""
    curriculum = get_or_404(Curriculum, curriculum_id) if curriculum_id else None
    form = CurriculumForm(obj=curriculum)
    if request.method == "GET" and curriculum:
        _fill_bi(form, "title", curriculum.title)
    if form.validate_on_submit():
        taken = db.session.scalar(select(Curriculum).where(Curriculum.key == form.key.data))
        if taken is not None and taken is not curriculum:
            form.key.errors.append(_("Another curriculum has this key."))
        else:
            if curriculum is None:
                siblings = db.session.scalars(select(Curriculum)).all()
                curriculum = Curriculum(position=authoring.next_position(siblings))
                db.session.add(curriculum)
            curriculum.key, curriculum.title = form.key.data, _bi(form, "title")
            db.session.commit()
            flash(_("Curriculum saved."), "success")
            return redirect(url_for("courses.manage"))
    return render_template("courses/form.html", form=form, heading=_("Curriculum"),
                           back=url_for("courses.manage")), 400 if form.errors else 200


@bp.route("/manage/courses/new", methods=["GET", "POST"])
@bp.route("/manage/courses/<int:course_id>/edit", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_course(course_id: int | None = None):
    """Create a course or edit its details and completion rule."""
    course = get_or_404(Course, course_id) if course_id else None
    form = CourseForm(obj=course)
    curricula = db.session.scalars(select(Curriculum).order_by(Curriculum.position)).all()
    form.curriculum.choices = choices([(c.id, localized(c.title)) for c in curricula])
    if request.method == "GET":
        if course:
            _fill_bi(form, "title", course.title)
            _fill_bi(form, "summary", course.summary)
            form.curriculum.data = course.curriculum_id
        else:
            form.curriculum.data = request.args.get("curriculum", type=int)
    if form.validate_on_submit():
        if authoring.course_slug_taken(form.slug.data, course):
            form.slug.errors.append(_("Another course has this slug."))
        else:
            course = _save_course(form, course)
            problems = authoring.rule_problems(course)
            if problems and course.published:
                db.session.rollback()
                for problem in problems:
                    flash(problem, "danger")
                return redirect(request.url)
            db.session.commit()
            for problem in problems:
                flash(problem, "warning")
            flash(_("Course saved."), "success")
            return redirect(editor_url(course))
    back = editor_url(course) if course else url_for("courses.manage")
    return render_template("courses/form.html", form=form, heading=_("Course"),
                           back=back), 400 if form.errors else 200


def _save_course(form: CourseForm, course: Course | None) -> Course:
    curriculum = get_or_404(Curriculum, form.curriculum.data)
    if course is None:
        course = Course(status="draft", position=authoring.next_position(curriculum.courses))
    course.curriculum = curriculum
    course.slug = form.slug.data
    course.title, course.summary = _bi(form, "title"), _bi(form, "summary")
    course.delivery_mode, course.planned_hours = form.delivery_mode.data, form.planned_hours.data
    course.require_lessons = form.require_lessons.data
    course.require_exam, course.require_drill = form.require_exam.data, form.require_drill.data
    db.session.add(course)
    db.session.flush()
    return course


@bp.route("/manage/courses/<int:course_id>")
@roles_required(*AUTHORS)
def manage_course(course_id: int):
    """The course editor: modules, lessons, activities, assets, status, export."""
    course = get_or_404(Course, course_id)
    language = str(get_locale() or "zh")
    broken = {activity.id: references.message(activity.ref, activity.kind, language)
              for activity in course.activities}
    return render_template("courses/manage_course.html", course=course, confirm=ConfirmForm(),
                           asset_form=AssetForm(), problems=authoring.rule_problems(course),
                           broken={key: text for key, text in broken.items() if text})


@bp.route("/manage/courses/<int:course_id>/status", methods=["POST"])
@roles_required(*AUTHORS)
def course_status(course_id: int):
    """Publish a draft or take a published course back to draft."""
    course = get_or_404(Course, course_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if course.published:
        course.status = "draft"
        flash(_("The course is a draft again; trainees no longer see it."), "success")
    else:
        problems = authoring.rule_problems(course)
        if not course.lessons:
            problems.append(_("Add at least one lesson before publishing."))
        if problems:
            for problem in problems:
                flash(problem, "danger")
            return redirect(editor_url(course))
        course.status = "published"
        flash(_("The course is published; assigned trainees can open it."), "success")
    db.session.commit()
    return redirect(editor_url(course))


@bp.route("/manage/courses/<int:course_id>/modules/new", methods=["GET", "POST"])
@bp.route("/manage/modules/<int:module_id>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_module(course_id: int | None = None, module_id: int | None = None):
    """Create or edit a module."""
    module = get_or_404(Module, module_id) if module_id else None
    course = module.course if module else get_or_404(Course, course_id)
    form = ModuleForm(obj=module)
    if request.method == "GET" and module:
        _fill_bi(form, "title", module.title)
    if form.validate_on_submit():
        if authoring.module_slug_taken(course, form.slug.data, module):
            form.slug.errors.append(_("Another module of this course has this slug."))
        else:
            if module is None:
                module = Module(position=authoring.next_position(course.modules))
                course.modules.append(module)
            module.slug, module.title = form.slug.data, _bi(form, "title")
            db.session.commit()
            flash(_("Module saved."), "success")
            return redirect(editor_url(course))
    return render_template("courses/form.html", form=form, heading=_("Module"),
                           back=editor_url(course)), 400 if form.errors else 200


@bp.route("/manage/modules/<int:module_id>/lessons/new", methods=["GET", "POST"])
@bp.route("/manage/lessons/<int:lesson_id>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_lesson(module_id: int | None = None, lesson_id: int | None = None):
    """Create or edit a lesson (Markdown in both languages, checklist, case study, video)."""
    lesson = get_or_404(Lesson, lesson_id) if lesson_id else None
    module = lesson.module if lesson else get_or_404(Module, module_id)
    course = module.course
    form = LessonForm(obj=lesson)
    if request.method == "GET" and lesson:
        _fill_bi(form, "title", lesson.title)
        checklist = lesson.checklist or {"zh": [], "en": []}
        form.checklist_zh.data = "\n".join(checklist["zh"])
        form.checklist_en.data = "\n".join(checklist["en"])
    if form.validate_on_submit():
        if authoring.lesson_slug_taken(course, form.slug.data, lesson):
            form.slug.errors.append(_("Another lesson of this course has this slug."))
        else:
            if lesson is None:
                lesson = Lesson(position=authoring.next_position(module.lessons))
                module.lessons.append(lesson)
            _save_lesson(form, lesson)
            db.session.commit()
            flash(_("Lesson saved."), "success")
            return redirect(editor_url(course))
    return render_template("courses/lesson_form.html", form=form, course=course, lesson=lesson,
                           back=editor_url(course)), 400 if form.errors else 200


def _save_lesson(form: LessonForm, lesson: Lesson) -> None:
    lesson.slug, lesson.title = form.slug.data, _bi(form, "title")
    lesson.planned_minutes = form.planned_minutes.data
    lesson.video_url = form.video_url.data or None
    lesson.body_zh, lesson.body_en = form.body_zh.data, form.body_en.data
    steps = {"zh": lines(form.checklist_zh.data), "en": lines(form.checklist_en.data)}
    lesson.checklist = steps if steps["zh"] else None
    has_case = bool((form.case_zh.data or "").strip())
    lesson.case_zh = form.case_zh.data if has_case else None
    lesson.case_en = form.case_en.data if has_case else None


@bp.route("/manage/courses/<int:course_id>/activities/new", methods=["GET", "POST"])
@bp.route("/manage/activities/<int:activity_id>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_activity(course_id: int | None = None, activity_id: int | None = None):
    """Attach an exam, role-play, drill, survey or practical assessment, picked from what
    exists; a reference that names nothing is refused on the field."""
    activity = get_or_404(Activity, activity_id) if activity_id else None
    course = activity.course if activity else get_or_404(Course, course_id)
    form = ActivityForm(obj=activity)
    form.set_picker(activity.ref if activity else None)
    if form.validate_on_submit():
        if any(a.ref == form.ref.data and a is not activity for a in course.activities):
            form.ref.errors.append(_("This course already has an activity with this reference."))
        else:
            picked = references.choice_for(form.ref.data)
            if activity is None or activity.ref != picked.ref:
                assignment.announce_new_activity(course, picked.ref)
            if activity is None:
                activity = Activity(position=authoring.next_position(course.activities))
                course.activities.append(activity)
            activity.kind, activity.ref = picked.kind, picked.ref
            activity.title = picked.title or {"zh": picked.ref, "en": picked.ref}
            activity.delivery_mode = form.delivery_mode.data
            activity.planned_hours = form.planned_hours.data or 0
            activity.required = form.required.data
            db.session.commit()
            flash(_("Activity saved."), "success")
            return redirect(editor_url(course))
    return render_template("courses/form.html", form=form, heading=_("Activity"),
                           back=editor_url(course)), 400 if form.errors else 200


@bp.route("/manage/courses/<int:course_id>/assets", methods=["POST"])
@roles_required(*AUTHORS)
def upload_asset(course_id: int):
    """Upload an image or PDF; wrong types and files over 5 MB are refused with the reason."""
    course = get_or_404(Course, course_id)
    form = AssetForm()
    if not form.validate_on_submit():
        for error in form.file.errors or [_("The upload could not be read.")]:
            flash(error, "danger")
        return redirect(editor_url(course))
    upload = form.file.data
    name = Path(upload.filename or "").name.replace(" ", "-")
    try:
        stored = content_service.store_asset(course, name, upload.read())
    except content_service.AssetRefused as refused:
        db.session.rollback()
        flash(_("Upload refused: %(reason)s",
                reason=refused.problem.text(str(get_locale() or "zh"))), "danger")
        return redirect(editor_url(course))
    db.session.commit()
    flash(_("Uploaded. Use it in a lesson as assets/%(name)s", name=stored.name), "success")
    return redirect(editor_url(course))


#: kind → (model, siblings of an item, page to return to)
def _siblings(kind: str, item) -> list:
    if kind == "curriculum":
        return db.session.scalars(select(Curriculum)).all()
    if kind == "course":
        return item.curriculum.courses
    if kind == "module":
        return item.course.modules
    if kind == "lesson":
        return item.module.lessons
    if kind == "activity":
        return item.course.activities
    if kind == "path":
        return db.session.scalars(select(LearningPath)).all()
    return item.path.items


MODELS = {"curriculum": Curriculum, "course": Course, "module": Module, "lesson": Lesson,
          "activity": Activity, "path": LearningPath, "item": PathItem, "asset": LessonAsset}


def _back(kind: str, item) -> str:
    if kind in ("curriculum", "course", "path"):
        return url_for("courses.manage")
    if kind == "item":
        return url_for("courses.manage_path", path_id=item.path_id)
    course = {"module": lambda: item.course, "lesson": lambda: item.module.course,
              "activity": lambda: item.course, "asset": lambda: item.course}[kind]()
    return editor_url(course)


@bp.route("/manage/<kind>/<int:item_id>/move/<direction>", methods=["POST"])
@roles_required(*AUTHORS)
def move(kind: str, item_id: int, direction: str):
    """Move an item one place up or down among its siblings."""
    if kind not in MODELS or kind == "asset" or direction not in authoring.DIRECTIONS:
        abort(404)
    item = get_or_404(MODELS[kind], item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    authoring.move(item, list(_siblings(kind, item)), direction)
    db.session.commit()
    return redirect(_back(kind, item))


@bp.route("/manage/<kind>/<int:item_id>/delete", methods=["POST"])
@roles_required(*AUTHORS)
def delete(kind: str, item_id: int):
    """Delete an item (a curriculum only when it has no courses)."""
    if kind not in MODELS:
        abort(404)
    item = get_or_404(MODELS[kind], item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = _back(kind, item)
    if kind == "curriculum" and item.courses:
        flash(_("Move or delete the curriculum's courses first."), "danger")
        return redirect(back)
    {"course": authoring.delete_course, "module": authoring.delete_module,
     "lesson": lambda lesson: authoring.delete_lessons([lesson]),
     "path": authoring.delete_path, "asset": content_service.remove_asset,
     }.get(kind, db.session.delete)(item)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(back)
