"""Real receivers for notification tests: an SMTP server (aiosmtpd) and a robot endpoint
(http.server), each started by the test on a free local port."""

from __future__ import annotations

import email
import json
import socket
import threading
import time
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailBox:
    """What the SMTP server received: parsed messages, in order."""

    def __init__(self):
        self.messages = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=policy.default)
        with self._arrived:
            self.messages.append({"to": list(envelope.rcpt_tos), "message": message})
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list:
        """Block until ``count`` messages arrived (or fail the test)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"expected {count} mails, got {len(self.messages)}"
                self._arrived.wait(left)
        return self.messages


def start_smtp(port: int) -> tuple[Controller, MailBox]:
    """An SMTP server on 127.0.0.1:``port`` collecting into a `MailBox`."""
    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, box


@pytest.fixture
def mail_settings(app):
    """The app's SMTP settings pointed at a local port; fast retries. Restored afterwards."""
    port = free_port()
    saved = {key: app.config.get(key) for key in (
        "SMTP_HOST", "SMTP_PORT", "SMTP_FROM", "SMTP_TLS", "NOTIFY_RETRY_SECONDS",
        "NOTIFY_MAX_ATTEMPTS", "SITE_URL")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_FROM="academy@example.cn",
                      SMTP_TLS="none", NOTIFY_RETRY_SECONDS=0.2, NOTIFY_MAX_ATTEMPTS=3,
                      SITE_URL="https://academy.example.cn")
    yield port
    for key, value in saved.items():
        if value is None:
            app.config.pop(key, None)
        else:
            app.config[key] = value


@pytest.fixture
def smtp(mail_settings):
    """A real SMTP server on the configured port; yields its mailbox."""
    controller, box = start_smtp(mail_settings)
    yield box
    controller.stop()


class RobotHandler(BaseHTTPRequestHandler):
    """Answers robot posts like WeCom/DingTalk and keeps what arrived."""

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        parts = urlsplit(self.path)
        self.server.received.append({"path": parts.path, "query": parse_qs(parts.query),
                                     "json": json.loads(body)})
        answer = self.server.answers.pop(0) if self.server.answers else {"errcode": 0,
                                                                          "errmsg": "ok"}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        """Quiet."""


@pytest.fixture
def robot_server():
    """A local HTTP server standing in for the robots' API; ``.received`` holds posts."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), RobotHandler)
    server.received, server.answers = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _sending_settles(request):
    """Background sending of a test finishes before its tables are emptied."""
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        from lms.notify import jobs

        with app.app_context():
            jobs.wait_idle(timeout=20)
