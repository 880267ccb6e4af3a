"""Effectiveness journeys: a manager opens the dashboard, drills down and downloads the PDF."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.evaluation.factories import trained_cohort

pytestmark = pytest.mark.browser


def test_manager_opens_the_dashboard_and_downloads_the_pdf(page, login, app):
    with app.app_context():
        trained_cohort()
    login("trainer")
    page.get_by_role("link", name="培训成效", exact=True).click()
    expect(page.get_by_role("heading", name="培训效果评估")).to_be_visible()
    expect(page.locator("#level2")).to_contain_text("service-standards")
    expect(page.locator("#level4 svg").first).to_be_visible()
    page.screenshot(path="/tmp/screens/evaluation-dashboard.png", full_page=True)
    with page.expect_download() as download_info:
        page.locator("#download-pdf").click()
    with open(download_info.value.path(), "rb") as pdf_file:
        data = pdf_file.read()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "培训效果评估报告" in text and "第四层" in text

    page.locator("#people a").first.click()
    expect(page.locator("#person-kpis")).to_contain_text("2026-10")
    page.screenshot(path="/tmp/screens/evaluation-person.png", full_page=True)
    page.goto("/evaluation/staff")
    expect(page.locator("#meets-summary")).to_be_visible()
    page.screenshot(path="/tmp/screens/evaluation-staff.png", full_page=True)
    page.goto("/evaluation/impact")
    expect(page.locator("#mapping")).to_be_visible()
    page.locator("#run-impact").click()
    # The run is a background job: the progress box polls and the page reloads when done.
    expect(page.locator("#worth")).to_contain_text("名坐席", timeout=120_000)
    page.screenshot(path="/tmp/screens/evaluation-impact.png", full_page=True)
    page.select_option("#lang", "en")
    expect(page.locator("#worth")).to_contain_text("agents at peak")
    page.screenshot(path="/tmp/screens/evaluation-impact-en.png", full_page=True)
    page.goto("/evaluation/")
    page.screenshot(path="/tmp/screens/evaluation-dashboard-en.png", full_page=True)
