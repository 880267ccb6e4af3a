"""Progress and completion: what a person has assigned, how far they are, and when they finished.

Assumptions:

* A course counts as assigned to a person when it is assigned directly or is part of an
  assigned learning path (standing department / new-hire assignments are resolved first, see
  `lms.courses.standing`); its due date is the earliest of those assignments' dates.
* A course's completion rule is a list of steps, chosen by its flags: every lesson (when
  ``require_lessons``), every *required* exam passed (``require_exam``), every *required*
  role-play or emergency drill scored (``require_drill``). With no flag set, the lessons count.
  Progress is the share of steps done; the course is complete when every step is done.
* A course opens only when every prerequisite course is complete.
* A path's progress and completion count only its published courses: a draft course in a
  path is invisible to trainees, so it cannot hold their path back.
* An exam counts as passed when any result for its ref says ``passed``; a drill counts as scored
  when any result for its ref carries a score or a pass/fail verdict.

`ProgressBook` loads the views, results and completions of a set of people once, so the
trainer dashboard computes hundreds of rows without a query per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select

from lms.auth.models import utcnow
from lms.courses import standing
from lms.courses.models import Course, LearningPath, Lesson, PathItem, Prerequisite
from lms.courses.models_progress import (
    ActivityResult,
    Assignment,
    CourseCompletion,
    LessonView,
    PathCompletion,
)
from lms.extensions import db
from lms.signals import course_completed, path_completed

DRILL_KINDS = ("roleplay", "emergency_drill")


@dataclass
class Step:
    """One thing the completion rule waits for."""

    kind: str  # lesson | exam | drill
    label: dict
    done: bool


@dataclass
class CourseProgress:
    """How far one person is in one course."""

    course: Course
    steps: list[Step]
    lessons_viewed: int
    lessons_total: int
    due_on: date | None
    completed_at: datetime | None
    started: bool
    next_lesson: Lesson | None
    locked_by: list[Course] = field(default_factory=list)
    today: date = field(default_factory=date.today)

    @property
    def percent(self) -> int:
        """Share of the completion steps done, 0..100 (100 once completed)."""
        if self.completed_at is not None:
            return 100
        if not self.steps:
            return 0
        return round(100 * sum(s.done for s in self.steps) / len(self.steps))

    @property
    def rule_met(self) -> bool:
        """Whether every step of the completion rule is done."""
        return bool(self.steps) and all(s.done for s in self.steps)

    @property
    def status(self) -> str:
        """``completed``, ``in_progress`` or ``not_started``."""
        if self.completed_at is not None:
            return "completed"
        return "in_progress" if self.started else "not_started"

    @property
    def overdue(self) -> bool:
        """Not complete and past its due date."""
        return self.completed_at is None and self.due_on is not None and self.due_on < self.today

    @property
    def locked(self) -> bool:
        """Whether a prerequisite is still incomplete."""
        return bool(self.locked_by)


class ProgressBook:
    """Views, results, completions and assignments of some people, loaded once."""

    def __init__(self, user_ids, today: date | None = None):
        self.user_ids = set(user_ids)
        self.today = today or date.today()
        ids = list(self.user_ids)
        standing.sync(ids, self.today)  # people who joined a department or were hired since
        self.viewed: dict[int, dict[int, datetime]] = defaultdict(dict)
        for view in db.session.scalars(select(LessonView).where(LessonView.user_id.in_(ids))):
            self.viewed[view.user_id][view.lesson_id] = view.last_viewed_at
        self.results: dict[int, list[ActivityResult]] = defaultdict(list)
        for result in db.session.scalars(
                select(ActivityResult).where(ActivityResult.user_id.in_(ids))):
            self.results[result.user_id].append(result)
        self.completed: dict[int, dict[int, datetime]] = defaultdict(dict)
        for row in db.session.scalars(
                select(CourseCompletion).where(CourseCompletion.user_id.in_(ids))):
            self.completed[row.user_id][row.course_id] = row.completed_at
        self.assignments: dict[int, list[Assignment]] = defaultdict(list)
        for row in db.session.scalars(select(Assignment).where(Assignment.user_id.in_(ids))
                                      .order_by(Assignment.id)):
            self.assignments[row.user_id].append(row)
        self.prerequisites: dict[int, list[Course]] = defaultdict(list)
        for row in db.session.scalars(select(Prerequisite)):
            self.prerequisites[row.course_id].append(row.required_course)

    def assigned_courses(self, user_id: int, published_only: bool = True) -> dict[Course, date]:
        """Courses assigned to the person (directly or by path) → earliest due date or None."""
        due: dict[Course, date | None] = {}
        for assignment in self.assignments[user_id]:
            courses = ([assignment.course] if assignment.course is not None
                       else assignment.path.courses)
            for course in courses:
                if published_only and not course.published:
                    continue
                due[course] = _earliest(due.get(course, "unset"), assignment.due_on)
        return due

    def assigned_paths(self, user_id: int) -> dict[LearningPath, date | None]:
        """Learning paths assigned to the person → earliest due date."""
        due: dict[LearningPath, date | None] = {}
        for assignment in self.assignments[user_id]:
            if assignment.path is not None:
                due[assignment.path] = _earliest(due.get(assignment.path, "unset"),
                                                 assignment.due_on)
        return due

    def progress(self, user_id: int, course: Course, due_on: date | None = None) -> CourseProgress:
        """The person's progress in ``course``."""
        viewed = self.viewed[user_id]
        lessons = course.lessons
        steps = [Step("lesson", lesson.title, lesson.id in viewed) for lesson in lessons] \
            if course.require_lessons else []
        refs_passed = {r.ref for r in self.results[user_id] if r.passed}
        refs_scored = {r.ref for r in self.results[user_id]
                       if r.score is not None or r.passed is not None}
        for activity in course.activities:
            if not activity.required:
                continue
            if course.require_exam and activity.kind == "exam":
                steps.append(Step("exam", activity.title, activity.ref in refs_passed))
            if course.require_drill and activity.kind in DRILL_KINDS:
                steps.append(Step("drill", activity.title, activity.ref in refs_scored))
        if not (course.require_lessons or course.require_exam or course.require_drill):
            steps = [Step("lesson", lesson.title, lesson.id in viewed) for lesson in lessons]
        activity_refs = {a.ref for a in course.activities}
        started = (any(lesson.id in viewed for lesson in lessons)
                   or any(r.ref in activity_refs for r in self.results[user_id]))
        return CourseProgress(
            course=course, steps=steps, due_on=due_on, today=self.today,
            lessons_viewed=sum(lesson.id in viewed for lesson in lessons),
            lessons_total=len(lessons), completed_at=self.completed[user_id].get(course.id),
            started=started, next_lesson=_next_lesson(lessons, viewed),
            locked_by=[c for c in self.prerequisites[course.id]
                       if c.id not in self.completed[user_id]],
        )

    def path_percent(self, user_id: int, path: LearningPath) -> int:
        """Average progress over the path's published courses (drafts are ignored)."""
        courses = path.published_courses
        if not courses:
            return 0
        return round(sum(self.progress(user_id, c).percent for c in courses) / len(courses))


