"""Language and time zone per user, and the gettext catalogs.

Catalogs live beside the code that uses them: ``lms/translations`` for the shared
strings and ``lms/<feature>/translations`` for a feature's own, all in the ``messages``
domain; Flask-Babel merges them. The ``.po`` files are the source; ``.mo`` files are
compiled from them when missing or older, so a fresh clone needs no build step.
"""

import zoneinfo
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, has_request_context, request, session
from flask_babel import get_timezone
from flask_login import current_user

LMS_DIR = Path(__file__).resolve().parent


def translation_directories() -> list[Path]:
    """Every ``translations`` folder under ``lms/`` (shared one first)."""
    found = sorted(p for p in LMS_DIR.glob("*/translations") if p.is_dir())
    shared = LMS_DIR / "translations"
    return [shared, *found]


def compile_catalogs(directories: list[Path]) -> None:
    """Compile each ``messages.po`` whose ``.mo`` is missing or stale."""
    for directory in directories:
        for po_path in directory.glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parent.parent.name)
            tmp_path = mo_path.with_suffix(".mo.tmp")
            with tmp_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
            tmp_path.replace(mo_path)


def _site_default(name: str) -> str:
    """The site's default language or time zone: the site setting, else the config."""
    from lms.settings import service  # the setting, when the settings feature is installed

    return service.default_language() if name == "language" else service.default_time_zone()


def select_locale() -> str:
    """The user's saved language, else the session's, else the browser's, else the site's."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # background jobs choose with flask_babel.force_locale
        return _site_default("language")
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or _site_default("language")


def select_timezone() -> str:
    """The user's own time zone, else the site's (setting, else ``BABEL_DEFAULT_TIMEZONE``)."""
    if has_request_context() and current_user.is_authenticated:
        zone = getattr(current_user, "time_zone", None)
        if zone and zone in available_zones():
            return zone
    return _site_default("time_zone")


def available_zones() -> frozenset[str]:
    """Every IANA time zone name this machine knows."""
    return _zones()


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


#: Zones offered first in pickers (the teams this platform serves most often).
COMMON_ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
                "Asia/Tokyo", "Asia/Kolkata", "Europe/London", "Europe/Berlin",
                "America/New_York", "America/Los_Angeles", "UTC")


def local_text(stored: datetime | None, pattern: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored naive-UTC time as text in the person's (or, in jobs, the site's) zone."""
    if stored is None:
        return ""
    from flask_babel import format_datetime

    return format_datetime(stored, pattern)


def to_utc(local: datetime | None) -> datetime | None:
    """A naive time typed in the person's zone → naive UTC for storage."""
    if local is None:
        return None
    zone = zoneinfo.ZoneInfo(str(get_timezone()))
    return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def to_local(stored: datetime | None) -> datetime | None:
    """A stored naive-UTC time → naive time in the person's zone (for form inputs)."""
    if stored is None:
        return None
    zone = zoneinfo.ZoneInfo(str(get_timezone()))
    return stored.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


#: How a language names itself: the marker after a title shown in the other language.
OWN_NAME = {"zh": "中文", "en": "English"}


def reader_language() -> str:
    """The interface language of this request (Chinese outside a request)."""
    from flask import has_app_context
    from flask_babel import get_locale

    locale = get_locale() if has_app_context() else None
    return str(locale or "zh")[:2]


def titled(mapping, lang: str | None = None) -> str:
    """A bilingual title in ``lang`` (the reader's), else the other language's with a marker
    ("(中文)", "(English)") so the reader knows why it is not in theirs. ``mapping`` is a
    ``{zh, en}`` dict, an object with ``zh``/``en`` attributes, or plain text (as typed)."""
    if not mapping:
        return ""
    if isinstance(mapping, str):
        return mapping
    if not isinstance(mapping, dict):
        mapping = {"zh": getattr(mapping, "zh", ""), "en": getattr(mapping, "en", "")}
    lang = lang or reader_language()
    if mapping.get(lang):
        return mapping[lang]
    for other in ("zh", "en"):
        if other != lang and mapping.get(other):
            return f"{mapping[other]} ({OWN_NAME[other]})"
    return ""


def localized(mapping: dict | None, locale: str | None = None) -> str:
    """Pick the current language from a ``{zh: ..., en: ...}`` mapping, falling back."""
    if not mapping:
        return ""
    if isinstance(mapping, str):
        return mapping
    from flask_babel import get_locale

    lang = locale or str(get_locale() or "zh")
    return mapping.get(lang) or mapping.get("zh") or mapping.get("en") or ""
