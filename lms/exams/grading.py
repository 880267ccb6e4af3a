"""Grading: automatic grades, the trainers' essay queue, exam results, regrades, reviews.

- An attempt's score is the points earned over the points available (0..1); it passes when
  the score reaches the exam's pass mark. A question is worth its exam slot's fixed mark
  when the slot has one (``slot_points``), else its own points. While an essay waits,
  ``passed`` stays None.
- The exam result of a person combines their finished attempts by the exam's grading
  method (highest, last, average). ``activity_result`` (sender ``"exam"``) announces it
  once per attempt, when nothing is pending any more.
- A regrade grades the stored responses against a corrected version's key. The dry run lists
  whose score and pass/fail would change and is saved as a ``RegradeRun``; applying it
  marks the slots with the corrected version, records who applied it, and announces the new
  exam result (``announce_standing``, cause ``regrade:<run id>``) of every person whose result
  by the grading method changed, so courses and certificates follow.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from lms import signals
from lms.auth.models import utcnow
from lms.exams.bank_service import definition_of
from lms.exams.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    Exam,
    GradingMethod,
    ManualGrade,
    QuestionVersion,
    RegradeRun,
)
from lms.extensions import db
from question_bank import qtypes
from question_bank.grading import GradeState, ReviewOptions

PASS_EPSILON = 1e-9
#: How long after submitting the "immediately" review options apply (as in Moodle).
IMMEDIATE_WINDOW = timedelta(minutes=2)


def grade_slot(slot: AttemptQuestion, version: QuestionVersion | None = None):
    """``(question, Grade)`` of one slot, graded with ``version``'s key (default: its own)."""
    question = definition_of(version or slot.key_version)
    response = slot.answer.response if slot.answer else None
    manual = slot.manual_grade.manual if slot.manual_grade else None
    try:
        return question, qtypes.grade(question, response, manual)
    except qtypes.ResponseError:  # a corrected version dropped an option the trainee chose
        return question, qtypes.grade(question, None, manual)


def slot_points(slot: AttemptQuestion, question=None) -> float:
    """What one question is worth in one attempt: the exam slot's fixed mark when it has
    one (set at start), else the question's own points."""
    question = question or definition_of(slot.key_version)
    if not qtypes.kind_of(question).scored:
        return 0.0  # a description: never worth marks, whatever a rule gave its slot
    if slot.mark is not None:
        return slot.mark
    return question.points


def _totals(results) -> tuple[float, float, bool]:
    """``results``: (grade, points the slot is worth) per question."""
    points = sum((grade.fraction or 0.0) * weight for grade, weight in results)
    available = sum(weight for _, weight in results)
    pending = any(grade.state == GradeState.PENDING for grade, _ in results)
    return points, available, pending


def _outcome(exam: Exam, points: float, available: float, pending: bool):
    score = points / available if available else 0.0
    passed = None if pending else score + PASS_EPSILON >= exam.pass_mark
    return score, passed


def grade_attempt(attempt: Attempt) -> None:
    """Grade every question of a closed attempt and set its score, pass and queue flag."""
    results = []
    for slot in attempt.questions:
        question, grade = grade_slot(slot)
        slot.grade_state, slot.fraction, slot.grade = grade.state.value, grade.fraction, \
            grade.to_dict()
        results.append((grade, slot_points(slot, question)))
    points, available, pending = _totals(results)
    attempt.points, attempt.max_points, attempt.needs_grading = points, available, pending
    attempt.score, attempt.passed = _outcome(attempt.exam, points, available, pending)
    from lms.exams import overrides  # imports this module; a trainer's mark outlives regrades

    overrides.apply_marks(attempt)


def finished_attempts(exam: Exam, user_id: int) -> list[Attempt]:
    """A person's closed, fully graded attempts at ``exam``, first to last."""
    return list(db.session.scalars(select(Attempt).where(
        Attempt.exam_id == exam.id, Attempt.user_id == user_id,
        Attempt.state != AttemptState.IN_PROGRESS.value,
        Attempt.needs_grading.is_(False)).order_by(Attempt.number)))


