"""Practical assessment checklists: per trainee and course, items from the lesson checklists.

The items of a course's checklist are the steps of its lessons' checklists
(``Lesson.checklist``, ``{"zh": [...], "en": [...]}``), in reading order; an item is known by
(lesson, 0-based position). The trainer marks each item observed or not yet with a comment, and
signs off the whole checklist once every item is observed. The sign-off is announced as
``activity_result`` (sender ``"practice"``, ref ``practice:<course slug>``, passed, score 1.0);
withdrawing it, with a reason, announces passed=False, score 0.0. While signed off the marks are
frozen (withdraw the sign-off to change them).

Who may assess: an administrator, or a trainer running a (not cancelled) session of the course
the trainee is enrolled in. Everything is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import or_, select
from werkzeug.exceptions import Forbidden, NotFound

from lms.auth import scope
from lms.auth.models import User, utcnow
from lms.courses.models import Course, Lesson
from lms.extensions import db
from lms.i18n import localized
from lms.practice.models import ATTENDED, Checklist, ChecklistMark, Enrolment, PracticeSession
from lms.practice.service import MAX_REASON, Refused, audit, excerpt, is_admin
from lms.signals import activity_result

MAX_COMMENT = 1000
PREFIX = "practice"


@dataclass(frozen=True)
class Item:
    """One step of a lesson checklist, as an assessment item."""

    lesson: Lesson
    index: int
    #: ``{"zh": ..., "en": ...}``
    text: dict

    @property
    def key(self) -> tuple[int, int]:
        """(lesson id, position): how marks find their item."""
        return (self.lesson.id, self.index)


def items_of(course: Course) -> list[Item]:
    """Every checklist step of the course's lessons, in reading order."""
    found = []
    for lesson in course.lessons:
        steps = lesson.checklist or {}
        zh, en = list(steps.get("zh") or []), list(steps.get("en") or [])
        for index in range(max(len(zh), len(en))):
            text_zh = zh[index] if index < len(zh) else en[index]
            text_en = en[index] if index < len(en) else zh[index]
            found.append(Item(lesson, index, {"zh": text_zh, "en": text_en}))
    return found


def reference(course: Course) -> str:
    """The activity reference of the course's practical assessment (``practice:<slug>``)."""
    return f"{PREFIX}:{course.slug}"


def course_by_slug(slug: str) -> Course:
    """The course with ``slug`` (404 when none)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound()
    return course


def checklist_titles() -> dict[str, dict]:
    """``{slug: title}`` of every course with at least one lesson checklist step."""
    courses = db.session.scalars(select(Course).order_by(Course.position, Course.id))
    return {c.slug: dict(c.title) for c in courses if items_of(c)}


def has_checklist(slug: str) -> bool:
    """Whether the course ``slug`` exists and has checklist steps."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    return course is not None and bool(items_of(course))


# --- reading -------------------------------------------------------------------------------


@dataclass
class Row:
    """An item and its mark (None while never assessed)."""

    item: Item
    mark: ChecklistMark | None

    @property
    def observed(self) -> bool:
        """Whether the item is marked observed."""
        return self.mark is not None and self.mark.observed


@dataclass
class ChecklistView:
    """One trainee's checklist for one course, ready to show."""

    course: Course
    trainee: User
    checklist: Checklist | None
    rows: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many items there are."""
        return len(self.rows)

    @property
    def observed(self) -> int:
        """How many items are observed."""
        return sum(r.observed for r in self.rows)

    @property
    def percent(self) -> int:
        """Share of the items observed, 0..100."""
        return round(100 * self.observed / self.total) if self.total else 0

    @property
    def ready(self) -> bool:
        """Every item observed (a sign-off may be given)."""
        return bool(self.rows) and self.observed == self.total

    @property
    def signed_off(self) -> bool:
        """Whether the checklist is signed off now."""
        return self.checklist is not None and self.checklist.signed_off

    def lessons(self) -> list[tuple[Lesson, list[Row]]]:
        """The rows grouped by lesson, in order."""
        groups: list[tuple[Lesson, list[Row]]] = []
        for row in self.rows:
            if not groups or groups[-1][0].id != row.item.lesson.id:
                groups.append((row.item.lesson, []))
            groups[-1][1].append(row)
        return groups


def find(course: Course, trainee_id: int) -> Checklist | None:
    """The stored checklist of the trainee for the course, or None."""
    return db.session.scalar(select(Checklist).where(Checklist.course_id == course.id,
                                                     Checklist.trainee_id == trainee_id))


def view(course: Course, trainee: User) -> ChecklistView:
    """The trainee's checklist for ``course`` with every item and its mark."""
    checklist = find(course, trainee.id)
    marks = {(m.lesson_id, m.item_index): m for m in checklist.marks} if checklist else {}
    rows = [Row(item, marks.get(item.key)) for item in items_of(course)]
    return ChecklistView(course, trainee, checklist, rows)


