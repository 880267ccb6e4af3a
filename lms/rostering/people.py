"""The people a roster is made of: their contracts and skill groups, and days-off requests.

A planner keeps each agent's contract (a preset, full or part time, with weekly hours, days,
consecutive days and rest between shifts) and skill groups (best first). An agent asks for
days off; the planner approves or declines. When a plan is solved, every agent of its
department brings:

- the contract, the plan's shift templates it may work (full time: six paid hours or more;
  part time: shorter), its weekly hours and days; a plan shorter than a week asks no
  minimum and allows the weekly maximum's average day (hours ÷ days a week) per plan day;
  without a stored contract, the permissive default (no minimum, at most 40 h and 5 days,
  11 h rest, any shift template);
- the skill groups that the plan needs, in the agent's order (all the plan's groups when none
  are stored; an agent none of whose groups the plan needs is left out);
- approved days off inside the plan as days that must be off, open requests as wishes.
"""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import signals
from lms.auth.models import User, utcnow
from lms.extensions import db
from lms.rostering import shift_templates
from lms.rostering.models import CONTRACT_PRESETS, AgentContract, DayOffRequest

log = logging.getLogger("lms.rostering")

#: How far ahead a day off can be asked for.
MAX_DAYS_AHEAD = 366


class RequestRefused(ValueError):
    """A day-off request or decision that cannot be made (the message says why)."""


def contract_of(user_id: int) -> AgentContract | None:
    """The stored contract of the person, if any."""
    return db.session.get(AgentContract, user_id)


def contracts_of(user_ids: list[int]) -> dict[int, AgentContract]:
    """{user id: stored contract} for those who have one."""
    if not user_ids:
        return {}
    return {row.user_id: row for row in db.session.scalars(
        select(AgentContract).where(AgentContract.user_id.in_(user_ids)))}


def save_contract(user: User, by: User, *, kind: str, min_hours: int, max_hours: int,
                  max_days: int, max_consecutive_days: int, groups: list[str]) -> AgentContract:
    """Store the person's contract (not committed); raises :class:`RequestRefused`."""
    if kind not in CONTRACT_PRESETS:
        raise RequestRefused(str(_l("Choose full time or part time.")))
    if min_hours > max_hours:
        raise RequestRefused(str(_l("The minimum hours are more than the maximum.")))
    if max_consecutive_days > max_days:
        raise RequestRefused(str(_l("More days in a row than days in the week.")))
    row = contract_of(user.id) or AgentContract(user_id=user.id)
    row.kind, row.min_hours, row.max_hours = kind, min_hours, max_hours
    row.max_days, row.max_consecutive_days = max_days, max_consecutive_days
    row.groups_json = json.dumps(list(dict.fromkeys(groups)))
    row.updated_by_id = by.id
    db.session.add(row)
    return row


def contract_params(row: AgentContract | None, plan_days: int,
                    specs: dict[str, dict] | None = None) -> dict:
    """The solver's contract (plain data) for a plan of ``plan_days`` days."""
    if row is None:
        return {"name": "default", "min_minutes": 0, "max_minutes": 40 * 60, "max_days": 5,
                "max_consecutive_days": 5, "min_rest_minutes": 11 * 60, "templates": []}
    if plan_days >= 7:
        least, most = row.min_hours * 60, row.max_hours * 60
    else:  # no weekly minimum in part of a week; the maximum as that many average days
        least = 0
        most = int(round(row.max_hours * 60 / row.max_days * min(plan_days, row.max_days)))
    return {"name": row.kind, "min_minutes": least, "max_minutes": most,
            "max_days": min(row.max_days, plan_days),
            "max_consecutive_days": min(row.max_consecutive_days, plan_days),
            "min_rest_minutes": row.min_rest_hours * 60,
            "templates": shift_templates.for_contract(row.kind, specs or {})}


