"""Evaluation rules shared by the pages: who is in a cohort, surveys, levels 1 to 3.

Definitions (documented because the figures depend on them):
- cohort: trainees hired in the same month (``hired_on`` as YYYY-MM); department: the user's
  department; course: the survey's course ref (level 1) or the test name (level 2).
- trained from: the month after the earliest of (a pre/post pair's ``completed_on``, a course
  completion event, a passed role-play); before that month an agent is "not yet trained".
- level 3 over time: per calendar month, the mean score fraction of role-play performances
  (mean over raters) and of emergency drills (``activity_result`` events from
  ``emergency_drill``).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from statistics import fmean

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.auth.models import Department, User, UserRole
from lms.courses.models import Course
from lms.courses.progress import is_assigned
from lms.evaluation.content import load_survey
from lms.evaluation.models import EvaluationEvent, PrePostPair, SurveyResponse
from lms.evaluation.sources import pre_post_pairs
from lms.evaluation.statistics import cohort_gain, likert_summary
from lms.extensions import db
from lms.roleplay.models import Card, Performance, Score
from lms.signals import activity_result

SURVEY_REF = "survey:post-course"


@dataclass
class Filters:
    """The dashboard's selection: department, hire-month cohort, course/test."""

    department_id: int | None = None
    cohort: str | None = None
    course: str | None = None

    @classmethod
    def from_args(cls, args) -> "Filters":
        """Read ``department``, ``cohort`` and ``course`` query arguments."""
        return cls(args.get("department", type=int) or None,
                   (args.get("cohort") or "").strip() or None,
                   (args.get("course") or "").strip() or None)

    def as_args(self) -> dict:
        """Query arguments that reproduce this selection."""
        return {k: v for k, v in (("department", self.department_id), ("cohort", self.cohort),
                                  ("course", self.course)) if v}


def trainees(filters: Filters) -> list[User]:
    """Trainees matching the department and cohort filters."""
    query = select(User).join(UserRole).where(UserRole.role == "trainee").order_by(
        User.employee_no)
    if filters.department_id:
        query = query.where(User.department_id == filters.department_id)
    people = db.session.scalars(query).all()
    if filters.cohort:
        people = [u for u in people if u.hired_on and u.hired_on.strftime("%Y-%m")
                  == filters.cohort]
    return people


def filter_choices() -> dict:
    """Departments, cohorts and courses/tests to choose from."""
    departments = db.session.scalars(select(Department).order_by(Department.name)).all()
    cohorts = sorted({u.hired_on.strftime("%Y-%m") for u in db.session.scalars(select(User))
                      if u.hired_on}, reverse=True)
    courses = sorted(set(db.session.scalars(select(SurveyResponse.course_ref)))
                     | set(db.session.scalars(select(PrePostPair.test))))
    return {"departments": departments, "cohorts": cohorts, "courses": courses}


# Level 1 ------------------------------------------------------------------------------------
# The post-course survey belongs to a course: only a person the course is assigned to (directly
# or through a learning path) answers it, once, and only for a published course. A course
# reference is read as the courses feature writes it (``course:<slug>``); case, spaces, slashes
# around it and a missing ``course:`` prefix name the same course, so they can never make a
# second survey row (the row always stores the canonical reference).

COURSE_PREFIX = "course:"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class SurveyRefused(Exception):
    """A survey the rules refuse: ``status`` 404 (no such course), 403 (not assigned) or 409
    (answered already)."""

    def __init__(self, status: int, code: str):
        self.status, self.code = status, code
        super().__init__(f"{status} {code}")


def canonical_course_ref(course: Course) -> str:
    """The one reference a course's survey answers are stored under."""
    return f"{COURSE_PREFIX}{course.slug}"


def survey_course(raw_ref: str) -> Course | None:
    """The published course ``raw_ref`` names (any case, slashes or prefix), or None."""
    text = raw_ref.strip().strip("/").strip().lower()
    if text.startswith(COURSE_PREFIX):
        text = text[len(COURSE_PREFIX):].strip().strip("/").strip()
    if len(text) > 80 or not SLUG.fullmatch(text):
        return None
    course = db.session.scalar(select(Course).where(Course.slug == text))
    return course if course is not None and course.published else None


def survey_for(user: User, raw_ref: str) -> Course:
    """The course whose survey ``user`` may open; raises ``SurveyRefused`` otherwise."""
    course = survey_course(raw_ref)
    if course is None:
        raise SurveyRefused(404, "no_such_course")
    if not is_assigned(user.id, course):
        raise SurveyRefused(403, "not_assigned")
    return course


