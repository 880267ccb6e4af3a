"""The typed events a person can be told about: a registry of kinds and how each reads.

Each `EventKind` knows its label (preferences page), who it concerns (roles), its default
channels, and how to word one event from its plain parameters in the language that is active
when it is rendered (the viewer's on a page, the recipient's in an e-mail). Parameters are
plain JSON data stored on the notification (``title`` as ``{zh, en}``, dates as ISO text,
moments as naive-UTC ISO text), so a notice reads right in either language later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: The channels a person chooses per kind. ``email`` is "at once", ``digest`` "in the daily
#: digest" (one of the two), ``webhook`` the department's group robot.
CHANNELS = ("in_app", "email", "digest", "webhook")
#: What an e-mail choice can be on the preferences page.
EMAIL_MODES = ("off", "now", "digest")
STAFF = ("trainer", "admin")
EVERYONE = ("admin", "trainer", "planner", "trainee")


class Wording:
    """Turns stored parameters into text in the active language and the recipient's zone."""

    def __init__(self, localize: Callable[[dict], str], moment: Callable[[str], str]):
        self._localize = localize
        self._moment = moment

    def title(self, params: dict, key: str = "title") -> str:
        """The ``{zh, en}`` title in the active language."""
        return self._localize(params.get(key) or {})

    def moment(self, params: dict, key: str = "at") -> str:
        """A stored UTC moment as local date and time."""
        value = params.get(key)
        return self._moment(value) if value else "—"

    @staticmethod
    def day(params: dict, key: str = "due_on") -> str:
        """A date (ISO text) as is: dates have no zone."""
        return params.get(key) or "—"


@dataclass(frozen=True)
class EventKind:
    """One kind of event: what it is called, whom it concerns, how one reads."""

    key: str
    label: object
    #: Roles for whom the kind appears on the preferences page.
    roles: tuple[str, ...]
    #: ``(params, wording) -> str``: the one-line subject ("Training assigned: Etiquette").
    subject: Callable[[dict, Wording], str]
    #: ``(params, wording) -> str``: the sentence addressed to the person.
    message: Callable[[dict, Wording], str]
    #: ``(params, wording) -> str``: the impersonal line a team channel shows with names.
    summary: Callable[[dict, Wording], str]
    #: Default e-mail mode (``off``, ``now``, ``digest``).
    email_default: str = "now"
    #: Whether a department's group robot relays it unless the person opts out.
    webhook_default: bool = False


def _kind(key, label, roles, subject, message, summary, email="now", webhook=False):
    return EventKind(key, label, roles, subject, message, summary, email, webhook)