def days_off_in(user_ids: list[int], first: date, days: int) -> dict[int, tuple[list, list]]:
    """{user id: (approved day indexes, requested day indexes)} inside the plan."""
    last = first + timedelta(days=days - 1)
    out: dict[int, tuple[list, list]] = {}
    if not user_ids:
        return out
    for row in db.session.scalars(select(DayOffRequest).where(
            DayOffRequest.user_id.in_(user_ids), DayOffRequest.day >= first,
            DayOffRequest.day <= last, DayOffRequest.status != "declined")):
        hard, wished = out.setdefault(row.user_id, ([], []))
        (hard if row.status == "approved" else wished).append((row.day - first).days)
    return out


def agent_params(people: list[User], groups: list[str], first: date, plan_days: int,
                 measured: dict[int, float], specs: dict[str, dict]) -> list[dict]:
    """The solver's agents (plain data) for the plan's groups and days."""
    contracts = contracts_of([u.id for u in people])
    off = days_off_in([u.id for u in people], first, plan_days)
    agents = []
    for person in people:
        row = contracts.get(person.id)
        mine = [g for g in (row.groups if row else []) if g in groups] if row and row.groups \
            else list(groups)
        contract = contract_params(row, plan_days, specs)
        if not mine or (row is not None and not contract["templates"]):
            continue  # no group of the plan, or no shift of the plan the contract may work
        hard, wished = off.get(person.id, ([], []))
        agents.append({"id": str(person.id), "name": person.name, "groups": mine,
                       "proficiency": measured.get(person.id),
                       "contract": contract,
                       "days_off": sorted(hard), "days_off_wanted": sorted(wished)})
    return agents


# --- days off -------------------------------------------------------------------------------
def requests_of(user: User) -> list[DayOffRequest]:
    """The person's own requests, latest day first."""
    return list(db.session.scalars(select(DayOffRequest).where(DayOffRequest.user_id == user.id)
                                   .order_by(DayOffRequest.day.desc())))


def open_requests() -> list[DayOffRequest]:
    """Every request waiting for a decision, soonest day first."""
    return list(db.session.scalars(select(DayOffRequest).where(
        DayOffRequest.status == "requested").order_by(DayOffRequest.day, DayOffRequest.id)))


def decided_recently(limit: int = 50) -> list[DayOffRequest]:
    """The latest decisions, newest first."""
    return list(db.session.scalars(select(DayOffRequest).where(
        DayOffRequest.status != "requested").order_by(DayOffRequest.decided_at.desc())
        .limit(limit)))


def ask(user: User, day: date, reason: str, today: date) -> DayOffRequest:
    """Ask for ``day`` off (not committed); raises :class:`RequestRefused`."""
    if day <= today:
        raise RequestRefused(str(_l("Ask for a day from tomorrow on.")))
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise RequestRefused(str(_l("Ask at most a year ahead.")))
    if db.session.scalar(select(DayOffRequest.id).where(DayOffRequest.user_id == user.id,
                                                        DayOffRequest.day == day)):
        raise RequestRefused(str(_l("You have already asked for this day.")))
    row = DayOffRequest(user_id=user.id, day=day, reason=reason.strip()[:200])
    db.session.add(row)
    db.session.flush()
    signals.day_off_requested.send("rostering", request_id=row.id, user_id=user.id,
                                   day=day)
    return row


def withdraw(row: DayOffRequest, user: User) -> None:
    """The person takes back a request that is still open (not committed)."""
    if row.user_id != user.id:
        raise RequestRefused(str(_l("This is not your request.")))
    if row.status != "requested":
        raise RequestRefused(str(_l("A decided request cannot be withdrawn; ask your planner.")))
    db.session.delete(row)


def decide(row: DayOffRequest, by: User, approve: bool) -> None:
    """Approve or decline an open request (not committed); tells the person."""
    if row.status != "requested":
        raise RequestRefused(str(_l("This request has been decided already.")))
    row.status = "approved" if approve else "declined"
    row.decided_by_id, row.decided_at = by.id, utcnow()
    log.info("day-off request %s %s by user %s", row.id, row.status, by.id)
    signals.day_off_decided.send("rostering", request_id=row.id, user_id=row.user_id,
                                 day=row.day, approved=approve)
