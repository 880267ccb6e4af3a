"""Course pages for trainees ("My learning", course and lesson pages), assets, the CLI loader.

Trainers and administrators open the same course and lesson pages as a preview (drafts too);
their visits are not recorded. A trainee gets 404 for an unpublished course and 403 for one
not assigned to them. The authoring and dashboard pages live in `routes_manage` and
`routes_dashboard` on the same blueprint.
"""

import io
from dataclasses import dataclass

import click
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import escape
from sqlalchemy import select
from werkzeug.routing import BuildError

from lms.auth.access import roles_required, signed_in
from lms.courses import content_service, lesson_check, progress, references
from lms.courses.blueprint import bp
from lms.courses.markdown import render_markdown
from lms.courses.models import Activity, Course, LessonAsset
from lms.extensions import db
from lms.home.widgets import register_widget
from lms.i18n import localized
from lms.signals import activity_result, attempts_since

__all__ = ["bp"]

AUTHOR_ROLES = ("trainer", "admin")
activity_result.connect(progress.record_activity_result)
attempts_since.connect(progress.attempts_since)


def can_author(user) -> bool:
    """Trainers and administrators see every course, drafts included, as a preview."""
    return user.has_role(*AUTHOR_ROLES)


def course_for_learner(slug: str) -> tuple[Course, bool]:
    """The course and whether the visit counts as learning; aborts with 404/403 otherwise."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    assigned = course.published and progress.is_assigned(current_user.id, course)
    if can_author(current_user):
        return course, assigned
    if not course.published:
        abort(404)
    if not assigned:
        abort(403)
    return course, True


def asset_resolver(course: Course):
    """Maps ``assets/<name>`` in lesson Markdown to the URL that serves it."""
    return lambda name: url_for("courses.asset", course_id=course.id, name=name)


def render_lesson_text(course: Course, text: str | None) -> str:
    """Sanitised HTML of a lesson's Markdown."""
    return render_markdown(text or "", asset_resolver(course)) if text else ""


@bp.route("/my")
@roles_required("trainee")
def my_learning():
    """The trainee's assigned paths and courses with progress, due dates and resume links."""
    book = progress.book_for(current_user.id)
    courses = [book.progress(current_user.id, course, due)
               for course, due in book.assigned_courses(current_user.id).items()]
    courses.sort(key=lambda p: (p.status == "completed", p.due_on is None, p.due_on or 0))
    paths = []
    for path, due in book.assigned_paths(current_user.id).items():
        completed_at = progress.path_completed_at(current_user.id, path)
        paths.append({"path": path, "due_on": due, "percent": book.path_percent(
            current_user.id, path), "completed_at": completed_at,
            "overdue": completed_at is None and due is not None and due < book.today})
    db.session.commit()  # keeps assignments a standing assignment has just reached
    return render_template("courses/my_learning.html", courses=courses, paths=paths,
                           today=book.today)


@bp.route("/c/<slug>")
@signed_in
def course_page(slug: str):
    """A course: modules and lessons with what is viewed, activities, rule and progress."""
    course, learner = course_for_learner(slug)
    book = progress.book_for(current_user.id)
    due = book.assigned_courses(current_user.id).get(course)
    state = book.progress(current_user.id, course, due)
    db.session.commit()  # keeps assignments a standing assignment has just reached
    rows = activity_rows(course, state)
    return render_template("courses/course.html", course=course, state=state,
                           viewed=book.viewed[current_user.id], learner=learner,
                           preview=not learner, activity_rows=rows,
                           rows_by_ref={row.activity.ref: row for row in rows},
                           **progress.completion_notice(current_user.id, course))


@dataclass(frozen=True)
class ActivityRow:
    """A course activity as course pages show it: its one title, where it is done, if done."""

    activity: Activity
    #: The owning feature's ``{zh, en}`` title (the stored one when it names nothing).
    title: dict
    url: str | None
    #: True/False when the completion rule counts it, None otherwise.
    done: bool | None


def activity_rows(course: Course, state) -> list[ActivityRow]:
    """Every activity of ``course`` with its title, link and (from ``state``) whether done."""
    done = {step.ref: step.done for step in state.steps if getattr(step, "ref", None)}
    survey = survey_url(course)
    return [ActivityRow(activity, references.title_of(activity),
                        references.link_of(activity)
                        or (survey if activity.kind == "survey" else None),
                        done.get(activity.ref))
            for activity in course.activities]


def next_steps(course: Course, state) -> list[ActivityRow]:
    """The required activities still to do, in course order (what follows the last lesson)."""
    return [row for row in activity_rows(course, state)
            if row.activity.required and row.done is not True]


