"""Browser journeys: the real app served on a local port, driven in Debian's chromium."""

import pytest
from playwright.sync_api import expect

#: A loaded CI machine can take a few seconds for a save or a page: wait up to 15 s for what
#: a person would wait for, instead of Playwright's 5 s (a real failure still fails).
expect.set_options(timeout=15_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative ``page.goto`` paths resolve against the live server."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's chromium; never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Every page starts in Chinese unless a test says otherwise."""
    return {**browser_context_args, "locale": "zh-CN",
            "viewport": {"width": 1280, "height": 860}}


@pytest.fixture
def login(page, app):
    """Sign in through the form as a freshly made user with the given roles."""
    from tests.factories import DEFAULT_PASSWORD, make_user

    def sign_in(*roles, **fields):
        with app.app_context():
            user = make_user(roles=list(roles), **fields)
            username = user.username
        page.goto("/login")
        page.fill("#username", username)
        page.fill("#password", DEFAULT_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        return username

    return sign_in


def sign_in(page, username: str) -> None:
    """Sign ``username`` in through the form (the factories' password)."""
    from tests.factories import DEFAULT_PASSWORD

    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.fixture
def person(browser, base_url):
    """``person(locale, width)``: a fresh browser context (own cookies) for one person."""
    contexts = []

    def open_browser(locale="zh-CN", width=1280):
        context = browser.new_context(base_url=base_url, locale=locale,
                                      viewport={"width": width, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield open_browser
    for context in contexts:
        context.close()
