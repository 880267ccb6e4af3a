"""Taking an exam: start, save every answer, submit, and close at the deadline.

Rules that keep answers safe:
- The server sets the deadline at start; the browser only ever shows the server's
  remaining seconds. A save after the deadline is refused and closes the attempt with what
  was saved before; an open attempt past its deadline is also closed when next touched and
  by ``close_expired`` (CLI sweep).
- Each save locks the attempt row, checks it is still open, writes the answer and an
  ``AnswerEvent`` and commits before the reply, so "saved" on screen means stored. Submit
  takes the same lock, so no save can slip in after grading.
- Submitting twice is harmless: the second submit finds the attempt closed and does nothing.
- Refusals (someone else's attempt, a question not in the attempt, a forged option id, a
  closed attempt) raise ``AttemptRefused`` with an HTTP status and are logged.

Extra time given by a trainer moves ``deadline`` (see ``lms.exams.extra_time``); every
check here reads the committed deadline under the row lock, so an extension is never lost.
"""

from __future__ import annotations

import copy
import logging
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.auth.models import User, utcnow
from lms.exams import exam_service, grading
from lms.exams.bank_service import definition_of
from lms.exams.models import Answer, AnswerEvent, Attempt, AttemptQuestion, AttemptState, Exam
from lms.exams.responses import PayloadRefused, check_response
from lms.extensions import db
from question_bank import qtypes

log = logging.getLogger("lms.exams")


class AttemptRefused(Exception):
    """A request the attempt rules refuse; ``status`` is the HTTP status to answer with.

    ``field`` names the part of the request at fault, ``issues`` are the question type's
    problems with a response, ``params`` fill the translated message (e.g. minutes needed).
    """

    def __init__(self, status: int, code: str, detail: str = "", *, field: str | None = None,
                 issues=(), params: dict | None = None):
        self.status, self.code, self.detail = status, code, detail
        self.field, self.issues, self.params = field, list(issues), params or {}
        super().__init__(f"{status} {code}: {detail}")


def refuse(status: int, code: str, detail: str, *, field: str | None = None, issues=(),
           params: dict | None = None, **context) -> AttemptRefused:
    """Log a refusal (who, what, why) and return the exception to raise."""
    log.warning("exam request refused: %s %s %s", code, detail[:200], context)
    return AttemptRefused(status, code, detail, field=field, issues=issues, params=params)


def remaining_seconds(attempt: Attempt, now: datetime | None = None) -> int | None:
    """Seconds left before the deadline (0 when past); None when there is no deadline."""
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - (now or utcnow())).total_seconds()))


def _deadline(settings: exam_service.EffectiveSettings, now: datetime) -> datetime | None:
    """The time limit (with the person's extra minutes), capped by their close time."""
    minutes = settings.time_limit_minutes
    ends = [now + timedelta(minutes=minutes)] if minutes else []
    if settings.closes_at:
        ends.append(settings.closes_at)
    return min(ends) if ends else None


def start_attempt(exam: Exam, user: User, now: datetime | None = None) -> Attempt:
    """The trainee's open attempt at ``exam``, or a new one; refused when not allowed.

    The window, the attempts left and the time limit are the person's effective settings
    (the exam's with their trainer's overrides, see ``exam_service.effective_settings``).
    """
    now = now or utcnow()
    if not exam_service.is_assigned(exam, user):
        raise refuse(404, "not_assigned", exam.slug, user=user.id)
    status = exam_service.status_for(exam, user.id, now)
    if status.in_progress is None and any(a.is_open for a in status.attempts):
        for expired in [a for a in status.attempts if a.is_open]:
            close_if_expired(expired, now)  # past its deadline: closed, and counts as used
        status = exam_service.status_for(exam, user.id, now)
    if status.in_progress is not None:
        return status.in_progress
    if not status.open_now:
        raise AttemptRefused(409, "window_closed", exam.slug)
    if not status.can_start:
        raise AttemptRefused(409, "no_attempts_left", exam.slug)
    seed = random.SystemRandom().randrange(1, 2**31)
    versions = exam_service.draw_slots(exam, random.Random(seed))
    attempt = Attempt(exam=exam, user_id=user.id, number=len(status.attempts) + 1, seed=seed,
                      started_at=now, deadline=_deadline(status.settings, now))
    per_page = max(1, exam.questions_per_page or 1)
    for position, (version, mark) in enumerate(versions):
        attempt.questions.append(AttemptQuestion(
            version=version, mark=mark, position=position, page=position // per_page,
            option_seed=random.Random(seed + position).randrange(2**31)))
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:  # a double click started the same attempt number twice
        db.session.rollback()
        return exam_service.status_for(exam, user.id, now).in_progress or attempt
    return attempt