def course_ref(course: Course) -> str:
    """How other features name a course (``course:<slug>``), e.g. the survey's course ref."""
    return f"course:{course.slug}"


def survey_url(course: Course) -> str | None:
    """The post-course survey page of ``course`` when it has a ``survey`` activity, else None.

    The survey belongs to the evaluation feature (``/evaluation/survey/<course ref>``); it is
    reached by URL only, so the courses feature does not import it.
    """
    if not any(activity.kind == "survey" for activity in course.activities):
        return None
    try:
        return url_for("evaluation.survey", course_ref=course_ref(course))
    except BuildError:  # the evaluation feature is not installed
        return None


@bp.route("/c/<slug>/<lesson_slug>")
@signed_in
def lesson_page(slug: str, lesson_slug: str):
    """A lesson; opening it marks it viewed (for trainees), with previous/next links."""
    course, learner, lesson = _lesson_for_learner(slug, lesson_slug)
    state = progress.book_for(current_user.id).progress(current_user.id, course)
    if state.locked and not can_author(current_user):
        flash(_("This course opens when its prerequisites are complete."), "warning")
        return redirect(url_for("courses.course_page", slug=course.slug))
    if learner and not state.locked:
        progress.record_view(current_user.id, lesson)
        db.session.commit()
    check = lesson_check.unanswered(current_user.id, course.slug, lesson.slug, _language())
    return _render_lesson(course, lesson, learner, check)


@bp.route("/c/<slug>/<lesson_slug>/check", methods=["POST"])
@signed_in
def check_lesson(slug: str, lesson_slug: str):
    """Check the answers to the lesson's knowledge check: right/wrong and feedback, shown on
    the lesson page; not graded, nothing stored (the CSRF token is checked app-wide)."""
    course, learner, lesson = _lesson_for_learner(slug, lesson_slug)
    state = progress.book_for(current_user.id).progress(current_user.id, course)
    if state.locked and not can_author(current_user):
        return redirect(url_for("courses.course_page", slug=course.slug))
    try:
        check = lesson_check.check_answers(current_user.id, course.slug, lesson.slug,
                                           request.form, _language())
    except lesson_check.AnswerRefused:
        abort(400)
    return _render_lesson(course, lesson, learner, check)


def _language() -> str:
    return str(get_locale() or "zh")


def _lesson_for_learner(slug: str, lesson_slug: str):
    """The course, whether the visit counts as learning, and the lesson; 404/403 otherwise."""
    course, learner = course_for_learner(slug)
    lesson = next((item for item in course.lessons if item.slug == lesson_slug), None)
    if lesson is None:
        abort(404)
    return course, learner, lesson


def _render_lesson(course: Course, lesson, learner: bool, check: list):
    lessons = course.lessons
    index = lessons.index(lesson)
    language = _language()
    state = progress.book_for(current_user.id).progress(current_user.id, course)
    last = index + 1 == len(lessons)
    return render_template(
        "courses/lesson.html", course=course, lesson=lesson, state=state, learner=learner,
        next_steps=next_steps(course, state) if last else [],
        body=_without_repeated_title(render_lesson_text(course, lesson.body(language)),
                                     localized(lesson.title, language)),
        case=render_lesson_text(course, lesson.case_study(language)),
        check=check, checked=any(item.checked for item in check),
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        position=index + 1, total=len(lessons), preview=not learner)


def _without_repeated_title(html: str, title: str) -> str:
    """Drop a leading ``<h1>`` that repeats the lesson title the page already shows."""
    heading = f"<h1>{escape(title)}</h1>"
    return html[len(heading):].lstrip() if html.startswith(heading) else html


@bp.route("/assets/<int:course_id>/<name>")
@signed_in
def asset(course_id: int, name: str):
    """An image or attachment of a course, only for people who may open the course."""
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    course_for_learner(course.slug)
    found = db.session.scalar(select(LessonAsset).where(LessonAsset.course_id == course.id,
                                                        LessonAsset.name == name))
    if found is None or not content_service.asset_path(found).is_file():
        abort(404)
    # Assets are at most 5 MB; reading them whole closes the file before the response.
    data = io.BytesIO(content_service.read_asset(found))
    response = send_file(data, mimetype=found.content_type,
                         as_attachment=found.content_type == "application/pdf",
                         download_name=found.name)
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _home_widget(user) -> dict:
    """The trainee's next due courses for the home page."""
    book = progress.book_for(user.id)
    items = [book.progress(user.id, course, due)
             for course, due in book.assigned_courses(user.id).items()]
    open_items = [p for p in items if p.status != "completed"]
    open_items.sort(key=lambda p: (p.due_on is None, p.due_on or 0))
    return {"items": open_items[:5], "total": len(items),
            "completed": sum(p.status == "completed" for p in items)}


