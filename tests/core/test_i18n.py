"""Every page speaks Chinese and English; no string is left untranslated."""

from lms.i18n_tools import extract_messages, missing_translations
from tests.factories import make_user


def test_every_string_in_code_and_templates_has_a_chinese_translation():
    assert len(extract_messages()) > 100  # the extractor really sees the code
    missing = missing_translations()
    listing = "\n".join(f"{where[0]}: {msgid!r}" for msgid, where in missing.items())
    assert not missing, f"untranslated strings (add them with lms.i18n_tools):\n{listing}"


def test_switching_language_from_any_page_changes_it_and_is_remembered(client, auth, app):
    auth.as_role("admin", username="lang")
    assert "欢迎" in client.get("/").get_data(as_text=True)  # default Chinese
    response = auth.post("/language", {"lang": "en", "next": "/admin/users"})
    assert response.location == "/admin/users"
    assert "Welcome" in client.get("/").get_data(as_text=True)
    # Remembered on the account: a fresh browser signs in and sees English.
    fresh = app.test_client()
    from tests.conftest import Auth

    Auth(fresh, app).login("lang")
    assert "Welcome" in fresh.get("/").get_data(as_text=True)


def test_anonymous_visitor_can_switch_the_login_page(client, auth):
    auth.post("/language", {"lang": "en", "next": "/login"}, form_page="/login")
    assert "Sign in" in client.get("/login").get_data(as_text=True)
    auth.post("/language", {"lang": "zh", "next": "/login"}, form_page="/login")
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_browser_language_is_the_default_for_visitors(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert 'lang="en"' in page.get_data(as_text=True)


def test_user_locale_choice_beats_the_browser(client, auth, app):
    with app.app_context():
        make_user(username="zhuser", locale="zh")
    auth.login("zhuser")
    page = client.get("/", headers={"Accept-Language": "en"})
    assert "欢迎" in page.get_data(as_text=True)
