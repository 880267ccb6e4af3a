"""Receivers: turn other features' signals (``lms.signals``) into notifications.

Each receiver runs inside the sender's transaction and only adds rows; the sender commits,
and sending starts after the commit. Results carry no score: an exam's review options may
keep the score back, so the notice only says the result is there and links to it.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from lms import signals
from lms.auth.models import User, UserRole, utcnow
from lms.extensions import db
from lms.notify.service import notify

log = logging.getLogger("lms.notify")

#: Job kinds whose end the owner hears about, and as which kind of notice.
JOB_KINDS = {"planning.simulate": "run_finished", "planning.compare": "run_finished",
             "planning.staffing": "run_finished", "evaluation.impact": "run_finished",
             "admin.import_users": "import_finished",
             "evaluation.import_kpis": "import_finished",
             "evaluation.import_pairs": "import_finished"}
#: How a finished job is named to its owner, and where its page is.
JOB_TITLES = {
    "planning.simulate": ({"zh": "仿真运行", "en": "Simulation run"}, "planning.runs", None),
    "planning.compare": ({"zh": "方案对比", "en": "Variant comparison"}, "planning.runs", None),
    "planning.staffing": ({"zh": "人员需求计算", "en": "Staffing search"}, "planning.runs",
                          None),
    "evaluation.impact": ({"zh": "培训影响模拟", "en": "Training impact simulation"},
                          "evaluation.impact", None),
    "admin.import_users": ({"zh": "用户导入", "en": "User import"}, "admin.import_job",
                           "job_id"),
    "evaluation.import_kpis": ({"zh": "KPI 导入", "en": "KPI import"},
                               "evaluation.import_job", "job_id"),
    "evaluation.import_pairs": ({"zh": "前后测成绩导入", "en": "Pre/post score import"},
                                "evaluation.import_job", "job_id"),
}
#: Activity kinds (``activity_result`` senders) and the notice each raises.
RESULT_KINDS = {"exam": "result_released", "emergency_drill": "result_released",
                "roleplay": "roleplay_scored"}


def _user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


def on_assignment_made(sender, *, user_id, subject_id, slug, title, due_on=None, **_):
    """A course or path assigned: tell the person, due date and a link to it."""
    link = ({"endpoint": "courses.course_page", "values": {"slug": slug}} if sender == "course"
            else {"endpoint": "courses.my_learning"})
    notify(_user(user_id), "assigned",
           {"title": title, "due_on": due_on.isoformat() if due_on else None},
           obj=f"{sender}:{subject_id}", bucket=due_on.isoformat() if due_on else "-",
           link=link)


def _activity_title(ref: str) -> dict:
    from lms.activities import kinds, parse

    parsed = parse(ref)
    kind = kinds().get(parsed[0]) if parsed else None
    if kind is None:
        return {"zh": ref, "en": ref}
    return dict(kind.choices().get(parsed[1]) or {"zh": parsed[1], "en": parsed[1]})


def on_activity_result(sender, *, user_id, ref, passed=None, score=None, at=None, **_):
    """An exam, drill or role-play result reached the person: say it is there."""
    kind = RESULT_KINDS.get(sender)
    if kind is None or (passed is None and score is None):
        return
    at = at or utcnow()
    notify(_user(user_id), kind, {"title": _activity_title(ref)}, obj=ref,
           bucket=at.replace(tzinfo=None).isoformat(timespec="seconds"), link={"ref": ref})


def on_certificate_issued(sender, *, user_id, code, subject_kind=None, subject_id=None, **_):
    """A certificate issued: tell its holder (the learner record lists and prints it)."""
    from lms.exams.models import Certificate

    certificate = db.session.scalar(select(Certificate).where(Certificate.code == code))
    title = dict(certificate.subject_title) if certificate is not None else {}
    notify(_user(user_id), "certificate_issued", {"title": title}, obj=f"certificate:{code}",
           bucket="issued", link={"endpoint": "records.me"})


def _graders(author_id: int | None) -> list[User]:
    author = _user(author_id)
    if author is not None and author.active and author.has_role("trainer", "admin"):
        return [author]
    return list(db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == "trainer", User.active.is_(True)).order_by(User.id)))


def on_essay_to_grade(sender, *, attempt_id, title, author_id=None, **_):
    """An attempt waits for a grade: tell the exam's author (else every trainer)."""
    for grader in _graders(author_id):
        notify(grader, "essay_to_grade", {"title": title}, obj=f"attempt:{attempt_id}",
               bucket="closed", link={"endpoint": "exams.manage_grading"})


def on_drill_scheduled(sender, *, drill_id, user_id, title, starts_at=None, **_):
    """A drill scheduled for the trainee: tell them when, and where to find it."""
    params = {"title": title}
    if starts_at is not None:
        params["at"] = starts_at.replace(tzinfo=None).isoformat(timespec="seconds")
    notify(_user(user_id), "drill_scheduled", params, obj=f"drill:{drill_id}",
           bucket="scheduled", link={"endpoint": "drills.my_drills"})


def on_job_finished(sender, *, job_id, owner_id=None, ok=True, **_):
    """A planner's run or someone's import ended: tell whoever started it."""
    kind = JOB_KINDS.get(sender)
    if kind is None or owner_id is None:
        return
    title, endpoint, argument = JOB_TITLES[sender]
    link = {"endpoint": endpoint, "values": {argument: job_id} if argument else {}}
    notify(_user(owner_id), kind, {"title": title, "ok": bool(ok)}, obj=f"job:{job_id}",
           bucket="finished", link=link)


def on_roster_published(sender, *, plan_id, user_ids, first_day, published_at, **_):
    """A roster published: tell each person with shifts in it."""
    for user_id in user_ids:
        notify(_user(user_id), "roster_published", {"first_day": first_day.isoformat()},
               obj=f"roster:{plan_id}",
               bucket=published_at.replace(tzinfo=None).isoformat(timespec="seconds"),
               link={"endpoint": "rostering.mine"})


def on_day_off_requested(sender, *, request_id, user_id, day, **_):
    """A day off asked for: tell the planners."""
    person = _user(user_id)
    planners = db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == "planner", User.active.is_(True)).order_by(User.id))
    for planner in planners:
        notify(planner, "day_off_requested", {"name": person.name if person else "",
                                              "day": day.isoformat()},
               obj=f"day_off:{request_id}", bucket="requested",
               link={"endpoint": "rostering.requests"})


def on_day_off_decided(sender, *, request_id, user_id, day, approved, **_):
    """A day-off request decided: tell the person who asked."""
    notify(_user(user_id), "day_off_decided", {"day": day.isoformat(), "approved": approved},
           obj=f"day_off:{request_id}", bucket="decided", link={"endpoint": "rostering.mine"})


def connect() -> None:
    """Listen to the signals notifications are made from (idempotent)."""
    signals.assignment_made.connect(on_assignment_made)
    signals.activity_result.connect(on_activity_result)
    signals.certificate_issued.connect(on_certificate_issued)
    signals.essay_to_grade.connect(on_essay_to_grade)
    signals.drill_scheduled.connect(on_drill_scheduled)
    signals.job_finished.connect(on_job_finished)
    signals.roster_published.connect(on_roster_published)
    signals.day_off_requested.connect(on_day_off_requested)
    signals.day_off_decided.connect(on_day_off_decided)
