"""A trainee's drill: start, act, close the tab, come back, finish, read the debrief; act
through an outage and see the actions wait, then confirmed, with the clock stopped."""

import re

import pytest
from playwright.sync_api import expect

from lms.auth.models import User
from lms.drills.models import Drill
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
    # a signal (a cluster of complaints on one model), never the event's name
    expect(page.locator("#alerts")).to_contain_text("同一型号")
    expect(page.locator("#alerts")).not_to_contain_text("群体投诉")
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


def _minutes(label: str) -> int:
    """Minutes of a drill clock label such as ``08:07`` (or a log line starting with one)."""
    hours, minutes = re.match(r"(\d\d):(\d\d)", label).groups()
    return int(hours) * 60 + int(minutes)


def test_actions_taken_while_offline_wait_then_are_confirmed_and_the_clock_stood_still(
        page, login, app, monkeypatch):
    grace = 3  # seconds without contact before the drill clock stops
    monkeypatch.setitem(app.config, "DRILL_HEARTBEAT_GRACE_SECONDS", grace)
    username = login("trainee")
    with app.app_context():
        trainee = db.session.scalar(db.select(User).where(User.username == username))
        drill_id = make_drill(trainee=trainee, compression=60.0).id  # 1 s = 1 drill minute
    page.goto(f"/drills/{drill_id}/play")
    expect(page.locator("main")).to_contain_text(f"超过 {grace} 秒")
    page.get_by_role("button", name="开始演练").click()
    expect(page.locator("#drill-status")).to_have_text("运行中")
    page.locator("#step-report_manager").click()
    expect(page.locator("#action-log li.confirmed")).to_have_count(1)
    expect(page.locator("#drill-clock")).to_have_text(re.compile(r"08:0[3-9]"))

    page.context.set_offline(True)
    banner = page.locator("#drill-connection")
    expect(banner).to_contain_text("连接中断")
    clock_at_outage = _minutes(page.locator("#drill-clock").inner_text())
    page.locator("#step-start_emergency_mechanism").click()
    page.locator("form.drill-action[data-kind=activate_emergency_plan] button").click()
    pending = page.locator("#action-log li.pending")
    expect(pending).to_have_count(2)
    expect(pending.first).to_contain_text("等待发送")
    expect(banner).to_contain_text("2 项操作等待发送")
    page.screenshot(path=f"{SHOTS}/drill-offline-zh.png", full_page=True)
    page.wait_for_timeout(10_000)  # ten drill minutes, were the clock running

    page.context.set_offline(False)
    expect(pending).to_have_count(0)
    confirmed = page.locator("#action-log li.confirmed")
    expect(confirmed).to_have_count(3)
    expect(banner).to_be_hidden()
    expect(confirmed.nth(0)).to_contain_text("启动应急预案")
    expect(confirmed.nth(1)).to_contain_text("启动应急机制")
    for line in confirmed.all_inner_texts()[:2]:
        # applied at the drill time of arrival, which is where the clock stopped
        assert _minutes(line) - clock_at_outage <= grace + 1, line
    page.screenshot(path=f"{SHOTS}/drill-back-online-zh.png", full_page=True)
    page.wait_for_timeout(3000)  # and the clock runs again
    assert _minutes(page.locator("#drill-clock").inner_text()) >= clock_at_outage + 2
    with app.app_context():
        drill = db.session.get(Drill, drill_id)
        assert len(drill.actions) == 3 and all(a.client_key for a in drill.actions)
        assert [e.kind for e in drill.clock_events][-2:] == ["pause", "resume"]


def test_trainer_watches_pauses_and_injects_while_the_trainee_plays(page, login, app, browser,
                                                                      base_url):
    """Two contexts: the trainee plays; the trainer opens the control room from the drill
    list, sees the trainee's action, injects an event the trainee then sees, and pauses."""
    from tests.factories import DEFAULT_PASSWORD, make_user

    trainer_name = login("trainer")
    with app.app_context():
        trainer = db.session.scalar(db.select(User).where(User.username == trainer_name))
        trainee = make_user(roles=["trainee"])
        trainee_name = trainee.username
        make_drill(trainee=trainee, trainer=trainer, compression=300.0)
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    player = context.new_page()
    player.goto("/login")
    player.fill("#username", trainee_name)
    player.fill("#password", DEFAULT_PASSWORD)
    player.click("button[type=submit]")
    player.wait_for_url("**/")
    player.goto("/drills/")
    player.get_by_role("link", name="进入演练").click()
    player.get_by_role("button", name="开始演练").click()
    expect(player.locator("#drill-status")).to_have_text("运行中")
    player.locator("#step-report_manager").click()
    expect(player.locator("#action-log li.confirmed")).to_have_count(1, timeout=10_000)

    page.goto("/drills/manage")
    page.locator("a.room-link").first.click()
    expect(page.locator("#room-log")).to_contain_text("向售后经理报告")
    expect(page.locator("#room-status")).to_have_text("运行中")
    page.select_option("#code", "media_enquiry")
    page.locator("#room-inject").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#room-log")).to_contain_text("培训师插入的事件")
    expect(player.locator("#alerts")).to_contain_text("报社记者", timeout=10_000)
    page.locator("#room-pause").click()
    expect(page.locator("#room-status")).to_have_text("已暂停")
    expect(player.locator("#drill-status")).to_have_text("已暂停", timeout=10_000)
    page.screenshot(path=f"{SHOTS}/drill-room-zh.png", full_page=True)
    context.close()
