"""Offline practice in two browsers: a trainer schedules, a trainee enrols on a phone, the
trainer takes attendance and signs the checklist off on a tablet, the trainee sees the hours.

Screenshots at 390 px (phone) and 768 px (tablet), in Chinese and English, go to tmp_path.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from lms.practice import checklists
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.practice.factories import onsite_course

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _sign_in(page, username: str):
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.fixture
def person(browser, base_url):
    """A fresh browser context (own cookies) per person; closed at the end."""
    contexts = []

    def open_browser(locale="zh-CN", width=1280, height=900):
        context = browser.new_context(base_url=base_url, locale=locale,
                                      viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield open_browser
    for context in contexts:
        context.close()


def _session_times() -> tuple[str, str, str, float]:
    """A session starting in ~10 minutes (Shanghai time), ending the same day."""
    now = datetime.now(SHANGHAI).replace(tzinfo=None)
    start = (now + timedelta(minutes=10)).replace(second=0, microsecond=0)
    start += timedelta(minutes=(5 - start.minute % 5) % 5)
    end = start + timedelta(hours=1)
    if end.date() != start.date():
        end = start.replace(hour=23, minute=59)
    hours = round((end - start).total_seconds() / 3600, 2)
    return start.strftime("%Y-%m-%d"), start.strftime("%H:%M"), end.strftime("%H:%M"), hours


def _fits(page, width: int) -> None:
    """Nothing is wider than the screen, and the tap targets are big enough for a finger."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for box in [b.bounding_box() for b in page.locator("button.tap").all()[:6]]:
        assert box["height"] >= 48 and box["width"] >= 60


def test_practice_session_from_scheduling_to_signed_off(app, person, tmp_path):
    with app.app_context():
        course = onsite_course()
        make_user(username="coach-wang", roles=["trainer"], name="王带教 Coach Wang")
        trainee = make_user(username="new-lin", roles=["trainee"], name="林新 Lin Xin")
        from tests.courses.factories import assign_to

        assign_to(course, trainee)
        items = len(checklists.items_of(course))
    day, start, end, hours = _session_times()

    trainer = person(width=1280)
    _sign_in(trainer, "coach-wang")
    trainer.get_by_role("link", name="线下实践").first.click()
    trainer.get_by_role("link", name="安排实践").click()
    trainer.select_option("#course_id", label="跟岗实践与现场实习")
    trainer.select_option("#lesson_id", label="跟听热线与在线客服")
    trainer.fill("#day", day)
    trainer.fill("#start_time", start)
    trainer.fill("#end_time", end)
    trainer.fill("#place", "热线东区服务台")
    trainer.fill("#capacity", "4")
    trainer.get_by_role("button", name="保存实践安排").click()
    expect(trainer.locator(".flash-success")).to_contain_text(f"{day} {start}")
    session_url = trainer.url

    phone = person(locale="en-US", width=390, height=844)
    _sign_in(phone, "new-lin")
    phone.get_by_role("button", name="Menu").click()
    phone.locator("#main-nav").get_by_role("link", name="My practice").click()
    phone.get_by_role("link", name="Sessions and checklist").click()
    offer = phone.locator(".offer").first
    expect(offer).to_contain_text(f"{day} {start}")
    expect(offer).to_contain_text("4 of 4 places free")
    offer.get_by_role("button", name="Enrol").click()
    expect(phone.locator(".flash-success")).to_contain_text("You are enrolled")
    expect(phone.locator(".offer").first).to_contain_text("You are enrolled")
    _fits(phone, 390)
    phone.screenshot(path=str(tmp_path / "trainee-enrolled-390-en.png"), full_page=True)

    trainer.goto(session_url)
    expect(trainer.locator("table.roster")).to_contain_text("林新 Lin Xin")
    trainer.set_viewport_size({"width": 768, "height": 1024})
    trainer.get_by_role("link", name="记录考勤").click()
    row = trainer.locator(".att-row", has_text="林新 Lin Xin")
    expect(row.locator("[data-tap-state]")).to_have_text("尚未记录")
    row.get_by_role("button", name="迟到").click()
    expect(row.locator("[data-tap-state]")).to_contain_text("已保存")
    row.get_by_role("button", name="出勤").click()
    expect(row.locator("[data-tap-state]")).to_contain_text("出勤 · 已保存")
    _fits(trainer, 768)
    trainer.screenshot(path=str(tmp_path / "attendance-768-zh.png"), full_page=True)
    trainer.reload()  # what was confirmed is what the server holds
    row = trainer.locator(".att-row", has_text="林新 Lin Xin")
    expect(row.get_by_role("button", name="出勤")).to_have_attribute("aria-pressed", "true")
    expect(row.get_by_role("button", name="迟到")).to_have_attribute("aria-pressed", "false")

    trainer.goto(session_url)
    trainer.locator("table.roster").get_by_role("link", name=f"已观察到 0 / {items} 项").click()
    trainer.get_by_role("button", name="签认检查清单").click()
    expect(trainer.locator(".flash-danger")).to_contain_text(f"还有 {items} 项尚未观察到")
    rows = trainer.locator(".mark-row")
    expect(rows).to_have_count(items)
    for index in range(items):
        mark = rows.nth(index)
        if index == 0:
            mark.locator("textarea").fill("观察表填写认真")
        mark.get_by_role("button", name="已观察到").click()
        expect(mark.locator("[data-tap-state]")).to_contain_text("已保存")
    expect(trainer.locator("#checklist-progress")).to_have_text(f"已观察到 {items} / {items} 项")
    _fits(trainer, 768)
    trainer.screenshot(path=str(tmp_path / "checklist-768-zh.png"), full_page=False)
    trainer.get_by_role("button", name="签认检查清单").click()
    expect(trainer.locator(".flash-success")).to_contain_text("已签认")
    expect(trainer.locator("#signoff-state")).to_contain_text("王带教 Coach Wang")
    expect(trainer.locator(".audit-trail")).to_contain_text("检查清单已签认")

    tablet_en = person(locale="en-US", width=768, height=1024)
    _sign_in(tablet_en, "coach-wang")
    tablet_en.goto(session_url + "/attendance")
    expect(tablet_en.locator(".att-row").first).to_contain_text("Present · Saved")
    _fits(tablet_en, 768)
    tablet_en.screenshot(path=str(tmp_path / "attendance-768-en.png"), full_page=True)

    phone.reload()
    expect(phone.locator("#my-hours")).to_have_attribute("data-hours", str(hours))
    expect(phone.locator("#my-hours")).to_contain_text(f"{hours:.1f} of 31.0 planned hours")
    expect(phone.locator("#checklist")).to_contain_text("Signed off")
    expect(phone.locator("#checklist")).to_contain_text("观察表填写认真")
    _fits(phone, 390)
    phone.screenshot(path=str(tmp_path / "trainee-signed-off-390-en.png"), full_page=True)

    phone_zh = person(locale="zh-CN", width=390, height=844)
    _sign_in(phone_zh, "new-lin")
    expect(phone_zh.locator("#practice-widget")).to_contain_text("已签认")
    phone_zh.goto("/practice/my/onsite-practice")
    expect(phone_zh.locator("#checklist")).to_contain_text("已签认")
    expect(phone_zh.locator("#my-hours")).to_contain_text(f"已参加 {hours:.1f} / 31.0 计划学时")
    _fits(phone_zh, 390)
    phone_zh.screenshot(path=str(tmp_path / "trainee-signed-off-390-zh.png"), full_page=True)
