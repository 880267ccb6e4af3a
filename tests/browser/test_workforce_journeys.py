"""A planner's forecasting journey: upload history, see the data report, forecast with a
special event, read the backtest, make a scenario, re-forecast the day with actuals."""

import csv
import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.forecast.synth import rows, weekly

pytestmark = pytest.mark.browser
SHOTS = "/tmp/screens"


def _history_file(tmp_path, bad_row: bool = False):
    data = rows(dt.date(2026, 7, 6), 35, weekly(600.0), seed=11)
    data.append(dict(data[30]))  # one repeated export row
    if bad_row:
        data[4]["offered"] = "n/a"
    path = tmp_path / ("bad.csv" if bad_row else "history.csv")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(data[0]))
        writer.writeheader()
        writer.writerows(data)
    return str(path)


def test_planner_forecasts_from_history_and_makes_a_scenario(page, login, tmp_path):
    login("planner")
    page.goto("/workforce/")
    page.get_by_role("link", name="上传历史").first.click()

    # a bad file imports nothing and names the row
    page.set_input_files("#file", _history_file(tmp_path, bad_row=True))
    page.get_by_role("button", name="导入").click()
    expect(page.locator("#import-problems")).to_contain_text("第 6 行")
    expect(page.locator("#import-problems")).to_contain_text("n/a")

    page.set_input_files("#file", _history_file(tmp_path))
    page.fill("#name", "七月历史")
    page.get_by_role("button", name="导入").click()
    expect(page.locator(".flash-success")).to_contain_text("历史已导入")
    expect(page.locator("#repeated-rows")).to_contain_text("2026-07-07 09:00")
    page.screenshot(path=f"{SHOTS}/workforce-history-zh.png", full_page=True)
    history_url = page.url

    # a special event in the forecast horizon
    page.goto("/workforce/events")
    page.fill("#name", "新品发布")
    page.select_option("#kind", "launch")
    page.fill("#first_day", "2026-08-12")
    page.fill("#last_day", "2026-08-13")
    page.fill("#volume_factor", "1.5")
    page.get_by_role("button", name="添加").click()
    expect(page.locator("#events")).to_contain_text("新品发布")

    page.goto(history_url)
    page.fill("#horizon_days", "14")
    page.fill("#holdout_days", "7")
    page.get_by_role("button", name="开始预测").click()
    expect(page.locator("#backtest")).to_be_visible(timeout=60_000)
    expect(page.locator("figure svg").first).to_be_visible()
    expect(page.locator("svg rect.band").first).to_be_attached()  # the event is shaded
    page.screenshot(path=f"{SHOTS}/workforce-forecast-zh.png", full_page=True)
    forecast_url = page.url

    page.get_by_role("link", name="用此预测生成场景").click()
    page.fill("#name", "八月第二周")
    page.select_option("#first_day", "2026-08-10")
    page.fill("#days", "7")
    page.get_by_role("button", name="生成场景").click()
    expect(page.locator(".flash-success")).to_contain_text("已用预测生成场景")
    expect(page.get_by_role("heading", level=1)).to_contain_text("八月第二周")

    # intraday: a busy morning raises the rest of the day
    page.goto(forecast_url + "/intraday?queue=consultation&day=2026-08-10")
    lines = "\n".join(f"{8 + s // 2:02d}:{30 * (s % 2):02d}, 60" for s in range(8))
    page.fill("#actuals", lines)
    page.get_by_role("button", name="保存并重新预测").click()
    expect(page.locator(".flash-success")).to_contain_text("8")
    ratio = float(page.locator("#volume-ratio").inner_text().lstrip("×"))
    assert ratio > 1.1
    page.screenshot(path=f"{SHOTS}/workforce-intraday-zh.png", full_page=True)
