"""Recertification is a cycle: after expiry (or inside the 30-day renewal window) the course
reopens for the holder, who must pass its required activities again; that issues a new
certificate and marks the old one superseded; the public check shows the chain in local time.
A learning path with a validity reopens its courses the same way.

The first cycle is run in the past through the real services (attempts and lesson views take
their time), so the certificates it issues expire by today.
"""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_babel import format_datetime
from sqlalchemy import select

from lms.auth.models import User, utcnow
from lms.courses import progress
from lms.courses.models import Course
from lms.courses.models_progress import CompletionEvent
from lms.exams import certificates, grading
from lms.exams.models import Certificate, Exam
from lms.extensions import db
from lms.signals import caused_by
from tests.courses.factories import assign_to, make_course
from tests.courses.test_completion_truth import (
    _path,
    certificates_of,
    exam_course,
    open_lessons,
    state,
    take,
)
from tests.factories import make_user

RIGHT = {"cb-policy": "Old key", "cb-timing": "Within 24 h"}
WRONG = {"cb-policy": "Really right", "cb-timing": "Next week"}


def first_cycle(trainee, days_ago: int, validity: int = 365):
    """The course with a certificate valid ``validity`` days, completed ``days_ago`` days ago
    at 20:30 UTC (the next morning in Shanghai)."""
    exam, course = exam_course(trainee=trainee)
    certificates.set_validity("course", course.id, validity)
    db.session.commit()
    assign_to(course, trainee)
    then = (utcnow() - timedelta(days=days_ago)).replace(hour=20, minute=30, second=0,
                                                         microsecond=0)
    open_lessons(trainee, course, then)
    take(exam, trainee, RIGHT, now=then)
    return exam, course, then


def test_after_expiry_the_course_reopens_and_redoing_it_renews(app, client):
    with app.app_context():
        trainee = make_user(name="续期 Chen")
        exam, course, then = first_cycle(trainee, days_ago=400)
        [old] = certificates_of(trainee)
        assert old.issued_at == then and old.state == "expired"

        reopened = state(trainee, course)
        assert reopened.status == "renewal_due" and reopened.completed_at is None
        assert reopened.overdue and reopened.renewal.expired
        assert [s.kind for s in reopened.to_redo] == ["exam"]  # lessons opened still count
        assert reopened.percent == 67
        with app.test_request_context():
            notice = render_template("courses/_completion_notice.html",
                                     **progress.completion_notice(trainee.id, course))
        assert "renewal-steps" in notice and ("需要续期" in notice or "Renewal due" in notice)

        take(exam, trainee, WRONG)  # a failed retake does not renew
        assert state(trainee, course).status == "renewal_due"
        take(exam, trainee, RIGHT)

        renewed = state(trainee, course)
        assert renewed.status == "completed" and renewed.renewal is None
        old, new = certificates_of(trainee)
        assert old.superseded_by_id == new.id and old.state == "superseded"
        assert new.state == "valid" and new.expires_at - new.issued_at == timedelta(days=365)
        assert old.revoked_at is None
        event = db.session.scalars(select(CompletionEvent).order_by(CompletionEvent.id)).all()[-1]
        assert event.change == "renewed"
        assert {"code": new.code, "action": "issued"} in event.certificates
        assert {"code": old.code, "action": "superseded"} in event.certificates
        with app.test_request_context():
            issued_local = format_datetime(old.issued_at, "yyyy-MM-dd HH:mm")
            renewed_local = format_datetime(new.issued_at, "yyyy-MM-dd HH:mm")
        assert issued_local.endswith("04:30")  # 20:30 UTC is 04:30 in Asia/Shanghai
        old_code, new_code = old.code, new.code

    page = client.get(f"/verify/{old_code}").get_data(as_text=True)
    assert "续期 Chen" in page and 'data-state="superseded"' in page
    assert "certificate-chain" in page and new_code in page and issued_local in page
    assert renewed_local in page and f"/verify/{new_code}" in page
    assert "此证书已续期" in page or "This certificate was renewed" in page
    current = client.get(f"/verify/{new_code}").get_data(as_text=True)
    assert 'id="verdict" data-state="valid"' in current and old_code in current


def test_inside_the_renewal_window_the_course_reopens_before_expiry(app_ctx):
    trainee = make_user()
    exam, course, _then = first_cycle(trainee, days_ago=350)  # expires in about 15 days
    [old] = certificates_of(trainee)
    assert old.state == "valid"
    assert [r.certificate.id for r in certificates.due_for_recertification(trainee.id)] == [
        old.id]
    due = state(trainee, course)
    assert due.status == "renewal_due" and not due.overdue and not due.renewal.expired

    take(exam, trainee, RIGHT)

    assert state(trainee, course).status == "completed"
    old, new = certificates_of(trainee)
    assert old.superseded_by_id == new.id and new.state == "valid"
    assert certificates.due_for_recertification(trainee.id) == []


