"""What the import preview promises, the confirm keeps (issue 10, item 11): a question key over
80 characters or a category over 200 said "clean" in the preview and gave a 500 on confirm
(PostgreSQL refuses the over-long value). Now every format refuses them in the preview, naming
the key and the line, as it does values no database column or page can take: NUL and lone
surrogates in texts, control characters in a category, numbers that are not finite.
"""

from __future__ import annotations

import html
import io

import pytest
from sqlalchemy import func, select

from lms.exams.models import Question, QuestionCategory
from lms.extensions import db
from question_bank.formats import import_questions
from question_bank.model import CATEGORY_MAX_LENGTH, KEY_MAX_LENGTH
from tests.conftest import csrf_token

LONG_KEY = "k" * 81
LONG_CATEGORY = "/".join(["c" * 49] * 4) + "/cc"  # 4 * 49 + 3 slashes + 3 = 202 characters


def _files(key: str, category: str) -> dict[str, bytes]:
    """One true/false question with ``key`` and ``category`` in each format (key on line 4)."""
    return {
        "bank.yaml": (f"curriculum: service_standards\nquestions:\n  - category: {category}\n"
                      f"    key: {key}\n    type: true_false\n    difficulty: easy\n"
                      f"    text: {{zh: 对吗, en: Right}}\n    answer: true\n").encode(),
        "bank.gift": f"$CATEGORY: {category}\n\n// [id:{key}]\n::t::Is it? {{T}}\n".encode(),
        "bank.xml": (f'<?xml version="1.0"?>\n<quiz>\n<question type="category"><category>'
                     f"<text>$course$/top/{category}</text></category></question>\n"
                     f'<question type="truefalse"><name><text>t</text></name><questiontext>'
                     f"<text>Q</text></questiontext><idnumber>{key}</idnumber>"
                     '<answer fraction="100"><text>true</text></answer>'
                     '<answer fraction="0"><text>false</text></answer></question></quiz>\n'
                     ).encode(),
        "bank.csv": (f"key,text,option_a,option_b,correct,category\n\n\n"
                     f"{key},Q?,a,b,A,{category}\n").encode(),
    }


def test_limits_are_the_database_column_lengths():
    assert Question.__table__.c.key.type.length == KEY_MAX_LENGTH == 80
    assert QuestionCategory.__table__.c.path.type.length == CATEGORY_MAX_LENGTH == 200


@pytest.mark.parametrize("name", sorted(_files("k", "c")))
def test_every_format_refuses_a_long_key_and_category_naming_key_and_line(name):
    """... and takes them at the limit."""
    result = import_questions(_files(LONG_KEY, LONG_CATEGORY)[name], name, language="zh")
    assert result.questions == ()
    found = {error.code: error for error in result.errors}
    assert set(found) == {"key.too_long", "category.too_long"}
    key_error = found["key.too_long"]
    assert key_error.key == LONG_KEY and key_error.field == "key"
    assert key_error.line == 4 and key_error.file == name
    assert "81" in key_error.message("en") and "80" in key_error.message("en")
    assert "最多允许 80 个" in key_error.message("zh")
    assert "202" in found["category.too_long"].message("en")
    at_limit = "/".join(["c" * 49] * 4) + "c"  # exactly 200 characters, with an 80-character key
    assert len(at_limit) == CATEGORY_MAX_LENGTH
    result = import_questions(_files("k" * 80, at_limit)[name], name, language="en")
    assert result.errors == () and result.questions[0].key == "k" * 80


def test_messages_echo_only_a_short_excerpt_of_a_huge_key():
    result = import_questions(_files("k" * 10_000, "c")["bank.gift"], "bank.gift", language="en")
    (error,) = result.errors
    assert len(error.message("en")) < 160 and len(str(error)) < 250


@pytest.mark.parametrize(("name", "data", "codes"), [
    ("bank.yaml", b'curriculum: service_standards\nquestions:\n  - key: k1\n    type: true_false\n'
     b'    difficulty: easy\n    text: {zh: "\\ud83dx", en: "a\\0b"}\n    answer: true\n',
     {"text.character"}),
    ("bank.xml", b'<?xml version="1.0"?><quiz><question type="numerical"><name><text>t</text>'
     b"</name><questiontext><text>Q</text></questiontext><defaultgrade>inf</defaultgrade>"
     b'<answer fraction="100"><text>nan</text><tolerance>1</tolerance></answer></question></quiz>',
     {"number.not_finite"}),
    ("bank.csv", b"key,text,option_a,option_b,correct,category\nk,Q\x00?,a,b,A,c\tx\n",
     {"category.character", "text.character"}),
])
def test_values_no_column_or_page_can_take_are_refused(name, data, codes):
    result = import_questions(data, name, language="en")
    assert result.questions == () and {error.code for error in result.errors} == codes


def _upload(client, name: str, data: bytes):
    fmt = {"yaml": "yaml", "gift": "gift", "xml": "xml", "csv": "csv"}[name.rsplit(".")[-1]]
    return client.post("/exams/manage/import", data={
        "csrf_token": csrf_token(client, "/exams/manage/import"), "format": fmt,
        "language": "en", "category": "imported", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


@pytest.mark.parametrize("name", sorted(_files("k", "c")))
def test_the_preview_page_refuses_what_the_confirm_could_not_store(app, client, auth, name):
    auth.as_role("trainer")
    response = _upload(client, name, _files(LONG_KEY, LONG_CATEGORY)[name])
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert f"<td>{name}</td><td>4</td>" in body
    assert "有 81 个字符，最多允许 80 个" in body
    assert "/exams/manage/import/" not in body  # nothing to confirm
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 0


def test_the_question_editor_refuses_a_long_key(app, client, auth):
    auth.as_role("trainer")
    text = (f"key: {LONG_KEY}\ntype: true_false\ncategory: a\ndifficulty: easy\n"
            "text: {zh: 对吗, en: Right}\nanswer: true\n")
    response = auth.post("/exams/manage/questions/new", {"definition": text},
                         form_page="/exams/manage/questions/new")
    assert response.status_code == 400
    assert "最多允许 80 个" in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 0


def test_a_question_import_states_and_keeps_its_limits(app_ctx, monkeypatch):
    from lms.exams import transfer

    monkeypatch.setattr(transfer, "MAX_IMPORT_QUESTIONS", 3)
    request = transfer.ImportRequest(format="gift", language="en", category="", filename="b.gift")
    text = "\n\n".join(f"::q{i}:: Is {i} odd? {{T}}" for i in range(4)).encode()
    result = transfer.parse(text, request)
    assert not result.questions and [e.code for e in result.errors] == ["file.too_many"]
    big = b"x" * (transfer.MAX_IMPORT_BYTES + 1)
    assert [e.code for e in transfer.parse(big, request).errors] == ["file.too_large"]