KINDS: dict[str, EventKind] = {kind.key: kind for kind in (
    _kind("assigned", _l("Training assigned"), ("trainee",),
          lambda p, w: _("Training assigned: %(title)s", title=w.title(p)),
          lambda p, w: _("%(title)s has been assigned to you, due on %(date)s.",
                         title=w.title(p), date=w.day(p)),
          lambda p, w: _("Assigned: %(title)s, due on %(date)s", title=w.title(p),
                         date=w.day(p)), webhook=True),
    _kind("due_soon", _l("Due soon"), ("trainee",),
          lambda p, w: _("Due soon: %(title)s", title=w.title(p)),
          lambda p, w: _("%(title)s is due on %(date)s and is not complete yet.",
                         title=w.title(p), date=w.day(p)),
          lambda p, w: _("Due on %(date)s: %(title)s", title=w.title(p), date=w.day(p))),
    _kind("overdue", _l("Overdue"), ("trainee",),
          lambda p, w: _("Overdue: %(title)s", title=w.title(p)),
          lambda p, w: _("%(title)s was due on %(date)s and is not complete yet. "
                         "Please finish it as soon as you can.",
                         title=w.title(p), date=w.day(p)),
          lambda p, w: _("Overdue since %(date)s: %(title)s", title=w.title(p),
                         date=w.day(p)), webhook=True),
    _kind("window_opens", _l("Exam window opens"), ("trainee",),
          lambda p, w: _("Exam opens: %(title)s", title=w.title(p)),
          lambda p, w: _("The exam %(title)s opens at %(time)s.", title=w.title(p),
                         time=w.moment(p)),
          lambda p, w: _("Exam %(title)s opens at %(time)s", title=w.title(p),
                         time=w.moment(p))),
    _kind("result_released", _l("Result released"), ("trainee",),
          lambda p, w: _("Result available: %(title)s", title=w.title(p)),
          lambda p, w: _("Your result for %(title)s is available.", title=w.title(p)),
          lambda p, w: _("Result available: %(title)s", title=w.title(p))),
    _kind("essay_to_grade", _l("Answers to grade"), STAFF,
          lambda p, w: _("To grade: %(title)s", title=w.title(p)),
          lambda p, w: _("An attempt at %(title)s has answers waiting for a trainer's grade.",
                         title=w.title(p)),
          lambda p, w: _("Answers to grade: %(title)s", title=w.title(p))),
    _kind("roleplay_scored", _l("Role-play scored"), ("trainee",),
          lambda p, w: _("Role-play scored: %(title)s", title=w.title(p)),
          lambda p, w: _("A trainer scored your role-play %(title)s.", title=w.title(p)),
          lambda p, w: _("Role-play scored: %(title)s", title=w.title(p))),
    _kind("session_tomorrow", _l("Practice session tomorrow"), ("trainee", "trainer"),
          lambda p, w: _("Tomorrow: %(title)s", title=w.title(p)),
          lambda p, w: _("The practice session %(title)s starts at %(time)s in %(place)s.",
                         title=w.title(p), time=w.moment(p), place=p.get("place") or "—"),
          lambda p, w: _("Practice session %(title)s at %(time)s, %(place)s",
                         title=w.title(p), time=w.moment(p), place=p.get("place") or "—"),
          webhook=True),
    _kind("drill_scheduled", _l("Drill scheduled"), ("trainee",),
          lambda p, w: _("Drill scheduled: %(title)s", title=w.title(p)),
          lambda p, w: (_("A trainer scheduled the emergency drill %(title)s for you at "
                          "%(time)s.", title=w.title(p), time=w.moment(p)) if p.get("at") else
                        _("A trainer scheduled the emergency drill %(title)s for you.",
                          title=w.title(p))),
          lambda p, w: (_("Emergency drill %(title)s at %(time)s", title=w.title(p),
                          time=w.moment(p)) if p.get("at") else
                        _("Emergency drill scheduled: %(title)s", title=w.title(p))),
          webhook=True),
    _kind("drill_tomorrow", _l("Drill tomorrow"), ("trainee",),
          lambda p, w: _("Tomorrow: %(title)s", title=w.title(p)),
          lambda p, w: _("Your emergency drill %(title)s is set for %(time)s. Open it from "
                         "your drill list when it is time.", title=w.title(p),
                         time=w.moment(p)),
          lambda p, w: _("Emergency drill %(title)s at %(time)s", title=w.title(p),
                         time=w.moment(p)), webhook=True),
    _kind("certificate_issued", _l("Certificate issued"), ("trainee",),
          lambda p, w: _("Certificate issued: %(title)s", title=w.title(p)),
          lambda p, w: _("Your certificate for %(title)s has been issued.", title=w.title(p)),
          lambda p, w: _("Certificate issued: %(title)s", title=w.title(p)), webhook=True),
    _kind("certificate_expiring", _l("Certificate expiring"), ("trainee",),
          lambda p, w: _("Certificate expiring: %(title)s", title=w.title(p)),
          lambda p, w: _("Your certificate for %(title)s expires on %(date)s. Recertify "
                         "before then to keep it valid.", title=w.title(p),
                         date=w.day(p, "expires_on")),
          lambda p, w: _("Certificate for %(title)s expires on %(date)s", title=w.title(p),
                         date=w.day(p, "expires_on"))),
    _kind("run_finished", _l("Staffing run finished"), ("planner",),
          lambda p, w: _("Run finished: %(title)s", title=w.title(p)),
          lambda p, w: (_("Your run %(title)s has finished.", title=w.title(p))
                        if p.get("ok") else
                        _("Your run %(title)s stopped with an error.", title=w.title(p))),
          lambda p, w: _("Run finished: %(title)s", title=w.title(p)), email="off"),
    _kind("import_finished", _l("Import finished"), ("admin", "trainer"),
          lambda p, w: _("Import finished: %(title)s", title=w.title(p)),
          lambda p, w: (_("Your import %(title)s has finished.", title=w.title(p))
                        if p.get("ok") else
                        _("Your import %(title)s stopped with an error.", title=w.title(p))),
          lambda p, w: _("Import finished: %(title)s", title=w.title(p)), email="off"),
    _kind("roster_published", _l("Roster published"), ("trainee",),
          lambda p, w: _("New roster from %(date)s", date=w.day(p, "first_day")),
          lambda p, w: _("Your shifts from %(date)s are published. They are on your shifts "
                         "page and in your shift feed.", date=w.day(p, "first_day")),
          lambda p, w: _("Roster published from %(date)s", date=w.day(p, "first_day"))),
    _kind("day_off_requested", _l("Day off requested"), ("planner",),
          lambda p, w: _("Day off requested: %(name)s, %(date)s", name=p.get("name") or "—",
                         date=w.day(p, "day")),
          lambda p, w: _("%(name)s asks for %(date)s off.", name=p.get("name") or "—",
                         date=w.day(p, "day")),
          lambda p, w: _("Day off requested: %(name)s, %(date)s", name=p.get("name") or "—",
                         date=w.day(p, "day")), email="off"),
    _kind("day_off_decided", _l("Day off decided"), ("trainee",),
          lambda p, w: (_("Day off approved: %(date)s", date=w.day(p, "day")) if p.get("approved")
                        else _("Day off declined: %(date)s", date=w.day(p, "day"))),
          lambda p, w: (_("Your request for %(date)s off has been approved.",
                          date=w.day(p, "day")) if p.get("approved") else
                        _("Your request for %(date)s off has been declined. Talk to your "
                          "planner if you need the day.", date=w.day(p, "day"))),
          lambda p, w: (_("Day off approved: %(date)s", date=w.day(p, "day")) if p.get("approved")
                        else _("Day off declined: %(date)s", date=w.day(p, "day")))),
)}


def kind(key: str) -> EventKind:
    """The registered kind ``key`` (KeyError for an unknown one)."""
    return KINDS[key]


def kinds_for(user) -> list[EventKind]:
    """The kinds that concern someone with ``user``'s roles, in registry order."""
    return [k for k in KINDS.values() if user.has_role(*k.roles)]