def locked(query):
    """``query`` taking the row lock and reading the committed row (not a stale copy)."""
    # populate_existing: an attempt already loaded in this request may hold a deadline that a
    # trainer has moved since; the locked read must see the committed row.
    return query.with_for_update().execution_options(populate_existing=True)


def own_attempt(attempt_id: int, user_id: int, *, lock: bool = False) -> Attempt:
    """The attempt if it belongs to ``user_id``; 404 otherwise (never reveal others')."""
    query = select(Attempt).where(Attempt.id == attempt_id)
    if lock:
        query = locked(query)
    attempt = db.session.scalar(query)
    if attempt is None or attempt.user_id != user_id:
        raise refuse(404, "not_your_attempt", str(attempt_id), user=user_id)
    return attempt


def _expired(attempt: Attempt, now: datetime) -> bool:
    return attempt.is_open and attempt.deadline is not None and now >= attempt.deadline


def close_if_expired(attempt: Attempt, now: datetime | None = None) -> bool:
    """Close an open attempt whose deadline has passed, with what was saved; True if closed."""
    now = now or utcnow()
    if not _expired(attempt, now):
        return False
    db.session.refresh(attempt, with_for_update=True)  # a trainer may just have extended it
    if not _expired(attempt, now):
        return False
    _finish(attempt, AttemptState.CLOSED_BY_TIMER, attempt.deadline)
    db.session.commit()
    return True


def _finish(attempt: Attempt, state: AttemptState, at: datetime) -> None:
    attempt.state = state.value
    attempt.submitted_at = at
    grading.grade_attempt(attempt)
    grading.announce_if_final(attempt)
    if attempt.needs_grading:
        signals.essay_to_grade.send("exam", attempt_id=attempt.id, exam_id=attempt.exam_id,
                                    user_id=attempt.user_id, title=dict(attempt.exam.title),
                                    author_id=attempt.exam.created_by_id)


@dataclass
class SaveReceipt:
    """What the browser is told after a save."""

    saved_at: datetime
    revision: int
    remaining: int | None


