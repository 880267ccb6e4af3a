"""The question bank in the database: saving versions, finding, duplicates, shipped banks.

Rules: a question is saved through ``save_question`` only. Its definition is stored as
``question_bank.native.question_to_data`` JSON; saving a changed definition adds version
N+1, saving an unchanged one adds nothing, so loading the shipped banks twice is harmless.
Categories are created on demand from a question's slash-separated category path.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

import yaml
from sqlalchemy import func, or_, select

from lms.exams.models import (
    QUESTION_STATUSES,
    Attempt,
    AttemptQuestion,
    Exam,
    ExamItem,
    Question,
    QuestionCategory,
    QuestionVersion,
)
from lms.extensions import db
from question_bank.hashing import content_hash, definition_hash, fingerprints
from question_bank.model import LocalTerms, iter_texts
from question_bank.model import Question as BankQuestion
from question_bank.native import question_from_data, question_to_data
from question_bank.text import excerpt, normalise_for_hash, plain_text

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
        if row.status == "deleted" or not row.search_text:
            row.status = "active" if row.status == "deleted" else row.status
            index_columns(row, definition)
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
    if row.status == "deleted":  # saved again (an import, an edit): back in the bank
        row.status = "active"
    index_columns(row, definition)
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
    """What the bank browser filters on (empty = any).

    ``text``: every word must occur in the question's texts (stem, options, answers,
    feedback; either language) or its key. ``tags``: the question carries all of them.
    ``status``: ``active`` (default), ``retired``, ``in_use`` (active and retired) or
    ``deleted``. ``page`` counts from 1.
    """

    text: str = ""
    category: str = ""
    type: str = ""
    difficulty: str = ""
    tags: tuple[str, ...] = ()
    curriculum: str = ""
    status: str = "active"
    page: int = 1
    per_page: int = 50


def filter_from_args(args) -> BankFilter:
    """The filter a query string (or the exam form's picker) asks for."""
    text = {name: (args.get(name) or "").strip()[:200] for name in (
        "text", "category", "type", "difficulty", "curriculum", "status")}
    tags = tuple(tag.strip()[:80] for tag in args.getlist("tag") if tag.strip())[:20]
    try:
        page = max(1, int(args.get("page") or 1))
    except ValueError:
        page = 1
    return BankFilter(**{**text, "status": text["status"] or "active"}, tags=tags,
                      page=min(page, 10**6))


@dataclass
class BankPage:
    """One page of the bank: its questions, how many match, and the page count."""

    questions: list
    total: int
    page: int
    pages: int


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def subtree(path: str):
    """The condition "in the category ``path`` or below it"."""
    return or_(QuestionCategory.path == path,
               QuestionCategory.path.like(_like(path) + "/%", escape="\\"))


def _status_condition(status: str):
    if status == "in_use":
        return Question.status.in_(("active", "retired"))
    return Question.status == (status if status in ("retired", "deleted") else "active")


def matching(wanted: BankFilter):
    """A select of the questions matching ``wanted`` (not ordered, not paged)."""
    query = select(Question).join(QuestionCategory).where(_status_condition(wanted.status))
    if wanted.category:
        query = query.where(subtree(wanted.category))
    for column, value in ((Question.type, wanted.type), (Question.difficulty, wanted.difficulty),
                          (Question.curriculum, wanted.curriculum)):
        if value:
            query = query.where(column == value)
    for tag in wanted.tags:
        query = query.where(Question.tag_index.like(f"%|{_like(tag)}|%", escape="\\"))
    for word in normalise_for_hash(wanted.text).split():
        query = query.where(or_(Question.search_text.like(f"%{_like(word)}%", escape="\\"),
                                Question.key.like(f"%{_like(word)}%", escape="\\")))
    return query


def find_questions(wanted: BankFilter) -> BankPage:
    """One page of the questions matching ``wanted``, ordered by category then key."""
    query = matching(wanted)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    per_page = max(1, wanted.per_page)
    pages = max(1, -(-total // per_page))
    page = min(max(1, wanted.page), pages)
    rows = db.session.scalars(query.order_by(QuestionCategory.path, Question.key)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return BankPage(list(rows), total, page, pages)


def all_matching(wanted: BankFilter) -> list[Question]:
    """Every question matching ``wanted`` (no paging), ordered by category then key."""
    return list(db.session.scalars(matching(wanted).order_by(QuestionCategory.path,
                                                             Question.key)))


def all_tags() -> list[str]:
    """Every tag used in the bank, sorted."""
    return sorted({tag for tags in db.session.scalars(select(Question.tags).where(
        Question.status != "deleted")) for tag in tags or []})


def categories() -> list[QuestionCategory]:
    """Every category, in path order (parents before children)."""
    return list(db.session.scalars(select(QuestionCategory).order_by(QuestionCategory.path)))


def with_current_category(row: Question) -> BankQuestion:
    """The latest definition, filed where the question is now (a category may have been
    renamed or moved since the version was saved)."""
    return replace(definition_of(row.latest), category=row.category.path)


def questions_in(category_path: str) -> list[BankQuestion]:
    """The latest definition of each question in a category subtree, for export."""
    rows = all_matching(BankFilter(category=category_path, status="in_use"))
    return [with_current_category(row) for row in rows]


def usage_of(question_ids) -> dict[int, dict]:
    """Per question: attempts that held it (``uses``) and the mean graded fraction
    (``facility``, 0..1, None before any grade)."""
    ids = list(question_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(QuestionVersion.question_id, func.count(AttemptQuestion.id),
               func.avg(AttemptQuestion.fraction))
        .join(AttemptQuestion, AttemptQuestion.version_id == QuestionVersion.id)
        .where(QuestionVersion.question_id.in_(ids))
        .group_by(QuestionVersion.question_id)).all()
    return {question_id: {"uses": uses, "facility": facility}
            for question_id, uses, facility in rows}


def exams_with_attempts(question_id: int) -> list[str]:
    """Slugs of the exams whose attempts hold a version of this question."""
    return list(db.session.scalars(
        select(Exam.slug).join(Attempt, Attempt.exam_id == Exam.id)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .join(QuestionVersion, AttemptQuestion.version_id == QuestionVersion.id)
        .where(QuestionVersion.question_id == question_id).distinct().order_by(Exam.slug)))


def version_diff(older: QuestionVersion, newer: QuestionVersion) -> list[tuple[str, str]]:
    """Line diff of two versions' definitions as YAML: ``(sign, line)`` with sign ``-``,
    ``+`` or `` ``."""
    def lines(version):
        return yaml.safe_dump(version.definition, allow_unicode=True, sort_keys=False,
                              width=100).splitlines()

    found = []
    for line in difflib.unified_diff(lines(older), lines(newer), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            found.append(("@", "…"))
        else:
            found.append((line[:1] or " ", line[1:]))
    return found


def set_status(row: Question, status: str) -> None:
    """Retire, restore or delete a question; a deleted one keeps every version (attempts
    that used it still show and regrade it)."""
    if status not in QUESTION_STATUSES:
        raise ValueError(status)
    row.status = status


def fixed_in_exams(question_id: int) -> list[str]:
    """Slugs of the exams that hold this question as a fixed item."""
    return list(db.session.scalars(select(Exam.slug).join(ExamItem).where(
        ExamItem.question_id == question_id).distinct().order_by(Exam.slug)))


def index_columns(row: Question, definition: BankQuestion) -> None:
    """Refresh the search and tag columns of ``row`` from its latest ``definition``."""
    texts = [row.key]
    for _path, text in iter_texts(definition):
        values = text.all_terms() if isinstance(text, LocalTerms) else (text.zh, text.en)
        texts += [normalise_for_hash(value) for value in values if value]
    row.search_text = "\n".join(texts)
    row.tag_index = "".join(f"|{tag}" for tag in definition.tags) + ("|" if definition.tags
                                                                      else "")


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
