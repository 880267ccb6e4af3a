"""The question bank in the database: categories, questions and their immutable versions.

A ``Question`` is the stable identity (its key, where it is filed, how it is found); each
edit adds a ``QuestionVersion`` holding the whole definition as the JSON of
``question_bank.native.question_to_data``. Versions are never changed or deleted, so an
attempt that drew version 3 can always show and regrade exactly what the trainee saw.
Duplicate detection uses the content fingerprints of ``question_bank.hashing``.
A question is never removed while an attempt holds one of its versions: "delete" sets its
``status`` to ``deleted``.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import utcnow
from lms.extensions import db

#: What a question can be: in use, retired (no new draw), deleted (kept for attempts).
QUESTION_STATUSES = ("active", "retired", "deleted")


class QuestionCategory(db.Model):
    """A folder of the bank; ``path`` like ``service-standards/process`` names the hierarchy."""

    __tablename__ = "exam_question_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Slash-separated path, unique; the parent is the path without its last segment.
    path: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("exam_question_categories.id"))

    parent: Mapped["QuestionCategory | None"] = relationship(remote_side=[id])

    @property
    def depth(self) -> int:
        """How deep the category sits (0 for a top-level one)."""
        return self.path.count("/")


class Question(db.Model):
    """One question of the bank across all its versions."""

    __tablename__ = "exam_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The question's key (``[a-z0-9-]+``), unique across the bank; imports reuse it.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("exam_question_categories.id"),
                                             index=True)
    #: Copies of the latest version's metadata, for filtering without reading JSON.
    type: Mapped[str] = mapped_column(String(24), index=True)
    difficulty: Mapped[str] = mapped_column(String(8), index=True)
    curriculum: Mapped[str | None] = mapped_column(String(32), index=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    #: Plain-text excerpt of the latest text ({zh, en}) for lists and search.
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    #: ``active``; ``retired`` (kept, but no new exam draws it); ``deleted`` (gone from the
    #: bank, kept for the attempts that used it).
    status: Mapped[str] = mapped_column(String(8), default="active", server_default="active",
                                        index=True)
    #: Every text of the latest version (stem, options, answers, feedback; both languages),
    #: folded to lower case, for full-text search.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The tags as ``|tag|tag|``, so "has every one of these tags" is a SQL LIKE.
    tag_index: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Number of the latest version (1 for a new question).
    latest_number: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[QuestionCategory] = relationship()
    versions: Mapped[list["QuestionVersion"]] = relationship(
        back_populates="question", order_by="QuestionVersion.number")

    @property
    def latest(self) -> "QuestionVersion":
        """The newest version (the one new attempts draw)."""
        return self.versions[-1]


class QuestionVersion(db.Model):
    """One immutable version of a question's definition."""

    __tablename__ = "exam_question_versions"
    __table_args__ = (
        UniqueConstraint("question_id", "number", name="uq_exam_question_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("exam_questions.id"), index=True)
    number: Mapped[int]
    #: ``question_bank.native.question_to_data`` of this version (curriculum included).
    definition: Mapped[dict] = mapped_column(JSON)
    #: ``definition_hash``: any edit changes it; an unchanged save adds no version.
    definition_hash: Mapped[str] = mapped_column(String(64))
    #: ``content_hash`` over both languages, for duplicate detection.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: Every fingerprint (all languages and each language alone), for imports.
    fingerprints: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Why this version was made (edit note, import file name).
    note: Mapped[str] = mapped_column(String(200), default="")

    question: Mapped[Question] = relationship(back_populates="versions")
