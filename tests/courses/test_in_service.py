"""The monthly in-service template becomes a month's learning path that can be assigned."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.courses import in_service
from lms.courses.content_service import load_content
from lms.courses.models import Course, LearningPath
from lms.extensions import db


def _template() -> LearningPath:
    return db.session.scalar(select(LearningPath).where(LearningPath.slug == "monthly-in-service"))


def _course(slug: str) -> Course:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def _plan(awareness="service-awareness", products="technical-skills"):
    return {"customer-psychology": _course(awareness), "communication": _course(awareness),
            "new-products": _course(products), "case-review": _course("emergency-handling")}


def test_a_month_becomes_a_custom_path_with_one_course_per_slot(app_ctx):
    load_content()
    template = _template()
    path = in_service.instantiate(template, "2026-12", _plan())
    db.session.commit()
    assert (path.slug, path.kind) == ("monthly-in-service-2026-12", "custom")
    assert path.title == {"zh": "2026-12 在岗培训", "en": "2026-12 in-service"}
    assert [c.slug for c in path.courses] == [
        "service-awareness", "technical-skills", "emergency-handling"]  # one course, two slots
    assert path.planned_hours == 4 and template.kind == "in_service_template"
    assert [slot["course"] for slot in path.slots] == [
        "service-awareness", "service-awareness", "technical-skills", "emergency-handling"]
    assert "客户心理（1 学时）：" in path.summary["zh"]
    assert path.summary["en"].startswith("In-service plan for 2026-12: Customer psychology (1 h)")
    assert template.slots[0].get("course") is None


@pytest.mark.parametrize(("month", "reason"), [("2026-13", "bad_month"), ("Dec", "bad_month"),
                                               ("2026-12", "exists")])
def test_bad_month_or_a_month_planned_twice_is_refused(app_ctx, month, reason):
    load_content()
    in_service.instantiate(_template(), "2026-12", _plan())
    db.session.commit()
    with pytest.raises(in_service.PlanRefused) as refused:
        in_service.instantiate(_template(), month, _plan())
    assert refused.value.reason == reason


def test_every_slot_needs_a_published_course(app_ctx):
    load_content()
    plan = _plan()
    del plan["new-products"]
    with pytest.raises(in_service.PlanRefused, match="slot_missing"):
        in_service.instantiate(_template(), "2027-01", plan)
    plan = _plan()
    plan["new-products"].status = "draft"
    with pytest.raises(in_service.PlanRefused, match="draft_course"):
        in_service.instantiate(_template(), "2027-01", plan)
    onboarding = db.session.scalar(select(LearningPath).where(
        LearningPath.slug == "onboarding-72h"))
    with pytest.raises(in_service.PlanRefused, match="not_template"):
        in_service.instantiate(onboarding, "2027-01", _plan())


def test_trainer_plans_a_month_in_the_browser_and_assigns_it(client, auth, app):
    from lms.auth.models import Department
    from lms.courses.models_progress import Assignment
    from tests.factories import make_user

    auth.as_role("trainer", department="Training Center")
    with app.app_context():
        load_content()
        template_id = _template().id
        ids = {slug: _course(slug).id for slug in
               ("service-awareness", "technical-skills", "service-standards")}
        make_user(department="Hotline East")
        department_id = db.session.scalar(select(Department.id).where(
            Department.name == "Hotline East"))
    page = f"/courses/manage/paths/{template_id}/month"
    assert f'href="{page}"' in client.get(f"/courses/manage/paths/{template_id}").get_data(
        as_text=True)
    form = client.get(page).get_data(as_text=True)
    assert "客户心理" in form and "新产品知识" in form
    data = {"month": "2026-12", "slot_customer_psychology": ids["service-awareness"],
            "slot_communication": ids["service-awareness"],
            "slot_new_products": ids["technical-skills"],
            "slot_case_review": ids["service-standards"]}
    response = auth.post(page, data, form_page=page)
    assert response.status_code == 302
    with app.app_context():
        path = db.session.scalar(select(LearningPath).where(
            LearningPath.slug == "monthly-in-service-2026-12"))
        assert [c.slug for c in path.courses] == [
            "service-awareness", "technical-skills", "service-standards"]
        path_id = path.id
    path_page = client.get(f"/courses/manage/paths/{path_id}").get_data(as_text=True)
    assert "2026-12 在岗培训" in path_page and "与声明的" not in path_page
    again = auth.post(page, data, form_page=page)
    assert again.status_code == 400 and "已经" in again.get_data(as_text=True)
    due = (date.today() + timedelta(days=20)).isoformat()
    assigned = auth.post("/courses/manage/assign", {
        "item": f"path:{path_id}", "target": "department", "department": department_id,
        "due_on": due}, form_page="/courses/manage/assign")
    assert assigned.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Assignment.path_id)) == path_id
