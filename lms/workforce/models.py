"""Workforce data: uploaded interval history, special events, forecasts, intraday actuals.

History is kept as one row per queue and interval that the file had (an interval with no
row is a gap, not zero); the data-quality report made at upload is stored beside it. A
forecast is a job (:mod:`lms.jobs`) plus what was asked; its numbers are the job's result.
"""

import json
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
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
from lms.jobs.models import Job

EVENT_KINDS = ("sales", "launch", "recall", "other")
METHODS = ("holt_winters", "stl_ets", "auto")


class WorkforceHistory(db.Model):
    """One uploaded call history (CSV/XLSX) of one planner."""

    __tablename__ = "workforce_histories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Interval length of the file in minutes (15, 30 or 60).
    interval_minutes: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    #: Data rows in the file (repeated rows included).
    row_count: Mapped[int] = mapped_column(Integer)
    #: The data-quality report (repeated rows, gaps, missing days) as JSON.
    report_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[User] = relationship()

    @property
    def report(self) -> dict:
        """The data-quality report as a dict."""
        return json.loads(self.report_json or "{}")


class WorkforceInterval(db.Model):
    """One queue's calls in one interval of a history."""

    __tablename__ = "workforce_intervals"
    __table_args__ = (UniqueConstraint("history_id", "queue", "day", "slot_minute"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    history_id: Mapped[int] = mapped_column(
        ForeignKey("workforce_histories.id", ondelete="CASCADE"), index=True)
    queue: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    #: Start of the interval in minutes after midnight.
    slot_minute: Mapped[int] = mapped_column(Integer)
    offered: Mapped[float] = mapped_column(Float)
    handled: Mapped[float | None] = mapped_column(Float)
    #: Average handle time (talk + after-call work) in seconds.
    aht: Mapped[float | None] = mapped_column(Float)


class WorkforceEvent(db.Model):
    """A special event a planner declared: dated uplift of calls (and handle time)."""

    __tablename__ = "workforce_events"
    __table_args__ = (
        CheckConstraint("kind IN ('sales', 'launch', 'recall', 'other')", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="other")
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    #: Calls on the event's days × this factor.
    volume_factor: Mapped[float] = mapped_column(Float, default=1.0)
    #: Handle time on the event's days × this factor.
    aht_factor: Mapped[float] = mapped_column(Float, default=1.0)
    #: Queues affected as a JSON list; empty means every queue.
    queues_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def queues(self) -> list[str]:
        """The queues affected (empty: all)."""
        return json.loads(self.queues_json or "[]")


class WorkforceForecast(db.Model):
    """A forecast somebody started from a history, and its job."""

    __tablename__ = "workforce_forecasts"
    __table_args__ = (
        CheckConstraint("method IN ('holt_winters', 'stl_ets', 'auto')", name="known_method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    history_id: Mapped[int] = mapped_column(
        ForeignKey("workforce_histories.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    method: Mapped[str] = mapped_column(String(16))
    horizon_days: Mapped[int] = mapped_column(Integer)
    #: Days at the end of the history held out for the backtest (0: none).
    holdout_days: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[User] = relationship()
    history: Mapped[WorkforceHistory] = relationship()
    job: Mapped[Job] = relationship()


class WorkforceActual(db.Model):
    """Calls of today's intervals entered or imported during the day (intraday)."""

    __tablename__ = "workforce_actuals"
    __table_args__ = (UniqueConstraint("forecast_id", "queue", "day", "slot_minute"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forecast_id: Mapped[int] = mapped_column(
        ForeignKey("workforce_forecasts.id", ondelete="CASCADE"), index=True)
    queue: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    slot_minute: Mapped[int] = mapped_column(Integer)
    offered: Mapped[float] = mapped_column(Float)
    aht: Mapped[float | None] = mapped_column(Float)
