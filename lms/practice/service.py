"""Offline practice sessions: scheduling, enrolment within capacity, attendance, hours.

Rules (each refusal is a `Refused` naming the field, in the reader's language):

* A trainer runs their own sessions; an administrator may act on every session. Anyone else
  asking for a session gets 404 (no such session) or 403 (not theirs).
* A trainee may enrol in, or withdraw from, a scheduled session of a course assigned to them
  until it starts; a trainer may enrol people assigned to the course at any time (a session
  recorded afterwards) and withdraw them while no attendance is recorded for them.
* Capacity holds under parallel enrolment: every seat change first takes the session row's
  write lock (see `_lock_session`), then counts the seats, so two requests can never both take
  the last seat.
* Attendance (present / late / absent) is taken from an hour before the start; each tap is
  stored with its time and who tapped it. Present and late count toward attended hours.

Times are naive UTC here; `local_to_utc` / `to_local` convert at the edges (the person's time
zone as Flask-Babel resolves it, the site's ``BABEL_DEFAULT_TIMEZONE`` by default).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext, to_user_timezone
from flask_babel import to_utc as babel_to_utc
from sqlalchemy import func, select, update
from werkzeug.exceptions import Forbidden, NotFound

from lms.auth.models import User, UserRole, utcnow
from lms.courses import progress
from lms.courses.models import Course, Lesson, PathItem
from lms.courses.models_progress import Assignment
from lms.extensions import db
from lms.practice.models import ATTENDANCE, ATTENDED, AuditEntry, Enrolment, PracticeSession

log = logging.getLogger("lms.practice")

#: Attendance can be taken from this long before a session starts (the roll call at the door).
ATTENDANCE_OPENS_BEFORE = timedelta(hours=1)
MAX_CAPACITY = 200
MAX_PLACE = 200
MAX_REASON = 500


class Refused(ValueError):
    """A request the rules do not allow; ``field`` names what to correct."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)


def excerpt(value, limit: int = 60) -> str:
    """At most ``limit`` characters of something a person typed, for a message."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- time zones ---------------------------------------------------------------------------


def local_to_utc(day: date, at: time) -> datetime:
    """A day and clock time in the person's zone as naive UTC."""
    return babel_to_utc(datetime.combine(day, at))


def to_local(moment: datetime) -> datetime:
    """A stored naive-UTC time as a naive time in the person's zone (for form fields)."""
    return to_user_timezone(moment).replace(tzinfo=None)