def test_a_result_changed_on_the_persons_behalf_does_not_count_as_redone(app_ctx):
    trainee, trainer = make_user(), make_user(roles=["trainer"])
    exam, course, _then = first_cycle(trainee, days_ago=400)
    with caused_by("override", 1, actor_id=trainer.id):
        grading.announce_standing(trainee.id, exam)  # e.g. a trainer's mark override
    db.session.commit()
    assert state(trainee, course).status == "renewal_due"
    assert len(certificates_of(trainee)) == 1


def test_the_sweep_command_lists_due_renewals(app, runner):
    with app.app_context():
        trainee = make_user(employee_no="E4242")
        first_cycle(trainee, days_ago=350)
        code = certificates_of(trainee)[0].code
    result = runner.invoke(args=["certificates", "sweep"])
    assert result.exit_code == 0 and f"E4242 {code}" in result.output
    again = runner.invoke(args=["certificates", "sweep"])
    assert code not in again.output  # reminded once


def test_a_path_with_a_validity_reopens_its_courses_and_renews(app_ctx):
    trainee = make_user()
    exam, course = exam_course(trainee=trainee)
    lessons_only = make_course("lessons-only", **{"exam_passed: true": "exam_passed: false"})
    path = _path(course, lessons_only)
    certificates.set_validity("path", path.id, 365)
    db.session.commit()
    assign_to(path, trainee)
    then = utcnow() - timedelta(days=400)
    open_lessons(trainee, lessons_only, then)
    open_lessons(trainee, course, then)
    take(exam, trainee, RIGHT, now=then)
    [old] = certificates_of(trainee, "path")
    assert old.state == "expired"
    assert state(trainee, course).status == "renewal_due"  # reopened by the path
    assert state(trainee, lessons_only).status == "renewal_due"

    take(exam, trainee, RIGHT)
    assert state(trainee, course).status == "completed"
    assert len(certificates_of(trainee, "path")) == 1  # one course still to renew
    open_lessons(trainee, lessons_only)  # its lessons again count as done after the start

    assert state(trainee, lessons_only).status == "completed"
    old, new = certificates_of(trainee, "path")
    assert old.superseded_by_id == new.id and new.state == "valid"
    assert [c.state for c in certificates_of(trainee, "course")] == ["valid", "valid"]


def test_a_withdrawn_renewal_cycle_still_reissues(app_ctx):
    """A completion withdrawn by a regrade and passed again later is one more cycle link."""
    from tests.courses.test_completion_truth import regrade

    trainee, trainer = make_user(), make_user(roles=["trainer"])
    exam, course = exam_course(trainee=trainee)
    assign_to(course, trainee)
    open_lessons(trainee, course)
    take(exam, trainee, RIGHT)
    regrade(trainer)
    take(exam, trainee, {"cb-policy": "Really right", "cb-timing": "Within 24 h"})
    first, second = certificates_of(trainee)
    assert first.state == "revoked" and second.state == "valid"
    assert [c.id for c in certificates.chain_of(second)] == [first.id, second.id]
    assert db.session.get(User, trainee.id) is not None
    assert db.session.get(Exam, exam.id) and db.session.get(Course, course.id)
    assert db.session.scalar(select(Certificate).where(Certificate.superseded_by_id.is_not(
        None))) is None  # reissued after a revocation, not a renewal


def test_a_renewal_cycle_gives_a_fresh_set_of_attempts(app_ctx):
    """Whoever used the only attempt to get certified can still sit the exam to recertify,
    once: the attempts before the cycle no longer count against the limit."""
    from lms.exams import exam_service

    trainee = make_user(name="续考 Zhao")
    exam, course = exam_course(trainee=trainee, attempts_allowed=1)
    certificates.set_validity("course", course.id, 365)
    assign_to(course, trainee)
    then = utcnow() - timedelta(days=400)
    open_lessons(trainee, course, then)
    take(exam, trainee, RIGHT, now=then)
    db.session.commit()
    assert state(trainee, course).status == "renewal_due"

    status = exam_service.status_for(exam, trainee.id, utcnow())
    assert status.can_start and status.attempts_left == 1
    take(exam, trainee, RIGHT)
    db.session.commit()
    assert state(trainee, course).status == "completed"
    status = exam_service.status_for(exam, trainee.id, utcnow())
    assert not status.can_start and status.attempts_left == 0


def test_without_a_renewal_cycle_every_attempt_counts(app_ctx):
    from lms.exams import exam_service

    trainee = make_user()
    exam, course = exam_course(trainee=trainee, attempts_allowed=1)
    assign_to(course, trainee)
    take(exam, trainee, WRONG)
    db.session.commit()
    status = exam_service.status_for(exam, trainee.id, utcnow())
    assert status.attempts_left == 0 and not status.can_start
