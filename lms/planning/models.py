"""Planner data: scenarios kept in the database and the runs made from them.

A scenario is stored as its YAML text (the same format as the shipped library), so what a
planner edits in forms, in tables or as YAML is one document validated by one loader. A run
is a job (see :mod:`lms.jobs`) plus who asked for what; its numbers are the job's result.
"""

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User, utcnow
from lms.extensions import db
from lms.jobs.models import Job

RUN_KINDS = ("simulate", "compare", "staffing")


class PlanningScenario(db.Model):
    """One planner's scenario: a YAML document, possibly a variant of another."""

    __tablename__ = "planning_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Display name chosen by the planner (unique per owner is not enforced: variants share).
    name: Mapped[str] = mapped_column(String(160))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The scenario as YAML, exactly as the loader reads it.
    yaml_text: Mapped[str] = mapped_column(Text)
    #: Whether ``yaml_text`` passed validation when it was last saved.
    valid: Mapped[bool] = mapped_column(default=True)
    #: The scenario this one was copied from (a variant), if any.
    based_on_id: Mapped[int | None] = mapped_column(
        ForeignKey("planning_scenarios.id", ondelete="SET NULL"))
    #: The shipped library scenario it was copied from, if any.
    library_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship()
    based_on: Mapped["PlanningScenario | None"] = relationship(remote_side=[id])


class PlanningRun(db.Model):
    """A simulation, comparison or staffing search somebody started, and its job."""

    __tablename__ = "planning_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``simulate``, ``compare`` or ``staffing``.
    kind: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    #: The scenarios in the run, as a JSON list of ids (one, or 2-4 for a comparison).
    scenario_ids_json: Mapped[str] = mapped_column(Text, default="[]")
    #: Their names when the run started, so the history reads well after edits or deletion.
    label: Mapped[str] = mapped_column(String(400))
    seed: Mapped[int] = mapped_column(Integer)
    replications: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Random token the job carries in its parameters to find this run (cancel, notes).
    control_token: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)
    #: Set when the planner asks to stop; the job stops after its current replication.
    cancel_requested: Mapped[bool] = mapped_column(default=False,
                                                   server_default=sa.false())
    #: The job's latest progress note as JSON (stage, pass, replications done / expected).
    progress_note_json: Mapped[str | None] = mapped_column(Text)

    owner: Mapped[User] = relationship()
    job: Mapped[Job] = relationship()

    @property
    def progress_note(self) -> dict:
        """The latest progress note (empty before the first replication)."""
        return json.loads(self.progress_note_json or "{}")

    @property
    def cancelled(self) -> bool:
        """True once the job stopped because the planner cancelled it."""
        return bool(self.cancel_requested) and self.job.status == "failed"

    @property
    def scenario_ids(self) -> list[int]:
        """Ids of the scenarios in this run."""
        return json.loads(self.scenario_ids_json or "[]")
