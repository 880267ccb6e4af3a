"""Signing in and out, password changes, throttling, and the login-required redirect."""


from lms.auth.models import LoginThrottle, User
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


SAME_ANSWER = ("user name or password is wrong", "用户名或密码错误")


def test_wrong_password_and_unknown_user_get_the_same_answer(client, auth, app):
    with app.app_context():
        make_user(username="li")
    wrong = auth.login("li", "not-it")
    unknown = auth.login("ghost", "whatever")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert any(text in response.get_data(as_text=True) for text in SAME_ANSWER)
    assert "No account has this user name" not in unknown.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_in_with_the_employee_number(client, auth, app):
    with app.app_context():
        make_user(username="zhao", employee_no="E20931")
    response = auth.login("E20931")
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/").status_code == 200


def test_deactivated_user_cannot_sign_in(client, auth, app):
    with app.app_context():
        user = make_user(username="gone")
        user.active = False
        db.session.commit()
    response = auth.login("gone")
    body = response.get_data(as_text=True)
    assert "deactivated" in body or "已被停用" in body
    assert client.get("/").status_code == 302


def test_repeated_failures_make_the_pair_wait_with_a_clear_message(client, auth, app):
    with app.app_context():
        make_user(username="target")
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        assert auth.login("target", "guess").status_code == 401
    # Even the right password is not checked while this device waits.
    response = auth.login("target")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == app.config["LOGIN_DELAY_SECONDS"]
    body = response.get_data(as_text=True)
    assert "Too many failed sign-ins for this account" in body or "登录失败次数过多" in body
    assert client.get("/").status_code == 302


def test_success_clears_the_pair_failures(client, auth, app):
    with app.app_context():
        make_user(username="oops")
    auth.login("oops", "typo")
    assert auth.login("oops").status_code == 302
    with app.app_context():
        row = db.session.get(LoginThrottle, "pair:oops|127.0.0.1")
        assert row.failures == 0 and row.last_success_at is not None


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
                                                "new_password": "brand-new-pass-7",
                                                "confirm": "brand-new-pass-7"})
    assert response.status_code == 302
    auth.post("/logout")
    assert auth.login("chg", "correct-horse-1").status_code == 401
    assert auth.login("chg", "brand-new-pass-7").status_code == 302
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
