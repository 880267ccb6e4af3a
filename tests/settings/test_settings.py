"""Site settings: defaults, changes with audit, name and logo on pages and PDFs, password
policy, default time zone, the test buttons against a real SMTP server and HTTP receiver."""

import io
import json
import socket
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.exams import certificates
from lms.extensions import db
from lms.settings import service
from lms.settings.service import SettingError
from tests.factories import make_user

FORM = {"name_zh": "", "name_en": "", "default_language": "zh", "time_zone": "Asia/Shanghai",
        "password_min_length": "8", "due_soon_days": "3", "exam_window_hours": "24",
        "session_days": "1", "certificate_days": "30", "recording_retention_days": "0"}


def png(width=2, height=2) -> bytes:
    """A tiny valid PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                             0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pdf_text(data: bytes) -> str:
    """The PDF's text without spaces (extraction spaces out CJK and some Latin runs)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return "".join(text.split())


def test_defaults_follow_the_configuration(app_ctx):
    assert service.get("site.time_zone") == app_ctx.config["BABEL_DEFAULT_TIMEZONE"]
    assert service.default_language() == "zh"
    assert service.reminder_lead().due_soon_days == 3
    assert service.password_policy().min_length == 8
    assert service.site_name("en") == "After-sales Service Academy"
    assert service.site_name("zh") == "售后服务学院"


def test_a_change_is_stored_and_audited_old_to_new(app_ctx):
    admin = make_user(roles=["admin"])
    assert service.save({"reminders.due_soon_days": 5, "site.name_en": "East Academy"},
                        admin.id) == ["reminders.due_soon_days", "site.name_en"]
    db.session.commit()
    assert service.reminder_lead().due_soon_days == 5
    assert service.site_name("zh") == "East Academy"  # no Chinese name: the English one
    changes = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "setting.updated").order_by(AuditEvent.id)).all()
    assert [(c.old, c.new) for c in changes] == [({"value": 3}, {"value": 5}),
                                                 ({"value": ""}, {"value": "East Academy"})]
    assert changes[0].object_label["en"].startswith("Due-soon reminder")
    assert service.save({"reminders.due_soon_days": 5}, admin.id) == []


@pytest.mark.parametrize("key, value, words", [
    ("reminders.due_soon_days", 99, "outside 1–30"),
    ("site.time_zone", "Mars/Olympus", "not a known time zone"),
    ("site.default_language", "fr", "Chinese or English"),
    ("password.min_length", "12", "whole number"),
])
def test_bad_values_are_refused_naming_the_setting(app_ctx, key, value, words):
    from flask_babel import force_locale

    with force_locale("en"), pytest.raises(SettingError, match=words):
        service.save({key: value}, None)


def _submit(auth, **changes):
    return auth.post("/admin/settings", {**FORM, **changes}, form_page="/admin/settings")


def test_the_site_name_shows_in_the_header_and_on_the_certificate(client, auth, app):
    auth.as_role("admin")
    assert _submit(auth, name_zh="华东服务学院", name_en="East Service Academy").status_code == 302
    body = client.get("/").get_data(as_text=True)
    assert "华东服务学院" in body and "售后服务学院" not in body
    with app.app_context():
        holder = make_user(roles=["trainee"], name="Wang Fang")
        certificate = certificates.issue(holder.id, "course", 1,
                                         title={"zh": "回访", "en": "Callbacks"})
        db.session.commit()
        with app.test_request_context():
            text = pdf_text(certificates.certificate_pdf(certificate))
    assert "华东服务学院" in text and "EastServiceAcademy" in text
    assert "售后服务学院" not in text and "After-salesServiceAcademy" not in text


