"""Sessions that really end (issue 10, items 2, 3 and 14), through the app and over real HTTP.

A copied session cookie is replayed after each way a session should end: sign-out, sign out
everywhere, a password change, an administrator's reset and deactivation. Each replay must
land on the sign-in page.
"""

import re

import pytest
import requests

from lms.auth.models import User, UserSession
from lms.extensions import db
from tests.conftest import Auth, csrf_token
from tests.factories import DEFAULT_PASSWORD, make_user

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app, cookie: str):
    """A different client carrying only a copy of ``cookie``."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/")


def test_cookie_replayed_after_sign_out_is_refused(client, auth, app):
    auth.as_role("trainee", username="leaver")
    copied = _cookie(client)
    assert _replay(app, copied).status_code == 200
    auth.post("/logout")
    response = _replay(app, copied)
    assert response.status_code == 302 and response.location.startswith("/login")


def test_remembered_sign_in_survives_the_browser_but_not_sign_out(client, auth, app):
    with app.app_context():
        make_user(username="keeper")
    token = csrf_token(client)
    client.post("/login", data={"username": "keeper", "password": DEFAULT_PASSWORD,
                                "remember": "y", "csrf_token": token})
    cookie = client.get_cookie("session")
    lifetime = cookie.expires.timestamp() - __import__("time").time()
    days = app.config["REMEMBER_DAYS"]
    assert days * 86400 - 120 < lifetime <= days * 86400 + 5
    copied = cookie.value
    auth.post("/logout")
    assert _replay(app, copied).status_code == 302


def test_sign_out_everywhere_ends_the_other_browsers(client, auth, app):
    auth.as_role("trainee", username="many")
    phone = app.test_client()
    Auth(phone, app).login("many")
    assert phone.get("/").status_code == 200
    page = client.get("/account/sessions").get_data(as_text=True)
    assert page.count("<li>") >= 2  # two sessions
    auth.post("/account/sessions/end", {"session_id": "all"}, form_page="/account/sessions")
    assert phone.get("/").status_code == 302
    assert client.get("/").status_code == 200  # this browser stays signed in


def test_ending_someone_elses_session_is_refused(client, auth, app):
    auth.as_role("trainee", username="me")
    other = app.test_client()
    Auth(other, app).as_role("trainee", username="them")
    with app.app_context():
        theirs = db.session.scalar(db.select(UserSession.id).join(User)
                                   .where(User.username == "them"))
    response = auth.post("/account/sessions/end", {"session_id": str(theirs)},
                         form_page="/account/sessions")
    assert response.status_code == 404
    assert other.get("/").status_code == 200


def test_password_change_ends_every_other_session(client, auth, app):
    auth.as_role("trainee", username="changer")
    laptop = app.test_client()
    Auth(laptop, app).login("changer")
    auth.post("/account/password", {"current_password": DEFAULT_PASSWORD,
                                    "new_password": "fresh-winter-2031",
                                    "confirm": "fresh-winter-2031"})
    assert laptop.get("/").status_code == 302
    assert client.get("/").status_code == 200


def test_admin_reset_and_deactivation_end_open_sessions(client, auth, app):
    auth.as_role("admin", username="boss")
    victim_client = app.test_client()
    victim_id = Auth(victim_client, app).as_role("trainee", username="victim")
    copied = _cookie(victim_client)
    auth.post(f"/admin/users/{victim_id}/reset-password", {}, form_page="/admin/users")
    assert _replay(app, copied).status_code == 302

    Auth(victim_client, app).login("victim", DEFAULT_PASSWORD)  # old password no longer works
    assert victim_client.get("/").status_code == 302


def test_deactivated_user_loses_an_open_session_at_once(client, auth, app):
    auth.as_role("admin", username="boss2")
    worker = app.test_client()
    worker_id = Auth(worker, app).as_role("trainee", username="worker")
    assert worker.get("/").status_code == 200
    auth.post(f"/admin/users/{worker_id}/active", {}, form_page="/admin/users")
    assert worker.get("/").status_code == 302
    with app.app_context():
        rows = db.session.scalars(db.select(UserSession).where(UserSession.user_id == worker_id))
        assert {row.revoked_reason for row in rows} == {"deactivated"}


def test_deactivation_is_checked_on_every_request_even_without_revocation(client, auth, app):
    user_id = auth.as_role("trainee", username="quiet")
    with app.app_context():
        db.session.get(User, user_id).active = False  # e.g. changed directly in the database
        db.session.commit()
    assert client.get("/").status_code == 302


def test_forged_cookie_signed_with_the_key_opens_nothing(client, auth, app):
    """Even with the secret key, a cookie must name a session the server holds."""
    from flask.sessions import SecureCookieSessionInterface

    admin_id = auth.as_role("admin", username="root")
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    forged = serializer.dumps({"_user_id": str(admin_id), "_fresh": True, "sid": "made-up"})
    assert _replay(app, forged).status_code == 302


def test_cookie_flags_follow_the_https_setting(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    import importlib
    import os

    import lms.config

    os.environ["SECURE_COOKIES"] = "1"
    os.environ["REMEMBER_DAYS"] = "3"
    try:
        config = importlib.reload(lms.config).Config
        assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
        assert config.PERMANENT_SESSION_LIFETIME.days == 3
    finally:
        del os.environ["SECURE_COOKIES"], os.environ["REMEMBER_DAYS"]
        importlib.reload(lms.config)


# ---- the same journeys over real HTTP (a live server, no test client) ------------------


def _http_login(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/login", timeout=10)
    token = TOKEN.search(page.text).group(1)
    response = browser.post(f"{base}/login", timeout=10, allow_redirects=False, data={
        "username": username, "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return browser


def _signed_in(base: str, cookies) -> bool:
    response = requests.get(f"{base}/", cookies=cookies, timeout=10, allow_redirects=False)
    return response.status_code == 200


@pytest.mark.parametrize("how", ["logout", "deactivate"])
def test_over_http_a_copied_cookie_dies_with_the_session(live_server, app, how):
    with app.app_context():
        make_user(username=f"http-{how}", roles=["trainee"])
        make_user(username=f"http-admin-{how}", roles=["admin"])
    browser = _http_login(live_server, f"http-{how}")
    copied = requests.utils.dict_from_cookiejar(browser.cookies)
    assert _signed_in(live_server, copied)
    if how == "logout":
        home = browser.get(f"{live_server}/account/password", timeout=10)
        token = TOKEN.search(home.text).group(1)
        browser.post(f"{live_server}/logout", data={"csrf_token": token}, timeout=10)
    else:
        admin = _http_login(live_server, f"http-admin-{how}")
        with app.app_context():
            user_id = db.session.scalar(db.select(User.id).where(User.username == f"http-{how}"))
        page = admin.get(f"{live_server}/admin/users", timeout=10)
        token = TOKEN.search(page.text).group(1)
        admin.post(f"{live_server}/admin/users/{user_id}/active", data={"csrf_token": token},
                   timeout=10)
    assert not _signed_in(live_server, copied)