def survey_response(user: User, course_ref: str) -> SurveyResponse | None:
    """The user's answers to the survey of this course, if already given."""
    return db.session.scalar(select(SurveyResponse).where(
        SurveyResponse.user_id == user.id, SurveyResponse.course_ref == course_ref))


def read_survey_form(form) -> tuple[dict, dict, list[str]]:
    """(answers, free text, keys of unanswered Likert items) from the survey page."""
    survey = load_survey()
    answers, missing = {}, []
    for key in survey.likert_keys:
        raw = form.get(key, "")
        if raw.isdigit() and 1 <= int(raw) <= survey.scale_points:
            answers[key] = int(raw)
        else:
            missing.append(key)
    free = {item.key: form.get(item.key, "").strip()[:4000] for item in survey.free_text}
    return answers, free, missing


def submit_survey(user: User, course: Course, answers: dict, free: dict,
                  trainer_id: int | None) -> SurveyResponse:
    """Store a trainee's survey of ``course`` once and announce it (sender ``survey``).

    A second answer raises ``SurveyRefused(409)``, also when two arrive at the same moment
    (the database's unique (user, course ref) constraint decides at the flush). The caller
    commits the answers together with what the announcement recorded.
    """
    course_ref = canonical_course_ref(course)
    if survey_response(user, course_ref) is not None:
        raise SurveyRefused(409, "answered")
    response = SurveyResponse(user_id=user.id, course_ref=course_ref, answers=answers,
                              free_text=free, trainer_id=trainer_id)
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError as duplicate:
        db.session.rollback()
        raise SurveyRefused(409, "answered") from duplicate
    activity_result.send("survey", user_id=user.id, ref=SURVEY_REF, score=None, passed=None,
                         at=datetime.now(UTC), course_id=course.id)
    return response


@dataclass
class SurveyGroup:
    """Level-1 results for one course or one trainer."""

    label: str
    n: int
    items: dict
    overall: float | None
    comments: list = field(default_factory=list)


def _survey_group(label: str, responses: list[SurveyResponse], survey) -> SurveyGroup:
    items = likert_summary([r.answers for r in responses], survey.likert_keys,
                           survey.scale_points)
    means = [s.mean for s in items.values() if s.mean is not None]
    comments = [text for r in responses for text in r.free_text.values() if text]
    return SurveyGroup(label, len(responses), items, fmean(means) if means else None, comments)


def level1(filters: Filters) -> dict:
    """Survey results per course and per trainer (for the filtered trainees)."""
    survey = load_survey()
    ids = {u.id for u in trainees(filters)}
    query = select(SurveyResponse).order_by(SurveyResponse.id)
    if filters.course:
        query = query.where(SurveyResponse.course_ref == filters.course)
    responses = [r for r in db.session.scalars(query) if r.user_id in ids]
    by_course, by_trainer = defaultdict(list), defaultdict(list)
    for response in responses:
        by_course[response.course_ref].append(response)
        if response.trainer is not None:
            by_trainer[response.trainer.name].append(response)
    return {
        "survey": survey, "n": len(responses),
        "courses": [_survey_group(k, v, survey) for k, v in sorted(by_course.items())],
        "trainers": [_survey_group(k, v, survey) for k, v in sorted(by_trainer.items())],
        "all": _survey_group("", responses, survey) if responses else None,
    }


# Level 2 ------------------------------------------------------------------------------------

@dataclass
class Pair:
    """One pre/post pair as a fraction of the maximum."""

    user_id: int
    test: str
    category: str | None
    pre: float
    post: float


def pairs_for(users: list[User], course: str | None = None) -> list[Pair]:
    """Imported pairs plus pairs read from the exams tables, for these users."""
    ids = {u.id for u in users}
    found = [Pair(p.user_id, p.test, p.category, p.pre / p.max_score, p.post / p.max_score)
             for p in db.session.scalars(select(PrePostPair)) if p.user_id in ids]
    found += [Pair(p.user_id, p.test, p.category, p.pre, p.post)
              for p in pre_post_pairs(lambda user_id: user_id in ids)]
    return [p for p in found if not course or p.test == course]


def level2(filters: Filters) -> dict:
    """Cohort normalised gain with 95 % interval, overall and per test and category."""
    people = trainees(filters)
    pairs = pairs_for(people, filters.course)
    groups = defaultdict(list)
    for pair in pairs:
        groups[(pair.test, pair.category)].append(pair)
    rows = [{"test": test, "category": category,
             "gain": cohort_gain([(p.pre, p.post) for p in members], 1.0)}
            for (test, category), members in sorted(groups.items(),
                                                    key=lambda kv: (kv[0][0], kv[0][1] or ""))]
    names = {u.id: u for u in people}
    return {"overall": cohort_gain([(p.pre, p.post) for p in pairs], 1.0), "rows": rows,
            "pairs": pairs, "people": names}


