"""Training-effectiveness records: survey answers, activity events, test pairs and staff KPIs.

What is modelled (Kirkpatrick's four levels):
- level 1: ``SurveyResponse``, one trainee's answers to the post-course survey of one course;
- level 2: ``TestScorePair``, a trainee's pre-test and post-test score on one test (imported, or
  read from the exams feature when its tables exist, see ``lms.evaluation.sources``);
- level 3: ``EvaluationEvent``, every ``activity_result`` and ``course_completed`` signal, so
  emergency-drill scores over time are kept without importing the drills feature;
- level 4: ``KpiMonth``, one agent's operational figures for one month (percent, 0..100).
"""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User, utcnow
from lms.extensions import db


class SurveyResponse(db.Model):
    """One trainee's post-course survey for one course (answerable once)."""

    __tablename__ = "evaluation_survey_responses"
    __table_args__ = (UniqueConstraint("user_id", "course_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The course's reference as the courses feature names it (e.g. ``course:service-basics``).
    course_ref: Mapped[str] = mapped_column(String(120), index=True)
    #: The trainer the trainee rates, when they named one.
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: {Likert item key: 1..scale points}.
    answers: Mapped[dict] = mapped_column(JSON)
    #: {free-text item key: text}.
    free_text: Mapped[dict] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    trainer: Mapped[User | None] = relationship(foreign_keys=[trainer_id])


class EvaluationEvent(db.Model):
    """A graded activity or completion announced by another feature through a signal."""

    __tablename__ = "evaluation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Signal sender: ``exam``, ``roleplay``, ``emergency_drill``, ``survey`` or ``course``.
    sender: Mapped[str] = mapped_column(String(32), index=True)
    #: The activity's reference key, e.g. ``drill:flood-surge``.
    ref: Mapped[str] = mapped_column(String(160))
    #: Score fraction 0..1, when the activity has one.
    score: Mapped[float | None]
    passed: Mapped[bool | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PrePostPair(db.Model):
    """A trainee's pre-test and post-test score on one test, for the normalised gain."""

    __tablename__ = "evaluation_test_pairs"
    __table_args__ = (UniqueConstraint("user_id", "test"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The test (curriculum), e.g. ``service-standards``.
    test: Mapped[str] = mapped_column(String(120))
    #: Question category, when the pair is for one category of the test.
    category: Mapped[str | None] = mapped_column(String(120))
    pre: Mapped[float]
    post: Mapped[float]
    max_score: Mapped[float]
    #: The day training ended; the agent counts as trained from the next month.
    completed_on: Mapped[date | None] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class KpiMonth(db.Model):
    """One agent's operational figures for one month, in percent (0..100)."""

    __tablename__ = "evaluation_kpi_months"
    __table_args__ = (UniqueConstraint("user_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Calendar month as ``YYYY-MM``.
    month: Mapped[str] = mapped_column(String(7), index=True)
    response_on_time_rate: Mapped[float]
    resolution_rate: Mapped[float]
    satisfaction: Mapped[float]
    complaint_rate: Mapped[float]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()

    def figures(self) -> dict:
        """{KPI key: value} for the statistics functions."""
        return {"response_on_time_rate": self.response_on_time_rate,
                "resolution_rate": self.resolution_rate, "satisfaction": self.satisfaction,
                "complaint_rate": self.complaint_rate}