def exam_result(exam: Exam, user_id: int) -> tuple[float | None, bool | None]:
    """(score, passed) of a person at ``exam`` by its grading method; None before any."""
    return result_of_scores(exam, [attempt.score or 0.0
                                   for attempt in finished_attempts(exam, user_id)])


def result_of_scores(exam: Exam, scores: list[float]) -> tuple[float | None, bool | None]:
    """(score, passed) from a person's finished attempt scores, first to last."""
    if not scores:
        return None, None
    if exam.grading_method == GradingMethod.LAST:
        score = scores[-1]
    elif exam.grading_method == GradingMethod.AVERAGE:
        score = sum(scores) / len(scores)
    else:
        score = max(scores)
    return score, score + PASS_EPSILON >= exam.pass_mark


def announce_if_final(attempt: Attempt) -> None:
    """Send ``activity_result`` once the attempt is closed and nothing waits for a trainer."""
    if attempt.is_open or attempt.needs_grading or attempt.announced_at is not None:
        return
    attempt.announced_at = utcnow()
    announce_standing(attempt.user_id, attempt.exam, at=attempt.submitted_at)


def announce_standing(user_id: int, exam: Exam, at=None) -> None:
    """Send the person's *current* result on ``exam`` (by its grading method).

    Called whenever that result may have changed: an attempt became final, a regrade or a
    trainer's override changed a mark. Courses take the latest result per reference as the
    truth, so a pass that a regrade took away no longer counts.
    """
    db.session.flush()
    score, passed = exam_result(exam, user_id)
    signals.activity_result.send("exam", user_id=user_id, ref=exam.ref, passed=passed,
                                 score=score, at=at or utcnow())


# --- essays ------------------------------------------------------------------------------
def grading_queue() -> list[AttemptQuestion]:
    """Slots waiting for a trainer, oldest submission first."""
    return list(db.session.scalars(
        select(AttemptQuestion).join(Attempt).where(
            AttemptQuestion.grade_state == GradeState.PENDING.value,
            Attempt.state != AttemptState.IN_PROGRESS.value).order_by(Attempt.submitted_at)))


def record_manual_grade(slot: AttemptQuestion, manual, comment: str, grader_id: int) -> None:
    """Store a trainer's grade (a fraction, or {sub key: fraction} for a case), regrade."""
    if slot.manual_grade is None:
        slot.manual_grade = ManualGrade(manual=manual, comment=comment, grader_id=grader_id)
    else:
        slot.manual_grade.manual, slot.manual_grade.comment = manual, comment
        slot.manual_grade.grader_id, slot.manual_grade.graded_at = grader_id, utcnow()
    db.session.flush()
    grade_attempt(slot.attempt)
    announce_if_final(slot.attempt)


# --- regrade -----------------------------------------------------------------------------
def _affected(question_id: int, target: QuestionVersion) -> list[Attempt]:
    slots = db.session.scalars(
        select(AttemptQuestion).join(QuestionVersion, AttemptQuestion.version_id
                                     == QuestionVersion.id)
        .join(Attempt).where(QuestionVersion.question_id == question_id,
                             Attempt.state != AttemptState.IN_PROGRESS.value)).all()
    return sorted({slot.attempt for slot in slots if slot.key_version.id != target.id},
                  key=lambda attempt: attempt.id)


def _regraded_totals(attempt: Attempt, question_id: int, target: QuestionVersion):
    results = []
    for slot in attempt.questions:
        use = target if slot.version.question_id == question_id else None
        question, grade = grade_slot(slot, use)
        results.append((grade, slot_points(slot, question)))
    points, available, pending = _totals(results)
    return _outcome(attempt.exam, points, available, pending)