def save_answer(attempt_id: int, user_id: int, attempt_question_id: int, raw,
                now: datetime | None = None) -> SaveReceipt:
    """Store one answer (normalised and checked by its question type) and its history."""
    now = now or utcnow()
    attempt = own_attempt(attempt_id, user_id, lock=True)
    if close_if_expired(attempt, now) or not attempt.is_open:
        raise refuse(409, "attempt_closed", str(attempt_id), user=user_id)
    slot = db.session.scalar(select(AttemptQuestion).where(
        AttemptQuestion.id == attempt_question_id, AttemptQuestion.attempt_id == attempt.id))
    if slot is None:
        raise refuse(404, "question_not_in_attempt", str(attempt_question_id), user=user_id,
                     attempt=attempt_id)
    try:
        check_response(raw)
    except PayloadRefused as refused:
        raise refuse(400, "bad_payload", str(refused), field=refused.field,
                     params={"problem": refused.problem}, user=user_id,
                     attempt=attempt_id) from refused
    question = definition_of(slot.version)
    response = qtypes.normalise_response(question, raw)
    problems = qtypes.validate_response(question, response)
    if problems:
        raise refuse(400, "invalid_response", "; ".join(str(p) for p in problems),
                     field="response", issues=problems, user=user_id, attempt=attempt_id)
    kind = qtypes.kind_of(question)
    if kind.drawn and not kind.matches_view(response, arranged_view(attempt, slot, "en")):
        raise refuse(400, "invalid_response", "not what was drawn for this attempt",
                     field="response", user=user_id, attempt=attempt_id)
    if qtypes.kind_of(question).is_blank(response):
        response = None  # "", [] and {} all mean "no answer"; store one shape for it
    answer = slot.answer
    if answer is None:
        answer = Answer(attempt_question=slot, response=response, saved_at=now, revision=1)
        db.session.add(answer)
    else:
        answer.response, answer.saved_at = response, now
        answer.revision += 1
    db.session.add(AnswerEvent(attempt_question_id=slot.id, response=response, at=now))
    db.session.commit()
    return SaveReceipt(now, answer.revision, remaining_seconds(attempt, now))


def set_flag(attempt_id: int, user_id: int, attempt_question_id: int, flagged: bool,
             now: datetime | None = None) -> bool:
    """Mark (or unmark) one question of an open attempt to come back to; returns the flag."""
    now = now or utcnow()
    attempt = own_attempt(attempt_id, user_id, lock=True)
    if close_if_expired(attempt, now) or not attempt.is_open:
        raise refuse(409, "attempt_closed", str(attempt_id), user=user_id)
    slot = next((s for s in attempt.questions if s.id == attempt_question_id), None)
    if slot is None:
        raise refuse(404, "question_not_in_attempt", str(attempt_question_id), user=user_id,
                     attempt=attempt_id)
    slot.flagged = bool(flagged)
    db.session.commit()
    return slot.flagged


@dataclass
class SummaryRow:
    """One question on the summary page before submitting."""

    slot_id: int
    number: int
    page: int
    answered: bool
    flagged: bool


def summary(attempt: Attempt) -> list[SummaryRow]:
    """Every question of the attempt: answered or not, flagged or not, and its page
    (unscored items such as descriptions, which ask nothing, are left out)."""
    return [SummaryRow(slot.id, slot.position + 1, slot.page,
                       slot.answer is not None and slot.answer.response is not None,
                       bool(slot.flagged)) for slot in attempt.questions
            if qtypes.kind_of(slot.version.question.type).scored]  # others ask nothing


def submit(attempt_id: int, user_id: int, now: datetime | None = None) -> Attempt:
    """Submit and grade; a second submit (or one after the deadline) changes nothing more."""
    now = now or utcnow()
    attempt = own_attempt(attempt_id, user_id, lock=True)
    if close_if_expired(attempt, now) or not attempt.is_open:
        db.session.commit()
        return attempt
    _finish(attempt, AttemptState.SUBMITTED, now)
    db.session.commit()
    return attempt


def close_expired(now: datetime | None = None) -> int:
    """Close every open attempt past its (possibly extended) deadline; returns how many.

    This is the periodic sweep (``flask exams sweep``). Each attempt is read again under its
    row lock before it is closed, so an extension committed meanwhile keeps it open.
    """
    now = now or utcnow()
    expired = db.session.scalars(select(Attempt.id).where(
        Attempt.state == AttemptState.IN_PROGRESS.value, Attempt.deadline.is_not(None),
        Attempt.deadline <= now).order_by(Attempt.id)).all()
    closed = 0
    for attempt_id in expired:
        attempt = db.session.scalar(locked(select(Attempt).where(Attempt.id == attempt_id)))
        if attempt is not None and close_if_expired(attempt, now):
            closed += 1
        else:
            db.session.rollback()  # release the lock of an attempt that was extended
    return closed


