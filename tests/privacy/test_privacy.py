"""Personal data: the export ZIP, erasure that keeps scores and removes identity, retention."""

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.auth.models import User, UserSession
from lms.evaluation.models import KpiMonth, SurveyResponse
from lms.exams import certificates
from lms.extensions import db
from lms.privacy import service
from lms.privacy.service import PrivacyError
from lms.roleplay.models import Performance
from lms.roleplay.recordings import recording_path, save_recording
from lms.settings import service as settings
from tests.factories import make_user
from tests.roleplay.factories import levels_at, make_performance, score

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 28


def trainee_with_history(app, name="Chen Jing", email="chen@example.com"):
    """A trainee with a certificate, a scored role-play with a recording, a KPI month and a
    survey answer; returns their id."""
    with app.app_context():
        person = make_user(roles=["trainee"], name=name, email=email)
        certificates.issue(person.id, "course", 4, title={"zh": "投诉处理", "en": "Complaints"})
        performance = make_performance(trainee=person)
        performance.recording_file, performance.recording_type = save_recording(
            "call.wav", "audio/wav", WAV)
        rater = make_user(roles=["trainer"])
        db.session.commit()
        score(performance, rater, levels_at(performance, 2), comment="calm and clear")
        db.session.add(KpiMonth(user_id=person.id, month="2026-10", response_on_time_rate=98.5,
                                resolution_rate=96, satisfaction=91, complaint_rate=0.3))
        db.session.add(SurveyResponse(user_id=person.id, course_ref="course:complaints",
                                      answers={"relevance_daily_work": 5},
                                      free_text={"improve": "My manager Chen said hi"}))
        db.session.commit()
        return person.id


def test_the_export_holds_my_rows_certificates_and_recordings(client, auth, app):
    person_id = trainee_with_history(app)
    with app.app_context():
        username = db.session.get(User, person_id).username
    auth.login(username)
    response = auth.post("/privacy/export", form_page="/privacy")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert {"data.json", "README.txt", "data/users.csv", "data/evaluation_kpi_months.csv"} <= names
    assert any(n.startswith("certificates/") and n.endswith(".pdf") for n in names)
    recordings = [n for n in names if n.startswith("recordings/")]
    assert len(recordings) == 1 and archive.read(recordings[0]) == WAV
    data = json.loads(archive.read("data.json"))
    assert data["users"][0]["name"] == "Chen Jing" and "password_hash" not in data["users"][0]
    assert data["evaluation_kpi_months"][0]["satisfaction"] == 91
    assert data["roleplay_scores"][0]["overall_comment"] == "overall calm and clear"
    assert "user_sessions" in data and "token_hash" not in data["user_sessions"][0]
    assert "Chen Jing" in archive.read("README.txt").decode()
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "data_export.downloaded"))
        assert event.actor_id == person_id and event.new["for_self"] is True


def test_a_trainee_cannot_export_someone_else(client, auth, app):
    with app.app_context():
        other = make_user(roles=["trainee"]).id
    auth.as_role("trainee")
    assert auth.post(f"/admin/privacy/people/{other}/export").status_code == 403
    assert auth.post(f"/admin/privacy/people/{other}/erasure",
                     {"understood": "y"}).status_code == 403
    assert client.get("/admin/privacy").status_code == 403


