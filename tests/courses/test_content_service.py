"""Bundles go into the database and come out unchanged; the shipped content loads idempotently."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.courses import content_service
from lms.courses.bundle import read_content_dir, write_course_zip
from lms.courses.models import Course, LearningPath, Lesson, LessonAsset, Prerequisite
from lms.courses.models_progress import LessonView
from lms.extensions import db
from tests.courses.factories import make_course, small_bundle
from tests.factories import make_user


def test_export_of_an_imported_bundle_is_the_same_bundle(app_ctx):
    bundle = small_bundle()
    course = content_service.import_bundle(bundle)
    db.session.commit()
    db.session.expire_all()
    exported = content_service.export_bundle(db.session.get(Course, course.id))
    assert exported == bundle
    assert write_course_zip(exported) == write_course_zip(bundle)  # byte for byte


def test_every_shipped_course_round_trips_through_the_database(app_ctx):
    courses, _paths = read_content_dir()
    for bundle in courses:
        content_service.import_bundle(bundle)
    db.session.commit()
    db.session.expire_all()
    for bundle in courses:
        course = db.session.scalar(select(Course).where(Course.slug == bundle.slug))
        assert content_service.export_bundle(course) == bundle, bundle.slug


def test_new_import_is_a_draft_and_assets_are_stored_under_random_names(app_ctx):
    course = make_course(status=None)
    assert course.status == "draft"
    asset = db.session.scalar(select(LessonAsset))
    assert asset.name == "flow.png" and asset.stored_name != "flow.png"
    assert content_service.asset_path(asset).read_bytes().startswith(b"\x89PNG")


def test_reimport_updates_in_place_and_keeps_lesson_views(app_ctx):
    course = make_course()
    user = make_user()
    lesson = course.lessons[0]
    db.session.add(LessonView(user_id=user.id, lesson_id=lesson.id))
    db.session.commit()
    changed = small_bundle(**{"回访基础": "回访入门"})
    again = content_service.import_bundle(changed)
    db.session.commit()
    assert again.id == course.id and again.title["zh"] == "回访入门"
    assert again.status == "published"  # an update keeps the status
    assert db.session.scalar(select(func.count(Lesson.id))) == 2
    assert db.session.scalar(select(func.count(LessonView.user_id))) == 1


def test_load_content_creates_courses_paths_and_prerequisites_once(app_ctx):
    first = content_service.load_content()
    counts = (db.session.scalar(select(func.count(Course.id))),
              db.session.scalar(select(func.count(Lesson.id))),
              db.session.scalar(select(func.count(Prerequisite.course_id))))
    second = content_service.load_content()
    assert {k: first[k] for k in ("courses", "paths")} == {k: second[k] for k in ("courses",
                                                                                  "paths")}
    assert "exam technical-skills-final" in first["dependencies"]  # what the courses name
    assert second["dependencies"] == []  # already there: nothing new
    assert counts == (db.session.scalar(select(func.count(Course.id))),
                      db.session.scalar(select(func.count(Lesson.id))),
                      db.session.scalar(select(func.count(Prerequisite.course_id))))
    assert counts[0] >= 4 and counts[1] >= 20
    onboarding = db.session.scalar(select(LearningPath).where(
        LearningPath.slug == "onboarding-72h"))
    assert onboarding.planned_hours == 72 and len(onboarding.courses) == 5
    template = db.session.scalar(select(LearningPath).where(
        LearningPath.kind == "in_service_template"))
    assert sum(slot["planned_hours"] for slot in template.slots) == 4


def test_cli_loads_the_shipped_content(runner, app):
    result = runner.invoke(args=["courses", "load"])
    assert result.exit_code == 0, result.output
    assert "onboarding-72h" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Course.id))) >= 4
        assert all(c.published for c in db.session.scalars(select(Course)))


def test_cli_refuses_a_broken_folder_and_loads_nothing(runner, app, tmp_path):
    broken = tmp_path / "content" / "bad-course"
    broken.mkdir(parents=True)
    (broken / "course.yaml").write_text("slug: bad-course\ncurriculum: cooking\n")
    result = runner.invoke(args=["courses", "load", "--lang", "en", str(tmp_path / "content")])
    assert result.exit_code != 0
    assert "course.yaml:2" in result.output and "nothing was loaded" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Course.id))) == 0


def test_cli_reports_problems_in_the_users_language(runner, app, tmp_path):
    broken = tmp_path / "content" / "bad-course"
    broken.mkdir(parents=True)
    (broken / "course.yaml").write_text("slug: bad-course\ncurriculum: cooking\n")
    env = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}
    result = runner.invoke(args=["courses", "load", str(tmp_path / "content")], env=env)
    assert result.exit_code != 0
    assert "bad-course/course.yaml:2: 'curriculum' 的值 'cooking' 不被允许" in result.output
    assert "未载入任何内容" in result.output
    env["LANG"] = "en_GB.UTF-8"
    result = runner.invoke(args=["courses", "load", str(tmp_path / "content")], env=env)
    assert "'curriculum' 'cooking' is not allowed (allowed: service_standards" in result.output


def test_demo_assigns_onboarding_to_hotline_east_with_some_progress(app_ctx):
    from lms.courses import demo
    from lms.courses.models_progress import Assignment
    from lms.demo import load_users

    load_users()
    first = demo.load()
    assert demo.load() == []  # loading again adds nothing
    rows = db.session.scalars(select(Assignment).where(Assignment.path_id.is_not(None))).all()
    assert {r.user.username for r in rows} == {"trainee", "e1002", "e1003"}
    assert all(r.due_on is not None for r in rows) and first
    trainee_id = next(r.user_id for r in rows if r.user.username == "trainee")
    views = db.session.scalar(select(func.count(LessonView.lesson_id)).where(
        LessonView.user_id == trainee_id))
    assert views == 3


def test_cli_loads_a_single_course_folder_as_a_draft(runner, app, tmp_path):
    from lms.courses.bundle import write_course_dir

    # A shipped exam: the loader stores it first, so the reference resolves on an empty db.
    bundle = small_bundle(**{"exam:callback-basics-final": "exam:service-standards-final"})
    write_course_dir(bundle, tmp_path / "callback-basics")
    result = runner.invoke(args=["courses", "load", "--draft", str(tmp_path / "callback-basics")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        course = db.session.scalar(select(Course))
        assert course.slug == "callback-basics" and course.status == "draft"
