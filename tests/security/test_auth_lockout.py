"""Sign-in throttling nobody can turn against colleagues (issue 10, items 4, 12 and 13)."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests

from lms.auth.models import LoginThrottle, utcnow
from lms.extensions import db
from tests.conftest import Auth, csrf_token
from tests.factories import DEFAULT_PASSWORD, make_user

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _expire_wait(app, key: str) -> None:
    with app.app_context():
        row = db.session.get(LoginThrottle, key)
        row.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_guesses_from_one_desk_do_not_lock_the_owner_out(app):
    with app.app_context():
        make_user(username="owner")
    attacker = Auth(_client_at(app, "127.0.0.21"), app)
    for _ in range(app.config["LOGIN_FREE_FAILURES"] + 1):
        attacker.login("owner", "guess")
    assert attacker.login("owner").status_code == 429  # the guesser's pair waits
    owner = Auth(_client_at(app, "127.0.0.22"), app)
    assert owner.login("owner").status_code == 302  # the owner, elsewhere, signs in


def test_waits_double_with_each_further_failure(app):
    with app.app_context():
        make_user(username="slow")
    guesser = Auth(_client_at(app, "127.0.0.23"), app)
    free = app.config["LOGIN_FREE_FAILURES"]
    for _ in range(free):
        assert guesser.login("slow", "guess").status_code == 401
    waits = []
    for _ in range(3):
        response = guesser.login("slow", "guess")
        assert response.status_code == 429
        waits.append(int(response.headers["Retry-After"]))
        _expire_wait(app, "pair:slow|127.0.0.23")
        assert guesser.login("slow", "guess").status_code == 401  # checked once more
    base = app.config["LOGIN_DELAY_SECONDS"]
    assert waits == [base, base * 2, base * 4]


def test_a_busy_address_still_lets_its_known_staff_in(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 10)
    with app.app_context():
        make_user(username="regular")
        make_user(username="newcomer")
    floor = "127.0.0.24"
    regular = Auth(_client_at(app, floor), app)
    assert regular.login("regular").status_code == 302  # known on this address
    sprayer = Auth(_client_at(app, floor), app)
    for n in range(10):
        sprayer.login(f"someone{n}", "Winter2026!")
    assert sprayer.login("someone-else", "Winter2026!").status_code == 429
    fresh = Auth(_client_at(app, floor), app)
    assert fresh.login("regular").status_code == 302  # correct password of a known account
    blocked = Auth(_client_at(app, floor), app).login("newcomer")
    assert blocked.status_code == 429
    assert "network" in blocked.get_data(as_text=True) or "网络" in blocked.get_data(as_text=True)
    # The same newcomer elsewhere is not affected.
    assert Auth(_client_at(app, "127.0.0.25"), app).login("newcomer").status_code == 302


def test_an_administrator_unlocks_a_locked_account(client, auth, app):
    with app.app_context():
        make_user(username="locked")
    desk = Auth(_client_at(app, "127.0.0.26"), app)
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        desk.login("locked", "guess")
    assert desk.login("locked").status_code == 429
    auth.as_role("admin", username="helpdesk")
    page = client.get("/admin/sign-in-locks").get_data(as_text=True)
    assert "locked" in page and "127.0.0.26" in page and "pair:" not in page.split(
        'name="key"')[0]
    auth.post("/admin/sign-in-locks/unlock", {"key": "pair:locked|127.0.0.26"},
              form_page="/admin/sign-in-locks")
    assert desk.login("locked").status_code == 302


def test_parallel_guesses_get_no_more_checks_than_the_limit(live_server, app):
    """30 wrong passwords at once: at most LOGIN_FREE_FAILURES are really checked."""
    with app.app_context():
        make_user(username="raced")

    def attempt(_):
        browser = requests.Session()
        token = TOKEN.search(browser.get(f"{live_server}/login", timeout=30).text).group(1)
        return browser.post(f"{live_server}/login", timeout=30, allow_redirects=False, data={
            "username": "raced", "password": "guess", "csrf_token": token}).status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        codes = list(pool.map(attempt, range(30)))
    assert set(codes) <= {401, 429}, codes
    assert codes.count(401) <= app.config["LOGIN_FREE_FAILURES"]
    assert codes.count(429) >= 30 - app.config["LOGIN_FREE_FAILURES"]


def test_unknown_names_and_wrong_passwords_cannot_be_told_apart(client, auth, app):
    with app.app_context():
        make_user(username="exists")
    wrong = auth.login("exists", "nope-nope-1")
    unknown = auth.login("does-not-exist", "nope-nope-1")
    assert wrong.status_code == unknown.status_code == 401
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", wrong.get_data(as_text=True)) == strip.sub(
        "", unknown.get_data(as_text=True))


def test_common_or_personal_passwords_are_refused(client, auth, app):
    auth.as_role("trainee", username="picky", employee_no="E77001")
    for bad in ("12345678", "qwertyuiop", "password1", "picky", "E77001", "aaaaaaaaaa",
                "short"):
        response = auth.post("/account/password", {"current_password": DEFAULT_PASSWORD,
                                                    "new_password": bad, "confirm": bad})
        assert response.status_code == 200, bad
        assert 'id="new_password-error"' in response.get_data(as_text=True), bad
    good = "tea-kettle-harbor-9"
    response = auth.post("/account/password", {"current_password": DEFAULT_PASSWORD,
                                                "new_password": good, "confirm": good})
    assert response.status_code == 302


def test_a_huge_password_costs_nothing_and_fails_cleanly(client, app):
    with app.app_context():
        make_user(username="huge")
    token = csrf_token(client)
    response = client.post("/login", data={"username": "huge", "password": "x" * 100_000,
                                           "csrf_token": token})
    assert response.status_code in (200, 401)
    assert client.get("/").status_code == 302


def test_old_password_is_rejected_by_the_change_form(client, auth, app):
    auth.as_role("trainee", username="same")
    response = auth.post("/account/password", {"current_password": DEFAULT_PASSWORD,
                                                "new_password": DEFAULT_PASSWORD,
                                                "confirm": DEFAULT_PASSWORD})
    assert response.status_code == 200
