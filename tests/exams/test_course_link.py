"""Assigning a course puts the exams among its activities on the trainee's exam list."""

from sqlalchemy import select

from lms.exams.models import ExamAssignment
from lms.extensions import db
from lms.signals import activities_assigned
from tests.exams.factories import make_exam, single_choice, store
from tests.factories import make_user


def test_course_assignment_assigns_the_course_exam(app_ctx):
    store(single_choice("final-q"))
    exam = make_exam(["final-q"], slug="service-standards-final")
    trainee = make_user()
    activities_assigned.send("course", user_id=trainee.id,
                             refs=["roleplay:x", "exam:service-standards-final"])
    db.session.commit()
    rows = db.session.scalars(select(ExamAssignment).where(
        ExamAssignment.exam_id == exam.id)).all()
    assert [row.user_id for row in rows] == [trainee.id]


def test_unknown_exam_refs_are_ignored(app_ctx):
    trainee = make_user()
    activities_assigned.send("course", user_id=trainee.id, refs=["exam:no-such-exam"])
    assert db.session.scalars(select(ExamAssignment)).all() == []
