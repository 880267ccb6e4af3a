"""Recording uploads: the file's first bytes must match its audio/video type; who may play."""

import io

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.roleplay import recordings
from lms.roleplay.models import Performance
from tests.conftest import Auth
from tests.factories import make_user
from tests.roleplay.factories import load_content

PAGE = "/roleplay/performances/new"
GOOD_HEADS = {
    "mp3": b"ID3\x04\x00", "wav": b"RIFF\x24\x00\x00\x00WAVEfmt ", "ogg": b"OggS\x00\x02",
    "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86", "mp4": b"\x00\x00\x00\x18ftypisom",
    "m4a": b"\x00\x00\x00\x20ftypM4A ", "mov": b"\x00\x00\x00\x14ftypqt  ",
}


@pytest.mark.parametrize("extension", sorted(GOOD_HEADS))
def test_real_headers_of_each_allowed_type_are_accepted(extension):
    assert recordings.content_matches(extension, GOOD_HEADS[extension] + b"\x00" * 32)


def test_mp3_without_id3_tag_is_recognised_by_its_frame_sync():
    assert recordings.content_matches("mp3", b"\xff\xfb\x90\x64" + b"\x00" * 20)


@pytest.mark.parametrize("extension, data", [
    ("mp3", b"MZ\x90\x00 windows executable"),
    ("wav", b"RIFF\x24\x00\x00\x00AVI LIST"),
    ("mp4", b"%PDF-1.7\n%\xe2\xe3"),
    ("webm", b"PK\x03\x04 a zip file"),
    ("ogg", b""),
    ("mp3", GOOD_HEADS["wav"]),
])
def test_other_content_behind_an_allowed_name_is_refused(extension, data):
    assert not recordings.content_matches(extension, data)


def _upload(auth, app, data: bytes, name: str, mimetype: str):
    with app.app_context():
        load_content()
        trainee_id = make_user(roles=["trainee"]).id
    fields = {"card": "ac_failed_again_after_repair", "trainee": str(trainee_id),
              "performed_on": "2026-11-20", "recording": (io.BytesIO(data), name, mimetype)}
    return auth.post(PAGE, fields, form_page=PAGE, content_type="multipart/form-data")


def test_renamed_executable_with_audio_mime_type_is_refused_and_nothing_saved(auth, app):
    auth.as_role("trainer")
    response = _upload(auth, app, b"MZ\x90\x00\x03 program", "call.mp3", "audio/mpeg")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "文件内容" in body and "mp3" in body
    with app.app_context():
        assert db.session.scalar(select(func.count(Performance.id))) == 0


def test_admin_who_is_not_a_trainer_may_play_the_recording(client, auth, app):
    auth.as_role("trainer")
    assert _upload(auth, app, GOOD_HEADS["wav"] + b"data", "call.wav",
                   "audio/wav").status_code == 302
    with app.app_context():
        performance_id = db.session.scalar(select(Performance.id))
    admin = app.test_client()
    Auth(admin, app).as_role("admin")
    served = admin.get(f"/roleplay/performances/{performance_id}/recording")
    status, mimetype, body = served.status_code, served.mimetype, served.data
    served.close()
    assert status == 200 and mimetype == "audio/wav" and body.startswith(b"RIFF")
    planner = app.test_client()
    Auth(planner, app).as_role("planner")
    assert planner.get(f"/roleplay/performances/{performance_id}/recording").status_code == 404
