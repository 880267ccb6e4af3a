"""A draft course in a learning path counts neither for the path's progress nor its completion."""

from __future__ import annotations

from sqlalchemy import select

from lms.courses import dashboard, progress
from lms.courses.models import LearningPath, PathItem
from lms.courses.models_progress import PathCompletion
from lms.extensions import db
from lms.signals import activity_result
from tests.courses.factories import assign_to, make_course
from tests.factories import make_user


def _path_with_a_draft():
    ready = make_course("ready-course", **{"exam_passed: true": "exam_passed: false"})
    draft = make_course("draft-course", status="draft")
    path = LearningPath(slug="mixed-path", kind="custom", title={"zh": "路径", "en": "Path"},
                        summary={"zh": "", "en": ""}, planned_hours=3,
                        items=[PathItem(course=ready, position=0),
                               PathItem(course=draft, position=1)])
    db.session.add(path)
    db.session.commit()
    return path, ready, draft


def test_path_progress_and_completion_ignore_draft_courses(app_ctx):
    path, ready, draft = _path_with_a_draft()
    trainee = make_user()
    assign_to(path, trainee)
    progress.record_view(trainee.id, ready.lessons[0])
    assert progress.book_for(trainee.id).path_percent(trainee.id, path) == 50
    progress.record_view(trainee.id, ready.lessons[1])
    db.session.commit()
    assert progress.book_for(trainee.id).path_percent(trainee.id, path) == 100
    assert progress.path_completed_at(trainee.id, path) is not None
    (figures,) = dashboard.by_path()
    assert (figures.enrolled, figures.completed, figures.average) == (1, 1, 100)


def test_a_published_course_still_holds_the_path_back(app_ctx):
    path, ready, draft = _path_with_a_draft()
    draft.status = "published"
    db.session.commit()
    trainee = make_user()
    assign_to(path, trainee)
    for lesson in ready.lessons:
        progress.record_view(trainee.id, lesson)
    activity_result.send("exam", user_id=trainee.id, ref="exam:unrelated", passed=True)
    db.session.commit()
    assert progress.book_for(trainee.id).path_percent(trainee.id, path) == 50
    assert db.session.scalar(select(PathCompletion)) is None
    (figures,) = dashboard.by_path()
    assert (figures.completed, figures.in_progress) == (0, 1)
