"""Role-play scoring: rubrics, cards, performances, one rater's scoring and its audit trail.

What is modelled: a trainee performs a role-play card on a date (optionally recorded); one or
more trainers each score the performance independently on the card's rubric by choosing one
level per criterion (stored as that level's points, which are unique within a criterion) with a
comment per criterion. Rubric criteria and cards are stored as JSON in the shape of the shipped
YAML, so the pure checks in ``lms.roleplay.rubric`` apply to them unchanged. A change to a
submitted score keeps the previous values in ``ScoreRevision`` with who and why.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User, utcnow
from lms.extensions import db
from lms.roleplay.rubric import Rubric as RubricSpec
from lms.roleplay.rubric import rubric_from_dict


class Rubric(db.Model):
    """A scoring rubric, shipped (loaded from YAML) or built by a trainer."""

    __tablename__ = "roleplay_rubrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable key (lower-case letters, digits, underscores); cards refer to it.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    #: Bilingual name {zh, en}.
    name: Mapped[dict] = mapped_column(JSON)
    #: Bilingual description {zh, en}, or None.
    description: Mapped[dict | None] = mapped_column(JSON)
    #: Criteria as in rubrics.yaml: [{key, description, levels: [{points, definition}]}].
    criteria: Mapped[list] = mapped_column(JSON)
    #: True for rubrics shipped with the platform (trainers cannot edit them).
    shipped: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def as_dict(self) -> dict:
        """Plain data in the YAML shape, for validation."""
        data = {"key": self.key, "name": self.name, "criteria": self.criteria}
        if self.description:
            data["description"] = self.description
        return data

    @property
    def spec(self) -> RubricSpec:
        """The checked pure rubric (levels, points, totals)."""
        return rubric_from_dict(self.as_dict())


class Card(db.Model):
    """A role-play card: persona, situation, escalation path, good response and standards."""

    __tablename__ = "roleplay_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable key; activity results refer to ``roleplay:<key>``.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("roleplay_rubrics.id"))
    #: The card's fields as in cards.yaml (title, persona, situation, escalation, ...).
    content: Mapped[dict] = mapped_column(JSON)

    rubric: Mapped[Rubric] = relationship()


class Performance(db.Model):
    """One trainee playing one card on one date, optionally with an uploaded recording."""

    __tablename__ = "roleplay_performances"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("roleplay_cards.id"))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The rubric chosen for this performance; None scores on the card's own rubric.
    rubric_id: Mapped[int | None] = mapped_column(ForeignKey("roleplay_rubrics.id"))
    performed_on: Mapped[date] = mapped_column(Date)
    #: The trainer who scheduled or recorded the performance.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Random file name under UPLOAD_DIR/roleplay (never the uploader's name).
    recording_file: Mapped[str | None] = mapped_column(String(80))
    #: MIME type of the recording (audio/* or video/*).
    recording_type: Mapped[str | None] = mapped_column(String(80))
    #: Set when the first submitted score has been announced as an activity result.
    result_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    card: Mapped[Card] = relationship()
    chosen_rubric: Mapped[Rubric | None] = relationship()
    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    scores: Mapped[list["Score"]] = relationship(back_populates="performance",
                                                 cascade="all, delete-orphan")

    @property
    def rubric(self) -> Rubric:
        """The rubric this performance is scored on: the chosen one, else the card's."""
        return self.chosen_rubric or self.card.rubric


class Score(db.Model):
    """One rater's scoring of one performance: a level and a comment per criterion."""

    __tablename__ = "roleplay_scores"
    __table_args__ = (UniqueConstraint("performance_id", "rater_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    performance_id: Mapped[int] = mapped_column(ForeignKey("roleplay_performances.id"),
                                                index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: {criterion key: points of the chosen level}.
    levels: Mapped[dict] = mapped_column(JSON)
    #: {criterion key: the rater's comment}.
    comments: Mapped[dict] = mapped_column(JSON)
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    #: Fraction (total - min) / (max - min) of the rubric, 0..1.
    fraction: Mapped[float]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]

    performance: Mapped[Performance] = relationship(back_populates="scores")
    rater: Mapped[User] = relationship()
    revisions: Mapped[list["ScoreRevision"]] = relationship(
        back_populates="score", cascade="all, delete-orphan", order_by="ScoreRevision.id")


class ScoreRevision(db.Model):
    """The values a submitted score had before a change, with who changed it and why."""

    __tablename__ = "roleplay_score_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("roleplay_scores.id"), index=True)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Why the score was changed (required).
    reason: Mapped[str] = mapped_column(Text)
    old_levels: Mapped[dict] = mapped_column(JSON)
    old_comments: Mapped[dict] = mapped_column(JSON)
    old_overall_comment: Mapped[str] = mapped_column(Text, default="")
    old_fraction: Mapped[float]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    score: Mapped[Score] = relationship(back_populates="revisions")
    changed_by: Mapped[User] = relationship()
