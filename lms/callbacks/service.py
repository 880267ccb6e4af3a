"""Callback surveys and the satisfaction KPI made from them.

**The rule.** At the callback (回访, within 24 h of resolution per the service standard) the
customer answers four questions: was it solved, was the staff professional (1-5), anything to
improve, how satisfied overall (1-5). A callback counts as *satisfied* when the overall answer
is 4 or 5 ("satisfied" or "very satisfied", the top two boxes of the five-point Likert scale);
an agent's monthly satisfaction KPI is the share of their callbacks that month that are
satisfied, against the ≥ 90 % target of the staff KPIs. A month with fewer than
:data:`MIN_CALLBACKS` callbacks is shown but not judged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lms.auth import scope
from lms.auth.models import User, UserRole
from lms.callbacks.models import CallbackSurvey
from lms.extensions import db

log = logging.getLogger("lms.callbacks")

#: An overall answer from this value up counts as satisfied (top two boxes of 1-5).
SATISFIED_FROM = 4
#: The staff KPI target for satisfaction.
TARGET = 0.90
#: Fewer callbacks than this in a month: shown, not judged against the target.
MIN_CALLBACKS = 5


def handlers_for(viewer: User) -> list[User]:
    """Whose callbacks ``viewer`` may record and see: everyone (trainers, admins), the people
    of the departments a lead leads, else the people of the viewer's own department."""
    query = (select(User).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == "trainee", User.active.is_(True))
             .order_by(User.name, User.id))
    allowed = scope.department_ids(viewer)
    if allowed is not None and not allowed:  # not a lead: the own department
        query = query.where(User.department_id == viewer.department_id) \
            if viewer.department_id else query.where(User.id == viewer.id)
    elif allowed is not None:
        query = query.where(User.department_id.in_(allowed))
    return list(db.session.scalars(query))


def record(recorder: User, handler: User, *, case_ref: str, called_at: datetime,
           solved: bool, professional: int, satisfied: int, improve: str) -> CallbackSurvey:
    """Store one callback (not committed)."""
    row = CallbackSurvey(handler_id=handler.id, recorded_by_id=recorder.id,
                         case_ref=case_ref.strip()[:60], called_at=called_at, solved=solved,
                         professional=professional, satisfied=satisfied,
                         improve=(improve or "").strip()[:500])
    db.session.add(row)
    log.info("callback for case by user %s recorded by %s", handler.id, recorder.id)
    return row


def recorded_by(user: User, limit: int = 20) -> list[CallbackSurvey]:
    """The callbacks ``user`` recorded, newest first."""
    return list(db.session.scalars(select(CallbackSurvey).where(
        CallbackSurvey.recorded_by_id == user.id).order_by(CallbackSurvey.called_at.desc(),
                                                           CallbackSurvey.id.desc())
        .limit(limit)))


@dataclass
class Month:
    """One agent's callbacks in one month, and the KPI made from them."""

    handler: User
    month: str
    callbacks: int
    satisfied: int
    solved: int
    professional_sum: int

    @property
    def satisfaction(self) -> float:
        """Share of satisfied callbacks (the KPI)."""
        return self.satisfied / self.callbacks if self.callbacks else 0.0

    @property
    def solved_share(self) -> float:
        """Share of callbacks where the customer said it was solved."""
        return self.solved / self.callbacks if self.callbacks else 0.0

    @property
    def professional(self) -> float:
        """Mean professional rating, 1-5."""
        return self.professional_sum / self.callbacks if self.callbacks else 0.0

    @property
    def judged(self) -> bool:
        """Enough callbacks to judge against the target."""
        return self.callbacks >= MIN_CALLBACKS

    @property
    def meets_target(self) -> bool | None:
        """Whether the KPI meets the target; None when the month is not judged."""
        return self.satisfaction + 1e-9 >= TARGET if self.judged else None


def monthly(handlers: list[User], local_month) -> list[Month]:
    """Per handler and month (newest first): callbacks and KPI; ``local_month(dt)`` gives the
    ``YYYY-MM`` of a stored time in the viewer's zone."""
    ids = {h.id: h for h in handlers}
    if not ids:
        return []
    found: dict[tuple[int, str], Month] = {}
    for row in db.session.scalars(select(CallbackSurvey).where(
            CallbackSurvey.handler_id.in_(list(ids)))):
        key = (row.handler_id, local_month(row.called_at))
        month = found.setdefault(key, Month(ids[row.handler_id], key[1], 0, 0, 0, 0))
        month.callbacks += 1
        month.satisfied += row.satisfied >= SATISFIED_FROM
        month.solved += bool(row.solved)
        month.professional_sum += row.professional
    return sorted(found.values(), key=lambda m: (m.month, m.handler.name), reverse=True)