def local_day_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The UTC start and end of the local day that contains ``now``."""
    today = to_local(now or utcnow()).date()
    start = local_to_utc(today, time(0, 0))
    return start, local_to_utc(today + timedelta(days=1), time(0, 0))


# --- access --------------------------------------------------------------------------------


def is_admin(user) -> bool:
    """Whether ``user`` may act on every session and checklist."""
    return user.has_role("admin")


def may_run(user, practice: PracticeSession) -> bool:
    """Whether ``user`` may change, enrol into and take attendance of ``practice``."""
    return is_admin(user) or practice.trainer_id == user.id


def session_or_404(session_id: int) -> PracticeSession:
    """The session with ``session_id`` (404 when there is none)."""
    found = db.session.get(PracticeSession, session_id)
    if found is None:
        raise NotFound()
    return found


def session_for_staff(user, session_id: int) -> PracticeSession:
    """A session ``user`` runs (or any, for an administrator): 404 missing, 403 not theirs."""
    found = session_or_404(session_id)
    if not may_run(user, found):
        raise Forbidden()
    return found


def enrolment_for_staff(user, enrolment_id: int) -> Enrolment:
    """An enrolment on a session ``user`` runs: 404 missing, 403 not theirs."""
    found = db.session.get(Enrolment, enrolment_id)
    if found is None:
        raise NotFound()
    if not may_run(user, found.session):
        raise Forbidden()
    return found


def session_for_trainee(user, session_id: int) -> PracticeSession:
    """A session of a course assigned to ``user`` (404 otherwise: they cannot see it)."""
    found = session_or_404(session_id)
    if not progress.is_assigned(user.id, found.course):
        raise NotFound()
    return found


# --- sessions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionInput:
    """What a trainer enters for a session; times already converted to naive UTC."""

    course_id: int
    lesson_id: int | None
    trainer_id: int
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int


def trainers() -> list[User]:
    """Active people holding the trainer role, by name."""
    query = (select(User).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == "trainer", User.active.is_(True)).order_by(User.name))
    return list(db.session.scalars(query))


def practice_courses() -> list[Course]:
    """Published courses a session can belong to, offline practice first."""
    query = select(Course).where(Course.status == "published")
    found = list(db.session.scalars(query))
    return sorted(found, key=lambda c: (c.delivery_mode != "offline_practice", c.position, c.id))


def _checked(data: SessionInput, actor) -> tuple[Course, Lesson | None, User]:
    course = db.session.get(Course, data.course_id)
    if course is None or not course.published:
        raise Refused("course_id", _("Choose a published course."))
    lesson = None
    if data.lesson_id:
        lesson = db.session.get(Lesson, data.lesson_id)
        if lesson is None or lesson.module.course_id != course.id:
            raise Refused("lesson_id", _("The lesson must belong to the chosen course."))
    trainer = db.session.get(User, data.trainer_id)
    if trainer is None or not trainer.active or not trainer.has_role("trainer"):
        raise Refused("trainer_id", _("Choose an active trainer."))
    if trainer.id != actor.id and not is_admin(actor):
        raise Refused("trainer_id", _("You can only schedule sessions you run yourself."))
    if data.ends_at <= data.starts_at:
        raise Refused("end_time", _("The end time must be after the start time."))
    if data.ends_at - data.starts_at > timedelta(hours=24):
        raise Refused("end_time", _("A session lasts at most 24 hours."))
    if not 1 <= data.capacity <= MAX_CAPACITY:
        raise Refused("capacity", _("Capacity must be between 1 and %(n)d.", n=MAX_CAPACITY))
    place = data.place.strip()
    if not place or len(place) > MAX_PLACE:
        raise Refused("place", _("Enter the place (at most %(n)d characters).", n=MAX_PLACE))
    return course, lesson, trainer


def create_session(data: SessionInput, actor) -> PracticeSession:
    """Schedule a session after checking the input; the caller commits."""
    course, lesson, trainer = _checked(data, actor)
    practice = PracticeSession(course_id=course.id, lesson_id=lesson.id if lesson else None,
                               trainer_id=trainer.id, starts_at=data.starts_at,
                               ends_at=data.ends_at, place=data.place.strip(),
                               capacity=data.capacity, status="scheduled",
                               created_by_id=actor.id)
    db.session.add(practice)
    db.session.flush()
    audit("session_created", actor, practice, **_session_facts(practice))
    return practice


def _session_facts(practice: PracticeSession) -> dict:
    return {"course": practice.course_id, "lesson": practice.lesson_id,
            "trainer": practice.trainer_id, "starts_at": practice.starts_at.isoformat(),
            "ends_at": practice.ends_at.isoformat(), "place": practice.place,
            "capacity": practice.capacity}


def update_session(practice: PracticeSession, data: SessionInput, actor) -> dict:
    """Change a scheduled session; returns ``{field: [before, after]}``. The caller commits."""
    if practice.cancelled:
        raise Refused("status", _("This session is cancelled and can no longer be changed."))
    course, lesson, trainer = _checked(data, actor)
    if trainer.id != practice.trainer_id and not is_admin(actor):
        raise Refused("trainer_id", _("Only an administrator can hand a session to another "
                                      "trainer."))
    _lock_session(practice)
    taken = seats_taken(practice.id)
    if course.id != practice.course_id and taken:
        raise Refused("course_id", _("People are enrolled, so the course cannot change. "
                                     "Cancel this session and schedule a new one."))
    if data.capacity < taken:
        raise Refused("capacity", ngettext(
            "%(num)d person is enrolled; the capacity cannot be lower.",
            "%(num)d people are enrolled; the capacity cannot be lower.", taken))
    before = _session_facts(practice)
    practice.course_id, practice.lesson_id = course.id, lesson.id if lesson else None
    practice.trainer_id, practice.place = trainer.id, data.place.strip()
    practice.starts_at, practice.ends_at = data.starts_at, data.ends_at
    practice.capacity = data.capacity
    db.session.flush()
    db.session.expire(practice, ["course", "lesson", "trainer"])
    after = _session_facts(practice)
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changes:
        audit("session_updated", actor, practice, changes=changes)
    return changes


def cancel_session(practice: PracticeSession, actor, reason: str = "") -> None:
    """Cancel a session nobody's attendance was taken for yet; the caller commits."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise Refused("reason", _("The reason is too long (at most %(n)d characters).",
                                  n=MAX_REASON))
    _lock_session(practice)
    if practice.cancelled:
        raise Refused("status", _("This session is already cancelled."))
    if any(e.attendance for e in practice.active_enrolments):
        raise Refused("status", _("Attendance has been taken for this session, so it cannot "
                                  "be cancelled."))
    practice.status, practice.cancel_reason = "cancelled", reason or None
    practice.cancelled_at = utcnow()
    audit("session_cancelled", actor, practice, reason=reason)


