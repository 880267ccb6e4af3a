"""Listeners that keep every graded activity, course completion and withdrawn completion
for levels 3 and 4.

Connected when ``lms.evaluation.routes`` is imported (the app registers it at start-up). They
run inside the sender's transaction and only add a row; the sender commits.
"""

from datetime import datetime

from lms.auth.models import utcnow
from lms.evaluation.models import EvaluationEvent
from lms.extensions import db
from lms.signals import activity_result, course_completed, course_completion_withdrawn


def _naive_utc(at) -> datetime:
    if isinstance(at, datetime):
        return at.replace(tzinfo=None) if at.tzinfo else at
    return utcnow()


def store_activity_result(sender, **kw) -> None:
    """Keep one ``activity_result`` (any sender) as an evaluation event."""
    score = kw.get("score")
    db.session.add(EvaluationEvent(
        user_id=kw["user_id"], sender=str(sender)[:32], ref=str(kw.get("ref", ""))[:160],
        score=None if score is None else float(score), passed=kw.get("passed"),
        at=_naive_utc(kw.get("at"))))


def store_course_completed(sender, **kw) -> None:
    """Keep a course completion; the trainee counts as trained from the next month."""
    db.session.add(EvaluationEvent(
        user_id=kw["user_id"], sender="course", ref=f"course:{kw.get('course_id')}",
        score=None, passed=True, at=_naive_utc(kw.get("at"))))


def store_course_withdrawn(sender, **kw) -> None:
    """Keep a withdrawn completion (a regrade took the pass away): from then on the person
    no longer counts as trained by that course, until it completes again."""
    db.session.add(EvaluationEvent(
        user_id=kw["user_id"], sender="course", ref=f"course:{kw.get('course_id')}",
        score=None, passed=False, at=_naive_utc(kw.get("at"))))


activity_result.connect(store_activity_result, weak=False)
course_completed.connect(store_course_completed, weak=False)
course_completion_withdrawn.connect(store_course_withdrawn, weak=False)
