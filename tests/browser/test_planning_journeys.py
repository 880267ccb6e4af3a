"""A planner's journey: copy a scenario, edit it, run it, compare two variants, get the PDF."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SHOTS = "/tmp/screens"


def _wait_for_results(page):
    page.wait_for_url("**/planning/runs/*")
    expect(page.locator("#job-progress")).to_have_count(0, timeout=60_000)


def test_planner_edits_runs_compares_and_downloads_the_pdf(page, login):
    login("planner")
    page.goto("/planning/")
    page.screenshot(path=f"{SHOTS}/planning-index-zh.png", full_page=True)
    card = page.locator("article.card", has_text="稳态单队列")
    card.get_by_role("button", name="复制到我的场景").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("稳态单队列")

    # a bad value is shown beside its field; a good one is saved
    page.get_by_role("link", name="用表单编辑").click()
    page.fill("#horizon_hours", "-2")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#horizon_hours-error")).to_contain_text("-2")
    page.screenshot(path=f"{SHOTS}/planning-edit-error-zh.png", full_page=True)
    page.fill("#horizon_hours", "6")
    page.fill("#queues-0-calls_per_day", "12000")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("场景已保存")

    # a variant with more staff, edited in the staffing table
    page.fill("#name", "多 6 人")
    page.get_by_role("button", name="复制为变体").click()
    page.goto(page.url.replace("/edit", "/tables"))
    page.fill("#staff-agents-0", "56")
    page.screenshot(path=f"{SHOTS}/planning-tables-zh.png", full_page=True)
    page.get_by_role("button", name="保存表格").click()
    expect(page.locator(".flash-success")).to_contain_text("时段表已保存")

    # run the variant
    page.fill("#replications", "3")
    page.get_by_role("button", name="运行", exact=True).click()
    _wait_for_results(page)
    expect(page.get_by_role("heading", name="指标与目标对照")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/planning-result-zh.png", full_page=True)

    # compare the variant with the original
    page.goto("/planning/compare")
    options = page.locator("#scenario_ids option")
    page.select_option("#scenario_ids", [options.nth(1).get_attribute("value"),
                                         options.nth(0).get_attribute("value")])
    page.fill("#replications", "3")
    page.get_by_role("button", name="比较").click()
    _wait_for_results(page)
    expect(page.get_by_role("heading", name="方案并列对比")).to_be_visible()
    expect(page.locator(".compare-table")).to_contain_text("显著")
    page.screenshot(path=f"{SHOTS}/planning-compare-zh.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF 报告").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.select_option("#lang", "en")
    expect(page.get_by_role("heading", name="Variants side by side")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/planning-compare-en.png", full_page=True)
