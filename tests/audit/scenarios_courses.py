"""Audit scenarios for the course authoring, path and assignment routes.

Each scenario signs in, builds what the route needs, and returns ``(path, data, form_page)``
for a POST with valid data (see ``tests/audit/test_post_routes.py``).
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from sqlalchemy import select

from lms.extensions import db
from tests.courses.factories import assign_to, make_course, make_exam
from tests.courses.helpers import PNG_BYTES, make_zip, valid_course_files
from tests.factories import make_user

MANAGE = "/courses/manage"


def _course(auth, app, **replace):
    auth.as_role("trainer")
    with app.app_context():
        make_exam()
        course = make_course(**replace)
        return {"course": course.id, "module": course.modules[0].id,
                "lesson": course.lessons[0].id, "activity": course.activities[0].id,
                "curriculum": course.curriculum_id}


def _path(app, slug: str = "refresher") -> int:
    from lms.courses.models import LearningPath

    with app.app_context():
        path = LearningPath(slug=slug, kind="custom", title={"zh": "复训", "en": "Refresher"},
                            summary={"zh": "复训", "en": "Refresher"}, planned_hours=1.5)
        db.session.add(path)
        db.session.commit()
        return path.id


def _new_course(auth, app):
    ids = _course(auth, app)
    return "/courses/manage/courses/new", {
        "slug": "new-course", "curriculum": ids["curriculum"], "title_zh": "新课程",
        "title_en": "New course", "summary_zh": "简介", "summary_en": "Summary",
        "delivery_mode": "online", "planned_hours": "2", "require_lessons": "y"}, \
        "/courses/manage/courses/new"


def _new_curriculum(auth, app):
    auth.as_role("trainer")
    return "/courses/manage/curricula/new", {"key": "product_policy", "title_zh": "产品与政策",
                                             "title_en": "Products and policy"}, MANAGE


def _new_module(auth, app):
    ids = _course(auth, app)
    return f"/courses/manage/courses/{ids['course']}/modules/new", {
        "slug": "basics", "title_zh": "基础", "title_en": "Basics"}, MANAGE


def _edit_lesson(auth, app):
    ids = _course(auth, app)
    return f"/courses/manage/lessons/{ids['lesson']}", {
        "slug": "when-to-call", "title_zh": "何时回访（新）", "title_en": "When to call back",
        "planned_minutes": "50", "body_zh": "# 何时回访\n\n内容", "body_en": "# When\n\nText",
        "checklist_zh": "一", "checklist_en": "one"}, MANAGE


def _edit_activity(auth, app):
    ids = _course(auth, app)
    return f"/courses/manage/activities/{ids['activity']}", {
        "ref": "exam:callback-basics-final", "delivery_mode": "online",
        "planned_hours": "0.75", "required": "y"}, MANAGE


def _upload_asset(auth, app):
    ids = _course(auth, app)
    return f"/courses/manage/courses/{ids['course']}/assets", {
        "file": (io.BytesIO(PNG_BYTES), "chart.png")}, MANAGE


def _move(auth, app):
    from lms.courses.models import Course

    _course(auth, app)
    with app.app_context():
        second = db.session.scalar(select(Course)).lessons[1].id
    return f"/courses/manage/lesson/{second}/move/up", {}, MANAGE


def _delete(auth, app):
    ids = _course(auth, app)
    return f"/courses/manage/lesson/{ids['lesson']}/delete", {}, MANAGE


def _confirm_import(auth, app):
    auth.as_role("trainer")
    with app.app_context():
        make_exam()
    preview = auth.post("/courses/manage/import", {
        "file": (io.BytesIO(make_zip(valid_course_files())), "ok.zip")},
        form_page="/courses/manage/import")
    token = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"',
                      preview.get_data(as_text=True)).group(1)
    return "/courses/manage/import/confirm", {"token": token}, MANAGE


def _new_path(auth, app):
    auth.as_role("trainer")
    return "/courses/manage/paths/new", {
        "slug": "refresher", "kind": "custom", "title_zh": "复训", "title_en": "Refresher",
        "summary_zh": "复训", "summary_en": "Refresher", "planned_hours": "11"}, \
        "/courses/manage/paths/new"


def _add_path_item(auth, app):
    ids = _course(auth, app)
    return f"/courses/manage/paths/{_path(app)}/items", {"course": ids["course"]}, MANAGE


def _department_id(name: str) -> int:
    from lms.auth.models import Department

    return db.session.scalar(select(Department.id).where(Department.name == name))


def _assign(auth, app):
    ids = _course(auth, app)
    with app.app_context():
        make_user(department="Hotline East")
        department_id = _department_id("Hotline East")
    due = (date.today() + timedelta(days=10)).isoformat()
    return "/courses/manage/assign", {"item": f"course:{ids['course']}", "target": "department",
                                      "department": department_id, "due_on": due}, \
        "/courses/manage/assign"


def _withdraw(auth, app):
    from lms.courses.models import Course
    from lms.courses.models_progress import Assignment

    ids = _course(auth, app)
    with app.app_context():
        assign_to(db.session.get(Course, ids["course"]), make_user(roles=["trainee"]))
        assignment_id = db.session.scalar(select(Assignment.id))
    return f"/courses/manage/assignments/{assignment_id}/withdraw", {}, \
        f"/courses/manage/assignments?item=course:{ids['course']}"


def _stop_standing(auth, app):
    from lms.courses import standing
    from lms.courses.models import Course

    ids = _course(auth, app)
    with app.app_context():
        make_user(department="Hotline East")
        row = standing.record(db.session.get(Course, ids["course"]), "department",
                              _department_id("Hotline East"),
                              date.today() + timedelta(days=10), None)
        db.session.commit()
        standing_id = row.id
    return f"/courses/manage/standing/{standing_id}/stop", {}, \
        f"/courses/manage/assignments?item=course:{ids['course']}"


def _two_courses(auth, app) -> tuple[int, int]:
    first = _course(auth, app)["course"]
    with app.app_context():
        second = make_course("callback-advanced").id
    return first, second


def _prerequisites(auth, app):
    first, second = _two_courses(auth, app)
    return "/courses/manage/prerequisites", {"course": second, "required_course": first}, \
        "/courses/manage/prerequisites"


def _delete_prerequisite(auth, app):
    from lms.courses import content_service
    from lms.courses.models import Course

    first, second = _two_courses(auth, app)
    with app.app_context():
        content_service.add_prerequisite(db.session.get(Course, second),
                                         db.session.get(Course, first))
        db.session.commit()
    return f"/courses/manage/prerequisites/{second}/{first}/delete", {}, \
        "/courses/manage/prerequisites"


def _plan_month(auth, app):
    from lms.courses.content_service import load_content
    from lms.courses.models import Course, LearningPath

    auth.as_role("trainer")
    with app.app_context():
        load_content()
        template_id = db.session.scalar(select(LearningPath.id).where(
            LearningPath.slug == "monthly-in-service"))
        ids = {slug: db.session.scalar(select(Course.id).where(Course.slug == slug)) for slug in
               ("service-awareness", "technical-skills", "service-standards")}
    page = f"/courses/manage/paths/{template_id}/month"
    return page, {"month": "2026-12", "slot_customer_psychology": ids["service-awareness"],
                  "slot_communication": ids["service-awareness"],
                  "slot_new_products": ids["technical-skills"],
                  "slot_case_review": ids["service-standards"]}, page


COURSE_SCENARIOS = {
    "courses.edit_course": _new_course, "courses.edit_curriculum": _new_curriculum,
    "courses.edit_module": _new_module, "courses.edit_lesson": _edit_lesson,
    "courses.edit_activity": _edit_activity, "courses.upload_asset": _upload_asset,
    "courses.move": _move, "courses.delete": _delete,
    "courses.confirm_import": _confirm_import, "courses.edit_path": _new_path,
    "courses.add_path_item": _add_path_item, "courses.assign": _assign,
    "courses.withdraw": _withdraw, "courses.stop_standing": _stop_standing,
    "courses.prerequisites": _prerequisites,
    "courses.delete_prerequisite": _delete_prerequisite, "courses.plan_month": _plan_month,
}