def _trainer_widget(user) -> dict:
    """Enrolment totals and the overdue count for the trainer's home page."""
    from lms.courses import dashboard

    rows = dashboard.enrolments()
    return {"enrolled": len(rows), "completed": sum(r.progress.status == "completed"
                                                    for r in rows),
            "overdue": len(dashboard.overdue(rows))}


def _lead_widget(user) -> dict:
    """The team's enrolments, completions and overdue people for a team lead's home."""
    from lms.auth import scope
    from lms.courses import dashboard

    rows = dashboard.enrolments(allowed=scope.department_ids(user))
    late = dashboard.overdue(rows)
    return {"departments": user.led_departments, "enrolled": len(rows),
            "completed": sum(r.progress.status == "completed" for r in rows),
            "overdue": len(late), "late": late[:5]}


register_widget("trainee", "courses/_home_widget.html", _home_widget, order=10)
register_widget("lead", "courses/_lead_widget.html", _lead_widget, order=10)
register_widget("trainer", "courses/_trainer_widget.html", _trainer_widget, order=10)


@bp.cli.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--draft", is_flag=True, help="Load the courses as drafts (default: published).")
@click.option("--lang", "language", type=click.Choice(["zh", "en"]), default=None,
              help="Language of error messages (default: from LANG, else Chinese).")
def load_command(path, draft, language):
    """Load every course and learning path of PATH (default: the shipped content).

    PATH may also be a single course folder (one holding course.yaml). Problems are reported
    with file and line in the user's language: ``--lang``, else the ``LANG`` environment
    variable (``en_US.UTF-8`` → English), else Chinese.
    """
    language = language or cli_language()
    from lms.courses.bundle import CONTENT_DIR, BundleInvalid

    try:
        loaded = content_service.load_content(path or CONTENT_DIR,
                                              status="draft" if draft else "published")
    except BundleInvalid as invalid:
        db.session.rollback()
        for error in invalid.errors:
            click.echo(error.text(language), err=True)
        summary = (f"{len(invalid.errors)} 个问题；未载入任何内容" if language == "zh"
                   else f"{len(invalid.errors)} problem(s); nothing was loaded")
        raise click.ClickException(summary) from invalid
    exams = [name.split(" ", 1)[1] for name in loaded["dependencies"]
             if name.startswith("exam ")]
    if exams:
        click.echo(f"{len(exams)} shipped exams the courses refer to: {', '.join(exams)}")
    click.echo(f"{len(loaded['courses'])} courses: {', '.join(loaded['courses'])}")
    click.echo(f"{len(loaded['paths'])} learning paths: {', '.join(loaded['paths'])}")


@bp.cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--lang", "language", type=click.Choice(["zh", "en"]), default=None,
              help="Language of the messages (default: from LANG, else Chinese).")
def check_command(path, language):
    """List every activity reference that names nothing; exit 1 if there is one.

    Checks the stored courses (course title and activity) and the course files of PATH
    (default: the shipped content; file and line), the latter as ``courses load`` would meet
    them: with the shipped exams they refer to in place. Nothing is stored.
    """
    from lms.courses import loading, references
    from lms.courses.bundle import CONTENT_DIR

    language = language or cli_language()
    stored = references.stored_problems()
    files = loading.check_content(path or CONTENT_DIR)
    for problem in stored:
        click.echo(problem.text(language), err=True)
    for error in files:
        click.echo(error.text(language), err=True)
    if stored or files:
        summary = (f"已存课程中有 {len(stored)} 个活动引用无效，课程文件中有 {len(files)} 个问题"
                   if language == "zh" else
                   f"{len(stored)} stored activity reference(s) and {len(files)} course file "
                   "problem(s) name nothing or are wrong")
        raise click.ClickException(summary)
    click.echo("所有活动引用都有效。" if language == "zh"
               else "Every activity reference resolves.")


def cli_language() -> str:
    """``en`` when the shell's ``LANG``/``LC_ALL``/``LC_MESSAGES`` asks for English, else ``zh``."""
    import os

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


# The authoring and dashboard views register themselves on ``bp`` when imported.
from lms.courses import (  # noqa: E402, F401
    routes_dashboard,
    routes_import,
    routes_manage,
    routes_paths,
)
