"""Every site setting: its key, name, type, bounds and default.

A default may depend on the configuration (``BABEL_DEFAULT_LOCALE``, ``TIME_ZONE``,
``NOTIFY_DUE_SOON_DAYS``), so a site that never opened the settings page behaves as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Setting:
    """One setting an administrator may change."""

    key: str
    label: object
    #: ``text``, ``int``, ``bool``, ``language``, ``zone`` or ``file``.
    kind: str
    #: The value without a stored row (or a function of the app config giving it).
    default: object = None
    minimum: int | None = None
    maximum: int | None = None
    help: object = ""

    def default_value(self):
        """The default, computed from the configuration where it depends on it."""
        if callable(self.default):
            return self.default(current_app.config)
        return self.default


def _config(name: str, fallback):
    return lambda config: config.get(name, fallback)


SETTINGS: dict[str, Setting] = {s.key: s for s in (
    Setting("site.name_zh", _l("Site name (Chinese)"), "text", "", maximum=80,
            help=_l("Shown in the page header, on certificates and in PDF reports. Leave "
                    "empty for the built-in name.")),
    Setting("site.name_en", _l("Site name (English)"), "text", "", maximum=80),
    Setting("site.logo", _l("Logo"), "file", None,
            help=_l("PNG or JPEG, at most 1 MB; printed on certificates and reports.")),
    Setting("site.default_language", _l("Default language"), "language",
            _config("BABEL_DEFAULT_LOCALE", "zh"),
            help=_l("For people who chose no language and whose browser asks for neither.")),
    Setting("site.time_zone", _l("Site time zone"), "zone",
            _config("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"),
            help=_l("Times are stored in UTC and shown in this zone unless a person chose "
                    "their own.")),
    Setting("password.min_length", _l("Shortest password"), "int", 8, minimum=8, maximum=64,
            help=_l("At least 8 characters (NIST SP 800-63B); longer is stronger.")),
    Setting("password.letters_and_digits", _l("Passwords need letters and digits"), "bool",
            False),
    Setting("reminders.due_soon_days", _l("Due-soon reminder, days before the due date"),
            "int", _config("NOTIFY_DUE_SOON_DAYS", 3), minimum=1, maximum=30),
    Setting("reminders.exam_window_hours", _l("Exam-window reminder, hours before it opens"),
            "int", 24, minimum=1, maximum=168),
    Setting("reminders.session_days", _l("Practice-session reminder, days before"), "int", 1,
            minimum=1, maximum=14),
    Setting("reminders.certificate_days",
            _l("Certificate-expiry reminder, days before it expires"), "int", 30, minimum=1,
            maximum=365),
    Setting("privacy.recording_retention_days",
            _l("Keep role-play recordings for (days)"), "int", 0, minimum=0, maximum=3650,
            help=_l("0 keeps them until deleted. Older recordings are removed by the daily "
                    "sweep; scores stay.")),
)}
