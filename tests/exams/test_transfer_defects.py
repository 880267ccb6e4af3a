"""Import/export defects of issue 16, each pinned: empty files, unchanged re-imports, exports
that would drop questions, YAML line numbers, YAML round trips, infinite numbers in forms."""

import io

from sqlalchemy import select

from lms.exams.models import Question
from lms.extensions import db
from question_bank import dump_yaml, import_questions, read_yaml
from tests.conftest import csrf_token
from tests.exams.authoring_payloads import payload
from tests.exams.factories import single_choice, store

GIFT = """::first-response::Who owns a case? {=The first responder ~The technician}

::tf-rule::Callbacks are optional. {F}
"""


def _upload(client, content: str, name: str = "bank.gift", file_format: str = "gift"):
    token = csrf_token(client, "/exams/manage/import")
    return client.post("/exams/manage/import", data={
        "csrf_token": token, "format": file_format, "language": "en", "category": "imported",
        "file": (io.BytesIO(content.encode("utf-8")), name)},
        content_type="multipart/form-data", headers={"Accept-Language": "en"})


def _confirm(client, page: str):
    token = page.split("/exams/manage/import/")[1].split('"')[0]
    return client.post(f"/exams/manage/import/{token}",
                       data={"csrf_token": csrf_token(client, "/exams/manage/import")})


def test_an_empty_or_category_only_file_offers_no_import(client, auth):
    auth.as_role("trainer")
    for content in ("", "$CATEGORY: $course$/top/a/b\n\n// only a comment\n"):
        reply = _upload(client, content)
        page = reply.get_data(as_text=True)
        assert reply.status_code == 400 and "holds no questions" in page
        assert "/exams/manage/import/" not in page.split("</form>", 1)[1]


def test_an_unchanged_re_import_says_unchanged_not_new_version_or_duplicate(app, client,
                                                                            auth):
    auth.as_role("trainer")
    assert _confirm(client, _upload(client, GIFT).get_data(as_text=True)).status_code == 302
    again = _upload(client, GIFT).get_data(as_text=True)
    assert 'id="unchanged-count"' in again
    assert "new version of an existing question" not in again
    assert "duplicate of" not in again
    changed = _upload(client, GIFT.replace("optional", "optional, really")).get_data(
        as_text=True)
    assert "new version of an existing question" in changed


def test_gift_export_refuses_a_selection_it_cannot_hold(app, client, auth):
    auth.as_role("trainer")
    token = csrf_token(client, "/exams/manage/questions/new/case")
    client.post("/exams/manage/questions/new/case", data=payload("case", "exp-case", token))
    with app.app_context():
        store(single_choice("exp-one", category="service-standards/forms"))
    reply = client.get("/exams/manage/export?format=gift&category=service-standards/forms",
                       headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Not exported" in reply.get_data(as_text=True) and "exp-case" in reply.get_data(
        as_text=True)
    yaml_export = client.get("/exams/manage/export?format=yaml&category=service-standards/forms")
    assert yaml_export.status_code == 200 and "exp-case" in yaml_export.get_data(as_text=True)


def test_a_chinese_category_exports_with_an_encoded_file_name(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        store(single_choice("zh-cat", category="服务规范/回访"))
    reply = client.get("/exams/manage/export?format=gift&category=服务规范/回访")
    assert reply.status_code == 200
    assert "filename*=UTF-8''" in reply.headers["Content-Disposition"]


def test_an_exported_selection_of_imported_questions_reads_back_as_yaml():
    imported = import_questions(GIFT.encode(), "a.gift", language="en").questions
    again = read_yaml(dump_yaml(list(imported)), "x.yaml", shipped=False)
    assert not again.errors and again.questions == imported


def test_the_yaml_editor_reports_the_line_as_typed(app, client, auth):
    auth.as_role("trainer")
    text = "\n".join(["key: line-check", "type: single_choice", "difficulty: easy",
                      "text: {en: Who}", "options:", "  - text: {en: A}", "    fraction: 1",
                      "  - text: {en: B}", "    fraction: 0",
                      "    bogus: 1"])  # line 10
    token = csrf_token(client, "/exams/manage/questions/new")
    reply = client.post("/exams/manage/questions/new", data={"csrf_token": token,
                                                            "definition": text})
    assert reply.status_code == 400 and "definition.yaml:10" in reply.get_data(as_text=True)


def test_an_infinite_number_in_a_form_is_refused(app, client, auth):
    auth.as_role("trainer")
    token = csrf_token(client, "/exams/manage/questions/new/numerical")
    data = payload("numerical", "inf-number", token) | {"answers-0-tolerance": "1e400"}
    reply = client.post("/exams/manage/questions/new/numerical", data=data)
    assert reply.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Question)) is None
