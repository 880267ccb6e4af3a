"""Emergency drills: who drills which scenario, the drill clock, and every action taken.

A drill is event-sourced like the engine's interactive drills: (scenario, seed, timed
actions). The clock is not stored as a number but as start/pause/resume/finish events with
wall times, so drill time = accumulated running wall time × compression, recomputed on every
request; a closed browser or a server restart therefore resumes exactly where it was. The
trainee's page is the heartbeat (``last_seen_at``): an absence longer than the grace period is
stored as a pause from the last heartbeat to the next (see :mod:`lms.drills.clock`).

A team drill has participants (:class:`DrillParticipant`) with roles (:mod:`lms.drills.roles`);
its ``trainee_id`` is the duty supervisor. An individual drill has no participant rows: its
one trainee holds every role. Every participant's page is a heartbeat of the same drill, so
the clock stops only when *every* participant has left.
"""

import json
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User, utcnow
from lms.extensions import db

DRILL_STATUSES = ("scheduled", "running", "paused", "finished")
CLOCK_KINDS = ("start", "pause", "resume", "finish")
#: Roles in a team drill (see :mod:`lms.drills.roles` for what each may do).
PARTICIPANT_ROLES = ("duty_supervisor", "shift_lead", "technician_dispatcher",
                     "communications_officer")


class Drill(db.Model):
    """One trainee's drill of one scenario, scheduled by a trainer."""

    __tablename__ = "drills"
    __table_args__ = (
        CheckConstraint("status IN ('scheduled', 'running', 'paused', 'finished')",
                        name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The scenario's id (e.g. ``group_complaint_surge``), used in ``drill:<key>`` refs.
    scenario_key: Mapped[str] = mapped_column(String(64))
    #: The scenario as YAML when scheduled, so later edits cannot change a drill under way.
    scenario_yaml: Mapped[str] = mapped_column(Text)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                   index=True)
    #: Simulated seconds per real second (60 → one simulated hour per real minute).
    compression: Mapped[float] = mapped_column(Float, default=60.0)
    #: Random seed of the engine, shared by the reference runs of the debrief.
    seed: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="scheduled", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the trainer set the drill to be run (naive UTC); None: whenever the trainee is
    #: ready. The drill opens at any time either way; the time is for calendars and reminders.
    starts_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    #: The trainee's live page was last heard from (every poll and action is a heartbeat);
    #: None until the first one. The clock counts no time when it is older than the grace.
    last_seen_at: Mapped[datetime | None]
    #: Overall score 0..1 once scored.
    score: Mapped[float | None] = mapped_column(Float)
    #: The debrief (KPIs, step timeliness, comparisons) as JSON once scored.
    debrief_json: Mapped[str | None] = mapped_column(Text)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    trainer: Mapped[User | None] = relationship(foreign_keys=[trainer_id])
    clock_events: Mapped[list["DrillClockEvent"]] = relationship(
        order_by="DrillClockEvent.id", cascade="all, delete-orphan")
    actions: Mapped[list["DrillAction"]] = relationship(
        order_by="DrillAction.id", cascade="all, delete-orphan")
    participants: Mapped[list["DrillParticipant"]] = relationship(
        order_by="DrillParticipant.id", cascade="all, delete-orphan")

    @property
    def is_team(self) -> bool:
        """A team drill (participants with roles) rather than one trainee's drill."""
        return bool(self.participants)

    def title(self, lang: str) -> str:
        """The scenario title in ``lang``."""
        return self.title_zh if lang == "zh" else self.title_en

    @property
    def debrief(self) -> dict | None:
        """The stored debrief, or None before scoring."""
        return json.loads(self.debrief_json) if self.debrief_json else None


class DrillClockEvent(db.Model):
    """The drill clock started, paused, resumed or finished at a wall time."""

    __tablename__ = "drill_clock_events"
    __table_args__ = (
        CheckConstraint("kind IN ('start', 'pause', 'resume', 'finish')", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who gave the command (None: the clock itself, e.g. a pause while nobody was connected).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: True when the trainer (or an administrator) gave it from the control room: a pause
    #: the trainer made is resumed only by the trainer.
    by_trainer: Mapped[bool] = mapped_column(default=False)


class DrillAction(db.Model):
    """One decision of the duty supervisor, at its drill time."""

    __tablename__ = "drill_actions"
    __table_args__ = (UniqueConstraint("drill_id", "client_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id", ondelete="CASCADE"),
                                          index=True)
    #: Engine action name or procedural step, e.g. ``move_staff`` or ``report_manager``.
    kind: Mapped[str] = mapped_column(String(48))
    #: The action's parameters as JSON (e.g. ``{"from": "sales", "to": "complaint", "n": 3}``).
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    #: Seconds of simulated time since the drill's start when the action was taken.
    drill_seconds: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The page's idempotency key for this action: a resend with the same key gets this row
    #: back instead of a second action (None for actions stored without one).
    client_key: Mapped[str | None] = mapped_column(String(64))
    #: The participant's role when the action was taken (``shift_lead:complaint`` for a
    #: queue's shift lead; None for the trainer's injects and for actions stored before roles).
    role: Mapped[str | None] = mapped_column(String(80))

    @property
    def params(self) -> dict:
        """The parameters as a dict."""
        return json.loads(self.params_json or "{}")


class DrillParticipant(db.Model):
    """One trainee in a team drill, with a role (a shift lead also has a queue)."""

    __tablename__ = "drill_participants"
    __table_args__ = (
        UniqueConstraint("drill_id", "user_id"),
        CheckConstraint("role IN ('duty_supervisor', 'shift_lead', 'technician_dispatcher', "
                        "'communications_officer')", name="known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(32))
    #: The queue a shift lead leads (None for the other roles).
    queue: Mapped[str | None] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: First time the participant opened the live page (None: not joined yet).
    joined_at: Mapped[datetime | None]
    #: The participant's live page was last heard from.
    last_seen_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def role_code(self) -> str:
        """``role`` or ``shift_lead:<queue>``, as stored with each action."""
        return f"{self.role}:{self.queue}" if self.role == "shift_lead" else self.role
