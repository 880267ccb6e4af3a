"""A trainer assigns onboarding to a department; a trainee in it learns; the dashboard shows it."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")


def _shot(page, name: str) -> None:
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def _sign_in(page, username: str) -> None:
    from tests.factories import DEFAULT_PASSWORD

    page.context.clear_cookies()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.fixture
def onboarding(app):
    """The shipped content loaded and a new hire in Hotline East; returns the path id."""
    from sqlalchemy import select

    from lms.courses.content_service import load_content
    from lms.courses.models import LearningPath
    from lms.extensions import db
    from tests.factories import make_user

    with app.app_context():
        load_content()
        make_user(roles=["trainee"], username="newhire", department="Hotline East",
                  name="新员工 New Hire", hired_on=date.today() - timedelta(days=3))
        return db.session.scalar(select(LearningPath.id).where(
            LearningPath.slug == "onboarding-72h"))


def test_trainer_assigns_onboarding_and_trainee_progress_reaches_the_dashboard(
        page, login, onboarding):
    trainer = login("trainer", department="Training Center")
    page.goto("/courses/manage")
    expect(page.get_by_role("heading", name="课程", exact=True)).to_be_visible()
    _shot(page, "courses-manage-zh")

    page.goto(f"/courses/manage/assign?item=path:{onboarding}")
    page.select_option("#department", label="Hotline East")
    page.fill("#due_on", (date.today() + timedelta(days=14)).isoformat())
    _shot(page, "courses-assign-zh")
    page.get_by_role("button", name="指派", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("已指派给 1 人")
    expect(page.locator("#standing-rules")).to_contain_text("之后加入 Hotline East 的所有人员")
    _shot(page, "courses-assignments-zh")

    _sign_in(page, "newhire")
    page.goto("/courses/my")
    card = page.locator("article[data-course=service-standards]")
    expect(card.locator(".progress")).to_have_attribute("aria-valuenow", "0")
    _shot(page, "courses-my-learning-before-zh")
    card.get_by_role("link", name="开始学习").click()
    expect(page.locator(".lesson-body h1, .lesson-body h2").first).to_be_visible()
    expect(page.locator(".lesson-progress .progress")).not_to_have_attribute("aria-valuenow", "0")
    _shot(page, "courses-lesson-zh")
    page.goto("/courses/my")
    value = int(card.locator(".progress").get_attribute("aria-valuenow"))
    assert value > 0
    locked = page.locator("article[data-course=emergency-handling]")
    expect(locked.locator(".lock-reason")).to_contain_text("已锁定")
    _shot(page, "courses-my-learning-after-zh")
    page.select_option("#lang", "en")
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    _shot(page, "courses-my-learning-en")

    _sign_in(page, trainer)
    page.goto("/courses/manage/dashboard")
    path_row = page.locator("#by-path tbody tr").first
    expect(path_row).to_contain_text("入职培训")
    expect(path_row.locator("td").nth(0)).to_have_text("1")  # enrolled
    expect(path_row.locator("td").nth(1)).to_have_text("1")  # in progress
    expect(page.locator("#people")).to_contain_text("新员工 New Hire")
    _shot(page, "courses-dashboard-zh")
    page.select_option("#lang", "en")
    expect(page.get_by_role("heading", name="Training dashboard")).to_be_visible()
    _shot(page, "courses-dashboard-en")


def test_trainer_previews_a_course_and_edits_it(page, login, onboarding):
    login("trainer")
    page.goto("/courses/manage")
    page.get_by_role("link", name="服务规范与业务知识").last.click()
    expect(page.locator("h1")).to_contain_text("服务规范与业务知识")
    _shot(page, "courses-editor-zh")
    page.get_by_role("link", name="预览").first.click()
    expect(page.locator(".preview-banner")).to_be_visible()
    _shot(page, "courses-preview-zh")
    page.goto("/courses/c/onsite-practice")
    expect(page.locator("#survey-link")).to_have_attribute(
        "href", "/evaluation/survey/course:onsite-practice")
    _shot(page, "courses-course-survey-link-zh")


def test_broken_zip_upload_lists_file_and_line(page, login, tmp_path):
    from tests.courses.helpers import make_zip, valid_course_files

    files = valid_course_files()
    files["course.yaml"] = files["course.yaml"].replace(b"curriculum: service_standards",
                                                        b"curriculum: cooking")
    broken = tmp_path / "broken-course.zip"
    broken.write_bytes(make_zip(files))
    login("trainer")
    page.goto("/courses/manage/import")
    page.set_input_files("#file", str(broken))
    page.get_by_role("button", name="检查压缩包").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("broken-course.zip")
    expect(errors).to_contain_text("course.yaml:2")
    expect(errors).to_contain_text("'curriculum' 的值 'cooking' 不被允许")
    _shot(page, "courses-import-errors-zh")
    page.select_option("#lang", "en")
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^en"))
    page.goto("/courses/manage/import")
    page.set_input_files("#file", str(broken))
    page.get_by_role("button", name="Check the zip").click()
    expect(errors).to_contain_text("'curriculum' 'cooking' is not allowed")
    _shot(page, "courses-import-errors-en")


def test_trainer_plans_a_month_of_in_service_training(page, login, onboarding):
    login("trainer")
    page.goto("/courses/manage")
    page.get_by_role("link", name="在岗月度培训（4 小时）").first.click()
    page.locator("#plan-month").click()
    expect(page.locator("h1")).to_contain_text("按月安排")
    page.fill("#month", "2026-12")
    _shot(page, "courses-plan-month-zh")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("2026-12")
    expect(page.locator("h1")).to_contain_text("2026-12 在岗培训")
    _shot(page, "courses-month-path-zh")
    page.select_option("#lang", "en")
    expect(page.locator("h1")).to_contain_text("2026-12 in-service")
    _shot(page, "courses-month-path-en")
