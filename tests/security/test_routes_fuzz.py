"""Every route answers 4xx, never 500, to a NUL byte or an over-long value in any parameter.

The demo data is loaded so ids in paths resolve to real objects; one user holding every role
visits each route with NUL, over-long and out-of-range values in its path arguments, in every
query parameter the code reads, and (for forms) in every field the form page shows.
"""

import re

import pytest

from lms.auth.access import ALL_ROLES
from tests.conftest import Auth, csrf_token
from tests.factories import make_user

#: Query parameters read somewhere in lms/ (grep request.args); all are tried on every route.
QUERY_PARAMS = ("q", "role", "department", "page", "next", "code", "format", "category",
                "lang", "type", "item", "only", "copy", "card", "month", "ids", "course",
                "exam", "status", "cohort", "trainee", "curriculum", "difficulty", "tag",
                "key", "sort", "group", "run", "job", "since", "until", "path")
BAD_VALUES = ("\x00", "a" * 5000, "9" * 40, "-1", "1e309", "[]")
NAME = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"')
INT_ARG = re.compile(r"<int:(\w+)>")
ANY_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _paths(rule: str) -> list[str]:
    """The rule with real-looking, huge and hostile values in its path arguments."""
    variants = []
    for int_value, text_value in (("1", "normal_weekday"), ("99999999999999999999", "x" * 600),
                                  ("1", "%00"), ("2", "a%00b")):
        def fill(match, int_value=int_value, text_value=text_value):
            converter = match.group(1) or "string"
            return int_value if converter == "int" else text_value

        variants.append(ANY_ARG.sub(fill, rule))
    return variants


@pytest.fixture
def everyone(client, app):
    """Demo data plus a signed-in user holding every role."""
    from lms.demo import load_demo

    with app.app_context():
        load_demo()
        make_user(roles=list(ALL_ROLES), username="fuzzer")
    Auth(client, app).login("fuzzer")
    return client


def _check(send, label: str, path: str, **kwargs) -> list[str]:
    """[] when the request is answered below 500; else a line saying what broke."""
    try:
        response = send(path, **kwargs)
    except Exception as error:  # noqa: BLE001 - the test lists every crash, then fails
        return [f"{label}: {type(error).__name__}: {str(error)[:160]}"]
    if response.status_code >= 500:
        return [f"{label}: {response.status_code}"]
    return []


def _rules(app, method: str):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or method not in rule.methods:
            continue
        if rule.endpoint in {"auth.logout"}:
            continue  # would end the session the test uses
        yield rule


def test_get_routes_never_answer_500(everyone, app):
    failures = []
    for rule in _rules(app, "GET"):
        real, *hostile = _paths(rule.rule)
        for path, values in [(real, BAD_VALUES), *((p, BAD_VALUES[:1]) for p in hostile)]:
            for value in values:
                query = {name: value for name in QUERY_PARAMS}
                failures += _check(everyone.get, f"GET {path} {value[:12]!r}", path,
                                   query_string=query)
    assert failures == [], "\n".join(failures[:40])


def test_post_routes_never_answer_500(everyone, app):
    failures = []
    token = csrf_token(everyone, "/account/password")
    for rule in _rules(app, "POST"):
        path = _paths(rule.rule)[0]
        fields = set()
        if "GET" in rule.methods:
            page = everyone.get(path)
            if page.status_code == 200:
                fields = set(NAME.findall(page.get_data(as_text=True))) - {"csrf_token"}
        fields |= {"name", "title", "text", "reason", "minutes", "slot", "response"}
        for value in ("\x00", "a" * 20000, "9" * 40):
            data = {name: value for name in fields}
            data["csrf_token"] = token
            failures += _check(everyone.post, f"POST {path} {value[:12]!r}", path, data=data)
            failures += _check(everyone.post, f"POST json {path} {value[:12]!r}", path,
                               json={name: value for name in fields},
                               headers={"X-CSRFToken": token})
    assert failures == [], "\n".join(failures[:40])


def test_anonymous_pages_refuse_nul_bytes_with_400(client):
    for path in ("/verify/abc%00def", "/login?next=%00", "/login?x=a%00"):
        response = client.get(path)
        assert response.status_code in (400, 404), path
    token = csrf_token(client)
    response = client.post("/login", data={"username": "a\x00b", "password": "x\x00",
                                           "csrf_token": token})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "NUL" in body


def test_an_upload_over_the_limit_gets_a_readable_413(client, auth, app):
    auth.as_role("admin")
    token = csrf_token(client, "/admin/users/import")
    boundary = "limit"
    big = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
           f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
           f"filename=\"users.csv\"\r\n\r\n").encode() + b"a" * app.config[
        "MAX_CONTENT_LENGTH"] + f"\r\n--{boundary}--\r\n".encode()
    # A raw body (not the client's multipart encoder, which spools it to a temporary file).
    response = client.post("/admin/users/import", data=big,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "20 MB" in body or "20 MB" in body.replace("\u00a0", " ")
