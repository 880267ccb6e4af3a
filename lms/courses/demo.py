"""Demo data for courses: the shipped content, the onboarding path assigned to Hotline East,
and a little progress so "My learning" and the dashboard are not empty.

Idempotent: content is updated by slug; the assignment and the progress are only made when the
onboarding path has no assignment yet.
"""

from datetime import date, timedelta

from sqlalchemy import func, select

from lms.auth.models import Department, User
from lms.courses import assignment, content_service, progress
from lms.courses.models import Course, LearningPath
from lms.courses.models_progress import Assignment
from lms.extensions import db

DEMO_DEPARTMENT = "热线东区 Hotline East"
SOUTH_DEPARTMENT = "南区上门服务 Field Service South"
ONBOARDING_SLUG = "onboarding-72h"
#: Onboarding takes two working weeks; the demo assignment is due three weeks after loading.
DUE_AFTER_DAYS = 21


def load() -> list:
    """Load the shipped courses and paths, assign onboarding, and add sample progress."""
    before = db.session.scalar(select(func.count(Course.id)))
    loaded = content_service.load_content()
    created = loaded["courses"][before:] if before < len(loaded["courses"]) else []
    path = db.session.scalar(select(LearningPath).where(LearningPath.slug == ONBOARDING_SLUG))
    department = db.session.scalar(select(Department).where(Department.name == DEMO_DEPARTMENT))
    has_assignments = db.session.scalar(
        select(func.count(Assignment.id)).where(Assignment.path_id == path.id))
    if department is None or has_assignments:
        return created
    trainer = db.session.scalar(select(User).where(User.username == "trainer"))
    people = [u for u in assignment.department_members(department.id) if u.has_role("trainee")]
    assignment.assign(path, people, date.today() + timedelta(days=DUE_AFTER_DAYS), trainer,
                      "department")
    db.session.flush()
    _sample_progress(path)
    _overdue_example(trainer)
    db.session.commit()
    return [*created, f"assignment:{ONBOARDING_SLUG}:{len(people)}"]


def _sample_progress(path: LearningPath) -> None:
    """``trainee`` has read three lessons; ``e1003`` finished the first course."""
    first = path.courses[0]
    users = {u.username: u for u in db.session.scalars(
        select(User).where(User.username.in_(("trainee", "e1003"))))}
    if "trainee" in users:
        for lesson in first.lessons[:3]:
            progress.record_view(users["trainee"].id, lesson)
    if "e1003" in users:
        for lesson in first.lessons:
            progress.record_view(users["e1003"].id, lesson)
        for activity in first.activities:
            if activity.kind == "exam" and activity.required:
                progress.record_activity_result("exam", user_id=users["e1003"].id,
                                                ref=activity.ref, passed=True, score=0.86)


def _overdue_example(trainer: User | None) -> None:
    """Field Service South had the service-awareness course due last week (an overdue list)."""
    course = db.session.scalar(select(Course).where(Course.slug == "service-awareness"))
    south = db.session.scalar(select(Department).where(Department.name == SOUTH_DEPARTMENT))
    if course is None or south is None:
        return
    people = [u for u in assignment.department_members(south.id) if u.has_role("trainee")]
    assignment.assign(course, people, date.today() - timedelta(days=7), trainer, "department")
