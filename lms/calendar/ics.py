"""The personal iCalendar feed (RFC 5545) built with the ``icalendar`` package.

Timed entries carry the person's time zone (``DTSTART;TZID=Asia/Shanghai:…``) with its
VTIMEZONE, so Outlook, WeCom and phone calendars show the same local times as the site;
all-day entries are dates. Titles are in the person's language.
"""

from __future__ import annotations

import hashlib
import zoneinfo
from datetime import UTC, timedelta

import icalendar
from flask_babel import gettext as _

from lms.auth.models import utcnow
from lms.calendar.service import Entry
from lms.i18n import localized


def entry_label(entry: Entry, language: str) -> str:
    """The entry's line in a calendar: what it is, then its title."""
    title = localized(entry.title, language)
    labels = {
        "due": _("Due: %(title)s", title=title),
        "exam_opens": _("Exam opens: %(title)s", title=title),
        "exam_closes": _("Exam closes: %(title)s", title=title),
        "practice": _("Practice session: %(title)s", title=title),
        "drill": _("Emergency drill to do: %(title)s", title=title),
        "certificate": _("Certificate expires: %(title)s", title=title),
    }
    return labels[entry.kind]


def _uid(entry: Entry, user_id: int) -> str:
    digest = hashlib.sha256(f"{user_id}:{entry.ident}".encode()).hexdigest()[:32]
    return f"{digest}@aftersales-academy"


def build_feed(entries: list[Entry], user, zone: zoneinfo.ZoneInfo, language: str,
               urls: dict[int, str | None]) -> bytes:
    """The feed as bytes; ``urls`` maps ``id(entry)`` to its absolute address."""
    feed = icalendar.Calendar()
    feed.add("prodid", "-//After-sales Service Academy//Calendar//ZH-EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", _("%(name)s · training calendar", name=user.name))
    feed.add("x-wr-timezone", zone.key)
    stamp = utcnow().replace(tzinfo=UTC)
    for entry in entries:
        event = icalendar.Event()
        event.add("uid", _uid(entry, user.id))
        event.add("dtstamp", stamp)
        event.add("summary", entry_label(entry, language))
        if entry.all_day:
            event.add("dtstart", entry.day)
            event.add("dtend", entry.day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            event.add("dtstart", entry.starts_at.replace(tzinfo=UTC).astimezone(zone))
            ends = entry.ends_at if entry.ends_at and entry.ends_at > entry.starts_at else None
            event.add("dtend", (ends or entry.starts_at + timedelta(minutes=30))
                      .replace(tzinfo=UTC).astimezone(zone))
        if entry.place:
            event.add("location", entry.place)
        url = urls.get(id(entry))
        if url:
            event.add("url", url)
            event.add("description", url)
        feed.add_component(event)
    feed.add_missing_timezones()
    return feed.to_ical()
