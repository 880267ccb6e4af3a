"""Signing in and out, password changes, throttling, and the login-required redirect."""

from sqlalchemy import select

from lms.auth.models import LoginFailure, User
from lms.extensions import db
from tests.conftest import csrf_token
from tests.factories import make_user


def test_right_password_signs_in_and_lands_on_home(client, auth, app):
    with app.app_context():
        make_user(username="wang", roles=["trainee"])
    response = auth.login("wang")
    assert response.status_code == 302 and response.location == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Test User" in home.get_data(as_text=True)


def test_password_is_stored_as_argon2_hash(app_ctx):
    user = make_user(username="hash")
    assert user.password_hash.startswith("$argon2id$")
    assert "correct-horse-1" not in user.password_hash


def test_wrong_password_names_the_problem(client, auth, app):
    with app.app_context():
        make_user(username="li")
    response = auth.login("li", "not-it")
    assert response.status_code == 401
    body = response.get_data(as_text=True)
    assert "password is wrong" in body or "密码不正确" in body
    assert client.get("/").status_code == 302


def test_unknown_user_is_told_so(client, auth):
    response = auth.login("ghost", "whatever")
    body = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "No account has this user name" in body or "没有使用此用户名的账号" in body


def test_deactivated_user_cannot_sign_in(client, auth, app):
    with app.app_context():
        user = make_user(username="gone")
        user.active = False
        db.session.commit()
    response = auth.login("gone")
    body = response.get_data(as_text=True)
    assert "deactivated" in body or "已被停用" in body
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_the_account_with_a_clear_message(client, auth, app):
    with app.app_context():
        make_user(username="target")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        auth.login("target", "guess")
    # Even the right password is refused while the account is throttled.
    response = auth.login("target")
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "Too many failed sign-ins for this account" in body or "登录失败次数过多" in body
    assert client.get("/").status_code == 302


def test_failures_from_one_address_across_accounts_are_throttled(client, auth, app):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for n in range(limit):
        auth.login(f"nobody{n}", "guess")
    with app.app_context():
        make_user(username="innocent")
        assert db.session.scalar(select(db.func.count(LoginFailure.id))) == limit
    response = auth.login("innocent")
    assert response.status_code == 429
    assert "network address" in response.get_data(as_text=True) or "网络地址" in \
        response.get_data(as_text=True)


def test_success_clears_the_account_failures(client, auth, app):
    with app.app_context():
        make_user(username="oops")
    auth.login("oops", "typo")
    assert auth.login("oops").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(LoginFailure)).all() == []


def test_anonymous_user_is_sent_to_login_with_next(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_login_follows_only_local_next(client, auth, app):
    with app.app_context():
        make_user(username="nx")
    token = csrf_token(client)
    response = client.post("/login", data={"username": "nx", "password": "correct-horse-1",
                                           "next": "https://evil.example/", "csrf_token": token})
    assert response.location == "/"


def test_login_without_csrf_token_is_refused_and_changes_nothing(client, app):
    with app.app_context():
        make_user(username="nocsrf")
    response = client.post("/login", data={"username": "nocsrf", "password": "correct-horse-1"})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True) or "安全令牌" in \
        response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_stale_csrf_token_is_refused(client, app):
    with app.app_context():
        make_user(username="stale")
    response = client.post("/login", data={"username": "stale", "password": "correct-horse-1",
                                           "csrf_token": "IjAwMDAi.forged.token"})
    assert response.status_code == 400


def test_logout_needs_post_and_signs_out(client, auth):
    auth.as_role("trainee")
    assert client.get("/logout").status_code == 405
    response = auth.post("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_user_changes_own_password(client, auth, app):
    user_id = auth.as_role("trainee", username="chg")
    response = auth.post("/account/password", {"current_password": "correct-horse-1",
                                                "new_password": "brand-new-pass",
                                                "confirm": "brand-new-pass"})
    assert response.status_code == 302
    auth.post("/logout")
    assert auth.login("chg", "correct-horse-1").status_code == 401
    assert auth.login("chg", "brand-new-pass").status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).must_change_password is False


def test_password_change_errors_sit_beside_the_fields(client, auth):
    auth.as_role("trainee")
    response = auth.post("/account/password", {"current_password": "wrong",
                                                "new_password": "short", "confirm": "other"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="current_password-error"' in body
    assert 'id="new_password-error"' in body
    assert 'id="confirm-error"' in body
