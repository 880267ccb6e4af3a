"""Reading and changing site settings. The getter API other features use:

- ``get(key)``: the stored value, else the default (`lms.settings.registry.SETTINGS`);
- ``site_name(lang)``, ``logo_path()``, ``logo_data_uri()``;
- ``default_language()``, ``default_time_zone()``;
- ``password_policy()`` → ``PasswordPolicy(min_length, letters_and_digits)``;
- ``reminder_lead()`` → ``ReminderLead(due_soon_days, exam_window_hours, session_days,
  certificate_days)``;
- ``recording_retention_days()`` (0 = keep).

Values are read once per application context (one query per request) and re-read after a
change. Every change is an audit event with the old and the new value.
"""

from __future__ import annotations

import base64
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, g, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms.auth.models import utcnow
from lms.extensions import db
from lms.settings.models import SiteSetting
from lms.settings.registry import SETTINGS

log = logging.getLogger("lms.settings")

#: Largest logo accepted.
MAX_LOGO_BYTES = 1024 * 1024
LOGO_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}


class SettingError(ValueError):
    """A value a setting cannot take; the message names the setting and the value."""


def _stored() -> dict:
    if not has_app_context():
        return {}
    if "site_settings" not in g:
        g.site_settings = {row.key: row.value for row in db.session.scalars(select(SiteSetting))}
    return g.site_settings


def forget_cache() -> None:
    """Read the settings again at the next ``get`` (after a change or a restore)."""
    if has_app_context():
        g.pop("site_settings", None)


def get(key: str):
    """The value of setting ``key``: stored, else its default. KeyError for unknown keys."""
    setting = SETTINGS[key]
    stored = _stored()
    if key in stored and stored[key] is not None and stored[key] != "":
        return stored[key]
    return setting.default_value() if has_app_context() else setting.default


def as_int(key: str) -> int:
    """``get(key)`` as a whole number."""
    return int(get(key))


def site_name(lang: str | None = None) -> str:
    """The site's name in ``lang`` (the current language when None)."""
    if lang is None:
        from flask_babel import get_locale

        lang = str(get_locale() or "zh")
    own = get(f"site.name_{'en' if lang == 'en' else 'zh'}")
    other = get(f"site.name_{'zh' if lang == 'en' else 'en'}")
    if own or other:
        return own or other
    with force_locale(lang):
        return _("After-sales Service Academy")


def default_language() -> str:
    """The language for people who chose none (``zh`` or ``en``)."""
    value = get("site.default_language")
    return value if value in current_app.config["LANGUAGES"] else "zh"


def default_time_zone() -> str:
    """The site's IANA time zone."""
    from lms.i18n import available_zones

    value = get("site.time_zone")
    return value if value in available_zones() else "Asia/Shanghai"


@dataclass(frozen=True)
class PasswordPolicy:
    """What a new password must have beyond the built-in rules."""

    min_length: int
    letters_and_digits: bool


def password_policy() -> PasswordPolicy:
    """The site's password policy."""
    return PasswordPolicy(as_int("password.min_length"), bool(get("password.letters_and_digits")))


@dataclass(frozen=True)
class ReminderLead:
    """How far ahead reminders go out."""

    due_soon_days: int
    exam_window_hours: int
    session_days: int
    certificate_days: int


def reminder_lead() -> ReminderLead:
    """The reminder lead times (notifications read these)."""
    return ReminderLead(as_int("reminders.due_soon_days"), as_int("reminders.exam_window_hours"),
                        as_int("reminders.session_days"), as_int("reminders.certificate_days"))


def recording_retention_days() -> int:
    """Days role-play recordings are kept; 0 = until deleted."""
    return as_int("privacy.recording_retention_days")


# --- the logo ----------------------------------------------------------------------------------

