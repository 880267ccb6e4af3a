"""What the practice pages and home widgets show: offers, summaries and real counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lms.auth.models import utcnow
from lms.courses import progress
from lms.courses.models import Course, Lesson, Module
from lms.extensions import db
from lms.practice import checklists, service
from lms.practice.checklists import ChecklistView
from lms.practice.models import Enrolment, PracticeSession
from lms.practice.service import ATTENDANCE_OPENS_BEFORE, local_day_bounds, seats_by_session


@dataclass
class Offer:
    """A session as a trainee sees it: seats left and their own enrolment."""

    session: PracticeSession
    seats_left: int
    mine: Enrolment | None
    can_enrol: bool
    can_withdraw: bool


def offers(user, course: Course, now: datetime | None = None) -> list[Offer]:
    """Upcoming scheduled sessions of ``course`` with what ``user`` can do about each."""
    now = now or utcnow()
    sessions = list(db.session.scalars(
        select(PracticeSession).where(PracticeSession.course_id == course.id,
                                      PracticeSession.ends_at > now)
        .order_by(PracticeSession.starts_at)))
    taken = seats_by_session(s.id for s in sessions)
    mine = {e.session_id: e for e in db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id,
                                Enrolment.session_id.in_([s.id for s in sessions])))}
    result = []
    for practice in sessions:
        own = mine.get(practice.id)
        enrolled = own is not None and own.status == "enrolled"
        if practice.cancelled and not enrolled:
            continue
        left = max(practice.capacity - taken.get(practice.id, 0), 0)
        open_ = not practice.cancelled and practice.starts_at > now
        result.append(Offer(practice, left, own if enrolled else None,
                            can_enrol=open_ and not enrolled and left > 0,
                            can_withdraw=open_ and enrolled and not own.attendance))
    return result


def past_enrolments(user_id: int, course_id: int | None = None,
                    now: datetime | None = None) -> list[Enrolment]:
    """The person's enrolments in sessions that have ended, newest first."""
    now = now or utcnow()
    query = (select(Enrolment).join(PracticeSession)
             .where(Enrolment.user_id == user_id, Enrolment.status == "enrolled",
                    PracticeSession.ends_at <= now).order_by(PracticeSession.starts_at.desc()))
    if course_id is not None:
        query = query.where(PracticeSession.course_id == course_id)
    return list(db.session.scalars(query))


def next_enrolment(user_id: int, now: datetime | None = None) -> Enrolment | None:
    """The person's next (or running) scheduled session they are enrolled in."""
    now = now or utcnow()
    return db.session.scalar(
        select(Enrolment).join(PracticeSession)
        .where(Enrolment.user_id == user_id, Enrolment.status == "enrolled",
               PracticeSession.status == "scheduled", PracticeSession.ends_at > now)
        .order_by(PracticeSession.starts_at).limit(1))


def trainee_courses(user) -> list[Course]:
    """Assigned published courses with offline practice: offline courses and any with sessions."""
    book = progress.book_for(user.id)
    assigned = list(book.assigned_courses(user.id))
    with_sessions = set(db.session.scalars(
        select(PracticeSession.course_id).where(
            PracticeSession.course_id.in_([c.id for c in assigned]))))
    chosen = [c for c in assigned
              if c.delivery_mode == "offline_practice" or c.id in with_sessions]
    return sorted(chosen, key=lambda c: (c.delivery_mode != "offline_practice", c.position))


def sessions_today(user, now: datetime | None = None) -> list[PracticeSession]:
    """Scheduled sessions ``user`` runs that start on the local today."""
    start, end = local_day_bounds(now)
    return list(db.session.scalars(
        select(PracticeSession).where(PracticeSession.trainer_id == user.id,
                                      PracticeSession.status == "scheduled",
                                      PracticeSession.starts_at >= start,
                                      PracticeSession.starts_at < end)
        .order_by(PracticeSession.starts_at)))


def attendance_due(user, now: datetime | None = None) -> list[PracticeSession]:
    """Sessions ``user`` runs, open for attendance, with someone enrolled and not yet marked."""
    now = now or utcnow()
    unmarked = (select(Enrolment.session_id)
                .where(Enrolment.status == "enrolled", Enrolment.attendance.is_(None)))
    return list(db.session.scalars(
        select(PracticeSession).where(PracticeSession.trainer_id == user.id,
                                      PracticeSession.status == "scheduled",
                                      PracticeSession.starts_at <= now + ATTENDANCE_OPENS_BEFORE,
                                      PracticeSession.id.in_(unmarked))
        .order_by(PracticeSession.starts_at)))


def lessons_of(course_ids) -> dict[int, list[Lesson]]:
    """Lessons per course id in reading order (for the session form's lesson choice)."""
    rows = db.session.execute(select(Module.course_id, Lesson).join(Lesson.module)
                              .where(Module.course_id.in_(list(course_ids)))
                              .order_by(Module.position, Lesson.position))
    found: dict[int, list[Lesson]] = {}
    for course_id, lesson in rows:
        found.setdefault(course_id, []).append(lesson)
    return found


@dataclass
class CourseSummary:
    """One trainee's offline practice in one course."""

    course: Course
    attended_hours: float
    planned_hours: float
    #: None when the course has no checklist items.
    checklist: ChecklistView | None
    next_session: Enrolment | None

    @property
    def hours_percent(self) -> int:
        """Attended hours as a share of the planned hours, 0..100."""
        if not self.planned_hours:
            return 0
        return min(100, round(100 * self.attended_hours / self.planned_hours))


def course_summary(user, course: Course) -> CourseSummary:
    """Hours attended against planned, checklist progress and the next session."""
    current = checklists.view(course, user)
    upcoming = [o.mine for o in offers(user, course) if o.mine is not None
                and not o.session.cancelled]
    return CourseSummary(course=course,
                         attended_hours=service.attended_hours(user.id, course.id),
                         planned_hours=float(course.planned_hours or 0),
                         checklist=current if current.rows else None,
                         next_session=upcoming[0] if upcoming else None)


def trainee_widget(user) -> dict:
    """The trainee's next session and checklist progress per practice course."""
    summaries = [course_summary(user, course) for course in trainee_courses(user)]
    return {"next_enrolment": next_enrolment(user.id),
            "summaries": [s for s in summaries if s.checklist is not None]}


def trainer_widget(user) -> dict:
    """Today's sessions, sessions waiting for attendance and checklists waiting for sign-off."""
    waiting = checklists.waiting_for_sign_off(user)
    return {"today": sessions_today(user),
            "attendance_due": attendance_due(user),
            "waiting": len(waiting), "ready": sum(v.ready for v in waiting)}
