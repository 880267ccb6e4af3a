"""Level 3 counts a person as trained from the month after the completion that still holds:
a completion a regrade withdrew stops counting; completing again counts from then."""

from datetime import UTC, datetime

from lms.evaluation import service
from lms.extensions import db
from lms.signals import course_completed, course_completion_withdrawn
from tests.factories import make_user


def _at(month: int, day: int = 10) -> datetime:
    return datetime(2026, month, day, 2, 0, tzinfo=UTC)


def test_a_withdrawn_completion_stops_counting_and_a_new_one_counts_from_its_month(app_ctx):
    kept, withdrawn, again = (make_user() for _ in range(3))
    for person in (kept, withdrawn, again):
        course_completed.send("course", user_id=person.id, course_id=7, at=_at(3),
                              title={"zh": "课", "en": "Course"}, renewal=False, cause="result")
    for person in (withdrawn, again):
        course_completion_withdrawn.send("course", user_id=person.id, course_id=7, at=_at(4),
                                         reason="exam regraded", cause="regrade:1")
    course_completed.send("course", user_id=again.id, course_id=7, at=_at(6),
                          title={"zh": "课", "en": "Course"}, renewal=False, cause="result")
    db.session.commit()
    trained = service.trained_from({kept.id, withdrawn.id, again.id})
    assert trained == {kept.id: "2026-04", again.id: "2026-07"}
