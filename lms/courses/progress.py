"""Progress and completion: what a person has assigned, how far they are, and when they finished.

Assumptions:

* A course counts as assigned to a person when it is assigned directly or is part of an
  assigned learning path (standing department / new-hire assignments are resolved first, see
  `lms.courses.standing`); its due date is the earliest of those assignments' dates.
* A course's completion rule is a list of steps, chosen by its flags: every lesson (when
  ``require_lessons``), every *required* exam passed (``require_exam``), every *required*
  role-play or emergency drill done (``require_drill``), and every *required* practical
  assessment signed off (``practice:``, no flag). With no flag set, the lessons count.
  Progress is the share of steps done; the course is complete when every step is done.
* The person's *current* result per activity reference decides: the latest
  `ActivityResult` received for it (older rows stay as history). An exam sends its result by
  its grading method (highest, last, average) whenever it may change, so a pass a regrade took
  away no longer counts. An exam step is done when that result passed; a role-play or drill
  step when it passed, or carries a score without a pass/fail verdict.
* A course opens only when every prerequisite course completion holds.
* A path's progress and completion count only its published courses: a draft course in a
  path is invisible to trainees, so it cannot hold their path back.
* Renewal: a course reopens for a person when its certificate's renewal window opens (30 days
  before expiry, or at expiry's passing), or when a path holding it reopens and the course
  was completed before that. From then on the course is "renewal due": every required
  activity must be done again — a result the person produced (an attempt, a scored
  role-play or drill) *after* the cycle start, whose current result passes; a regrade, an
  override or a revised score after the start does not count as doing it again. Lessons
  already opened still count, except in a course whose rule is lessons only (its lessons are
  opened again, else the renewal would ask nothing). The previous completion and its
  certificate stand meanwhile.
  The state changes themselves (completed, withdrawn, renewed) live in
  `lms.courses.completion`.

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
from lms.signals import result_in_cycle

DRILL_KINDS = ("roleplay", "emergency_drill")
#: Activity kind → (step kind, the course flag that makes it a step of the rule; None: a
#: required activity of that kind always is one).
STEP_KINDS = {"exam": ("exam", "require_exam"), "roleplay": ("drill", "require_drill"),
              "emergency_drill": ("drill", "require_drill"), "practice": ("practice", None)}


@dataclass
class Step:
    """One thing the completion rule waits for."""

    kind: str  # lesson | exam | drill
    label: dict
    done: bool
    #: The activity reference (None for a lesson).
    ref: str | None = None


@dataclass(frozen=True)
class Renewal:
    """A course (or path) open again for a completed person: the new cycle."""

    #: When the cycle started: only results after it count.
    opens_at: datetime
    #: When the certificate of the previous cycle expires (None: no expiry known).
    valid_until: datetime | None
    #: When the previous cycle was completed.
    completed_at: datetime
    #: Whether ``valid_until`` has passed.
    expired: bool


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
    #: The renewal cycle in progress (status ``renewal_due``), or None.
    renewal: Renewal | None = None
    #: The completion row when it was withdrawn and does not hold again yet.
    withdrawn: CourseCompletion | None = None

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
        """Whether every step of the completion rule is done (in the current cycle)."""
        return bool(self.steps) and all(s.done for s in self.steps)

    @property
    def status(self) -> str:
        """``completed``, ``renewal_due``, ``in_progress`` or ``not_started``."""
        if self.completed_at is not None:
            return "completed"
        if self.renewal is not None:
            return "renewal_due"
        return "in_progress" if self.started else "not_started"

    @property
    def overdue(self) -> bool:
        """Not complete and past its due date; in renewal, once the certificate expired."""
        if self.renewal is not None:
            return self.renewal.expired
        return self.completed_at is None and self.due_on is not None and self.due_on < self.today

    @property
    def locked(self) -> bool:
        """Whether a prerequisite is still incomplete."""
        return bool(self.locked_by)

    @property
    def to_redo(self) -> list[Step]:
        """The steps not done in the current cycle (what a renewal still needs)."""
        return [step for step in self.steps if not step.done]


class ProgressBook:
    """Views, results, completions and assignments of some people, loaded once."""

    def __init__(self, user_ids, today: date | None = None, now: datetime | None = None):
        self.user_ids = set(user_ids)
        self.today = today or date.today()
        self.now = now or utcnow()
        ids = list(self.user_ids)
        standing.sync(ids, self.today)  # people who joined a department or were hired since
        self.viewed: dict[int, dict[int, datetime]] = defaultdict(dict)
        for view in db.session.scalars(select(LessonView).where(LessonView.user_id.in_(ids))):
            self.viewed[view.user_id][view.lesson_id] = view.last_viewed_at
        #: user → ref → results in the order received (the last one is the current result).
        self.history: dict[int, dict[str, list[ActivityResult]]] = defaultdict(
            lambda: defaultdict(list))
        self.results: dict[int, list[ActivityResult]] = defaultdict(list)
        for result in db.session.scalars(select(ActivityResult).where(
                ActivityResult.user_id.in_(ids)).order_by(ActivityResult.id)):
            self.results[result.user_id].append(result)
            self.history[result.user_id][result.ref].append(result)
        self.completions: dict[int, dict[int, CourseCompletion]] = defaultdict(dict)
        #: user → course id → completed at, for completions that hold.
        self.completed: dict[int, dict[int, datetime]] = defaultdict(dict)
        for row in db.session.scalars(
                select(CourseCompletion).where(CourseCompletion.user_id.in_(ids))):
            self.completions[row.user_id][row.course_id] = row
            if row.holds:
                self.completed[row.user_id][row.course_id] = row.completed_at
        self.path_completions: dict[int, dict[int, PathCompletion]] = defaultdict(dict)
        for row in db.session.scalars(
                select(PathCompletion).where(PathCompletion.user_id.in_(ids))):
            self.path_completions[row.user_id][row.path_id] = row
        self.assignments: dict[int, list[Assignment]] = defaultdict(list)
        for row in db.session.scalars(select(Assignment).where(Assignment.user_id.in_(ids))
                                      .order_by(Assignment.id)):
            self.assignments[row.user_id].append(row)
        self.prerequisites: dict[int, list[Course]] = defaultdict(list)
        for row in db.session.scalars(select(Prerequisite)):
            self.prerequisites[row.course_id].append(row.required_course)
        self._cycle_results: dict[tuple, tuple] = {}

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

    def path_renewal_opens(self, user_id: int, path: LearningPath) -> datetime | None:
        """When the path's renewal opened for the person (its completion holds), else None."""
        row = self.path_completions[user_id].get(path.id)
        if row is None or not row.holds or row.renewal_opens_at is None:
            return None
        return row.renewal_opens_at if row.renewal_opens_at <= self.now else None

    def renewal(self, user_id: int, course: Course) -> Renewal | None:
        """The renewal cycle of ``course`` open for the person now, or None."""
        row = self.completions[user_id].get(course.id)
        if row is None or not row.holds:
            return None
        # (when it opened, the expiry of the certificate that opened it): its own, or a path's
        openings = [(row.renewal_opens_at, row.valid_until)] if (
            row.renewal_opens_at is not None and row.renewal_opens_at <= self.now) else []
        for path in self.assigned_paths(user_id):
            opens = self.path_renewal_opens(user_id, path)
            if opens is not None and course in path.courses and row.completed_at <= opens:
                openings.append((opens, self.path_completions[user_id][path.id].valid_until))
        if not openings:
            return None
        opens, valid_until = min(openings, key=lambda opening: opening[0])
        return Renewal(opens_at=opens, valid_until=valid_until, completed_at=row.completed_at,
                       expired=valid_until is not None and valid_until <= self.now)

    def activity_done(self, user_id: int, ref: str, since: datetime | None = None,
                      course: Course | None = None) -> bool:
        """Whether the person's current result for ``ref`` counts (done after ``since``).

        In a cycle (``since``), the person must have produced a result after its start, and
        the owning feature is asked for the result of what they did since
        (``result_in_cycle``); the latest result received stands when it gives none.
        """
        history = self.history[user_id].get(ref)
        if history and course is not None:  # a result done for another course is not this one's
            history = [r for r in history if r.course_id in (None, course.id)]
        if not history:
            return False
        current = history[-1]
        passed, score = current.passed, current.score
        if since is not None:
            if not any(r.at > since and r.cause is None for r in history):
                return False
            passed, score = self._cycle_result(user_id, ref, since, (passed, score))
        if ref.startswith("exam:"):
            return passed is True
        if ref.startswith("survey:"):  # answering the survey is doing it
            return True
        return passed is True or (passed is None and score is not None)

    def _cycle_result(self, user_id: int, ref: str, since: datetime, latest: tuple) -> tuple:
        key = (user_id, ref, since)
        if key not in self._cycle_results:
            answers = [answer for _receiver, answer in result_in_cycle.send(
                ref.split(":", 1)[0], user_id=user_id, ref=ref, since=since)
                if isinstance(answer, tuple)]
            self._cycle_results[key] = answers[0] if answers else latest
        return self._cycle_results[key]

    def steps(self, user_id: int, course: Course, since: datetime | None = None) -> list[Step]:
        """The steps of the course's completion rule, done or not, counting results after
        ``since`` (None: every result).

        Lesson views stay valid across cycles, except in a course whose rule is lessons only:
        there a renewal asks for each lesson to be opened again after ``since``.
        """
        flags = course.require_lessons or course.require_exam or course.require_drill
        activity_steps = []
        for activity in course.activities:
            kind = STEP_KINDS.get(activity.kind)
            if activity.required and kind and (kind[1] is None or (
                    flags and getattr(course, kind[1]))):
                activity_steps.append(Step(kind[0], activity.title, self.activity_done(
                    user_id, activity.ref, since, course), activity.ref))
        if not (course.require_lessons or not flags):
            return activity_steps
        viewed = self.viewed[user_id]
        fresh = since if not activity_steps else None
        return [Step("lesson", lesson.title, lesson.id in viewed and (
            fresh is None or viewed[lesson.id] > fresh)) for lesson in course.lessons] \
            + activity_steps

    def progress(self, user_id: int, course: Course, due_on: date | None = None) -> CourseProgress:
        """The person's progress in ``course`` (in the renewal cycle when one is open)."""
        viewed = self.viewed[user_id]
        lessons = course.lessons
        row = self.completions[user_id].get(course.id)
        renewal = self.renewal(user_id, course)
        since = renewal.opens_at if renewal else (row.cycle_started_at if row else None)
        activity_refs = {a.ref for a in course.activities}
        started = (any(lesson.id in viewed for lesson in lessons)
                   or any(r.ref in activity_refs for r in self.results[user_id]))
        holds = row is not None and row.holds
        return CourseProgress(
            course=course, steps=self.steps(user_id, course, since), due_on=due_on,
            today=self.today, lessons_viewed=sum(lesson.id in viewed for lesson in lessons),
            lessons_total=len(lessons),
            completed_at=row.completed_at if holds and renewal is None else None,
            started=started, next_lesson=_next_lesson(lessons, viewed),
            locked_by=[c for c in self.prerequisites[course.id]
                       if c.id not in self.completed[user_id]],
            renewal=renewal, withdrawn=row if row is not None and not holds else None,
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
    _completion.evaluate_completion(user_id, lesson.course, at, _completion.Trigger("lesson"))


def evaluate_completion(user_id: int, course: Course, at: datetime | None = None) -> bool:
    """Bring the person's completion of ``course`` in line with the facts (see
    `lms.courses.completion.evaluate_completion`); True when it changed."""
    return _completion.evaluate_completion(user_id, course, at)


def record_activity_result(sender, **kwargs) -> None:
    """Receiver of ``lms.signals.activity_result``: store it, re-check affected courses."""
    _completion.record_activity_result(sender, **kwargs)


def completion_notice(user_id: int, course: Course) -> dict:
    """Context of ``courses/_completion_notice.html`` for the person and course."""
    return _completion.completion_notice(user_id, course)


def naive_utc(moment: datetime) -> datetime:
    """``moment`` as naive UTC, the way every timestamp column stores it."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def path_completed_at(user_id: int, path: LearningPath) -> datetime | None:
    """When the person completed ``path``, or None (never, or withdrawn since)."""
    row = db.session.get(PathCompletion, (user_id, path.id))
    return row.completed_at if row is not None and row.holds else None


# The state changes live in `completion` (which imports this module and listens to
# ``certificate_issued``); importing it here connects it wherever progress is used.
from lms.courses import completion as _completion  # noqa: E402


def attempts_since(sender, *, user_id: int, ref: str, **_) -> datetime | None:
    """Answer ``lms.signals.attempts_since``: the start of the person's current renewal cycle
    of an assigned course that requires ``ref`` (the open one, or the one last completed),
    so attempts made before it no longer count against the exam's attempt limit."""
    book = book_for(user_id)
    starts = []
    for course in book.assigned_courses(user_id):
        if not any(a.required and a.ref == ref for a in course.activities):
            continue
        renewal = book.renewal(user_id, course)
        if renewal is not None:
            starts.append(renewal.opens_at)
            continue
        row = book.completions[user_id].get(course.id)
        if row is not None and row.holds and row.cycle_started_at is not None:
            starts.append(row.cycle_started_at)
    return max(starts) if starts else None
