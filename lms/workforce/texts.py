"""Words shown for the forecast's keys: queues, holidays, day types, methods, warnings."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

QUEUE_NAMES = {"consultation": _l("Consultation"), "complaint": _l("Complaints"),
               "technical": _l("Technical support"), "enterprise": _l("Enterprise hotline")}
HOLIDAY_NAMES = {"New Year's Day": _l("New Year's Day"), "Spring Festival": _l("Spring Festival"),
                 "Tomb-sweeping Day": _l("Tomb-sweeping Day"), "Labour Day": _l("Labour Day"),
                 "Dragon Boat Festival": _l("Dragon Boat Festival"),
                 "National Day": _l("National Day"),
                 "Mid-autumn Festival": _l("Mid-autumn Festival")}
DAY_KINDS = {"workday": _l("workday"), "saturday": _l("Saturday"), "sunday": _l("Sunday"),
             "holiday": _l("public holiday"), "makeup": _l("adjusted working day (调休)"),
             "post_holiday": _l("first day after a holiday")}
METHOD_NAMES = {"holt_winters": _l("Holt-Winters (recommended)"), "stl_ets": _l("STL + ETS"),
                "auto": _l("Best of both on each queue's own holdout")}
EVENT_KIND_NAMES = {"sales": _l("Sales festival (618, Double 11)"),
                    "launch": _l("Product launch"), "recall": _l("Recall"),
                    "other": _l("Other")}


def queue_name(key: str) -> str:
    """The queue's display name."""
    return str(QUEUE_NAMES.get(key, key))


def holiday_name(key: str | None) -> str:
    """The holiday's name in the page language."""
    return str(HOLIDAY_NAMES.get(key, key or ""))


def method_name(key: str) -> str:
    """The model's display name."""
    return str(METHOD_NAMES.get(key, key))


def warning_text(code: str) -> str:
    """A forecast warning (``code:arg:arg``) in words."""
    parts = code.split(":")
    if parts[0] == "calendar_beyond":
        return _("The official holiday calendar is known up to %(year)s; from %(day)s only "
                 "weekends and the fixed-date holidays (1 January, 1 May, 1–3 October) are "
                 "used. Declare other holidays as special events.", year=parts[1],
                 day=parts[2])
    if parts[0] == "queues_end_apart":
        return _("The queues' histories end on different days (%(first)s and %(last)s); the "
                 "shorter ones were treated as missing up to the last day.", first=parts[1],
                 last=parts[2])
    return code


def note_text(code: str, value: str) -> str:
    """A note from making a scenario, in words."""
    if code == "queue_not_in_base":
        return _("The base scenario has no queue “%(queue)s”; its forecast was left out.",
                 queue=queue_name(value))
    if code == "no_calls":
        return _("The forecast has no calls for %(queue)s on these days; the queue was left "
                 "as it was.", queue=queue_name(value))
    if code == "aht_below_acw":
        return _("The forecast handle time of %(queue)s is not longer than the base "
                 "scenario's after-call work; its handle time was left as it was.",
                 queue=queue_name(value))
    if code == "events_dropped":
        return _("%(n)s event(s) of the base scenario were not copied: they were dated for "
                 "its own days. The forecast already includes your special events.", n=value)
    return code


GROUP_NAMES = {"frontline": _l("Front line"), "complaints_desk": _l("Complaints desk"),
               "technical_support": _l("Technical support"), "technical": _l("Technical support")}
ACTION_NAMES = {"overtime": _l("Overtime"), "call_in": _l("Call in from the reserve"),
                "release": _l("Early release"), "off_phone": _l("Off-phone work")}
REPLAN_PROBLEMS = {
    "interval": _l("The plan's intervals are not the forecast's intervals, so the two cannot "
                   "be compared."),
    "queues": _l("The plan's scenario answers none of the forecast's queues."),
}


def group_name(scenario, key: str, lang: str) -> str:
    """An agent group's name: its title in the scenario, else a known name, never the key
    alone."""
    group = next((g for g in scenario.groups if g.name == key), None)
    if group is not None and group.title is not None:
        return group.title.get(lang)
    return str(GROUP_NAMES.get(key, key.replace("_", " ").capitalize()))


def action_name(kind: str) -> str:
    """The name of a recommended action."""
    return str(ACTION_NAMES[kind])


def replan_problem(code: str) -> str:
    """Why a plan cannot be laid on the forecast day."""
    return str(REPLAN_PROBLEMS.get(code, code))
