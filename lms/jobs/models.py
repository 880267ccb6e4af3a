"""A background job: what was asked (kind, parameters), by whom, and how it went.

The row is the single source of truth for a job's state, whichever runner executes it
(a thread in the web process, or an RQ worker on another machine); pages poll it.
"""

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.auth.models import utcnow
from lms.extensions import db

JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(db.Model):
    """One long piece of work (a simulation run, a staffing search, a bulk PDF)."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Registered job kind, e.g. ``planning.simulate``; names the function that runs it.
    kind: Mapped[str] = mapped_column(String(64))
    #: Parameters as JSON (plain data only, so any worker can run the job).
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    #: Fraction done, 0..1, committed by the job as it goes.
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    #: The job's result as JSON (or a reference to where it is stored), once done.
    result_json: Mapped[str | None] = mapped_column(Text)
    #: Why the job failed, in words a planner can act on.
    error: Mapped[str | None] = mapped_column(Text)
    #: ``inprocess`` or ``rq``.
    runner: Mapped[str] = mapped_column(String(16), default="inprocess")
    #: Which process runs an in-process job (``host:pid:boot``), to spot restarts.
    worker: Mapped[str | None] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def params(self) -> dict:
        """The parameters as a dict."""
        return json.loads(self.params_json or "{}")

    @property
    def result(self):
        """The result as plain data, or None before the job is done."""
        return json.loads(self.result_json) if self.result_json else None

    @property
    def finished(self) -> bool:
        """True once the job is done or failed."""
        return self.status in ("done", "failed")

    def as_status(self) -> dict:
        """What the progress page polls for."""
        return {"id": self.id, "kind": self.kind, "status": self.status,
                "progress": round(self.progress or 0.0, 3), "error": self.error}