def staff_sessions(user, *, past: bool, now: datetime | None = None,
                   limit: int = 200) -> list[PracticeSession]:
    """Sessions ``user`` runs (every session for an administrator), upcoming or past."""
    now = now or utcnow()
    query = select(PracticeSession)
    if not is_admin(user):
        query = query.where(PracticeSession.trainer_id == user.id)
    if past:
        query = query.where(PracticeSession.ends_at <= now).order_by(
            PracticeSession.starts_at.desc())
    else:
        query = query.where(PracticeSession.ends_at > now).order_by(PracticeSession.starts_at)
    return list(db.session.scalars(query.limit(limit)))


# --- enrolment -----------------------------------------------------------------------------


def _lock_session(practice: PracticeSession) -> None:
    """Serialise seat changes of one session until the transaction ends.

    A no-op UPDATE of the session row takes its row lock on PostgreSQL and the write lock on
    SQLite; whoever comes second waits, then counts seats that include the first one's. A
    plain SELECT would let two requests both see the last seat free.
    """
    db.session.execute(update(PracticeSession).where(PracticeSession.id == practice.id)
                       .values(capacity=PracticeSession.capacity,
                               updated_at=PracticeSession.updated_at))
    db.session.refresh(practice)


def seats_taken(session_id: int) -> int:
    """How many people are enrolled (not withdrawn) in the session now."""
    return db.session.scalar(select(func.count(Enrolment.id)).where(
        Enrolment.session_id == session_id, Enrolment.status == "enrolled"))


def seats_by_session(session_ids) -> dict[int, int]:
    """Seats taken per session id, in one query."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Enrolment.session_id, func.count(Enrolment.id))
                              .where(Enrolment.session_id.in_(ids),
                                     Enrolment.status == "enrolled")
                              .group_by(Enrolment.session_id))
    return {session_id: count for session_id, count in rows}


def enrolment_of(practice: PracticeSession, user_id: int) -> Enrolment | None:
    """The person's enrolment row on the session (withdrawn or not), or None."""
    return db.session.scalar(select(Enrolment).where(Enrolment.session_id == practice.id,
                                                     Enrolment.user_id == user_id))


def enrol(practice: PracticeSession, person: User, actor, now: datetime | None = None
          ) -> Enrolment:
    """Put ``person`` on the session's list if a seat is free; the caller commits."""
    now = now or utcnow()
    by_staff = actor.id != person.id
    if by_staff and not may_run(actor, practice):
        raise Forbidden()
    if not progress.is_assigned(person.id, practice.course):
        raise Refused("user_id", _("%(name)s is not assigned the course of this session.",
                                   name=excerpt(person.name)))
    _lock_session(practice)
    if practice.cancelled:
        raise Refused("session", _("This session is cancelled."))
    if not by_staff and practice.starts_at <= now:
        raise Refused("session", _("This session has started; enrolment is closed."))
    existing = enrolment_of(practice, person.id)
    if existing is not None and existing.status == "enrolled":
        raise Refused("user_id", _("%(name)s is already enrolled in this session.",
                                   name=excerpt(person.name)))
    if seats_taken(practice.id) >= practice.capacity:
        raise Refused("session", _("This session is full (%(n)d places).",
                                   n=practice.capacity))
    if existing is None:
        existing = Enrolment(session_id=practice.id, user_id=person.id)
        db.session.add(existing)
    existing.status, existing.enrolled_at, existing.enrolled_by_id = "enrolled", now, actor.id
    existing.withdrawn_at = None
    existing.attendance = existing.attendance_at = existing.attendance_by_id = None
    db.session.flush()
    audit("enrolled", actor, practice, subject_id=person.id)
    return existing


def withdraw(enrolment: Enrolment, actor, now: datetime | None = None) -> None:
    """Take a person off a session's list; the caller commits."""
    now = now or utcnow()
    practice = enrolment.session
    by_staff = actor.id != enrolment.user_id
    if by_staff and not may_run(actor, practice):
        raise Forbidden()
    if enrolment.status != "enrolled":
        raise Refused("session", _("You are not enrolled in this session.") if not by_staff
                      else _("This person is not enrolled in this session."))
    if not by_staff and practice.starts_at <= now:
        raise Refused("session", _("This session has started; ask your trainer to change "
                                   "your enrolment."))
    if enrolment.attendance:
        raise Refused("session", _("Attendance is recorded for this person; mark them absent "
                                   "instead of withdrawing them."))
    _lock_session(practice)
    enrolment.status, enrolment.withdrawn_at = "withdrawn", now
    audit("withdrawn", actor, practice, subject_id=enrolment.user_id)


