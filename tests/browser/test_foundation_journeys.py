"""A person's first minutes: sign in, see their navigation, switch language, get errors."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NAV_BY_ROLE = {
    "trainee": {"visible": ["首页"], "hidden": ["用户"]},
    "trainer": {"visible": ["首页"], "hidden": ["用户"]},
    "planner": {"visible": ["首页"], "hidden": ["用户"]},
    "admin": {"visible": ["首页", "用户"], "hidden": []},
}
PANEL_BY_ROLE = {"trainee": "我的培训", "trainer": "培训师工作台", "planner": "规划工作台",
                 "admin": "系统管理"}


@pytest.mark.parametrize("role", ["trainee", "trainer", "planner", "admin"])
def test_each_role_signs_in_and_sees_its_navigation(page, login, role, tmp_path):
    login(role)
    nav = page.locator("#main-nav")
    for label in NAV_BY_ROLE[role]["visible"]:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in NAV_BY_ROLE[role]["hidden"]:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name=PANEL_BY_ROLE[role])).to_be_visible()
    page.screenshot(path=str(tmp_path / f"home-{role}.png"))


def test_wrong_password_shows_the_error(page, app):
    from tests.factories import make_user

    with app.app_context():
        make_user(username="browser-wrong")
    page.goto("/login")
    page.fill("#username", "browser-wrong")
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    expect(page.locator("#login-error")).to_contain_text("用户名或密码错误")
    assert page.url.endswith("/login")


def test_switching_language_changes_the_page(page, login):
    login("admin")
    expect(page.get_by_role("heading", name="系统管理")).to_be_visible()
    page.select_option("#lang", "en")
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    page.select_option("#lang", "zh")
    expect(page.get_by_role("heading", name="用户", exact=True)).to_be_visible()


def test_trainee_opening_an_admin_address_is_refused(page, login):
    login("trainee")
    response = page.goto("/admin/users")
    assert response.status == 403
    expect(page.get_by_role("heading", name="无权访问")).to_be_visible()
