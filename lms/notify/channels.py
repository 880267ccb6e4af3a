"""Sending: e-mail over SMTP, and posts to WeCom and DingTalk group robots.

E-mail settings come from environment variables (an app config key of the same name wins,
which is how tests point at their own server): ``SMTP_HOST``, ``SMTP_PORT`` (default 25),
``SMTP_USER`` and ``SMTP_PASSWORD`` (sign in when a user is set), ``SMTP_FROM`` (the sender
address), ``SMTP_TLS`` (``starttls``, ``ssl`` or ``none``; by default ``ssl`` on port 465,
``starttls`` on 587, else none).

Group robots: WeCom (企业微信) and DingTalk (钉钉) take a JSON text message posted to the
robot's address. A DingTalk robot with "additional signature" security needs ``timestamp``
(milliseconds) and ``sign`` = Base64(HMAC-SHA256(secret, "timestamp\\nsecret")), URL-encoded,
added to the address (DingTalk's custom robot documentation). Both answer
``{"errcode": 0, "errmsg": "ok"}`` when the post was taken.

Failures raise `DeliveryError`: ``transient`` ones (no connection, a 4xx SMTP reply, a 5xx
HTTP status, a rate limit) are worth retrying; the others are not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app

log = logging.getLogger("lms.notify")

#: Seconds a connection to a mail server or robot may take.
TIMEOUT = 10
#: Robot answers that mean "slow down", worth a retry: DingTalk 130101 (too many messages
#: per minute), WeCom 45009 (API call frequency exceeded).
RATE_LIMITED = {130101, 45009}


class DeliveryError(Exception):
    """Sending failed; ``code`` says how (for the deliveries page), ``transient`` whether a
    later attempt may succeed."""

    def __init__(self, code: str, detail: str, transient: bool):
        super().__init__(detail)
        self.code = code
        self.detail = detail[:1000]
        self.transient = transient


def setting(name: str, default: str = "") -> str:
    """An e-mail setting: the app config value, else the environment's."""
    value = current_app.config.get(name)
    if value in (None, ""):
        value = os.environ.get(name, default)
    return str(value).strip()


def smtp_configured() -> bool:
    """Whether an SMTP server is set (without one, e-mails are recorded as not sent)."""
    return bool(setting("SMTP_HOST"))


@dataclass(frozen=True)
class Mail:
    """One e-mail: a plain-text and an HTML part of the same message."""

    to_address: str
    to_name: str
    subject: str
    text: str
    html: str
    language: str


def build_message(mail: Mail) -> EmailMessage:
    """The MIME message: multipart/alternative, text first then HTML."""
    sender = setting("SMTP_FROM") or setting("SMTP_USER") or "academy@localhost"
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = formataddr((mail.to_name, mail.to_address))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    # After the parts: set_content and add_alternative move Content-* headers into a part.
    message["Content-Language"] = "zh-CN" if mail.language == "zh" else "en"
    return message


def _tls_mode(port: int) -> str:
    mode = setting("SMTP_TLS").lower()
    if mode in ("ssl", "tls", "smtps"):
        return "ssl"
    if mode in ("starttls", "1", "true", "yes", "on"):
        return "starttls"
    if mode in ("none", "0", "false", "no", "off"):
        return "none"
    return {465: "ssl", 587: "starttls"}.get(port, "none")


def send_mail(mail: Mail) -> None:
    """Hand one e-mail to the SMTP server; `DeliveryError` when it is not taken."""
    host = setting("SMTP_HOST")
    if not host:
        raise DeliveryError("smtp_unset", "SMTP_HOST is not set", transient=False)
    port_text = setting("SMTP_PORT", "25")
    port = int(port_text) if port_text.isdigit() else 25
    mode = _tls_mode(port)
    message = build_message(mail)
    try:
        if mode == "ssl":
            client = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=TIMEOUT)
        with client:
            if mode == "starttls":
                client.starttls(context=ssl.create_default_context())
            if setting("SMTP_USER"):
                client.login(setting("SMTP_USER"), setting("SMTP_PASSWORD"))
            client.send_message(message)
    except smtplib.SMTPResponseException as error:
        reply = error.smtp_error.decode("utf-8", "replace") if isinstance(
            error.smtp_error, bytes) else str(error.smtp_error)
        raise DeliveryError("refused" if error.smtp_code >= 500 else "transient",
                            f"SMTP {error.smtp_code} {reply}",
                            transient=error.smtp_code < 500) from error
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError("refused", f"recipient refused: {error.recipients}",
                            transient=False) from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError("transient", f"{type(error).__name__}: {error} ({host}:{port})",
                            transient=True) from error
    log.info("mail sent to %s: %s", mail.to_address, mail.subject[:80])


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The robot address with DingTalk's ``timestamp`` and ``sign`` parameters added."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    string_to_sign = f"{timestamp}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={sign}"


def robot_payload(provider: str, text: str) -> dict:
    """The JSON body of a text message for ``provider`` (both robots take the same shape)."""
    if provider not in ("wecom", "dingtalk"):
        raise ValueError(f"unknown robot provider {provider!r}")
    return {"msgtype": "text", "text": {"content": text}}


def post_to_robot(provider: str, url: str, text: str, secret: str | None = None) -> None:
    """Post ``text`` to a group robot; `DeliveryError` unless it answers ``errcode`` 0."""
    target = dingtalk_signed_url(url, secret) if provider == "dingtalk" and secret else url
    body = json.dumps(robot_payload(provider, text), ensure_ascii=False).encode()
    request = urllib.request.Request(target, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8"})
    host = urllib.parse.urlsplit(url).netloc
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            answer = response.read(65536)
    except urllib.error.HTTPError as error:
        raise DeliveryError("transient" if error.code >= 500 else "refused",
                            f"HTTP {error.code} from {host}", transient=error.code >= 500) \
            from error
    except OSError as error:
        raise DeliveryError("transient", f"{type(error).__name__}: {error} ({host})",
                            transient=True) from error
    try:
        reply = json.loads(answer or b"{}")
    except ValueError as error:
        raise DeliveryError("refused", f"{host} did not answer JSON", transient=False) \
            from error
    code = reply.get("errcode", 0) if isinstance(reply, dict) else 0
    if code:
        raise DeliveryError("transient" if code in RATE_LIMITED else "refused",
                            f"errcode {code}: {str(reply.get('errmsg', ''))[:200]}",
                            transient=code in RATE_LIMITED)
    log.info("posted to %s robot at %s", provider, host)
