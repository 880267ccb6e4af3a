"""Progress, completion rules, prerequisites, assignment targets and overdue, without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from lms.courses import assignment, content_service, progress
from lms.courses.models import LearningPath, PathItem
from lms.courses.models_progress import Assignment, CourseCompletion
from lms.extensions import db
from lms.signals import activity_result, course_completed, path_completed
from tests.courses.factories import assign_to, make_course
from tests.factories import make_user

EXAM_REF = "exam:callback-basics-final"


@pytest.fixture
def captured():
    """Signals sent by the courses feature during the test."""
    seen = []

    def on_course(sender, **kw):
        seen.append(("course", kw["course_id"]))

    def on_path(sender, **kw):
        seen.append(("path", kw["path_id"]))

    course_completed.connect(on_course)
    path_completed.connect(on_path)
    yield seen
    course_completed.disconnect(on_course)
    path_completed.disconnect(on_path)


def _state(user, course):
    return progress.book_for(user.id).progress(user.id, course)


def test_progress_rises_with_each_lesson_and_the_exam_completes_the_course(app_ctx, captured):
    course, trainee = make_course(), make_user()
    assign_to(course, trainee)
    assert _state(trainee, course).percent == 0
    progress.record_view(trainee.id, course.lessons[0])
    assert _state(trainee, course).percent == 33  # 1 of 2 lessons + 1 exam
    progress.record_view(trainee.id, course.lessons[1])
    state = _state(trainee, course)
    assert state.percent == 67 and state.completed_at is None and state.status == "in_progress"
    activity_result.send("exam", user_id=trainee.id, ref=EXAM_REF, passed=True, score=0.9,
                         at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
    db.session.commit()
    state = _state(trainee, course)
    assert state.status == "completed" and state.percent == 100
    assert state.completed_at == datetime(2026, 11, 20, 9, 30)  # stored as naive UTC
    assert captured == [("course", course.id)]


def test_a_failed_exam_does_not_complete_the_course(app_ctx):
    course, trainee = make_course(), make_user()
    assign_to(course, trainee)
    for lesson in course.lessons:
        progress.record_view(trainee.id, lesson)
    activity_result.send("exam", user_id=trainee.id, ref=EXAM_REF, passed=False, score=0.4)
    assert _state(trainee, course).completed_at is None


def test_a_course_without_the_exam_rule_completes_on_lessons_alone(app_ctx):
    course = make_course(**{"exam_passed: true": "exam_passed: false"})
    trainee = make_user()
    assign_to(course, trainee)
    for lesson in course.lessons:
        progress.record_view(trainee.id, lesson)
    assert _state(trainee, course).status == "completed"


def test_drill_rule_waits_for_a_score(app_ctx):
    course = make_course(**{"drill_scored: false": "drill_scored: true",
                            "kind: exam": "kind: roleplay",
                            "ref: exam:callback-basics-final": "ref: roleplay:callback-call",
                            "exam_passed: true": "exam_passed: false"})
    trainee = make_user()
    assign_to(course, trainee)
    for lesson in course.lessons:
        progress.record_view(trainee.id, lesson)
    assert _state(trainee, course).completed_at is None
    activity_result.send("roleplay", user_id=trainee.id, ref="roleplay:callback-call",
                         passed=None, score=0.75)
    assert _state(trainee, course).status == "completed"


def test_completion_is_recorded_once(app_ctx, captured):
    course = make_course(**{"exam_passed: true": "exam_passed: false"})
    trainee = make_user()
    assign_to(course, trainee)
    for lesson in course.lessons * 2:
        progress.record_view(trainee.id, lesson)
    rows = db.session.scalars(select(CourseCompletion)).all()
    assert len(rows) == 1 and captured == [("course", course.id)]


def test_resume_points_at_the_first_unviewed_lesson(app_ctx):
    course, trainee = make_course(), make_user()
    assign_to(course, trainee)
    assert _state(trainee, course).next_lesson.slug == "when-to-call"
    progress.record_view(trainee.id, course.lessons[0])
    assert _state(trainee, course).next_lesson.slug == "what-to-ask"


def test_prerequisite_locks_a_course_until_the_first_is_complete(app_ctx):
    first = make_course("first-course", **{"exam_passed: true": "exam_passed: false"})
    second = make_course("second-course")
    assert content_service.add_prerequisite(second, first)
    assert not content_service.add_prerequisite(first, second)  # would loop
    db.session.commit()
    trainee = make_user()
    assign_to(first, trainee)
    assign_to(second, trainee)
    locked = _state(trainee, second)
    assert locked.locked and [c.slug for c in locked.locked_by] == ["first-course"]
    for lesson in first.lessons:
        progress.record_view(trainee.id, lesson)
    assert not _state(trainee, second).locked


def test_path_completion_is_signalled_when_every_course_is_done(app_ctx, captured):
    a = make_course("course-a", **{"exam_passed: true": "exam_passed: false"})
    b = make_course("course-b", **{"exam_passed: true": "exam_passed: false"})
    path = LearningPath(slug="mini-path", kind="onboarding", title={"zh": "路径", "en": "Path"},
                        summary={"zh": "", "en": ""}, planned_hours=3,
                        items=[PathItem(course=a, position=0), PathItem(course=b, position=1)])
    db.session.add(path)
    trainee = make_user()
    assign_to(path, trainee)
    book = progress.book_for(trainee.id)
    assert set(book.assigned_courses(trainee.id)) == {a, b}
    for lesson in a.lessons + b.lessons:
        progress.record_view(trainee.id, lesson)
    assert captured == [("course", a.id), ("course", b.id), ("path", path.id)]
    assert progress.path_completed_at(trainee.id, path) is not None


def test_assignment_to_a_department_reaches_its_active_members_only(app_ctx):
    course = make_course()
    inside = make_user(department="Hotline East")
    gone = make_user(department="Hotline East")
    gone.active = False
    db.session.commit()
    outside = make_user(department="Field Service South")
    people = assignment.people_for("department", department_id=inside.department_id)
    assert people == [inside]
    result = assignment.assign(course, people, date.today(), None, "department")
    again = assignment.assign(course, people, date.today() + timedelta(days=3), None)
    db.session.commit()
    assert (result.created, again.created, again.updated) == (1, 0, 1)
    rows = db.session.scalars(select(Assignment)).all()
    assert [r.user_id for r in rows] == [inside.id]
    assert rows[0].due_on == date.today() + timedelta(days=3)
    assert not progress.is_assigned(outside.id, course) and not progress.is_assigned(gone.id,
                                                                                       course)


def test_new_hires_are_those_hired_in_the_last_90_days(app_ctx):
    today = date(2026, 11, 23)
    recent = make_user(hired_on=date(2026, 11, 2))
    edge = make_user(hired_on=today - timedelta(days=90))
    old = make_user(hired_on=date(2025, 4, 1))
    future = make_user(hired_on=today + timedelta(days=5))
    unknown = make_user()
    found = assignment.people_for("new_hires", today=today)
    assert set(found) == {recent, edge}
    assert not {old, future, unknown} & set(found)


def test_overdue_means_past_due_and_not_complete(app_ctx):
    course, late, done = make_course(**{"exam_passed: true": "exam_passed: false"}), \
        make_user(), make_user()
    assign_to(course, late, done, due_in_days=-1)
    for lesson in course.lessons:
        progress.record_view(done.id, lesson)
    late_state = progress.book_for(late.id).progress(late.id, course, date.today()
                                                     - timedelta(days=1))
    done_state = progress.book_for(done.id).progress(done.id, course, date.today()
                                                     - timedelta(days=1))
    assert late_state.overdue and not done_state.overdue


def test_unpublished_courses_are_not_listed_for_trainees(app_ctx):
    draft = make_course("draft-course", status="draft")
    trainee = make_user()
    assign_to(draft, trainee)
    assert progress.book_for(trainee.id).assigned_courses(trainee.id) == {}