# --- who may assess ------------------------------------------------------------------------


def may_assess(actor, course: Course, trainee_id: int) -> bool:
    """Admins always; a team lead for the people of the departments they lead; a trainer
    when the trainee is enrolled in a session they run of it."""
    if is_admin(actor):
        return True
    if actor.has_role("lead"):
        trainee = db.session.get(User, trainee_id)
        if trainee is not None and scope.may_see(actor, trainee) and trainee.id != actor.id:
            return True
    if not actor.has_role("trainer"):
        return False
    found = db.session.scalar(
        select(Enrolment.id).join(PracticeSession)
        .where(Enrolment.user_id == trainee_id, Enrolment.status == "enrolled",
               PracticeSession.course_id == course.id, PracticeSession.trainer_id == actor.id,
               PracticeSession.status == "scheduled").limit(1))
    return found is not None


def for_assessor(actor, slug: str, trainee_id: int) -> tuple[Course, User]:
    """The course and trainee ``actor`` may assess: 404 unknown or no checklist, 403 not theirs."""
    course = course_by_slug(slug)
    trainee = db.session.get(User, trainee_id)
    if trainee is None or not items_of(course):
        raise NotFound()
    if not may_assess(actor, course, trainee.id):
        raise Forbidden()
    return course, trainee


# --- changing ------------------------------------------------------------------------------


def _stored(course: Course, trainee: User) -> Checklist:
    checklist = find(course, trainee.id)
    if checklist is None:
        checklist = Checklist(course_id=course.id, trainee_id=trainee.id)
        db.session.add(checklist)
        db.session.flush()
    return checklist


def _item(course: Course, lesson_id, index) -> Item:
    for item in items_of(course):
        if item.lesson.id == lesson_id and item.index == index:
            return item
    raise Refused("item", _("There is no checklist item %(index)s in lesson %(lesson)s of "
                            "this course.", index=excerpt(index), lesson=excerpt(lesson_id)))


def mark_item(course: Course, trainee: User, lesson_id: int, index: int, observed: bool,
              comment: str, actor) -> ChecklistMark:
    """Mark one item observed or not yet, with a comment; the caller commits."""
    if not may_assess(actor, course, trainee.id):
        raise Forbidden()
    item = _item(course, lesson_id, index)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise Refused("comment", _("The comment is too long (%(n)d characters, at most "
                                   "%(max)d).", n=len(comment), max=MAX_COMMENT))
    checklist = _stored(course, trainee)
    if checklist.signed_off:
        raise Refused("item", _("The checklist is signed off. Withdraw the sign-off to "
                                "change an item."))
    mark = next((m for m in checklist.marks if (m.lesson_id, m.item_index) == item.key), None)
    before = None if mark is None else {"observed": mark.observed, "comment": mark.comment}
    if mark is None:
        mark = ChecklistMark(checklist=checklist, lesson_id=item.lesson.id,
                             item_index=item.index)
        db.session.add(mark)
    mark.item_text, mark.observed, mark.comment = dict(item.text), bool(observed), comment
    mark.marked_at, mark.marked_by_id = utcnow(), actor.id
    db.session.flush()
    audit("item_marked", actor, course_id=course.id, subject_id=trainee.id,
          lesson=item.lesson.id, index=item.index, item=item.text.get("en", ""),
          before=before, after={"observed": mark.observed, "comment": comment})
    return mark