def regrade_dry_run(question_id: int, target: QuestionVersion, user_id: int) -> RegradeRun:
    """Compute whose score and pass/fail would change; stored as an unapplied run."""
    diff = []
    for attempt in _affected(question_id, target):
        score, passed = _regraded_totals(attempt, question_id, target)
        diff.append({"attempt_id": attempt.id, "user": attempt.user.name,
                     "exam": attempt.exam.slug, "old_score": attempt.score, "new_score": score,
                     "old_passed": attempt.passed, "new_passed": passed,
                     "changed": abs((attempt.score or 0) - score) > PASS_EPSILON
                     or attempt.passed != passed})
    run = RegradeRun(question_id=question_id, to_version_id=target.id, created_by_id=user_id,
                     diff=diff)
    db.session.add(run)
    db.session.commit()
    return run


def regrade_apply(run: RegradeRun, user_id: int, now: datetime | None = None) -> int:
    """Apply a dry run: regrade the affected attempts with the corrected key; returns count.

    Afterwards each person whose exam result (by the grading method) changed gets it
    announced, marked as caused by this run, so a pass the correction took away no longer
    completes their course (and one it gave does).
    """
    if run.applied_at is not None:
        return 0
    target = db.session.get(QuestionVersion, run.to_version_id)
    attempts = [db.session.get(Attempt, row["attempt_id"]) for row in run.diff]
    people = {(attempt.user_id, attempt.exam_id): attempt.exam for attempt in attempts}
    before = {key: exam_result(exam, key[0]) for key, exam in people.items()}
    for attempt in attempts:
        for slot in attempt.questions:
            if slot.version.question_id == run.question_id:
                slot.regraded_version = None if slot.version_id == target.id else target
        grade_attempt(attempt)
    run.applied_at, run.applied_by_id = now or utcnow(), user_id
    db.session.flush()
    with signals.caused_by("regrade", run.id, actor_id=user_id):
        for key, exam in sorted(people.items()):
            if _result_changed(before[key], exam_result(exam, key[0])):
                announce_standing(key[0], exam, at=run.applied_at)
    db.session.commit()
    return len(attempts)


def _result_changed(old: tuple, new: tuple) -> bool:
    """Whether an exam result (score, passed) differs: pass/fail or the score."""
    if old[1] != new[1] or (old[0] is None) != (new[0] is None):
        return True
    return old[0] is not None and abs(old[0] - new[0]) > PASS_EPSILON


# --- review ------------------------------------------------------------------------------
def _still_running(exam: Exam, now: datetime) -> bool:
    """Whether someone is still answering (an attempt extended past the close date)."""
    return db.session.scalar(select(Attempt.id).where(
        Attempt.exam_id == exam.id, Attempt.state == AttemptState.IN_PROGRESS.value,
        Attempt.deadline > now).limit(1)) is not None


def review_moment(exam: Exam, attempt: Attempt, now: datetime | None = None) -> str:
    """Which column of the review matrix applies to ``attempt`` now.

    "After close" waits until nobody is still answering: an attempt given extra time past the
    close date would otherwise run while others already see the right answers.
    """
    now = now or utcnow()
    if attempt.is_open:
        return "during"
    closes = _last_close(exam)
    if closes is not None and now >= closes and not _still_running(exam, now):
        return "after_close"
    if attempt.submitted_at and now - attempt.submitted_at <= IMMEDIATE_WINDOW:
        return "immediately"
    return "later"


def _last_close(exam: Exam) -> datetime | None:
    """The exam's close time, or a later one a person or department was given (overrides)."""
    if exam.closes_at is None:
        return None
    from lms.exams.models import ExamOverride

    later = db.session.scalar(select(func.max(ExamOverride.closes_at)).where(
        ExamOverride.exam_id == exam.id))
    return max(exam.closes_at, later) if later else exam.closes_at


def review_options(exam: Exam, attempt: Attempt, now: datetime | None = None) -> ReviewOptions:
    """What the trainee may see of ``attempt`` now, from the exam's review matrix."""
    column = (exam.review or {}).get(review_moment(exam, attempt, now), {})
    return ReviewOptions(**{part: bool(column.get(part)) for part in
                            ("score", "correctness", "feedback", "right_answer")})
