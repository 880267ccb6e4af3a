"""A team drill in three browsers: the trainer schedules it for a duty supervisor and a
communications officer; both act (one action through an outage, one whose answer is lost);
the trainer injects an event and pauses; the debrief shows who did what and the four
dimensions. The live page also fits a 390 px phone."""

import pytest
from playwright.sync_api import expect

from lms.auth.models import User
from lms.drills.models import Drill, DrillAction
from lms.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.browser
SHOTS = "/tmp/screens"


def _sign_in(browser, base_url, username, **context_args):
    context = browser.new_context(base_url=base_url, locale="zh-CN", **context_args)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return context, page


def test_team_drill_with_a_supervisor_and_a_communications_officer(page, login, app, browser,
                                                                   base_url):
    login("trainer")
    with app.app_context():
        sup = make_user(roles=["trainee"], name="孙主管")
        com = make_user(roles=["trainee"], name="陈专员")
        sup_name, com_name = sup.username, com.username
        sup_label = f"孙主管 ({sup.employee_no})"
        com_label = f"陈专员 ({com.employee_no})"

    # The trainer schedules one team drill with two roles.
    page.goto("/drills/manage")
    page.locator("#team-link").click()
    expect(page.locator("#roles-table")).to_contain_text("对外沟通专员")
    page.select_option("#scenario_id", "group_complaint_surge")
    page.fill("#compression", "900")
    page.select_option("#members-0-trainee_id", label=sup_label)
    page.select_option("#members-0-role", "duty_supervisor")
    page.select_option("#members-1-trainee_id", label=com_label)
    page.select_option("#members-1-role", "communications_officer")
    page.locator("#team-submit").click()
    page.wait_for_url("**/room")
    expect(page.locator("#room-participants")).to_contain_text("孙主管")
    expect(page.locator("#room-participants")).to_contain_text("陈专员")
    with app.app_context():
        drill_id = db.session.scalar(db.select(Drill.id).order_by(Drill.id.desc()))

    # The duty supervisor starts it and reports with the grade.
    sup_context, boss = _sign_in(browser, base_url, sup_name)
    boss.goto("/drills/")
    boss.get_by_role("link", name="进入演练").click()
    expect(boss.locator("#my-role")).to_contain_text("值班主管")
    expect(boss.locator("#clock-rule")).to_contain_text("每位参与者都离开")
    boss.get_by_role("button", name="开始演练").click()
    expect(boss.locator("#drill-status")).to_have_text("运行中")
    # a signal (a cluster of complaints on one model), never the event's name
    expect(boss.locator("#alerts")).to_contain_text("同一型号", timeout=20_000)
    boss.select_option("#report_manager-grade", "L2")
    boss.locator("#step-report_manager").click()
    expect(boss.locator("#action-log li.confirmed")).to_have_count(1)
    expect(boss.locator("form.drill-action[data-kind=publish_unified_reply] button")
           ).to_be_disabled()

    # The communications officer joins the running drill.
    com_context, officer = _sign_in(browser, base_url, com_name)
    officer.goto("/drills/")
    officer.get_by_role("link", name="继续演练").click()
    expect(officer.locator("#my-role")).to_contain_text("对外沟通专员")
    expect(officer.locator("#btn-pause")).to_be_hidden()
    expect(officer.locator("#step-report_manager")).to_be_disabled()
    expect(officer.locator("#team-log")).to_contain_text("孙主管")

    # The unified reply: its answer is lost on the way back, the page resends it, and the
    # server recognises the key: one action stored.
    lost = {"n": 0}

    def lose_first_answer(route):
        if lost["n"] == 0:
            lost["n"] += 1
            route.fetch()  # the server takes it ...
            route.abort()  # ... but the page never hears so
        else:
            route.continue_()

    officer.route("**/actions", lose_first_answer)
    reply = officer.locator("form.drill-action[data-kind=publish_unified_reply]")
    reply.locator("textarea[name=text]").fill("我们已知该型号洗衣机的异响问题,将免费上门检测。")
    reply.locator("button").click()
    expect(officer.locator("#action-log li.confirmed")).to_have_count(1, timeout=15_000)
    officer.unroute("**/actions")
    assert lost["n"] == 1  # the first answer was indeed lost

    # The service-interruption notice goes while the connection is down: it waits on the
    # device and is delivered when the connection is back.
    com_context.set_offline(True)
    officer.fill("#notify_customers-restoration", "明天 09:00 起上门检测,3 天内完成。")
    officer.locator("#step-notify_customers").click()
    expect(officer.locator("#action-log li.pending")).to_have_count(1)
    expect(officer.locator("#drill-connection")).to_contain_text("等待发送")
    officer.wait_for_timeout(2000)
    com_context.set_offline(False)
    expect(officer.locator("#action-log li.pending")).to_have_count(0, timeout=15_000)
    expect(officer.locator("#action-log li.confirmed")).to_have_count(2)
    with app.app_context():
        kinds = [a.kind for a in db.session.scalars(
            db.select(DrillAction).where(DrillAction.drill_id == drill_id))]
    assert kinds.count("publish_unified_reply") == 1 and kinds.count("notify_customers") == 1
    expect(boss.locator("#team-log")).to_contain_text("陈专员", timeout=10_000)
    expect(boss.locator("#team-log")).to_contain_text("发布统一答复口径")

    # The live page on a 390 px phone: nothing wider than the screen, chart text 12 px.
    phone = com_context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"/drills/{drill_id}/play")
    expect(phone.locator("#live-chart svg")).to_be_visible(timeout=10_000)
    expect(phone.locator("#kpi-win-sl")).not_to_have_text("—")
    widths = phone.evaluate("""() => ({doc: document.documentElement.scrollWidth,
        chart: document.querySelector('#live-chart svg').getBoundingClientRect().right,
        font: Math.min(...[...document.querySelectorAll('#live-chart svg text')].map(
            (t) => parseFloat(getComputedStyle(t).fontSize)))})""")
    assert widths["doc"] <= 390, widths
    assert widths["chart"] <= 390, widths
    assert widths["font"] >= 12, widths
    phone.screenshot(path=f"{SHOTS}/team-drill-phone-zh.png", full_page=True)
    phone.close()

    # The trainer sees both people's actions, injects an event, and pauses.
    page.reload()
    expect(page.locator("#room-log")).to_contain_text("孙主管", timeout=10_000)
    expect(page.locator("#room-log")).to_contain_text("陈专员")
    page.select_option("#code", "media_enquiry")
    page.locator("#room-inject").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(boss.locator("#alerts")).to_contain_text("报社记者", timeout=10_000)
    expect(officer.locator("#alerts")).to_contain_text("报社记者", timeout=10_000)
    page.locator("#room-pause").click()
    expect(page.locator("#room-status")).to_have_text("已暂停")
    expect(boss.locator("#drill-status")).to_have_text("已暂停", timeout=10_000)
    expect(boss.locator("#paused-by")).to_contain_text("只有培训师")
    expect(boss.locator("#btn-resume")).to_be_hidden()
    boss.screenshot(path=f"{SHOTS}/team-drill-supervisor-zh.png", full_page=True)
    page.screenshot(path=f"{SHOTS}/team-drill-room-zh.png", full_page=True)

    # The supervisor ends the drill; everyone reads who did what in the debrief.
    boss.on("dialog", lambda dialog: dialog.accept())
    boss.get_by_role("button", name="结束演练").click()
    boss.wait_for_url("**/debrief")
    table = boss.locator("#who-did-what")
    expect(table).to_contain_text("孙主管")
    expect(table).to_contain_text("值班主管")
    expect(table).to_contain_text("陈专员")
    expect(table).to_contain_text("对外沟通专员")
    expect(table).to_contain_text("发布统一答复口径")
    expect(boss.locator("#dimensions tbody tr")).to_have_count(4)
    for name in ("响应时间", "处置效率", "客户满意度", "资源使用"):
        expect(boss.locator("#dimensions")).to_contain_text(name)
    expect(officer).to_have_url(f"{base_url}/drills/{drill_id}/debrief", timeout=10_000)
    page.goto(f"/drills/{drill_id}/debrief")
    expect(page.locator("#who-did-what")).to_contain_text("陈专员")
    page.screenshot(path=f"{SHOTS}/team-drill-debrief-zh.png", full_page=True)
    with app.app_context():
        assert db.session.get(Drill, drill_id).status == "finished"
        assert db.session.scalar(db.select(User).where(User.username == com_name))
    sup_context.close()
    com_context.close()
