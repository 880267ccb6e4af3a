"""The periodic sweep: reminders that come from the calendar rather than from an action.

``flask --app lms notify sweep`` (cron, every 15 minutes or hourly) or RQ's cron scheduler
(`lms.notify.rq_cron`) runs `sweep`. It raises:

- ``due_soon`` for an assigned course not complete and due within the due-soon lead time
  of the site settings (3 days unless changed), once per due date;
- ``overdue`` for one past its due date, once per due date (a trainer's "send reminders"
  button on the dashboard nudges again, once per day);
- ``window_opens`` for an assigned exam opening within a day (or opened within the last
  day and still open), once per opening;
- ``session_tomorrow`` for a practice session starting tomorrow in the person's time zone,
  to the people enrolled and its trainer, once per session and day;
- ``drill_tomorrow`` for an emergency drill with an appointment tomorrow in the person's
  time zone, to each participant, once per drill and day;
- ``certificate_expiring`` for a current certificate inside its renewal window, once per
  expiry date.

Every reminder has a key per (person, kind, object, date bucket), so running the sweep twice
sends nothing twice. The sweep also hands on deliveries that are due but were not picked up
(a restart lost the timer of a retry). "Today" is the date in the site's time zone.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select

from lms.auth.models import User, utcnow
from lms.extensions import db
from lms.notify import jobs
from lms.notify.models import Delivery
from lms.notify.render import zone_of
from lms.notify.service import notify
from lms.settings import service as site_settings

#: Deliveries due this long ago and still not sent were lost by their job: hand them on.
STALE = timedelta(minutes=2)


def site_today(now: datetime) -> date:
    """The date at ``now`` (naive UTC) in the site's time zone."""
    zone = zoneinfo.ZoneInfo(site_settings.default_time_zone())
    return now.replace(tzinfo=UTC).astimezone(zone).date()


def _course_link(course) -> dict:
    return {"endpoint": "courses.course_page", "values": {"slug": course.slug}}


def course_reminders(now: datetime, counts: Counter) -> None:
    """Due-soon and overdue reminders for assigned courses not complete."""
    from lms.courses import dashboard

    today = site_today(now)
    soon = today + timedelta(days=site_settings.reminder_lead().due_soon_days)
    for row in dashboard.enrolments(today):
        state = row.progress
        if state.due_on is None or state.status == "completed":
            continue
        if state.overdue:
            kind = "overdue"
        elif today <= state.due_on <= soon:
            kind = "due_soon"
        else:
            continue
        made = notify(row.user, kind, {"title": dict(state.course.title),
                                       "due_on": state.due_on.isoformat()},
                      obj=f"course:{state.course.id}", bucket=state.due_on.isoformat(),
                      link=_course_link(state.course), now=now)
        counts[kind] += made is not None


def overdue_nudges(department_id: int | None, now: datetime | None = None,
                   allowed: set[int] | None = None) -> tuple[int, int]:
    """A trainer's (or a team lead's) "send reminders now": one overdue notice per late
    enrolment and day; ``allowed``: only people of these departments (a lead's scope).

    Returns (sent now, already reminded today).
    """
    from lms.courses import dashboard

    now = now or utcnow()
    today = site_today(now)
    sent = skipped = 0
    for row in dashboard.overdue(dashboard.enrolments(today, department_id=department_id,
                                                      allowed=allowed)):
        state = row.progress
        made = notify(row.user, "overdue", {"title": dict(state.course.title),
                                            "due_on": state.due_on.isoformat()},
                      obj=f"course:{state.course.id}", bucket=f"nudge-{today.isoformat()}",
                      link=_course_link(state.course), now=now)
        if made is None:
            skipped += 1
        else:
            sent += 1
    return sent, skipped


def _exam_people(exam) -> list[User]:
    from lms.exams.models import ExamAssignment

    people: dict[int, User] = {}
    for assignment in db.session.scalars(select(ExamAssignment).where(
            ExamAssignment.exam_id == exam.id)):
        if assignment.user_id:
            user = db.session.get(User, assignment.user_id)
            if user is not None:
                people[user.id] = user
        elif assignment.department_id:
            for user in db.session.scalars(select(User).where(
                    User.department_id == assignment.department_id)):
                people[user.id] = user
    return [people[key] for key in sorted(people)]


