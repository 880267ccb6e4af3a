"""A trainee's drill: start, act, close the tab, come back, finish, read the debrief."""

import pytest
from playwright.sync_api import expect

from lms.auth.models import User
from lms.extensions import db
from tests.drills.factories import make_drill

pytestmark = pytest.mark.browser
SHOTS = "/tmp/screens"


def test_trainee_drills_closes_the_tab_comes_back_and_sees_the_debrief(page, login, app):
    username = login("trainee")
    with app.app_context():
        trainee = db.session.scalar(db.select(User).where(User.username == username))
        make_drill(trainee=trainee, compression=900.0)
    page.goto("/drills/")
    page.get_by_role("link", name="进入演练").click()
    page.get_by_role("button", name="开始演练").click()
    expect(page.locator("#drill-status")).to_have_text("运行中")
    page.wait_for_timeout(9000)  # 9 s × 900 = past the 10:00 onset
    expect(page.locator("#alerts")).to_contain_text("群体投诉")
    page.locator("#step-report_manager").click()
    expect(page.locator("#action-log")).to_contain_text("向售后经理报告")
    page.locator("form.drill-action[data-kind=activate_emergency_plan] button").click()
    expect(page.locator("#action-log")).to_contain_text("启动应急预案")
    page.screenshot(path=f"{SHOTS}/drill-live-zh.png", full_page=True)
    clock_before = page.locator("#drill-clock").inner_text()

    context = page.context
    page.close()
    again = context.new_page()
    again.goto("/drills/")
    again.get_by_role("link", name="继续演练").click()
    expect(again.locator("#action-log")).to_contain_text("向售后经理报告")
    expect(again.locator("#drill-clock")).not_to_have_text(clock_before)
    again.get_by_role("button", name="暂停").click()
    expect(again.locator("#drill-status")).to_have_text("已暂停")
    again.on("dialog", lambda dialog: dialog.accept())
    again.get_by_role("button", name="结束演练").click()
    again.wait_for_url("**/debrief")
    expect(again.get_by_role("heading", name="应急流程:各步骤的及时性")).to_be_visible()
    expect(again.locator("body")).to_contain_text("向售后经理报告")
    again.locator("#replay-slider").fill("4")
    again.screenshot(path=f"{SHOTS}/drill-debrief-zh.png", full_page=True)
    again.select_option("#lang", "en")
    expect(again.get_by_role("heading", name="Emergency procedure: timeliness of each step")
           ).to_be_visible()
    again.screenshot(path=f"{SHOTS}/drill-debrief-en.png", full_page=True)


def test_trainer_schedules_a_drill_for_a_trainee(page, login, app):
    from tests.factories import make_user

    with app.app_context():
        make_user(roles=["trainee"], name="王小明")
    login("trainer")
    page.get_by_role("link", name="演练安排").click()
    page.select_option("#scenario_id", "typhoon")
    page.select_option("#trainee_id", label="王小明 (" + page.locator(
        "#trainee_id option", has_text="王小明").inner_text().split("(")[1])
    page.fill("#compression", "120")
    page.get_by_role("button", name="安排").click()
    expect(page.locator(".flash-success")).to_contain_text("已为 1 名学员安排演练")
    expect(page.locator("table.data")).to_contain_text("王小明")
    page.screenshot(path=f"{SHOTS}/drill-manage-zh.png", full_page=True)