def _earliest(current, new: date | None):
    if current == "unset":
        return new
    if current is None or new is None:
        return current or new
    return min(current, new)


def _next_lesson(lessons: list[Lesson], viewed: dict[int, datetime]) -> Lesson | None:
    """The first lesson not yet opened, else the one opened last (where to resume)."""
    for lesson in lessons:
        if lesson.id not in viewed:
            return lesson
    if not lessons:
        return None
    return max(lessons, key=lambda lesson: viewed[lesson.id])


def book_for(user_id: int) -> ProgressBook:
    """A progress book for one person."""
    return ProgressBook([user_id])


def is_assigned(user_id: int, course: Course) -> bool:
    """Whether ``course`` is assigned to the person, directly or through a path."""
    standing.sync([user_id])
    direct = select(Assignment.id).where(Assignment.user_id == user_id,
                                         Assignment.course_id == course.id)
    by_path = (select(Assignment.id).join(PathItem, PathItem.path_id == Assignment.path_id)
               .where(Assignment.user_id == user_id, PathItem.course_id == course.id))
    return (db.session.scalar(direct.limit(1)) is not None
            or db.session.scalar(by_path.limit(1)) is not None)


def record_view(user_id: int, lesson: Lesson, at: datetime | None = None) -> None:
    """Note that the person opened ``lesson`` and re-check the course's completion."""
    at = at or utcnow()
    view = db.session.get(LessonView, (user_id, lesson.id))
    if view is None:
        db.session.add(LessonView(user_id=user_id, lesson_id=lesson.id,
                                  first_viewed_at=at, last_viewed_at=at))
    else:
        view.last_viewed_at = at
    db.session.flush()
    evaluate_completion(user_id, lesson.course, at)


def evaluate_completion(user_id: int, course: Course, at: datetime | None = None) -> bool:
    """Record the completion (and send signals) if the rule is now met; True when new."""
    book = book_for(user_id)
    if course.id in book.completed[user_id] or not book.progress(user_id, course).rule_met:
        return False
    at = at or utcnow()
    db.session.add(CourseCompletion(user_id=user_id, course_id=course.id, completed_at=at))
    db.session.flush()
    course_completed.send("course", user_id=user_id, course_id=course.id, at=at,
                          title=dict(course.title))
    _complete_paths(user_id, course, at)
    return True


def _complete_paths(user_id: int, course: Course, at: datetime) -> None:
    book = book_for(user_id)
    for path in book.assigned_paths(user_id):
        courses = path.published_courses
        if course not in courses:
            continue
        done = all(c.id in book.completed[user_id] for c in courses)
        if done and db.session.get(PathCompletion, (user_id, path.id)) is None:
            db.session.add(PathCompletion(user_id=user_id, path_id=path.id, completed_at=at))
            db.session.flush()
            path_completed.send("path", user_id=user_id, path_id=path.id, at=at,
                                title=dict(path.title))


def record_activity_result(sender, *, user_id: int, ref: str, passed=None, score=None,
                           at: datetime | None = None, **_extra) -> None:
    """Receiver of ``lms.signals.activity_result``: store it, re-check affected courses."""
    at = naive_utc(at) if at else utcnow()
    db.session.add(ActivityResult(user_id=user_id, kind=str(sender), ref=ref, passed=passed,
                                  score=score, at=at))
    db.session.flush()
    from lms.courses.models import Activity

    courses = db.session.scalars(select(Course).join(Activity).where(Activity.ref == ref))
    for course in set(courses):
        if is_assigned(user_id, course):
            evaluate_completion(user_id, course, at)


def naive_utc(moment: datetime) -> datetime:
    """``moment`` as naive UTC, the way every timestamp column stores it."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def path_completed_at(user_id: int, path: LearningPath) -> datetime | None:
    """When the person completed ``path``, or None."""
    row = db.session.get(PathCompletion, (user_id, path.id))
    return row.completed_at if row else None
