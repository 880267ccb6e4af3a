"""What a person's calendar holds, month and week grids, and the feed address.

Entries (read from the features that own them, never changed here):

- due dates of assigned courses and learning paths (all-day; marked done when complete);
- exam windows of assigned exams: when one opens and when it closes;
- offline practice sessions the person is enrolled in, or runs as trainer;
- emergency drills scheduled for the person and not finished: at their appointment
  (an hour is shown) or, without one, on the day they were scheduled (it waits on the
  person's list);
- expiry dates of the person's current certificates (all-day).

Times are stored in UTC and placed on days in the person's time zone. A feed address holds a
random token; only its SHA-256 is stored, so the address is shown once, when it is made.
"""

from __future__ import annotations

import calendar as pycalendar
import hashlib
import secrets
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select

from lms.auth.models import User, utcnow
from lms.calendar.models import CalendarFeed
from lms.extensions import db

#: How long a drill's appointment is shown (the drill itself runs as long as it takes).
DRILL_LENGTH = timedelta(hours=1)
#: Entry kinds, in the order a day lists all-day entries.
ENTRY_KINDS = ("due", "exam_opens", "exam_closes", "practice", "drill", "certificate")


@dataclass
class Entry:
    """One thing on a person's calendar."""

    kind: str
    title: dict
    #: The day it falls on in the person's zone (all-day entries have only this).
    day: date
    #: Start and end (naive UTC) of a timed entry; None for an all-day one.
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str | None = None
    #: ``{"endpoint": ..., "values": {...}}`` of the page it is about.
    link: dict | None = None
    #: A stable identity for calendar programs (feed UID), never shown.
    ident: str = ""
    done: bool = False

    @property
    def all_day(self) -> bool:
        """Whether it has no time of day."""
        return self.starts_at is None


def _local_day(moment: datetime, zone: zoneinfo.ZoneInfo) -> date:
    return moment.replace(tzinfo=UTC).astimezone(zone).date()


def _course_entries(user: User) -> list[Entry]:
    from lms.courses import progress

    book = progress.book_for(user.id)
    found = []
    for course, due in book.assigned_courses(user.id).items():
        if due is None:
            continue
        state = book.progress(user.id, course, due)
        found.append(Entry("due", dict(course.title), due, ident=f"due-course-{course.id}",
                           link={"endpoint": "courses.course_page",
                                 "values": {"slug": course.slug}},
                           done=state.status == "completed"))
    for path, due in book.assigned_paths(user.id).items():
        if due is not None:
            found.append(Entry("due", dict(path.title), due, ident=f"due-path-{path.id}",
                               link={"endpoint": "courses.my_learning"}))
    return found


def _exam_entries(user: User, zone) -> list[Entry]:
    from lms.exams.exam_service import assigned_exams

    found = []
    for exam in assigned_exams(user):
        link = {"endpoint": "exams.my_exam", "values": {"slug": exam.slug}}
        if exam.opens_at:
            found.append(Entry("exam_opens", dict(exam.title), _local_day(exam.opens_at, zone),
                               exam.opens_at, exam.opens_at, link=link,
                               ident=f"exam-opens-{exam.id}"))
        if exam.closes_at:
            found.append(Entry("exam_closes", dict(exam.title),
                               _local_day(exam.closes_at, zone), exam.closes_at,
                               exam.closes_at, link=link, ident=f"exam-closes-{exam.id}"))
    return found


def _practice_entries(user: User, zone) -> list[Entry]:
    from lms.practice.models import Enrolment, PracticeSession

    enrolled = select(Enrolment.session_id).where(Enrolment.user_id == user.id,
                                                  Enrolment.status == "enrolled")
    sessions = db.session.scalars(select(PracticeSession).where(
        PracticeSession.status == "scheduled",
        PracticeSession.id.in_(enrolled) | (PracticeSession.trainer_id == user.id))
        .order_by(PracticeSession.starts_at))
    found = []
    for session in sessions:
        title = dict(session.lesson.title if session.lesson else session.course.title)
        endpoint = ({"endpoint": "practice.session_page", "values": {"session_id": session.id}}
                    if session.trainer_id == user.id else
                    {"endpoint": "practice.my_course", "values": {"slug": session.course.slug}})
        found.append(Entry("practice", title, _local_day(session.starts_at, zone),
                           session.starts_at, session.ends_at, place=session.place,
                           link=endpoint, ident=f"practice-{session.id}"))
    return found


def _drill_entries(user: User, zone) -> list[Entry]:
    from lms.drills.models import Drill, DrillParticipant

    mine = select(DrillParticipant.drill_id).where(DrillParticipant.user_id == user.id)
    drills = db.session.scalars(select(Drill).where(
        or_(Drill.trainee_id == user.id, Drill.id.in_(mine)),
        Drill.status != "finished").order_by(Drill.id))
    return [Entry("drill", {"zh": d.title_zh, "en": d.title_en},
                  _local_day(d.starts_at or d.created_at, zone), d.starts_at,
                  d.starts_at + DRILL_LENGTH if d.starts_at else None, ident=f"drill-{d.id}",
                  link={"endpoint": "drills.my_drills"}) for d in drills]


def _certificate_entries(user: User, zone) -> list[Entry]:
    from lms.exams.certificates import certificates_of

    return [Entry("certificate", dict(c.subject_title), _local_day(c.expires_at, zone),
                  ident=f"certificate-{c.code}", link={"endpoint": "records.me"})
            for c in certificates_of(user.id)
            if c.expires_at is not None and c.state == "valid"]


def entries_for(user: User, zone: zoneinfo.ZoneInfo, first: date, last: date) -> list[Entry]:
    """The person's entries whose day lies in ``first..last``, in time order."""
    found = (_course_entries(user) + _exam_entries(user, zone) + _practice_entries(user, zone)
             + _drill_entries(user, zone) + _certificate_entries(user, zone))
    chosen = [e for e in found if first <= e.day <= last]
    return sorted(chosen, key=lambda e: (e.day, e.starts_at is not None,
                                         e.starts_at or datetime.min,
                                         ENTRY_KINDS.index(e.kind)))


@dataclass
class Day:
    """One cell of a grid."""

    day: date
    in_month: bool
    entries: list[Entry] = field(default_factory=list)


def month_grid(year: int, month: int, entries: list[Entry]) -> list[list[Day]]:
    """Weeks (Monday first) covering the month, each day with its entries."""
    by_day: dict[date, list[Entry]] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[Day(d, d.month == month, by_day.get(d, [])) for d in week] for week in weeks]


def month_range(year: int, month: int) -> tuple[date, date]:
    """First and last day shown in the month grid (whole weeks)."""
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


def week_of(day: date) -> list[date]:
    """The Monday-to-Sunday week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


# --- the feed address -----------------------------------------------------------------------
def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(user: User) -> str:
    """Make the person a new feed address (the old one stops working); returns its token."""
    token = secrets.token_urlsafe(32)
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token_hash=_hash(token))
        db.session.add(feed)
    else:
        feed.token_hash, feed.created_at, feed.last_fetched_at = _hash(token), utcnow(), None
    return token


def revoke_feed(user: User) -> bool:
    """Stop the person's feed address; False when there was none."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        return False
    db.session.delete(feed)
    return True


def feed_of(user: User) -> CalendarFeed | None:
    """The person's live feed, if any."""
    return db.session.get(CalendarFeed, user.id)


def user_for_token(token: str) -> User | None:
    """The active person whose live feed has ``token``, else None."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    if user is None or not user.active:
        return None
    feed.last_fetched_at = utcnow()
    return user