def sign_off(course: Course, trainee: User, actor) -> Checklist:
    """Sign off the whole checklist (every item observed) and announce it; the caller commits."""
    if not may_assess(actor, course, trainee.id):
        raise Forbidden()
    current = view(course, trainee)
    if not current.rows:
        raise Refused("checklist", _("This course has no checklist items to sign off."))
    if current.signed_off:
        raise Refused("checklist", _("This checklist is already signed off."))
    if not current.ready:
        missing = [localized(r.item.text) for r in current.rows if not r.observed]
        raise Refused("checklist", _(
            "A sign-off needs every item observed; %(n)d not yet: %(items)s",
            n=len(missing), items="; ".join(excerpt(text, 40) for text in missing[:3])
            + ("…" if len(missing) > 3 else "")))
    checklist = _stored(course, trainee)
    now = utcnow()
    checklist.signed_off_at, checklist.signed_off_by_id = now, actor.id
    db.session.flush()
    audit("signed_off", actor, course_id=course.id, subject_id=trainee.id,
          items=current.total)
    activity_result.send(PREFIX, user_id=trainee.id, ref=reference(course), passed=True,
                         score=1.0, at=now)
    return checklist


def withdraw_sign_off(course: Course, trainee: User, actor, reason: str) -> Checklist:
    """Withdraw a sign-off with a reason and announce passed=False; the caller commits."""
    if not may_assess(actor, course, trainee.id):
        raise Forbidden()
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise Refused("reason", _("Give the reason for withdrawing the sign-off."))
    if len(reason) > MAX_REASON:
        raise Refused("reason", _("The reason is too long (at most %(n)d characters).",
                                  n=MAX_REASON))
    checklist = find(course, trainee.id)
    if checklist is None or not checklist.signed_off:
        raise Refused("checklist", _("This checklist is not signed off."))
    now = utcnow()
    signed = {"at": checklist.signed_off_at.isoformat(), "by": checklist.signed_off_by_id}
    checklist.signed_off_at = checklist.signed_off_by_id = None
    checklist.withdrawn_at, checklist.withdrawn_by_id = now, actor.id
    checklist.withdrawal_reason = reason
    db.session.flush()
    audit("sign_off_withdrawn", actor, course_id=course.id, subject_id=trainee.id,
          reason=reason, signed_off=signed)
    activity_result.send(PREFIX, user_id=trainee.id, ref=reference(course), passed=False,
                         score=0.0, at=now)
    return checklist


# --- lists ---------------------------------------------------------------------------------


def waiting_for_sign_off(actor) -> list[ChecklistView]:
    """Checklists not signed off of trainees who attended a session ``actor`` runs (all, admin).

    Attended means marked present or late in a scheduled session of the course.
    """
    query = (select(PracticeSession.course_id, Enrolment.user_id).join(Enrolment)
             .where(Enrolment.status == "enrolled", Enrolment.attendance.in_(ATTENDED),
                    PracticeSession.status == "scheduled").distinct())
    led = scope.department_ids(actor) if actor.has_role("lead") else None
    if not is_admin(actor) and led is None:
        query = query.where(PracticeSession.trainer_id == actor.id)
    elif led is not None and not is_admin(actor):  # a lead: the people they lead
        query = query.where(or_(PracticeSession.trainer_id == actor.id, Enrolment.user_id.in_(
            select(User.id).where(User.department_id.in_(led or {-1})))))
    pairs = list(db.session.execute(query))
    signed = {(c.course_id, c.trainee_id) for c in db.session.scalars(
        select(Checklist).where(Checklist.signed_off_at.is_not(None)))}
    views = []
    for course_id, user_id in pairs:
        if (course_id, user_id) in signed:
            continue
        course, trainee = db.session.get(Course, course_id), db.session.get(User, user_id)
        current = view(course, trainee)
        if current.rows:
            views.append(current)
    views.sort(key=lambda v: (not v.ready, v.trainee.name))
    return views