def pages_of(attempt: Attempt) -> int:
    """How many pages the attempt has."""
    return max((aq.page for aq in attempt.questions), default=0) + 1


def question_rng(attempt: Attempt, slot: AttemptQuestion) -> random.Random:
    """The seeded generator that fixes this question's order of parts for this trainee."""
    return random.Random(f"{attempt.seed}:{slot.option_seed}")


def shown_definition(attempt: Attempt, slot: AttemptQuestion):
    """The version the trainee saw, with option shuffling off if the exam says so."""
    question = definition_of(slot.version)
    if not attempt.exam.shuffle_options:
        question = replace(question, shuffle_options=False)
    return question


# Rendering a question's Markdown is the costly part of a page, and it depends only on the
# version and the language. So the view is rendered once unshuffled ("canonical") and cached;
# each trainee's order is then applied with their seeded generator. Reviews are put in the same
# order, so a trainee sees their options where they saw them during the attempt.
_CANONICAL: dict[tuple[int, str, str], dict] = {}


def _canonical_view(slot: AttemptQuestion, language: str) -> dict:
    key = (slot.version.id, slot.version.definition_hash, language)
    if key not in _CANONICAL:
        if len(_CANONICAL) > 4096:
            _CANONICAL.clear()
        question = replace(definition_of(slot.version), shuffle_options=False)
        _CANONICAL[key] = qtypes.public_view(question, language, random.Random(0))
    return copy.deepcopy(_CANONICAL[key])


def _shuffle_parts(view: dict, rng: random.Random, shuffle_options: bool) -> None:
    qtypes.kind_of(view["type"]).shuffle_view(view, rng, shuffle_options)


def _shuffles(attempt: Attempt, slot: AttemptQuestion) -> bool:
    return attempt.exam.shuffle_options and definition_of(slot.version).shuffle_options


def arranged_view(attempt: Attempt, slot: AttemptQuestion, language: str) -> dict:
    """The public view of one question in this trainee's order (no key, no feedback)."""
    view = _canonical_view(slot, language)
    _shuffle_parts(view, question_rng(attempt, slot), _shuffles(attempt, slot))
    return view


def _order_like(view: dict, model: dict) -> None:
    for part in ("options", "choices", "items", "prompts"):
        if part in view and part in model:
            place = {entry["id"]: index for index, entry in enumerate(model[part])}
            view[part].sort(key=lambda entry: place.get(entry["id"], len(place)))
    for sub, sub_model in zip(view.get("subquestions", []), model.get("subquestions", []),
                              strict=False):
        _order_like(sub, sub_model)


def arrange_like_attempt(view: dict, attempt: Attempt, slot: AttemptQuestion,
                         language: str) -> dict:
    """A review view put in the order the trainee saw during the attempt."""
    _order_like(view, arranged_view(attempt, slot, language))
    return view


def _add_units(view: dict, question) -> None:
    """Give numerical views both languages' units, so the page accepts either after a number."""
    if view.get("type") == "numerical" and question.unit:
        view["units"] = [unit for unit in (question.unit.zh, question.unit.en) if unit]
    subs = {sub.key: sub for sub in getattr(question, "subquestions", ())}
    for sub_view in view.get("subquestions", []):
        if sub_view.get("key") in subs:
            _add_units(sub_view, subs[sub_view["key"]])


def page_views(attempt: Attempt, page: int, language: str) -> list[dict]:
    """Public views (no key) of one page's questions, with the saved response of each."""
    views = []
    for slot in attempt.questions:
        if slot.page != page:
            continue
        view = arranged_view(attempt, slot, language)
        _add_units(view, definition_of(slot.version))
        view["points"] = grading.slot_points(slot)
        views.append({"slot": slot.id, "number": slot.position + 1, "view": view,
                      "flagged": slot.flagged,
                      "response": slot.answer.response if slot.answer else None,
                      "saved_at": slot.answer.saved_at if slot.answer else None})
    return views