def logo_dir() -> Path:
    """Where the logo file lives (inside UPLOAD_DIR, so backups include it)."""
    folder = Path(current_app.config["UPLOAD_DIR"]) / "settings"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def logo_kind(data: bytes) -> str | None:
    """``png`` or ``jpeg`` by the file's first bytes, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def logo_path() -> Path | None:
    """The stored logo file, if one is set and present."""
    name = get("site.logo")
    if not name:
        return None
    path = logo_dir() / Path(str(name)).name
    return path if path.is_file() else None


def logo_data_uri() -> str | None:
    """The logo as a ``data:`` URI (how PDFs embed it), or None."""
    path = logo_path()
    if path is None:
        return None
    data = path.read_bytes()
    kind = logo_kind(data)
    if kind is None:
        return None
    return f"data:{LOGO_TYPES[kind]};base64,{base64.b64encode(data).decode('ascii')}"


def store_logo(data: bytes) -> str:
    """Check and store a logo; returns its file name. `SettingError` for anything else."""
    kind = logo_kind(data)
    if kind is None:
        raise SettingError(_("Logo: the file is not a PNG or JPEG image."))
    if len(data) > MAX_LOGO_BYTES:
        raise SettingError(_("Logo: the file is larger than %(n)d KB.",
                             n=MAX_LOGO_BYTES // 1024))
    name = f"logo-{secrets.token_hex(8)}.{'png' if kind == 'png' else 'jpg'}"
    (logo_dir() / name).write_bytes(data)
    return name


# --- changing --------------------------------------------------------------------------------

def check(key: str, value):
    """``value`` as setting ``key`` stores it; `SettingError` naming the setting if invalid."""
    from lms.i18n import available_zones

    setting = SETTINGS[key]
    if setting.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingError(_("%(name)s: enter a whole number.", name=setting.label))
        if not setting.minimum <= value <= setting.maximum:
            raise SettingError(_("%(name)s: %(value)s is outside %(low)d–%(high)d.",
                                 name=setting.label, value=value, low=setting.minimum,
                                 high=setting.maximum))
    elif setting.kind == "bool":
        value = bool(value)
    elif setting.kind == "language" and value not in current_app.config["LANGUAGES"]:
        raise SettingError(_("%(name)s: choose Chinese or English.", name=setting.label))
    elif setting.kind == "zone" and value not in available_zones():
        raise SettingError(_("%(name)s: %(value)s is not a known time zone.",
                             name=setting.label, value=str(value)[:60]))
    elif setting.kind == "text":
        value = (value or "").strip()
        if len(value) > setting.maximum:
            raise SettingError(_("%(name)s: use at most %(n)d characters.",
                                 name=setting.label, n=setting.maximum))
    return value


def save(values: dict, actor_id: int | None) -> list[str]:
    """Store the changed ``values`` ({key: value}); returns the keys that changed.

    Each change is an audit event (``setting.updated``, old → new). The caller commits.
    """
    from lms.audit.service import bilingual, record

    checked = {key: check(key, value) for key, value in values.items()}
    rows = {row.key: row for row in db.session.scalars(
        select(SiteSetting).where(SiteSetting.key.in_(list(checked))))}
    changed = []
    for key, value in checked.items():
        before = get(key)
        if before == value:
            continue
        row = rows.get(key)
        if row is None:
            row = SiteSetting(key=key)
            db.session.add(row)
        row.value, row.updated_at, row.updated_by_id = value, utcnow(), actor_id
        record("setting.updated", label=bilingual(SETTINGS[key].label),
               old={"value": before}, new={"value": value})
        changed.append(key)
    forget_cache()
    if changed:
        log.info("settings changed: %s", ", ".join(changed))
    return changed


def remove_logo(actor_id: int | None) -> bool:
    """Forget the logo (the file is deleted); False when there was none."""
    path = logo_path()
    if not get("site.logo"):
        return False
    save({"site.logo": ""}, actor_id)
    if path is not None:
        path.unlink(missing_ok=True)
    return True
