"""Trainees see their assigned, published courses; lessons are safe; others are refused."""

from __future__ import annotations

from sqlalchemy import select

from lms.auth.models import User
from lms.courses.models import Course, Lesson
from lms.courses.models_progress import LessonView
from lms.extensions import db
from tests.courses.factories import assign_to, make_course


def _setup(app, auth, *, status="published", assigned=True):
    """A course and a signed-in trainee (assigned to it unless told otherwise)."""
    user_id = auth.as_role("trainee")
    with app.app_context():
        course = make_course(status=status)
        if assigned:
            assign_to(course, db.session.get(User, user_id))
        return course.slug, user_id


def test_my_learning_lists_the_assigned_course_with_progress_and_resume(client, auth, app):
    slug, _ = _setup(app, auth)
    body = client.get("/courses/my").get_data(as_text=True)
    assert "回访基础" in body and 'aria-valuenow="0"' in body
    assert f"/courses/c/{slug}/when-to-call" in body  # the resume link


def test_opening_a_lesson_records_it_and_raises_progress(client, auth, app):
    slug, user_id = _setup(app, auth)
    page = client.get(f"/courses/c/{slug}/when-to-call")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "24 小时内回访" in body  # lesson body
    assert f"/courses/c/{slug}/what-to-ask" in body  # next lesson link
    assert "/courses/assets/" in body  # the asset reference was rewritten
    with app.app_context():
        assert db.session.scalar(select(LessonView).where(LessonView.user_id == user_id))
    assert 'aria-valuenow="33"' in client.get("/courses/my").get_data(as_text=True)


def test_unpublished_course_is_404_for_trainees(client, auth, app):
    slug, _ = _setup(app, auth, status="draft")
    assert client.get(f"/courses/c/{slug}").status_code == 404
    assert client.get(f"/courses/c/{slug}/when-to-call").status_code == 404


def test_unassigned_course_is_403_for_trainees(client, auth, app):
    slug, _ = _setup(app, auth, assigned=False)
    assert client.get(f"/courses/c/{slug}").status_code == 403
    assert client.get(f"/courses/c/{slug}/when-to-call").status_code == 403
    with app.app_context():
        course_id = db.session.scalar(select(Course.id))
    assert client.get(f"/courses/assets/{course_id}/flow.png").status_code == 403


def test_assets_are_served_to_assigned_trainees(client, auth, app):
    _setup(app, auth)
    with app.app_context():
        course_id = db.session.scalar(select(Course.id))
    response = client.get(f"/courses/assets/{course_id}/flow.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert client.get(f"/courses/assets/{course_id}/other.png").status_code == 404


def test_script_and_javascript_links_in_markdown_render_harmless(client, auth, app):
    slug, _ = _setup(app, auth)
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "when-to-call"))
        lesson.body_zh = ("# 标题\n\n<script>alert('x')</script>\n\n[点我](javascript:alert(1))\n\n"
                          '<img src="x" onerror="alert(2)">')
        db.session.commit()
    body = client.get(f"/courses/c/{slug}/when-to-call").get_data(as_text=True)
    article = body.split('class="card lesson-body">', 1)[1].split("</article>", 1)[0]
    assert "<script" not in article and "javascript:" not in article
    assert "onerror" not in article and "标题" in article


def test_trainer_previews_a_draft_without_recording_views(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        slug = make_course(status="draft").slug
    page = client.get(f"/courses/c/{slug}/when-to-call")
    assert page.status_code == 200 and "预览" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(LessonView)) is None


def test_locked_course_shows_why_and_keeps_lessons_closed(client, auth, app):
    user_id = auth.as_role("trainee")
    with app.app_context():
        from lms.courses.content_service import add_prerequisite

        first, second = make_course("first-course"), make_course("second-course")
        add_prerequisite(second, first)
        user = db.session.get(User, user_id)
        assign_to(first, user)
        assign_to(second, user)
    page = client.get("/courses/c/second-course").get_data(as_text=True)
    assert "已锁定" in page
    response = client.get("/courses/c/second-course/when-to-call")
    assert response.status_code == 302 and response.location.endswith("/courses/c/second-course")


def test_home_page_shows_next_due_courses(client, auth, app):
    _setup(app, auth)
    body = client.get("/").get_data(as_text=True)
    assert "回访基础" in body and "/courses/my" in body


def test_trainee_cannot_open_authoring_pages(client, auth):
    auth.as_role("trainee")
    for path in ("/courses/manage", "/courses/manage/dashboard", "/courses/manage/assign",
                 "/courses/manage/import"):
        assert client.get(path).status_code == 403, path


SURVEY = """  - kind: survey
    ref: survey:post-course
    title:
      zh: 课后满意度调查
      en: Post-course survey
    delivery_mode: online
    planned_hours: 0
    required: false
modules:"""


def test_course_with_a_survey_links_to_the_post_course_survey(client, auth, app):
    user_id = auth.as_role("trainee")
    with app.app_context():
        course = make_course(**{"modules:": SURVEY})
        assign_to(course, db.session.get(User, user_id))
        plain = make_course("no-survey-course")
        assign_to(plain, db.session.get(User, user_id))
    body = client.get("/courses/c/callback-basics").get_data(as_text=True)
    assert 'href="/evaluation/survey/course:callback-basics"' in body
    assert client.get("/evaluation/survey/course:callback-basics").status_code == 200
    assert "/evaluation/survey/" not in client.get("/courses/c/no-survey-course").get_data(
        as_text=True)
