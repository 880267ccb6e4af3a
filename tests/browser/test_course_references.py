"""A trainer picks an exam for a course from the picker; the trainee's course page links to it
under its one title, and the course's last lesson leads to it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def course(app):
    """The shipped content (with its final exams), a small published course assigned to a
    trainee; returns (course id, slug, trainee user name)."""
    from lms.auth.models import User
    from lms.courses.content_service import load_content
    from lms.extensions import db
    from tests.courses.factories import assign_to, make_course, make_exam
    from tests.factories import make_user

    with app.app_context():
        load_content()
        make_exam()
        small = make_course()
        trainee = make_user(roles=["trainee"], username="learner", name="学员 Learner")
        assign_to(small, db.session.get(User, trainee.id))
        return small.id, small.slug, "learner"


def test_trainer_picks_an_exam_and_the_trainee_is_led_to_it(page, browser, login, course,
                                                            live_server, tmp_path: Path):
    from tests.factories import DEFAULT_PASSWORD

    course_id, slug, learner = course
    login("trainer")
    page.goto(f"/courses/manage/courses/{course_id}")
    page.get_by_role("link", name="新建活动").click()
    picker = page.locator("#ref")
    expect(picker.locator("optgroup[label='考试'] option",
                          has_text="技术技能结业考试")).to_have_count(1)
    picker.select_option(label="技术技能结业考试")
    page.screenshot(path=str(tmp_path / "refs-picker-zh.png"), full_page=True)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("table.data")).to_contain_text("exam:technical-skills-final")
    expect(page.locator("table.data")).to_contain_text("技术技能结业考试")
    page.screenshot(path=str(tmp_path / "refs-editor-zh.png"), full_page=True)

    trainee = browser.new_context(base_url=live_server, locale="zh-CN")
    learner_page = trainee.new_page()
    learner_page.goto("/login")
    learner_page.fill("#username", learner)
    learner_page.fill("#password", DEFAULT_PASSWORD)
    learner_page.click("button[type=submit]")
    learner_page.wait_for_url("**/")

    learner_page.goto(f"/courses/c/{slug}")
    item = learner_page.locator("#course-activities li[data-ref='exam:technical-skills-final']")
    link = item.get_by_role("link", name="技术技能结业考试")
    expect(link).to_have_attribute("href", "/exams/mine/technical-skills-final")
    expect(learner_page.locator("#completion-steps")).to_contain_text("技术技能结业考试")
    learner_page.screenshot(path=str(tmp_path / "refs-course-zh.png"), full_page=True)

    learner_page.goto(f"/courses/c/{slug}/what-to-ask")  # the last lesson
    next_steps = learner_page.locator("#next-steps")
    expect(next_steps).to_contain_text("这是最后一课")
    go = next_steps.get_by_role("link", name="现在参加考试: 技术技能结业考试 →")
    expect(go).to_be_visible()
    learner_page.screenshot(path=str(tmp_path / "refs-last-lesson-zh.png"), full_page=True)
    go.click()
    learner_page.wait_for_url("**/exams/mine/technical-skills-final")
    expect(learner_page.get_by_role("heading", name="技术技能结业考试")).to_be_visible()
    expect(learner_page.get_by_role("button", name="开始作答")).to_be_visible()
    learner_page.screenshot(path=str(tmp_path / "refs-my-exams-zh.png"), full_page=True)
    trainee.close()
