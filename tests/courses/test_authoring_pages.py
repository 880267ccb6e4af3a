"""Trainers build, order, publish, import and export courses; bad input changes nothing."""

from __future__ import annotations

import html
import io
import re

from sqlalchemy import func, select

from lms.courses.bundle import read_course_zip
from lms.courses.models import Course, Curriculum, Lesson, LessonAsset, Module
from lms.extensions import db
from tests.courses.factories import make_course, make_exam, small_bundle
from tests.courses.helpers import PNG_BYTES, make_zip, valid_course_files

MANAGE = "/courses/manage"


def _course_id(app, slug="callback-basics"):
    with app.app_context():
        return db.session.scalar(select(Course.id).where(Course.slug == slug))


def test_trainer_builds_a_course_and_publishes_it(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        db.session.add(Curriculum(key="service_standards", title={"zh": "服务规范", "en": "S"}))
        db.session.commit()
        curriculum_id = db.session.scalar(select(Curriculum.id))
    response = auth.post("/courses/manage/courses/new", {
        "slug": "new-course", "curriculum": curriculum_id, "title_zh": "新课程",
        "title_en": "New course", "summary_zh": "简介", "summary_en": "Summary",
        "delivery_mode": "online", "planned_hours": "2", "require_lessons": "y"},
        form_page="/courses/manage/courses/new")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    course_id = _course_id(app, "new-course")
    auth.post(f"/courses/manage/courses/{course_id}/modules/new",
              {"slug": "basics", "title_zh": "基础", "title_en": "Basics"}, form_page=MANAGE)
    with app.app_context():
        module_id = db.session.scalar(select(Module.id))
    response = auth.post(f"/courses/manage/modules/{module_id}/lessons/new", {
        "slug": "first", "title_zh": "第一课", "title_en": "First", "planned_minutes": "30",
        "body_zh": "# 第一课\n\n内容", "body_en": "# First\n\nText",
        "checklist_zh": "一\n二", "checklist_en": "one\ntwo"}, form_page=MANAGE)
    assert response.status_code == 302
    auth.post(f"/courses/manage/courses/{course_id}/status", {}, form_page=MANAGE)
    with app.app_context():
        course = db.session.get(Course, course_id)
        assert course.published
        assert course.lessons[0].checklist == {"zh": ["一", "二"], "en": ["one", "two"]}


def test_checklists_of_different_length_are_refused_beside_the_field(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        module_id = make_course().modules[0].id
    response = auth.post(f"/courses/manage/modules/{module_id}/lessons/new", {
        "slug": "uneven", "title_zh": "不齐", "title_en": "Uneven", "planned_minutes": "10",
        "body_zh": "正文", "body_en": "Body", "checklist_zh": "一\n二", "checklist_en": "one"},
        form_page=MANAGE)
    assert response.status_code == 400
    assert 'id="checklist_en-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Lesson.id))) == 2


def test_lessons_move_up_and_down(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        course = make_course()
        second_id = course.lessons[1].id
    auth.post(f"/courses/manage/lesson/{second_id}/move/up", {}, form_page=MANAGE)
    with app.app_context():
        assert [lesson.slug for lesson in db.session.scalar(select(Course)).lessons] == [
            "what-to-ask", "when-to-call"]


def test_deleting_a_course_removes_its_lessons(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        course_id = make_course().id
    response = auth.post(f"/courses/manage/course/{course_id}/delete", {}, form_page=MANAGE)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Lesson.id))) == 0
        assert db.session.scalar(select(func.count(LessonAsset.id))) == 0


def _upload(auth, course_id, name, data):
    return auth.post(f"/courses/manage/courses/{course_id}/assets",
                     {"file": (io.BytesIO(data), name)}, form_page=MANAGE,
                     content_type="multipart/form-data", follow_redirects=True)


def test_upload_of_the_wrong_type_is_refused_with_a_message(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        course_id = make_course().id
    body = _upload(auth, course_id, "virus.exe", b"MZ\x90\x00").get_data(as_text=True)
    assert "virus.exe" in body and "不允许文件类型“.exe”" in body
    body = _upload(auth, course_id, "fake.png", b"not a png").get_data(as_text=True)
    assert "fake.png" in body and "内容不是 PNG 文件" in body
    with app.app_context():
        assert db.session.scalar(select(func.count(LessonAsset.id))) == 1  # only flow.png


def test_upload_over_five_megabytes_is_refused(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        course_id = make_course().id
    big = PNG_BYTES + b"\x00" * (5 * 1024 * 1024)
    body = _upload(auth, course_id, "big.png", big).get_data(as_text=True)
    assert "big.png" in body and "附件最大 5 MB" in body
    good = _upload(auth, course_id, "chart.png", PNG_BYTES).get_data(as_text=True)
    assert "assets/chart.png" in good


def test_broken_zip_names_file_and_line_and_imports_nothing(client, auth, app):
    auth.as_role("trainer")
    files = valid_course_files()
    files["course.yaml"] = files["course.yaml"].replace(b"delivery_mode: online\nplanned",
                                                        b"delivery_mode: by-pigeon\nplanned")
    response = auth.post("/courses/manage/import", {
        "file": (io.BytesIO(make_zip(files)), "broken.zip")}, form_page="/courses/manage/import",
        content_type="multipart/form-data")
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "course.yaml:9" in body and "by-pigeon" in body and "broken.zip" in body
    assert "'delivery_mode' 的值 'by-pigeon' 不被允许（允许：online, offline_practice）" in body
    assert "is not allowed" not in body
    with app.app_context():
        assert db.session.scalar(select(func.count(Course.id))) == 0


def test_zip_errors_follow_the_trainers_language(client, auth, app):
    from lms.auth.models import User

    user_id = auth.as_role("trainer")
    with app.app_context():
        db.session.get(User, user_id).locale = "en"
        db.session.commit()
    files = valid_course_files()
    del files["lessons/what-to-ask.en.md"]
    response = auth.post("/courses/manage/import", {
        "file": (io.BytesIO(make_zip(files)), "broken.zip")}, form_page="/courses/manage/import",
        content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "the lesson text file lessons/what-to-ask.en.md is missing" in body
    assert "课时正文文件" not in body


def test_good_zip_is_previewed_then_imported_as_a_draft(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        make_exam()  # the exam the bundle's activity names
    data = make_zip(valid_course_files())
    preview = auth.post("/courses/manage/import", {"file": (io.BytesIO(data), "ok.zip")},
                        form_page="/courses/manage/import", content_type="multipart/form-data")
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "回访基础" in body
    with app.app_context():
        assert db.session.scalar(select(func.count(Course.id))) == 0  # not yet
    token = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"', body).group(1)
    done = auth.post("/courses/manage/import/confirm", {"token": token}, form_page=MANAGE)
    assert done.status_code == 302
    with app.app_context():
        course = db.session.scalar(select(Course))
        assert course.slug == "callback-basics" and course.status == "draft"


def test_export_zip_reads_back_as_the_same_bundle(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        course_id = make_course().id
    response = client.get(f"/courses/manage/courses/{course_id}/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert read_course_zip(response.data) == small_bundle()


def test_assignment_form_assigns_a_path_or_course_to_a_department(client, auth, app):
    from datetime import date, timedelta

    from lms.auth.models import Department
    from lms.courses.models_progress import Assignment
    from tests.factories import make_user

    auth.as_role("trainer", department="Training Center")
    with app.app_context():
        course_id = make_course().id
        make_user(department="Hotline East")
        make_user(department="Hotline East")
        department_id = db.session.scalar(select(Department.id).where(
            Department.name == "Hotline East"))
    due = (date.today() + timedelta(days=10)).isoformat()
    response = auth.post("/courses/manage/assign", {
        "item": f"course:{course_id}", "target": "department", "department": department_id,
        "due_on": due}, form_page="/courses/manage/assign")
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    with app.app_context():
        assert db.session.scalar(select(func.count(Assignment.id))) == 2
    past = auth.post("/courses/manage/assign", {
        "item": f"course:{course_id}", "target": "department", "department": department_id,
        "due_on": "2020-01-01"}, form_page="/courses/manage/assign")
    assert past.status_code == 400