def test_erasure_keeps_scores_and_removes_identity(client, auth, app):
    person_id = trainee_with_history(app)
    with app.app_context():
        person = db.session.get(User, person_id)
        username, number = person.username, person.employee_no
        performance = db.session.scalar(select(Performance).where(
            Performance.trainee_id == person_id))
        recording = recording_path(performance.recording_file)
        fraction = performance.scores[0].fraction
    auth.login(username)
    asked = auth.post("/privacy/erasure", {"reason": "I left the company", "understood": "y"},
                      form_page="/privacy")
    assert asked.status_code == 302
    admin = app.test_client()
    from tests.conftest import Auth

    admin_auth = Auth(admin, app)
    admin_auth.as_role("admin")
    with app.app_context():
        request_id = service.pending_request(person_id).id
    approved = admin_auth.post(f"/admin/privacy/requests/{request_id}/approve", {"note": ""},
                               form_page="/admin/privacy")
    assert approved.status_code == 302
    with app.app_context():
        person = db.session.get(User, person_id)
        assert person.name != "Chen Jing" and f"#{person_id}" in person.name
        assert person.username == f"erased-{person_id}" and person.email is None
        assert person.employee_no == f"ERASED-{person_id}" and not person.active
        assert db.session.scalar(select(func.count(UserSession.id)).where(
            UserSession.user_id == person_id)) == 0
        performance = db.session.scalar(select(Performance).where(
            Performance.trainee_id == person_id))
        assert performance.recording_file is None and not recording.exists()
        assert performance.scores[0].fraction == fraction
        assert db.session.scalar(select(func.count(KpiMonth.id)).where(
            KpiMonth.user_id == person_id)) == 1
        survey = db.session.scalar(select(SurveyResponse).where(
            SurveyResponse.user_id == person_id))
        assert survey.answers == {"relevance_daily_work": 5} and survey.free_text == {}
        assert len(certificates.certificates_of(person_id)) == 1
        logged = " ".join(json.dumps([e.object_label, e.old, e.new], ensure_ascii=False)
                          for e in db.session.scalars(select(AuditEvent)))
        assert "Chen Jing" not in logged and number not in logged and username not in logged
        assert "chen@example.com" not in logged
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "erasure_request.approved")) == 1
    # The old sign-in is gone: the session ended and the name no longer exists.
    assert client.get("/privacy").status_code == 302
    assert auth.login(username).status_code != 302


@pytest.fixture
def english(app_ctx):
    """Service messages in English (no request picks the language)."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield app_ctx


def test_rules_for_requests(english):
    admin, other_admin = make_user(roles=["admin"]), make_user(roles=["admin"])
    person = make_user(roles=["trainee"])
    erasure = service.request_erasure(person, person)
    with pytest.raises(PrivacyError, match="already waiting"):
        service.request_erasure(person, admin)
    with pytest.raises(PrivacyError, match="say why"):
        service.reject(erasure, admin, "  ")
    service.reject(erasure, admin, "Records must be kept for the quality audit until March.")
    with pytest.raises(PrivacyError, match="already decided"):
        service.approve(erasure, admin)
    own = service.request_erasure(admin, admin)
    with pytest.raises(PrivacyError, match="Another administrator"):
        service.approve(own, admin)
    service.approve(own, other_admin)
    with pytest.raises(PrivacyError, match="already been erased"):
        service.request_erasure(admin, other_admin)


def test_someone_elses_request_cannot_be_withdrawn(client, auth, app):
    with app.app_context():
        other = make_user(roles=["trainee"])
        request_id = service.request_erasure(other, other).id
        db.session.commit()
    auth.as_role("trainee")
    assert auth.post(f"/privacy/erasure/{request_id}/withdraw",
                     form_page="/privacy").status_code == 404


def test_the_erasure_form_needs_the_confirmation(client, auth):
    auth.as_role("trainee", locale="en")
    response = auth.post("/privacy/erasure", {"reason": "x"}, form_page="/privacy")
    assert response.status_code == 400
    assert "Confirm that you understand" in response.get_data(as_text=True)


def test_the_retention_sweep_removes_old_recordings_only(runner, app):
    with app.app_context():
        old = make_performance()
        old.performed_on = date.today() - timedelta(days=400)
        old.recording_file, old.recording_type = save_recording("a.wav", "audio/wav", WAV)
        new = make_performance()
        new.performed_on = date.today() - timedelta(days=10)
        new.recording_file, new.recording_type = save_recording("b.wav", "audio/wav", WAV)
        db.session.commit()
        old_id, new_id, old_file = old.id, new.id, recording_path(old.recording_file)
    keep = runner.invoke(args=["privacy", "sweep-recordings"])
    assert keep.exit_code == 0 and "nothing removed" in keep.output and old_file.exists()
    with app.app_context():
        settings.save({"privacy.recording_retention_days": 365}, None)
        db.session.commit()
    swept = runner.invoke(args=["privacy", "sweep-recordings"])
    assert swept.exit_code == 0 and "1 recording(s)" in swept.output, swept.output
    again = runner.invoke(args=["privacy", "sweep-recordings"])
    assert "0 recording(s)" in again.output
    with app.app_context():
        assert db.session.get(Performance, old_id).recording_file is None
        assert db.session.get(Performance, new_id).recording_file is not None
        assert not old_file.exists()
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "performance.recordings_swept")).new["count"] == 1
