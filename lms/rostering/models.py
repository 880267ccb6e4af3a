"""Shift plans, the published shifts of named agents, and the agents' private feed addresses.

A plan keeps its input (requirement, templates, the scenario to verify with) as JSON, so a
solve or a verification is a job any worker can run; the numbers are the jobs' results.
Publishing turns the roster result into one row per agent and shift.
"""

import json
from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import Department, User, utcnow
from lms.extensions import db
from lms.jobs.models import Job


class ShiftPlan(db.Model):
    """A planner's shift plan: what was required, which templates, and the solve job."""

    __tablename__ = "rostering_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Where the requirement came from, in words, as it read when the plan was made.
    source_label: Mapped[str] = mapped_column(String(400))
    #: Department whose people are rostered (none: anonymous shifts only).
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"))
    #: The calendar day of the horizon's day 0, in ``zone``.
    starts_on: Mapped[date] = mapped_column(Date)
    #: Time zone the shift clock times are in.
    zone: Mapped[str] = mapped_column(String(40))
    #: Requirement: groups, interval minutes, need per group, offset of the scenario's start.
    requirement_json: Mapped[str] = mapped_column(Text)
    #: Shift templates chosen, by key (see :mod:`lms.rostering.shift_templates`).
    templates_json: Mapped[str] = mapped_column(Text)
    #: The scenario YAML the verification simulates.
    scenario_yaml: Mapped[str] = mapped_column(Text)
    #: Solver seconds allowed (each of the plan and the roster).
    time_limit: Mapped[int] = mapped_column(Integer, default=20)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    verify_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id",
                                                                 ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[User] = relationship()
    department: Mapped[Department | None] = relationship()
    job: Mapped[Job | None] = relationship(foreign_keys=[job_id])
    verify_job: Mapped[Job | None] = relationship(foreign_keys=[verify_job_id])

    @property
    def requirement(self) -> dict:
        """The stored requirement as plain data."""
        return json.loads(self.requirement_json)

    @property
    def template_keys(self) -> list[str]:
        """Keys of the chosen shift templates."""
        return json.loads(self.templates_json)


class RosterShift(db.Model):
    """One published shift of one person."""

    __tablename__ = "rostering_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rostering_plans.id", ondelete="CASCADE"),
                                         index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Skill group worked (as named in the scenario).
    skill_group: Mapped[str] = mapped_column(String(64))
    #: Key of the shift template.
    template: Mapped[str] = mapped_column(String(32))
    #: Start and end, naive UTC.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    paid_minutes: Mapped[int] = mapped_column(Integer)
    #: Breaks as JSON [[offset minutes from the start, minutes], ...].
    breaks_json: Mapped[str] = mapped_column(Text, default="[]")

    plan: Mapped[ShiftPlan] = relationship()
    user: Mapped[User] = relationship()

    @property
    def breaks(self) -> list:
        """Breaks as (offset, minutes) pairs."""
        return json.loads(self.breaks_json or "[]")


class RosterFeed(db.Model):
    """A person's one live shift-feed address; only the SHA-256 of its token is stored."""

    __tablename__ = "rostering_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


#: Contract presets: weekly hours, days per week, consecutive days. The planner may change
#: the numbers per person; which shifts each may work follows their paid length
#: (:func:`lms.rostering.shift_templates.for_contract`).
CONTRACT_PRESETS = {
    "full_time": {"min_hours": 32, "max_hours": 40, "max_days": 5, "max_consecutive_days": 5},
    "part_time": {"min_hours": 16, "max_hours": 24, "max_days": 4, "max_consecutive_days": 4},
}


class AgentContract(db.Model):
    """A person's working contract and skill groups, as the planner keeps them for rosters.

    Hours and days are per week; a plan shorter than a week scales the hours to its days.
    ``groups_json`` lists the skill groups best first; empty means every group of the plan.
    """

    __tablename__ = "rostering_contracts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="full_time")
    min_hours: Mapped[int] = mapped_column(Integer, default=32)
    max_hours: Mapped[int] = mapped_column(Integer, default=40)
    max_days: Mapped[int] = mapped_column(Integer, default=5)
    max_consecutive_days: Mapped[int] = mapped_column(Integer, default=5)
    min_rest_hours: Mapped[int] = mapped_column(Integer, default=11)
    groups_json: Mapped[str] = mapped_column(Text, default="[]")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def groups(self) -> list[str]:
        """Skill groups, best first (empty: all of the plan's)."""
        return json.loads(self.groups_json or "[]")


class DayOffRequest(db.Model):
    """A person asks for a day off; the planner approves (a hard day off in every roster
    that covers it) or declines. A request still open counts as a wish the solver honours
    where the requirement allows."""

    __tablename__ = "rostering_day_off_requests"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_rostering_day_off_user_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")
    #: ``requested``, ``approved`` or ``declined``.
    status: Mapped[str] = mapped_column(String(12), default="requested")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class OwnShiftTemplate(db.Model):
    """A shift template a planner made: allowed starts, length, breaks, weekdays and cost.

    ``breaks_json`` is a list of ``{"minutes", "earliest", "latest", "paid"}`` (offsets in
    minutes from the shift's start); ``weekdays_json`` the weekdays it may be worked
    (Monday = 0). Plans refer to it as ``own:<id>``.
    """

    __tablename__ = "rostering_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(String(80))
    length_minutes: Mapped[int] = mapped_column(Integer)
    start_earliest: Mapped[int] = mapped_column(Integer)
    start_latest: Mapped[int] = mapped_column(Integer)
    start_step: Mapped[int] = mapped_column(Integer, default=30)
    breaks_json: Mapped[str] = mapped_column(Text, default="[]")
    weekdays_json: Mapped[str] = mapped_column(Text, default="[0, 1, 2, 3, 4, 5, 6]")
    cost_per_hour: Mapped[float] = mapped_column(Float, default=1.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def key(self) -> str:
        """How plans refer to it."""
        return f"own:{self.id}"
