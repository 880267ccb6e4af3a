"""Course test objects built through the same services the app uses."""

from __future__ import annotations

from datetime import date, timedelta

from lms.courses import assignment, content_service
from lms.courses.bundle_files import files_from_zip
from lms.courses.bundle_parse import parse_course
from lms.extensions import db
from tests.courses.helpers import make_zip, valid_course_files


def small_bundle(slug: str = "callback-basics", **replace):
    """The small valid bundle of ``helpers`` (2 lessons, one required exam), optionally renamed."""
    files = valid_course_files()
    if slug != "callback-basics":
        files["course.yaml"] = files["course.yaml"].replace(b"callback-basics", slug.encode())
    for old, new in replace.items():
        files["course.yaml"] = files["course.yaml"].replace(old.encode(), new.encode())
    return parse_course(files_from_zip(make_zip(files)))


def make_exam(slug: str = "callback-basics-final", title: dict | None = None):
    """A committed exam with ``slug`` (no questions): what the small bundle's ref names."""
    from lms.exams.models import Exam, default_review

    exam = Exam(slug=slug, title=title or {"zh": "回访结业考试", "en": "Callback final exam"},
                review=default_review())
    db.session.add(exam)
    db.session.commit()
    return exam


def make_course(slug: str = "callback-basics", status: str = "published", **replace):
    """A committed course from the small bundle (needs an app context)."""
    course = content_service.import_bundle(small_bundle(slug, **replace), status=status)
    db.session.commit()
    return course


def assign_to(item, *users, due_in_days: int = 14):
    """Assign a course or path to users with a due date ``due_in_days`` from today."""
    assignment.assign(item, list(users), date.today() + timedelta(days=due_in_days), None)
    db.session.commit()
