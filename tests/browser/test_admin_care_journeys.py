"""The administrator's duty of care in the browser (issue 12, items 4, 5, 8).

The administrator renames the site and sees the new name at once; a trainee downloads their
personal data and asks for erasure; the administrator approves it and the audit log shows
who did what. Each person is a separate browser context.
"""

import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.browser


def _sign_in(page, username: str, password: str = DEFAULT_PASSWORD):
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.fixture
def person(browser, base_url):
    """A fresh browser context (its own cookies) per person; closed at the end."""
    contexts = []

    def open_browser(locale="zh-CN"):
        context = browser.new_context(base_url=base_url, locale=locale,
                                      viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)
        contexts.append(context)
        return context.new_page()

    yield open_browser
    for context in contexts:
        context.close()


def test_admin_renames_the_site_and_sees_it(app, person, tmp_path):
    with app.app_context():
        make_user(username="chief", roles=["admin"])
    admin = person()
    _sign_in(admin, "chief")
    admin.get_by_role("link", name="站点设置").click()
    expect(admin.get_by_role("heading", name="站点设置")).to_be_visible()
    admin.fill("#name_zh", "华东售后学院")
    admin.fill("#name_en", "East China Service Academy")
    admin.fill("#due_soon_days", "5")
    admin.get_by_role("button", name="保存设置").click()
    expect(admin.locator(".flash")).to_contain_text("设置已保存")
    expect(admin.locator(".brand")).to_have_text("华东售后学院")
    expect(admin).to_have_title("站点设置 · 华东售后学院")
    admin.screenshot(path=str(tmp_path / "settings-zh.png"), full_page=True)
    admin.get_by_role("link", name="审计日志").click()
    rows = admin.locator("#audit-list tbody tr")
    expect(rows.filter(has_text="站点名称（中文）")).to_have_count(1)
    expect(rows.filter(has_text="即将到期提醒").first).to_contain_text("3 → 5")


def test_trainee_downloads_their_data_and_admin_approves_erasure(app, person, tmp_path):
    with app.app_context():
        make_user(username="chief", roles=["admin"], name="Chief Admin")
        make_user(username="leaving", roles=["trainee"], name="周敏", employee_no="E7001")
    trainee = person(locale="en-US")
    _sign_in(trainee, "leaving")
    trainee.get_by_role("link", name="My personal data").click()
    with trainee.expect_download() as download_info:
        trainee.get_by_role("button", name="Download my data (ZIP)").click()
    saved = tmp_path / "mine.zip"
    download_info.value.save_as(saved)
    archive = zipfile.ZipFile(io.BytesIO(saved.read_bytes()))
    assert json.loads(archive.read("data.json"))["users"][0]["name"] == "周敏"
    trainee.fill("#reason", "I am leaving the company")
    trainee.check("#understood")
    trainee.get_by_role("button", name="Ask for erasure").click()
    expect(trainee.locator("#erasure-pending")).to_be_visible()
    trainee.screenshot(path=str(tmp_path / "privacy-en.png"), full_page=True)

    admin = person()
    _sign_in(admin, "chief")
    admin.goto("/admin/privacy")
    row = admin.locator("#erasure-requests tbody tr").filter(has_text="周敏")
    expect(row).to_contain_text("等待审批")
    admin.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="批准并删除").click()
    expect(admin.locator(".flash")).to_contain_text("身份信息已删除")
    expect(admin.locator("#erasure-requests")).not_to_contain_text("周敏")
    expect(admin.locator("#erasure-requests tbody tr").first).to_contain_text("已批准")
    admin.screenshot(path=str(tmp_path / "requests-zh.png"), full_page=True)
    admin.goto("/admin/audit/?kind=erasure_request")
    expect(admin.locator("#audit-list tbody tr")).to_have_count(2)
    expect(admin.locator("#audit-list")).to_contain_text("Chief Admin")

    trainee.reload()
    expect(trainee.get_by_role("heading", name="Sign in")).to_be_visible()
