"""A week of rostering played by three people: an agent asks for a day off on her phone, the
planner approves it, sets a colleague's part-time contract, solves and publishes a roster;
the agent with the day off has no shift that day, the part-timer gets a short shift and
prints it, and both are told."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.browser
SHOTS = "/tmp/screens"


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def test_day_off_contract_roster_publish_and_print(app, person):
    day = dt.date.today() + dt.timedelta(days=9)
    with app.app_context():
        make_user(username="plan-wu", roles=["planner"], name="吴排班", department="Planning")
        make_user(username="ann", roles=["trainee"], name="Ann Chen", locale="en",
                  department="Hotline East")
        bo_id = make_user(username="bo", roles=["trainee"], name="薄一",
                          department="Hotline East").id

    ann = person(locale="en-US", width=390)
    sign_in(ann, "ann")
    ann.goto("/rostering/mine")
    ann.fill("#day", day.isoformat())
    ann.fill("#reason", "Moving house")
    ann.click("#ask-day-off")
    expect(ann.locator(".flash-success")).to_contain_text(day.isoformat())
    expect(ann.locator("#my-days-off")).to_contain_text("Waiting for a decision")
    _fits(ann)
    ann.screenshot(path=f"{SHOTS}/rostering-day-off-en-390.png", full_page=True)

    planner = person()
    sign_in(planner, "plan-wu")
    planner.goto("/rostering/")
    expect(planner.locator("#requests-link")).to_be_visible()
    planner.click("#requests-link")
    expect(planner.locator("#waiting")).to_contain_text("Ann Chen")
    expect(planner.locator("#waiting")).to_contain_text("Moving house")
    planner.get_by_role("button", name="批准", exact=True).click()
    expect(planner.locator("#none-waiting")).to_be_visible()
    expect(planner.locator("#decided")).to_contain_text("已批准")

    planner.goto(f"/rostering/people/{bo_id}")
    planner.select_option("#kind", "part_time")
    planner.fill("#min_hours", "0")
    planner.fill("#max_hours", "24")
    planner.fill("#max_days", "4")
    planner.fill("#max_consecutive_days", "4")
    planner.get_by_role("button", name="保存").click()
    expect(planner.locator("#people")).to_contain_text("兼职")

    planner.goto("/rostering/")
    planner.fill("#name", "下周热线")
    for value in ("early", "day", "late", "part"):
        planner.locator(f"input[name=templates][value={value}]").check()
    planner.select_option("#department", label="Hotline East")
    planner.fill("#starts_on", day.isoformat())
    planner.fill("#time_limit", "3")
    planner.get_by_role("button", name="求解").click()
    expect(planner.locator("#roster")).to_be_visible(timeout=90_000)
    roster = planner.locator("#roster")
    expect(roster).to_contain_text("薄一")
    expect(roster).not_to_contain_text("Ann Chen")  # her approved day off
    planner.screenshot(path=f"{SHOTS}/rostering-plan-zh.png", full_page=True)
    planner.get_by_role("button", name="发布").click()
    expect(planner.locator(".flash-success")).to_be_visible()

    bo = person()
    sign_in(bo, "bo")
    expect(bo.locator("#notify-bell")).not_to_have_attribute("data-unread", "0")
    bo.goto("/rostering/mine")
    expect(bo.locator("#my-shifts")).to_contain_text("兼职")
    with bo.expect_download() as download:
        bo.click("#my-shifts-pdf")
    assert download.value.suggested_filename.endswith(".pdf")

    ann.goto("/notifications/")
    expect(ann.locator("main")).to_contain_text("approved")
    ann.goto("/rostering/mine")
    expect(ann.locator("#my-days-off [data-status=approved]")).to_be_visible()
    expect(ann.locator("#my-shifts")).to_have_count(0)
    _fits(ann)
