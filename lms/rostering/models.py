"""Shift plans, the published shifts of named agents, and the agents' private feed addresses.

A plan keeps its input (requirement, templates, the scenario to verify with) as JSON, so a
solve or a verification is a job any worker can run; the numbers are the jobs' results.
Publishing turns the roster result into one row per agent and shift.
"""

import json
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
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
    #: Shift templates chosen, by key (see :data:`lms.rostering.service.TEMPLATES`).
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
