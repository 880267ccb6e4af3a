"""The reminder sweep: due soon, overdue, exam windows, practice tomorrow, certificates; run
twice, it sends nothing twice."""

from datetime import datetime, timedelta

from sqlalchemy import update

from lms.auth.models import utcnow
from lms.courses.models_progress import Assignment
from lms.extensions import db
from lms.notify.sweep import site_today, sweep
from tests.courses.factories import assign_to, make_course, make_exam
from tests.factories import make_user
from tests.notify.helpers import notices, parts, settle


def _due(days: int) -> None:
    db.session.execute(update(Assignment).values(due_on=site_today(utcnow()) +
                                                 timedelta(days=days)))
    db.session.commit()


def test_overdue_reminder_is_sent_once_however_often_the_sweep_runs(app, app_ctx, smtp):
    late = make_user(email="late@example.cn", locale="en")
    assign_to(make_course(), late)
    _due(-2)
    settle()
    first = sweep()
    settle()
    assert first["overdue"] == 1
    assert sweep().get("overdue", 0) == 0
    result = app.test_cli_runner().invoke(args=["notify", "sweep"])
    assert result.exit_code == 0 and "overdue" not in result.output
    settle()
    (overdue,) = notices(late.id, "overdue")
    assert overdue.params["due_on"] == (site_today(utcnow()) - timedelta(days=2)).isoformat()
    mails = [m for m in smtp.wait_for(2) if "Overdue" in m["message"]["Subject"]]
    assert len(mails) == 1
    assert "is not complete yet" in parts(mails[0]["message"])["text/plain"]


def test_due_soon_then_overdue_when_the_date_passes(app_ctx):
    person = make_user(email=None)
    assign_to(make_course(), person)
    _due(2)
    assert sweep().get("due_soon") == 1
    _due(-1)
    counts = sweep()
    assert counts.get("overdue") == 1 and counts.get("due_soon", 0) == 0
    assert [n.kind for n in notices(person.id)] == ["assigned", "due_soon", "overdue"]


def test_completed_or_far_away_courses_raise_nothing(app_ctx):
    person = make_user(email=None)
    assign_to(make_course(), person, due_in_days=30)
    assert {k: v for k, v in sweep().items() if v} == {}


def test_exam_window_practice_tomorrow_and_expiring_certificate(app_ctx):
    from lms.exams.certificates import issue
    from lms.exams.models import ExamAssignment
    from tests.practice.factories import make_session, onsite_course

    person = make_user(email=None)
    trainer = make_user(roles=["trainer"], email=None)
    exam = make_exam()
    exam.opens_at = utcnow() + timedelta(hours=5)
    db.session.add(ExamAssignment(exam_id=exam.id, user_id=person.id))
    course = onsite_course()
    assign_to(course, person)
    tomorrow_ten = (datetime.combine(site_today(utcnow()) + timedelta(days=1),
                                     datetime.min.time()) + timedelta(hours=2))  # 10:00 +08
    session = make_session(course, trainer, starts_at=tomorrow_ten)
    from lms.practice import service as practice

    practice.enrol(session, person, trainer)
    db.session.commit()
    certificate = issue(person.id, "course", course.id)
    certificate.expires_at = utcnow() + timedelta(days=10)
    db.session.commit()

    counts = sweep()
    assert counts["window_opens"] == 1
    assert counts["session_tomorrow"] == 2  # the trainee and the trainer
    assert counts["certificate_expiring"] == 1
    again = sweep()
    assert all(again.get(k, 0) == 0 for k in ("window_opens", "session_tomorrow",
                                               "certificate_expiring"))
    (tomorrow,) = notices(person.id, "session_tomorrow")
    assert tomorrow.params["place"] == "Training room 3"
    (expiring,) = notices(person.id, "certificate_expiring")
    assert expiring.params["expires_on"] == site_today(certificate.expires_at).isoformat()
