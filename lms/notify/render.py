"""Wording a notification: on a page (the viewer's language), in an e-mail (the recipient's
language and time zone), and in a team channel (the robot's language).

Links are stored as ``{"endpoint", "values"}`` or ``{"ref"}`` (an activity reference) and
built when shown, so they follow the routes. E-mails carry absolute links on ``SITE_URL``
(environment or app config; default ``http://127.0.0.1:5000``).
"""

from __future__ import annotations

import os
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from babel.dates import format_datetime as babel_datetime
from flask import current_app, has_request_context, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from lms.i18n import localized
from lms.notify.channels import Mail
from lms.notify.kinds import KINDS, Wording
from lms.notify.models import Notification
from lms.settings import service as site_settings


def site_url() -> str:
    """The address people reach the platform at, for links in e-mails and posts."""
    value = current_app.config.get("SITE_URL") or os.environ.get("SITE_URL") or ""
    return (value or "http://127.0.0.1:5000").rstrip("/")


def language_of(user) -> str:
    """The language a person reads mail in: their own, else the site's default."""
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config[
        "BABEL_DEFAULT_LOCALE"]


def zone_of(user) -> zoneinfo.ZoneInfo:
    """The person's time zone, else the site's."""
    name = getattr(user, "time_zone", None) or site_settings.default_time_zone()
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(site_settings.default_time_zone())


def wording(language: str, zone: zoneinfo.ZoneInfo) -> Wording:
    """A `Wording` for ``language`` and ``zone``."""
    def moment(iso: str) -> str:
        stored = datetime.fromisoformat(iso).replace(tzinfo=UTC)
        return babel_datetime(stored, "yyyy-MM-dd HH:mm", tzinfo=zone,
                              locale="zh_CN" if language == "zh" else "en")

    return Wording(lambda mapping: localized(mapping, language), moment)


def page_wording() -> Wording:
    """The wording of the signed-in viewer (flask_babel's locale and time zone)."""
    from flask_babel import format_datetime, get_locale

    def moment(iso: str) -> str:
        return format_datetime(datetime.fromisoformat(iso), "yyyy-MM-dd HH:mm")

    return Wording(lambda mapping: localized(mapping, str(get_locale() or "zh")), moment)


def link_url(link: dict | None, external: bool = False) -> str | None:
    """The address a stored link leads to (needs a request context), or None."""
    if not link:
        return None
    try:
        if "ref" in link:
            from lms.activities import url_for_reference

            path = url_for_reference(link["ref"])
        else:
            path = url_for(link["endpoint"], **(link.get("values") or {}))
    except BuildError:
        return None
    if path and external and path.startswith("/"):
        return request.host_url.rstrip("/") + path
    return path


@contextmanager
def outside_request():
    """A request context on ``SITE_URL`` for building links in jobs (or the current one)."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=site_url()):
        yield


@dataclass
class Shown:
    """One notification as a person reads it."""

    notification: Notification
    kind_label: str
    subject: str
    message: str
    url: str | None


def shown(notification: Notification, words: Wording | None = None,
          external: bool = False) -> Shown:
    """Subject, sentence and link of a notification in the active language."""
    kind = KINDS[notification.kind]
    words = words or page_wording()
    params = notification.params or {}
    return Shown(notification, str(kind.label), kind.subject(params, words),
                 kind.message(params, words), link_url(notification.link, external))


def _mail_strings(user) -> dict:
    return {
        "greeting": _("Hello %(name)s,", name=user.name),
        "open_label": _("Open"),
        "site_name": site_settings.site_name(),
        "footer": _("You receive this because of your notification settings. "
                    "Change them here:"),
        "preferences_url": url_for("notify.preferences", _external=True),
    }


def email_for(notification: Notification) -> Mail:
    """The e-mail of one notification, in its recipient's language and time zone."""
    user = notification.user
    language = language_of(user)
    with outside_request(), force_locale(language):
        item = shown(notification, wording(language, zone_of(user)), external=True)
        context = {"item": item, **_mail_strings(user)}
        subject = f"[{context['site_name']}] {item.subject}"
        text = render_template("email/notification.txt", **context)
        html = render_template("email/notification.html", **context)
    return Mail(user.email or "", user.name, subject, text, html, language)


def digest_for(user, notifications: list[Notification]) -> Mail:
    """One e-mail listing ``notifications`` (the daily digest), in the person's language."""
    language = language_of(user)
    with outside_request(), force_locale(language):
        words = wording(language, zone_of(user))
        items = [shown(n, words, external=True) for n in notifications]
        context = {"items": items, **_mail_strings(user),
                   "intro": _("Here is what happened since your last digest "
                              "(%(n)d notices):", n=len(items))}
        subject = f"[{context['site_name']}] " + _("Your daily digest: %(n)d notices",
                                                   n=len(items))
        text = render_template("email/digest.txt", **context)
        html = render_template("email/digest.html", **context)
    return Mail(user.email or "", user.name, subject, text, html, language)


def robot_text(notifications: list[Notification], language: str) -> str:
    """A team-channel post for notices of one event: the line, the people, the link."""
    first = notifications[0]
    kind = KINDS[first.kind]
    zone = zoneinfo.ZoneInfo(site_settings.default_time_zone())
    with outside_request(), force_locale(language):
        words = wording(language, zone)
        names = ("、" if language == "zh" else ", ").join(
            sorted({n.user.name for n in notifications}))
        lines = [f"【{site_settings.site_name()}】{kind.summary(first.params or {}, words)}",
                 _("People: %(names)s", names=names)]
        url = link_url(first.link, external=True)
        if url:
            lines.append(url)
    return "\n".join(lines)
