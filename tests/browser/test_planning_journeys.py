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
    page.get_by_role("button", name="保存", exact=True).first.click()
    expect(page.locator("#horizon_hours-error")).to_contain_text("-2")
    page.screenshot(path=f"{SHOTS}/planning-edit-error-zh.png", full_page=True)
    page.fill("#horizon_hours", "6")
    page.fill("#queues-0-calls_per_day", "12000")
    page.get_by_role("button", name="保存", exact=True).first.click()
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
        expect(page.locator("#run-pdf + .wait-status")).to_contain_text("正在生成文件")
    assert download.value.suggested_filename.endswith(".pdf")
    expect(page.locator("#run-pdf + .wait-status")).to_contain_text("文件已生成")

    page.select_option("#lang", "en")
    expect(page.get_by_role("heading", name="Variants side by side")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/planning-compare-en.png", full_page=True)


def _copy(page, title: str):
    page.goto("/planning/")
    page.locator("article.card", has_text=title).get_by_role(
        "button", name="复制到我的场景").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    return page.url


def test_planner_sees_the_week_fills_tables_and_finds_a_yaml_line(page, login):
    login("planner")
    scenario_url = _copy(page, "完整一周")
    expect(page.locator(".profile-chart svg")).to_be_visible()
    expect(page.locator(".profile-chart svg rect title", has_text="停线时段")).to_have_count(8)
    page.screenshot(path=f"{SHOTS}/planning-profile-zh.png", full_page=True)

    # interval tables: fill a range of one column, then copy Monday to every day
    page.goto(scenario_url + "/tables")
    helpers = page.locator(".table-helpers[data-table=staffing-table]")
    helpers.locator("[data-role=column]").select_option("frontline")
    helpers.locator("[data-role=from]").fill("17")
    helpers.locator("[data-role=to]").fill("20")
    helpers.locator("[data-role=value]").fill("40")
    helpers.get_by_role("button", name="用该数值填充").click()
    expect(page.locator("#staff-frontline-18")).to_have_value("40")
    expect(page.locator("#staff-frontline-20")).not_to_have_value("40")
    helpers.get_by_role("button", name="把第一天复制到每一天").click()
    expect(page.locator("#staff-frontline-306")).to_have_value("40")    # Sunday 09:00
    expect(page.get_by_label("一线客服专员, d7 09:00")).to_have_value("40")
    page.screenshot(path=f"{SHOTS}/planning-table-helpers-zh.png", full_page=True)
    page.get_by_role("button", name="保存表格").click()
    expect(page.locator(".flash-success")).to_contain_text("时段表已保存")

    # YAML: a wrong value is reported with its line; the link puts the cursor on it
    page.goto(scenario_url + "/yaml")
    text = page.input_value("#yaml_text").replace("horizon_hours: 168", "horizon_hours: -1")
    page.fill("#yaml_text", text)
    page.get_by_role("button", name="保存").click()
    line = next(i for i, row in enumerate(text.splitlines(), start=1)
                if row.startswith("horizon_hours"))
    link = page.locator(f"[data-yaml-line='{line}']")
    expect(link).to_contain_text(f"第 {line} 行")
    link.click()
    selected = page.evaluate("() => { const t = document.querySelector('#yaml_text');"
                             " return t.value.slice(t.selectionStart, t.selectionEnd); }")
    assert selected.startswith("horizon_hours: -1")
    expect(page.locator("#yaml-cursor")).to_contain_text(f"第 {line} 行")
    page.screenshot(path=f"{SHOTS}/planning-yaml-line-zh.png", full_page=True)


def test_planner_follows_and_cancels_a_staffing_search(page, login):
    login("planner")
    scenario_url = _copy(page, "完整一周")
    page.fill("#replications", "8")
    page.get_by_role("button", name="计算所需人员").click()
    page.wait_for_url("**/planning/runs/*")
    expect(page.locator("#job-detail")).to_contain_text("次重复", timeout=30_000)
    expect(page.locator("#job-detail")).to_contain_text("约剩", timeout=30_000)
    page.screenshot(path=f"{SHOTS}/planning-progress-zh.png", full_page=True)
    page.get_by_role("button", name="取消运行").click()
    expect(page.locator("#job-status")).to_have_text("已取消", timeout=30_000)
    assert scenario_url


def test_planner_adds_an_event_in_the_form_and_picks_the_baseline(page, login):
    login("planner")
    _copy(page, "稳态单队列")
    page.get_by_role("link", name="用表单编辑").click()
    page.select_option("#add_event_type", "group_complaint_surge")
    page.get_by_role("button", name="添加该事件").click()
    expect(page.locator("fieldset[data-part=event]")).to_have_count(1)
    page.fill("#events-0-end_hour", "3")
    page.fill("#events-0-magnitude", "3")
    page.get_by_role("button", name="保存", exact=True).first.click()
    expect(page.locator(".flash-success")).to_contain_text("场景已保存")
    expect(page.locator(".profile-chart svg")).to_contain_text("群体投诉")
    page.fill("#name", "无事件")
    page.get_by_role("button", name="复制为变体").click()
    page.get_by_role("button", name="删除这个事件").click()
    expect(page.locator("fieldset[data-part=event]")).to_have_count(0)
    page.get_by_role("button", name="保存", exact=True).first.click()
    page.get_by_role("link", name="比较").click()
    expect(page.locator("#baseline option:checked")).not_to_have_text("所选的第一个")
    page.screenshot(path=f"{SHOTS}/planning-compare-baseline-zh.png", full_page=True)
