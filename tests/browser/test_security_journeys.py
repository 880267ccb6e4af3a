"""Sessions a person can see and end, in several browsers at once (issue 10, items 2-4).

A trainee signed in on a shared PC and on a phone ends the other session from "My account";
an administrator deactivates someone whose page is open; a colleague locked out by typos is
unlocked by the administrator. Each person is a separate browser context.
"""

import pytest
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.browser


def _sign_in(page, username: str, password: str = DEFAULT_PASSWORD):
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


@pytest.fixture
def person(browser, base_url):
    """A fresh browser context (its own cookies) per person; closed at the end."""
    contexts = []

    def open_browser(locale="zh-CN", width=1280):
        context = browser.new_context(base_url=base_url, locale=locale,
                                      viewport={"width": width, "height": 860})
        contexts.append(context)
        return context.new_page()

    yield open_browser
    for context in contexts:
        context.close()


def test_trainee_signs_out_the_phone_from_the_pc(app, person, tmp_path):
    with app.app_context():
        make_user(username="two-devices", roles=["trainee"])
    pc, phone = person(), person(locale="en-US", width=390)
    _sign_in(pc, "two-devices")
    _sign_in(phone, "two-devices")
    phone.wait_for_url("**/")
    phone.goto("/account/sessions")
    expect(phone.get_by_text("Chrome · Linux").first).to_be_visible()
    phone.screenshot(path=str(tmp_path / "sessions-phone-en.png"), full_page=True)
    pc.get_by_role("link", name="我的账户").click()
    pc.get_by_role("link", name="您的登录设备").click()
    expect(pc.get_by_role("heading", name="您的登录设备")).to_be_visible()
    expect(pc.locator("#session-list li")).to_have_count(2)
    expect(pc.get_by_text("当前浏览器", exact=True)).to_be_visible()
    pc.screenshot(path=str(tmp_path / "sessions-zh.png"), full_page=True)
    pc.click("#end-all")
    expect(pc.locator(".flash")).to_contain_text("1")
    expect(pc.locator("#session-list li")).to_have_count(1)
    phone.reload()
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    phone.screenshot(path=str(tmp_path / "phone-signed-out-en.png"), full_page=True)


def test_deactivated_trainee_is_signed_out_on_the_next_click(app, person):
    with app.app_context():
        make_user(username="desk-admin", roles=["admin"])
        make_user(username="leaving", roles=["trainee"], name="Leaving Person")
    admin, trainee = person(), person()
    _sign_in(trainee, "leaving")
    trainee.wait_for_url("**/")
    _sign_in(admin, "desk-admin")
    admin.goto("/admin/users?q=leaving")
    row = admin.locator("tr", has_text="Leaving Person")
    row.get_by_role("button", name="停用").click()
    expect(admin.locator(".flash")).to_contain_text("已停用")
    trainee.reload()
    expect(trainee.get_by_role("heading", name="登录")).to_be_visible()
    _sign_in(trainee, "leaving")
    expect(trainee.locator("#login-error")).to_contain_text("已被停用")


def test_admin_unlocks_a_colleague_locked_out_by_typos(app, person, tmp_path):
    with app.app_context():
        make_user(username="typist", roles=["trainee"])
        make_user(username="lock-admin", roles=["admin"])
    typist, admin = person(), person(locale="en-US")
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        _sign_in(typist, "typist", "wrong-password")
    _sign_in(typist, "typist")
    expect(typist.locator("#login-error")).to_contain_text("登录失败次数过多")
    _sign_in(admin, "lock-admin")
    admin.goto("/admin/sign-in-locks")
    expect(admin.locator("#lock-list")).to_contain_text("typist")
    admin.screenshot(path=str(tmp_path / "locks-en.png"), full_page=True)
    admin.get_by_role("button", name="Unlock").first.click()
    expect(admin.locator(".flash")).to_contain_text("lifted")
    _sign_in(typist, "typist")
    typist.wait_for_url("**/")
    expect(typist.locator("#panel-trainee")).to_be_visible()
