"""Every authoring page opens on the shipped content, in both languages; paths and activities."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.courses.content_service import load_content
from lms.courses.models import Activity, Course, Curriculum, LearningPath, Lesson, Module
from lms.courses.models_progress import Assignment
from lms.extensions import db


@pytest.fixture
def shipped(app):
    """The shipped content, loaded once for the test; returns ids the pages need."""
    with app.app_context():
        load_content()
        course = db.session.scalar(select(Course).where(Course.slug == "service-standards"))
        return {
            "course": course.id, "slug": course.slug,
            "module": course.modules[0].id, "lesson": course.lessons[0].id,
            "lesson_slug": course.lessons[0].slug, "activity": course.activities[0].id,
            "curriculum": course.curriculum_id,
            "path": db.session.scalar(select(LearningPath.id).where(
                LearningPath.slug == "onboarding-72h")),
            "template": db.session.scalar(select(LearningPath.id).where(
                LearningPath.slug == "monthly-in-service")),
        }


@pytest.mark.parametrize("language, marker", [("zh", "课程"), ("en", "Courses")])
def test_every_authoring_page_opens(client, auth, shipped, language, marker):
    auth.as_role("trainer", locale=language)
    s = shipped
    pages = ["/courses/manage", f"/courses/manage/courses/{s['course']}",
             f"/courses/manage/courses/{s['course']}/edit", "/courses/manage/courses/new",
             f"/courses/manage/modules/{s['module']}", f"/courses/manage/lessons/{s['lesson']}",
             f"/courses/manage/modules/{s['module']}/lessons/new",
             f"/courses/manage/activities/{s['activity']}",
             f"/courses/manage/courses/{s['course']}/activities/new",
             f"/courses/manage/curricula/{s['curriculum']}", "/courses/manage/curricula/new",
             f"/courses/manage/paths/{s['path']}", f"/courses/manage/paths/{s['template']}",
             f"/courses/manage/paths/{s['path']}/edit", "/courses/manage/paths/new",
             "/courses/manage/assign", f"/courses/manage/assignments?item=path:{s['path']}",
             "/courses/manage/prerequisites", "/courses/manage/dashboard",
             "/courses/manage/import", f"/courses/c/{s['slug']}",
             f"/courses/c/{s['slug']}/{s['lesson_slug']}"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
    assert marker in client.get("/courses/manage").get_data(as_text=True)


def test_onboarding_path_page_shows_72_hours_split_40_60(client, auth, shipped):
    auth.as_role("trainer", locale="en")
    body = client.get(f"/courses/manage/paths/{shipped['path']}").get_data(as_text=True)
    assert "29 h · 40%" in body and "43 h · 60%" in body
    assert "add up to" not in body  # the declared 72 h match the courses


def test_activity_is_picked_and_a_reference_naming_nothing_is_refused(client, auth, shipped,
                                                                     app):
    auth.as_role("trainer")
    url = f"/courses/manage/courses/{shipped['course']}/activities/new"
    bad = auth.post(url, {"ref": "drill:wrong", "delivery_mode": "online",
                          "planned_hours": "1"}, form_page=url)
    assert bad.status_code == 400 and 'id="ref-error"' in bad.get_data(as_text=True)
    good = auth.post(url, {"ref": "survey:post-course", "delivery_mode": "online",
                           "planned_hours": "0.5"}, form_page=url)
    assert good.status_code == 302
    with app.app_context():
        activity = db.session.scalar(select(Activity).where(
            Activity.course_id == shipped["course"], Activity.ref == "survey:post-course"))
        assert activity.kind == "survey"
        assert activity.title["en"] == "End-of-course feedback survey"  # the survey's title


def test_trainer_builds_a_path_and_assigns_it_to_new_hires(client, auth, shipped, app):
    from datetime import date, timedelta

    from tests.factories import make_user

    auth.as_role("trainer")
    with app.app_context():
        make_user(hired_on=date.today() - timedelta(days=10))
        make_user(hired_on=date.today() - timedelta(days=400))
    response = auth.post("/courses/manage/paths/new", {
        "slug": "refresher", "kind": "custom", "title_zh": "复训", "title_en": "Refresher",
        "summary_zh": "复训", "summary_en": "Refresher", "planned_hours": "11"},
        form_page="/courses/manage/paths/new")
    assert response.status_code == 302
    with app.app_context():
        path_id = db.session.scalar(select(LearningPath.id).where(
            LearningPath.slug == "refresher"))
    auth.post(f"/courses/manage/paths/{path_id}/items", {"course": shipped["course"]},
              form_page="/courses/manage")
    due = (date.today() + timedelta(days=7)).isoformat()
    response = auth.post("/courses/manage/assign", {
        "item": f"path:{path_id}", "target": "new_hires", "due_on": due},
        form_page="/courses/manage/assign")
    assert response.status_code == 302
    with app.app_context():
        path = db.session.get(LearningPath, path_id)
        assert [c.slug for c in path.courses] == ["service-standards"]
        assert db.session.scalar(select(func.count(Assignment.id))) == 1


def test_curriculum_with_courses_cannot_be_deleted(client, auth, shipped, app):
    auth.as_role("admin")
    auth.post(f"/courses/manage/curriculum/{shipped['curriculum']}/delete", {},
              form_page="/courses/manage")
    with app.app_context():
        assert db.session.get(Curriculum, shipped["curriculum"]) is not None
        assert db.session.scalar(select(func.count(Lesson.id))) >= 20
        assert db.session.scalar(select(func.count(Module.id))) > 0
