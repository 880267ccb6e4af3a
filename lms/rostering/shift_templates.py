"""Shift templates: the shipped ones and those a planner makes, as plain data for the solver.

A plan lists template keys: a shipped key (``early``, ``day``, ``late``, ``part``) or
``own:<id>`` for a planner's template. When a plan is solved its templates travel in the
job's parameters as specs (plain dicts), so a worker needs no table and a template edited or
deleted later does not change a plan already solved.

Which templates a contract may work is decided by paid length: a full-time contract works
shifts of six paid hours or more, a part-time contract shorter ones.
"""

from __future__ import annotations

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.auth.models import User
from lms.extensions import db
from lms.rostering.models import OwnShiftTemplate
from simulation.scheduling import BreakRule, ShiftTemplate

LUNCH = BreakRule(30, 180, 300, paid=False)
#: Shipped shift templates: key → (label, template). 8 h paid plus lunch, or 4 h part time.
SHIPPED = {
    "early": (_l("Early (starts 07:00-08:00, 8 h + lunch)"),
              ShiftTemplate("early", 510, 7 * 60, 8 * 60, 30, (LUNCH,))),
    "day": (_l("Day (starts 09:00-10:00, 8 h + lunch)"),
            ShiftTemplate("day", 510, 9 * 60, 10 * 60, 30, (LUNCH,))),
    "late": (_l("Late (starts 13:00-14:00, 8 h + lunch)"),
             ShiftTemplate("late", 510, 13 * 60, 14 * 60, 30, (LUNCH,))),
    "part": (_l("Part-time (4 h, starts 08:00-18:00)"),
             ShiftTemplate("part", 240, 8 * 60, 18 * 60, 60, (), cost_per_hour=1.1)),
}
#: Paid minutes from which a shift counts as a full-time shift.
FULL_TIME_MINUTES = 6 * 60


def _template_of(row: OwnShiftTemplate) -> ShiftTemplate:
    breaks = tuple(BreakRule(int(b["minutes"]), int(b["earliest"]), int(b["latest"]),
                             bool(b.get("paid", True))) for b in json.loads(row.breaks_json))
    return ShiftTemplate(row.key, row.length_minutes, row.start_earliest, row.start_latest,
                         row.start_step, breaks, tuple(json.loads(row.weekdays_json)),
                         (), float(row.cost_per_hour))


def own_of(owner: User) -> list[OwnShiftTemplate]:
    """The planner's own templates, by name."""
    return list(db.session.scalars(select(OwnShiftTemplate).where(
        OwnShiftTemplate.owner_id == owner.id).order_by(OwnShiftTemplate.name,
                                                        OwnShiftTemplate.id)))


def available(owner: User) -> dict[str, tuple[str, ShiftTemplate]]:
    """key → (label, template) of every template the planner can choose."""
    out = {key: (str(label), template) for key, (label, template) in SHIPPED.items()}
    for row in own_of(owner):
        out[row.key] = (row.name, _template_of(row))
    return out


def label_of(key: str) -> str:
    """A template's name for a person: the shipped label or the planner's own name."""
    if key in SHIPPED:
        return str(SHIPPED[key][0])
    if key.startswith("own:") and key[4:].isdigit():
        row = db.session.get(OwnShiftTemplate, int(key[4:]))
        if row is not None:
            return row.name
    return _("Shift template no longer kept")


def spec_of(template: ShiftTemplate) -> dict:
    """A template as plain data (for job parameters)."""
    return {"name": template.name, "length": template.length_minutes,
            "earliest": template.start_earliest, "latest": template.start_latest,
            "step": template.start_step, "weekdays": list(template.weekdays),
            "cost": template.cost_per_hour,
            "breaks": [[b.minutes, b.earliest_offset, b.latest_offset, b.paid]
                       for b in template.breaks]}


def template_from(spec: dict) -> ShiftTemplate:
    """The template of :func:`spec_of`'s data."""
    return ShiftTemplate(spec["name"], int(spec["length"]), int(spec["earliest"]),
                         int(spec["latest"]), int(spec["step"]),
                         tuple(BreakRule(int(m), int(a), int(b), bool(p))
                               for m, a, b, p in spec["breaks"]),
                         tuple(spec["weekdays"]), (), float(spec["cost"]))


def for_contract(kind: str | None, specs: dict[str, dict]) -> list[str]:
    """Keys of the plan's templates a contract may work (every one without a contract)."""
    if kind is None:
        return []
    full = kind == "full_time"
    return [key for key, spec in specs.items()
            if (template_from(spec).paid_minutes >= FULL_TIME_MINUTES) == full]


class TemplateRefused(ValueError):
    """A template that cannot work (the message names the field's problem)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def save(owner: User, *, name: str, start_earliest: int, start_latest: int, length: int,
         step: int, lunch: int, lunch_after: int, short_break: bool, weekdays: list[int],
         cost_per_hour: float) -> OwnShiftTemplate:
    """Store a new template of the planner (not committed); raises :class:`TemplateRefused`.

    ``lunch`` minutes unpaid start between ``lunch_after`` and ``lunch_after + 2 h`` from
    the start; a short paid break of 15 minutes, when asked, in the first half.
    """
    if start_latest < start_earliest:
        raise TemplateRefused("start_latest", str(_l("The latest start is before the "
                                                     "earliest start.")))
    if start_latest + length > 24 * 60:
        raise TemplateRefused("length_hours", str(_l("A shift starting at the latest start would "
                                               "end after midnight.")))
    breaks = []
    if lunch:
        latest = lunch_after + 120
        if latest + lunch > length:
            raise TemplateRefused("lunch_after", str(_l("The lunch break does not fit in "
                                                        "the shift.")))
        breaks.append({"minutes": lunch, "earliest": lunch_after, "latest": latest,
                       "paid": False})
    if short_break:
        breaks.append({"minutes": 15, "earliest": 60, "latest": max(60, length // 2 - 15),
                       "paid": True})
    if not weekdays:
        raise TemplateRefused("weekdays", str(_l("Choose at least one weekday.")))
    row = OwnShiftTemplate(owner_id=owner.id, name=name.strip()[:80], length_minutes=length,
                           start_earliest=start_earliest, start_latest=start_latest,
                           start_step=step, breaks_json=json.dumps(breaks),
                           weekdays_json=json.dumps(sorted(set(weekdays))),
                           cost_per_hour=cost_per_hour)
    db.session.add(row)
    db.session.flush()
    return row