# Level 3 ------------------------------------------------------------------------------------

def roleplay_scores(users: list[User]) -> list[tuple[int, date, float]]:
    """(user id, date, mean fraction over raters) for every scored role-play of these users."""
    ids = {u.id for u in users}
    rows = db.session.execute(select(Performance.trainee_id, Performance.performed_on,
                                     Score.fraction)
                              .join(Score, Score.performance_id == Performance.id)
                              .order_by(Performance.performed_on)).all()
    by_performance = defaultdict(list)
    for trainee_id, performed_on, fraction in rows:
        if trainee_id in ids:
            by_performance[(trainee_id, performed_on)].append(fraction)
    return [(k[0], k[1], fmean(v)) for k, v in by_performance.items()]


def drill_scores(users: list[User]) -> list[tuple[int, date, float]]:
    """(user id, date, score) of every scored emergency drill of these users."""
    ids = {u.id for u in users}
    events = db.session.scalars(select(EvaluationEvent).where(
        EvaluationEvent.sender == "emergency_drill", EvaluationEvent.score.is_not(None))
        .order_by(EvaluationEvent.at)).all()
    return [(e.user_id, e.at.date(), e.score) for e in events if e.user_id in ids]


def _monthly(points: list[tuple[int, date, float]]) -> dict[str, float]:
    months = defaultdict(list)
    for _user, day, value in points:
        months[day.strftime("%Y-%m")].append(value)
    return {month: fmean(values) for month, values in sorted(months.items())}


def level3(filters: Filters) -> dict:
    """Role-play and drill scores per month for the cohort, and per trainee."""
    people = trainees(filters)
    roleplay, drills = roleplay_scores(people), drill_scores(people)
    months = sorted(set(_monthly(roleplay)) | set(_monthly(drills)))
    per_person = {}
    for user in people:
        mine_r = [p for p in roleplay if p[0] == user.id]
        mine_d = [p for p in drills if p[0] == user.id]
        per_person[user.id] = {"roleplay": fmean([p[2] for p in mine_r]) if mine_r else None,
                               "drills": fmean([p[2] for p in mine_d]) if mine_d else None,
                               "n": len(mine_r) + len(mine_d)}
    return {"months": months, "roleplay": _monthly(roleplay), "drills": _monthly(drills),
            "per_person": per_person, "roleplay_points": roleplay, "drill_points": drills}


def trained_from(user_ids: set[int]) -> dict[int, str]:
    """{user id: first month (YYYY-MM) in which the user counts as trained}."""
    first: dict[int, date] = {}

    def note(user_id: int, day: date) -> None:
        if user_id in user_ids and (user_id not in first or day < first[user_id]):
            first[user_id] = day

    for pair in db.session.scalars(select(PrePostPair).where(
            PrePostPair.completed_on.is_not(None))):
        note(pair.user_id, pair.completed_on)
    for event in db.session.scalars(select(EvaluationEvent).where(
            EvaluationEvent.passed.is_(True), EvaluationEvent.sender == "roleplay")):
        note(event.user_id, event.at.date())
    # A course counts from the completion that still holds: a withdrawn completion (a
    # regrade took the pass away) stops counting, and a later completion counts from then.
    latest: dict[tuple[int, str], EvaluationEvent] = {}
    holds_since: dict[tuple[int, str], datetime] = {}
    for event in db.session.scalars(select(EvaluationEvent).where(
            EvaluationEvent.sender == "course").order_by(EvaluationEvent.at,
                                                          EvaluationEvent.id)):
        key = (event.user_id, event.ref)
        before = latest.get(key)
        if event.passed and (before is None or not before.passed):
            holds_since[key] = event.at
        latest[key] = event
    for (user_id, _ref), event in latest.items():
        if event.passed:
            note(user_id, holds_since[(user_id, _ref)].date())
    return {uid: _next_month(day) for uid, day in first.items()}


def _next_month(day: date) -> str:
    return f"{day.year + day.month // 12:04d}-{day.month % 12 + 1:02d}"


def card_titles() -> dict[str, dict]:
    """{card key: bilingual title}, for labelling role-play refs."""
    return {c.key: c.content["title"] for c in db.session.scalars(select(Card))}