def exam_windows(now: datetime, counts: Counter) -> None:
    """Tell the people an exam is assigned to that it opens (within the lead time set on the
    site settings page, or just did)."""
    from lms.exams.models import Exam

    day = timedelta(hours=site_settings.reminder_lead().exam_window_hours)
    exams = db.session.scalars(select(Exam).where(
        Exam.opens_at.is_not(None), Exam.opens_at <= now + day, Exam.opens_at > now - day,
        or_(Exam.closes_at.is_(None), Exam.closes_at > now)).order_by(Exam.id))
    for exam in exams:
        for user in _exam_people(exam):
            made = notify(user, "window_opens", {"title": dict(exam.title),
                                                 "at": exam.opens_at.isoformat()},
                          obj=f"exam:{exam.id}", bucket=exam.opens_at.date().isoformat(),
                          link={"endpoint": "exams.my_exam", "values": {"slug": exam.slug}},
                          now=now)
            counts["window_opens"] += made is not None


def practice_tomorrow(now: datetime, counts: Counter) -> None:
    """Practice sessions starting tomorrow (the person's date): enrolled people, trainer."""
    from lms.practice.models import PracticeSession

    sessions = db.session.scalars(select(PracticeSession).where(
        PracticeSession.status == "scheduled", PracticeSession.starts_at > now,
        PracticeSession.starts_at <= now + timedelta(hours=50)).order_by(PracticeSession.id))
    for session in sessions:
        people = [e.user for e in session.active_enrolments] + [session.trainer]
        for user in people:
            zone = zone_of(user)
            tomorrow = now.replace(tzinfo=UTC).astimezone(zone).date() + timedelta(days=1)
            starts = session.starts_at.replace(tzinfo=UTC).astimezone(zone)
            if starts.date() != tomorrow:
                continue
            title = dict(session.lesson.title if session.lesson else session.course.title)
            made = notify(user, "session_tomorrow",
                          {"title": title, "at": session.starts_at.isoformat(),
                           "place": session.place},
                          obj=f"practice:{session.id}", bucket=starts.date().isoformat(),
                          link={"endpoint": "calendar.month"}, now=now)
            counts["session_tomorrow"] += made is not None


def drills_tomorrow(now: datetime, counts: Counter) -> None:
    """Drills with an appointment tomorrow (the person's date): each participant."""
    from lms.drills.models import Drill

    drills = db.session.scalars(select(Drill).where(
        Drill.status == "scheduled", Drill.starts_at.is_not(None), Drill.starts_at > now,
        Drill.starts_at <= now + timedelta(hours=50)).order_by(Drill.id))
    for drill in drills:
        people = {drill.trainee_id: drill.trainee}
        people.update({p.user_id: p.user for p in drill.participants})
        for user in people.values():
            zone = zone_of(user)
            tomorrow = now.replace(tzinfo=UTC).astimezone(zone).date() + timedelta(days=1)
            starts = drill.starts_at.replace(tzinfo=UTC).astimezone(zone)
            if starts.date() != tomorrow:
                continue
            made = notify(user, "drill_tomorrow",
                          {"title": {"zh": drill.title_zh, "en": drill.title_en},
                           "at": drill.starts_at.isoformat()},
                          obj=f"drill:{drill.id}", bucket=starts.date().isoformat(),
                          link={"endpoint": "drills.my_drills"}, now=now)
            counts["drill_tomorrow"] += made is not None


def certificates_expiring(now: datetime, counts: Counter) -> None:
    """Current certificates inside their renewal window and not yet expired."""
    from lms.exams.certificates import due_for_recertification

    lead = timedelta(days=site_settings.reminder_lead().certificate_days)
    for renewal in due_for_recertification(None, now):
        certificate = renewal.certificate
        if certificate.expires_at <= now or certificate.expires_at > now + lead:
            continue
        expires_on = certificate.expires_at.replace(tzinfo=UTC).astimezone(
            zone_of(certificate.user)).date().isoformat()
        made = notify(certificate.user, "certificate_expiring",
                      {"title": dict(certificate.subject_title), "expires_on": expires_on},
                      obj=f"certificate:{certificate.code}", bucket=expires_on,
                      link={"endpoint": "records.me"}, now=now)
        counts["certificate_expiring"] += made is not None


def hand_on_stale(now: datetime) -> int:
    """Start sending deliveries that were due a while ago and never picked up."""
    stale = list(db.session.scalars(select(Delivery.id).where(
        Delivery.status.in_(("queued", "retrying")),
        Delivery.next_attempt_at <= now - STALE).order_by(Delivery.id)))
    if stale:
        jobs.dispatch(stale)
    return len(stale)


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Raise every reminder that is due now (idempotent); returns how many of each kind were
    new (kinds with none left out)."""
    now = now or utcnow()
    counts: Counter = Counter()
    course_reminders(now, counts)
    exam_windows(now, counts)
    practice_tomorrow(now, counts)
    drills_tomorrow(now, counts)
    certificates_expiring(now, counts)
    db.session.commit()
    counts["handed_on"] = hand_on_stale(now)
    return {kind: n for kind, n in counts.items() if n}
