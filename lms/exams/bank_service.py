"""The question bank in the database: saving versions, finding, duplicates, shipped banks.

Rules: a question is saved through ``save_question`` only. Its definition is stored as
``question_bank.native.question_to_data`` JSON; saving a changed definition adds version
N+1, saving an unchanged one adds nothing, so loading the shipped banks twice is harmless.
Categories are created on demand from a question's slash-separated category path.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import or_, select

from lms.exams.models import Question, QuestionCategory, QuestionVersion
from lms.extensions import db
from question_bank.hashing import content_hash, definition_hash, fingerprints
from question_bank.model import Question as BankQuestion
from question_bank.native import question_from_data, question_to_data
from question_bank.text import excerpt, plain_text

UNCATEGORISED = "uncategorised"


def category_for(path: str) -> QuestionCategory:
    """The category at ``path`` (and its parents), added to the session when new."""
    path = path.strip("/") or UNCATEGORISED
    found = db.session.scalar(select(QuestionCategory).where(QuestionCategory.path == path))
    if found is not None:
        return found
    parent = category_for(path.rsplit("/", 1)[0]) if "/" in path else None
    category = QuestionCategory(path=path, parent=parent)
    db.session.add(category)
    db.session.flush()
    return category


def definition_of(version: QuestionVersion) -> BankQuestion:
    """The ``question_bank`` question stored in ``version`` (parsed once per version)."""
    # Versions never change, so (id, hash) names one definition for good.
    key = (version.id, version.definition_hash)
    found = _PARSED.get(key)
    if found is None:
        if len(_PARSED) > 4096:
            _PARSED.clear()
        found = _PARSED[key] = question_from_data(version.definition)
    return found


_PARSED: dict[tuple[int, str], BankQuestion] = {}


def _snapshot(question: BankQuestion) -> dict:
    data = question_to_data(question)
    if question.curriculum:  # snapshots keep the curriculum a bank file sets at its top
        data["curriculum"] = question.curriculum.value
    if question.category:
        data["category"] = question.category
    return data


def _title(question: BankQuestion) -> dict:
    return {lang: excerpt(plain_text(question.text.get(lang)), 90) for lang in ("zh", "en")}


@dataclass
class SaveResult:
    """What ``save_question`` did: the row, and whether a new version was added."""

    question: Question
    version: QuestionVersion
    created: bool
    new_version: bool


def save_question(definition: BankQuestion, *, user_id: int | None = None,
                  note: str = "") -> SaveResult:
    """Store ``definition`` under its key: a new question, a new version, or nothing new."""
    definition = replace(definition, category=definition.category or UNCATEGORISED)
    data = _snapshot(definition)
    digest = definition_hash(definition)
    row = db.session.scalar(select(Question).where(Question.key == definition.key))
    created = row is None
    if not created and row.latest.definition_hash == digest:
        return SaveResult(row, row.latest, False, False)
    category = category_for(definition.category)
    if created:
        row = Question(key=definition.key, latest_number=0, category=category)
        db.session.add(row)
    row.category = category
    row.type = definition.type.value
    row.difficulty = definition.difficulty.value
    row.curriculum = definition.curriculum.value if definition.curriculum else None
    row.tags = list(definition.tags)
    row.title = _title(definition)
    row.latest_number += 1
    version = QuestionVersion(
        question=row, number=row.latest_number, definition=data, definition_hash=digest,
        content_hash=content_hash(definition), fingerprints=sorted(fingerprints(definition)),
        created_by_id=user_id, note=note[:200])
    db.session.add(version)
    db.session.flush()
    return SaveResult(row, version, created, not created)


def duplicates_of(definition: BankQuestion) -> list[Question]:
    """Stored questions (other keys) whose latest version has the same content."""
    wanted = fingerprints(definition)
    candidates = db.session.scalars(
        select(QuestionVersion).join(Question).where(
            QuestionVersion.number == Question.latest_number,
            Question.key != definition.key)).all()
    return [version.question for version in candidates
            if wanted & set(version.fingerprints or [])]


@dataclass
class BankFilter:
    """What the bank browser filters on (empty = any)."""

    text: str = ""
    category: str = ""
    type: str = ""
    difficulty: str = ""
    tag: str = ""
    curriculum: str = ""


def find_questions(wanted: BankFilter):
    """A select of questions matching ``wanted``, ordered by category then key."""
    query = select(Question).join(QuestionCategory).order_by(QuestionCategory.path, Question.key)
    if wanted.category:
        query = query.where(or_(QuestionCategory.path == wanted.category,
                                QuestionCategory.path.like(wanted.category + "/%")))
    for column, value in ((Question.type, wanted.type), (Question.difficulty, wanted.difficulty),
                          (Question.curriculum, wanted.curriculum)):
        if value:
            query = query.where(column == value)
    rows = db.session.scalars(query).all()
    # Tags and titles are JSON: filtered here, the same way on SQLite and PostgreSQL.
    if wanted.tag:
        rows = [row for row in rows if wanted.tag in (row.tags or [])]
    if wanted.text:
        needle = wanted.text.strip().lower()
        rows = [row for row in rows if needle in row.key or any(
            needle in (text or "").lower() for text in (row.title or {}).values())]
    return rows


def all_tags() -> list[str]:
    """Every tag used in the bank, sorted."""
    return sorted({tag for tags in db.session.scalars(select(Question.tags)) for tag in tags or []})


def categories() -> list[QuestionCategory]:
    """Every category, in path order (parents before children)."""
    return list(db.session.scalars(select(QuestionCategory).order_by(QuestionCategory.path)))


def questions_in(category_path: str) -> list[BankQuestion]:
    """The latest definition of each question in a category subtree, for export."""
    rows = find_questions(BankFilter(category=category_path))
    return [definition_of(row.latest) for row in rows]


def load_shipped(user_id: int | None = None) -> list[str]:
    """Store every shipped bank question (new ones and changed ones); returns keys stored."""
    from question_bank.bank import load_shipped_banks

    stored = []
    for definition in load_shipped_banks():
        result = save_question(definition, user_id=user_id, note="shipped bank")
        if result.created or result.new_version:
            stored.append(definition.key)
    db.session.commit()
    return stored
