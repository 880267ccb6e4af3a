"""Unconfirmed import previews do not pile up (issue 10, item 15: 26 MB in one afternoon).

Question files wait under ``UPLOAD_DIR/exam-imports`` and course zips under
``UPLOAD_DIR/courses/imports`` until the trainer confirms. Previews older than a day are
removed at the next upload and by ``flask --app lms exams sweep-previews``; confirming an
expired or removed preview says so (no 500, nothing imported), and a preview imports once.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.exams.models import Question
from lms.extensions import db
from tests.conftest import csrf_token
from tests.courses.factories import make_exam
from tests.courses.helpers import make_zip, valid_course_files

GIFT = "::first::Who owns the case? {=The first responder ~The technician}\n"
OLD = time.time() - 25 * 3600


@pytest.fixture
def folders(app) -> tuple[Path, Path]:
    """The two preview folders, emptied (the app and its upload folder live all session)."""
    upload = Path(app.config["UPLOAD_DIR"])
    found = (upload / "exam-imports", upload / "courses" / "imports")
    for folder in found:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    return found


def _preview_questions(client, text: str = GIFT) -> str:
    response = client.post("/exams/manage/import", data={
        "csrf_token": csrf_token(client, "/exams/manage/import"), "format": "gift",
        "language": "en", "category": "imported",
        "file": (io.BytesIO(text.encode()), "bank.gift")}, content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True).split("/exams/manage/import/")[1].split('"')[0]


def _confirm_questions(client, token: str):
    return client.post(f"/exams/manage/import/{token}", follow_redirects=True,
                       data={"csrf_token": csrf_token(client, "/exams/manage/import")})


def _age(folder: Path, when: float = OLD) -> None:
    for path in folder.iterdir():
        os.utime(path, (when, when))


def _questions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Question.id)))


def test_a_new_upload_removes_question_previews_older_than_a_day(app, client, auth, folders):
    auth.as_role("trainer")
    questions_folder = folders[0]
    stale = _preview_questions(client)
    _age(questions_folder)
    fresh = _preview_questions(client, GIFT.replace("first", "second"))
    names = {path.name for path in questions_folder.iterdir()}
    assert names == {f"{fresh}.bin", f"{fresh}.json"}
    page = _confirm_questions(client, stale)
    assert page.status_code == 200
    assert "该上传文件已失效" in page.get_data(as_text=True)
    assert _questions(app) == 0


def test_an_expired_preview_is_refused_at_confirm_and_a_preview_imports_once(
        app, client, auth, folders):
    auth.as_role("trainer")
    expired = _preview_questions(client)
    _age(folders[0])  # older than a day, not swept yet: no upload since
    assert _confirm_questions(client, expired).status_code == 200
    assert _questions(app) == 0 and not any(folders[0].iterdir())
    token = _preview_questions(client)
    assert _confirm_questions(client, token).status_code == 200
    assert _questions(app) == 1
    again = _confirm_questions(client, token)  # a second click, a back button, a replay
    assert again.status_code == 200 and _questions(app) == 1


def test_the_sweep_command_removes_stale_previews_of_both_imports(app, client, auth, folders,
                                                                  runner):
    auth.as_role("trainer")
    questions_folder, courses_folder = folders
    old_question = _preview_questions(client)
    fresh_question = _preview_questions(client, GIFT.replace("first", "second"))
    for suffix in (".bin", ".json"):
        os.utime(questions_folder / f"{old_question}{suffix}", (OLD, OLD))
    with app.app_context():
        make_exam()  # the exam the bundle's activity names (references must resolve)
    response = auth.post("/courses/manage/import", {
        "file": (io.BytesIO(make_zip(valid_course_files())), "ok.zip")},
        form_page="/courses/manage/import", content_type="multipart/form-data")
    course_token = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"',
                             response.get_data(as_text=True)).group(1)
    _age(courses_folder)

    result = runner.invoke(args=["exams", "sweep-previews"])

    assert result.exit_code == 0, result.output
    assert "1 question import previews and 1 course zip previews removed" in result.output
    assert {path.name for path in questions_folder.iterdir()} == {
        f"{fresh_question}.bin", f"{fresh_question}.json"}
    assert not any(courses_folder.iterdir())
    done = auth.post("/courses/manage/import/confirm", {"token": course_token},
                     form_page="/courses/manage/import", follow_redirects=True)
    assert done.status_code == 200
    assert "预览已失效" in done.get_data(as_text=True)
    from lms.courses.models import Course

    with app.app_context():
        assert db.session.scalar(select(func.count(Course.id))) == 0