def test_a_logo_is_served_and_embedded_in_pdfs(client, auth, app):
    auth.as_role("admin")
    response = auth.post("/admin/settings", {**FORM, "logo": (io.BytesIO(png()), "logo.png")},
                         form_page="/admin/settings", content_type="multipart/form-data")
    assert response.status_code == 302
    logo = client.get("/site/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert 'src="/site/logo"' in client.get("/").get_data(as_text=True)
    with app.app_context(), app.test_request_context():
        holder = make_user(roles=["trainee"])
        certificate = certificates.issue(holder.id, "course", 2, title={"zh": "课", "en": "C"})
        db.session.commit()
        reader = PdfReader(io.BytesIO(certificates.certificate_pdf(certificate)))
        images = [image for page in reader.pages for image in page.images]
    assert len(images) == 2  # the logo and the verification QR code


def test_a_file_that_is_no_image_is_refused_naming_the_logo(client, auth):
    auth.as_role("admin", locale="en")
    response = auth.post("/admin/settings",
                         {**FORM, "logo": (io.BytesIO(b"<svg onload=alert(1)>"), "logo.png")},
                         form_page="/admin/settings", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "not a PNG or JPEG" in response.get_data(as_text=True)
    assert client.get("/site/logo").status_code == 404


def test_the_password_policy_applies_to_a_password_change(client, auth, app):
    with app.app_context():
        service.save({"password.min_length": 14, "password.letters_and_digits": True}, None)
        db.session.commit()
    auth.as_role("trainee", locale="en")
    short = auth.post("/account/password", {"current_password": "correct-horse-1",
                                            "new_password": "shortish-pw1",
                                            "confirm": "shortish-pw1"})
    assert short.status_code == 200 and "at least 14" in short.get_data(as_text=True)
    letters = auth.post("/account/password", {"current_password": "correct-horse-1",
                                              "new_password": "only-letters-here-x",
                                              "confirm": "only-letters-here-x"})
    assert "letters and digits" in letters.get_data(as_text=True)
    fine = auth.post("/account/password", {"current_password": "correct-horse-1",
                                           "new_password": "long-enough-pass-42",
                                           "confirm": "long-enough-pass-42"})
    assert fine.status_code == 302


def test_the_site_time_zone_changes_shown_times(client, auth, app):
    from datetime import datetime

    from lms.audit import service as audit

    auth.as_role("admin")
    with app.app_context():
        with audit.acting_as(None):
            event = audit.record("backup.created", label="nightly")
        event.at = datetime(2026, 1, 15, 3, 0)  # UTC
        db.session.commit()
    page = client.get("/admin/audit/?kind=backup").get_data(as_text=True)
    assert "2026-01-15 11:00" in page  # Asia/Shanghai, UTC+8
    assert _submit(auth, time_zone="America/New_York").status_code == 302
    page = client.get("/admin/audit/?kind=backup").get_data(as_text=True)
    assert "2026-01-14 22:00" in page  # New York in January, UTC-5


def test_invalid_form_values_rerender_with_the_field(client, auth):
    auth.as_role("admin")
    response = _submit(auth, due_soon_days="400")
    assert response.status_code == 400 and 'id="due_soon_days-error"' in response.get_data(
        as_text=True)


@pytest.fixture
def smtp_server(app):
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            self.messages.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    old = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port))
    yield inbox
    app.config.update(old)
    controller.stop()


def test_the_test_mail_button_sends_a_real_mail(client, auth, smtp_server):
    auth.as_role("admin")
    response = auth.post("/admin/settings/test-mail", {"address": "chief@example.com"},
                         form_page="/admin/settings")
    assert response.status_code == 302
    assert "chief@example.com" in client.get("/admin/settings").get_data(as_text=True)
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0].rcpt_tos == ["chief@example.com"]


def test_the_test_robot_button_posts_to_the_robot(client, auth, app):
    from lms.auth.models import Department
    from lms.notify.models import DepartmentWebhook

    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            body = b'{"errcode": 0}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        auth.as_role("admin")
        with app.app_context():
            department = Department.get_or_create("Hotline East")
            db.session.flush()
            robot = DepartmentWebhook(department_id=department.id, provider="wecom",
                                      url=f"http://127.0.0.1:{server.server_port}/hook",
                                      language="zh", kinds=[], enabled=True)
            db.session.add(robot)
            db.session.commit()
            robot_id = robot.id
        response = auth.post("/admin/settings/test-robot", {"webhook": str(robot_id)},
                             form_page="/admin/settings")
        assert response.status_code == 302
        assert len(received) == 1 and received[0]["msgtype"] == "text"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("role", ["trainee", "trainer", "planner"])
def test_only_admins_change_settings(client, auth, role):
    auth.as_role(role)
    assert client.get("/admin/settings").status_code == 403
    assert auth.post("/admin/settings", FORM).status_code == 403
    assert auth.post("/admin/settings/test-mail", {"address": "x@example.com"}).status_code == 403