def assigned_trainees(course: Course) -> list[User]:
    """Active trainees the course is assigned to (directly or through a path), by name."""
    trainee_ids = list(db.session.scalars(
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "trainee", User.active.is_(True))))
    if not trainee_ids:
        return []
    from lms.courses import standing

    standing.sync(trainee_ids)
    direct = select(Assignment.user_id).where(Assignment.course_id == course.id)
    by_path = (select(Assignment.user_id).join(PathItem, PathItem.path_id == Assignment.path_id)
               .where(PathItem.course_id == course.id))
    ids = set(db.session.scalars(direct)) | set(db.session.scalars(by_path))
    ids &= set(trainee_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))


# --- attendance ----------------------------------------------------------------------------


def attendance_open(practice: PracticeSession, now: datetime | None = None) -> bool:
    """Whether attendance can be taken now (from an hour before the start)."""
    return (now or utcnow()) >= practice.starts_at - ATTENDANCE_OPENS_BEFORE


def mark_attendance(enrolment: Enrolment, status: str, actor,
                    now: datetime | None = None) -> Enrolment:
    """Store one attendance tap (present / late / absent) with its time; the caller commits."""
    now = now or utcnow()
    practice = enrolment.session
    if not may_run(actor, practice):
        raise Forbidden()
    if status not in ATTENDANCE:
        raise Refused("status", _("Attendance must be present, late or absent, not "
                                  "“%(value)s”.", value=excerpt(status)))
    if practice.cancelled:
        raise Refused("status", _("This session is cancelled."))
    if enrolment.status != "enrolled":
        raise Refused("status", _("This person is not enrolled in this session."))
    if not attendance_open(practice, now):
        raise Refused("status", _("Attendance opens an hour before the session starts."))
    before = enrolment.attendance
    enrolment.attendance, enrolment.attendance_at = status, now
    enrolment.attendance_by_id = actor.id
    audit("attendance", actor, practice, subject_id=enrolment.user_id, before=before,
          after=status)
    return enrolment


# --- hours ---------------------------------------------------------------------------------


def attended_hours(user_id: int, course_id: int | None = None) -> float:
    """Hours of practice sessions the person attended (present or late), optionally per course.

    Cancelled sessions and withdrawn enrolments do not count; a late arrival counts the
    whole session (the trainer marks absent when too little was attended).
    """
    query = (select(PracticeSession.starts_at, PracticeSession.ends_at)
             .join(Enrolment, Enrolment.session_id == PracticeSession.id)
             .where(Enrolment.user_id == user_id, Enrolment.status == "enrolled",
                    Enrolment.attendance.in_(ATTENDED),
                    PracticeSession.status == "scheduled"))
    if course_id is not None:
        query = query.where(PracticeSession.course_id == course_id)
    seconds = sum((ends - starts).total_seconds() for starts, ends in db.session.execute(query))
    return round(seconds / 3600, 2)


def attended_hours_of(user_ids) -> dict[int, float]:
    """:func:`attended_hours` of many people in one statement ({user id: hours})."""
    ids = list(user_ids)
    seconds: dict[int, float] = dict.fromkeys(ids, 0.0)
    if not ids:
        return {}
    query = (select(Enrolment.user_id, PracticeSession.starts_at, PracticeSession.ends_at)
             .join(Enrolment, Enrolment.session_id == PracticeSession.id)
             .where(Enrolment.user_id.in_(ids), Enrolment.status == "enrolled",
                    Enrolment.attendance.in_(ATTENDED), PracticeSession.status == "scheduled"))
    for user_id, starts, ends in db.session.execute(query):
        seconds[user_id] += (ends - starts).total_seconds()
    return {user_id: round(value / 3600, 2) for user_id, value in seconds.items()}


# --- audit ---------------------------------------------------------------------------------


def audit(action: str, actor, practice: PracticeSession | None = None, *,
          course_id: int | None = None, subject_id: int | None = None, **details) -> None:
    """Keep who did ``action`` to which session/trainee, and what changed."""
    db.session.add(AuditEntry(
        at=utcnow(), actor_id=actor.id if actor is not None else None, action=action,
        session_id=practice.id if practice is not None else None,
        course_id=course_id if course_id is not None else (
            practice.course_id if practice is not None else None),
        subject_id=subject_id, details=details))
    log.info("practice %s by %s (session %s, trainee %s)", action,
             getattr(actor, "id", None), getattr(practice, "id", None), subject_id)


def audit_trail(*, session_id: int | None = None, course_id: int | None = None,
                subject_id: int | None = None, limit: int = 200) -> list[AuditEntry]:
    """Audit entries about a session, or about a trainee in a course, newest first."""
    query = select(AuditEntry)
    if session_id is not None:
        query = query.where(AuditEntry.session_id == session_id)
    if course_id is not None:
        query = query.where(AuditEntry.course_id == course_id)
    if subject_id is not None:
        query = query.where(AuditEntry.subject_id == subject_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))
