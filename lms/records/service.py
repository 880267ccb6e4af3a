"""One learner record per person: courses, exams, role-plays, drills, surveys, certificates,
hours. Plain data only (dicts, lists, numbers, datetimes), so pages, PDF and XLSX share it.

Rules:

* Courses are the person's assigned courses (directly or by path) with the status and
  completion date of `lms.courses.progress`.
* Exams are those a required or optional activity of an assigned course names, plus every
  exam the person attempted. The result is the exam's grading method applied
  (`lms.exams.grading.exam_result`); attempts used count every attempt started, against the
  allowance with the person's overrides (0 = unlimited).
* Role-plays: per card, the latest performance with at least one submitted score, scored by
  the mean fraction of its raters. Drills: every finished drill with its score.
* Hours: *online* hours are the planned online hours (the course's lesson hours when the
  course is delivered online, plus each online activity's hours) of the courses whose
  completion holds; an online course still in progress counts nothing. *Offline* hours are
  the practice sessions attended (`lms.practice.service.attended_hours_of`). Both are set
  against the planned online/offline hours of the person's assigned learning paths (the
  same split as the path editor: a course's hours by delivery mode, slots of a template by
  theirs), each course counted once.

Each section is one query for all the people asked (the gradebook's page), except the exam
result and allowance, which come from the exams feature's own per-person functions.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import extract, select

from lms.auth.models import Role, User, UserRole
from lms.courses import bundle_paths
from lms.courses.models import Course
from lms.courses.progress import ProgressBook
from lms.drills.models import Drill
from lms.evaluation.models import SurveyResponse
from lms.exams import certificates, grading
from lms.exams.exam_service import effective_settings
from lms.exams.models import Attempt, Certificate, Exam
from lms.extensions import db
from lms.practice.service import attended_hours_of
from lms.roleplay.models import Card, Performance, Score

PAGE_SIZE = 25


def _person(user: User) -> dict:
    return {"id": user.id, "name": user.name, "employee_no": user.employee_no,
            "department": user.department.name if user.department else None,
            "hired_on": user.hired_on}


def _split(mode: str, hours: float) -> tuple[float, float]:
    return (hours or 0.0, 0.0) if mode == "online" else (0.0, hours or 0.0)


def course_hours(course: Course) -> tuple[float, float]:
    """(online, offline) planned hours of a course and its activities (the courses
    feature's rule)."""
    split = bundle_paths.course_hours(course)
    return split.online, split.offline_practice


def _courses_section(book: ProgressBook, user_id: int) -> list[dict]:
    rows = []
    for course, due_on in book.assigned_courses(user_id).items():
        progress = book.progress(user_id, course, due_on)
        rows.append({"title": course.title, "status": progress.status,
                     "percent": progress.percent, "due_on": due_on,
                     "completed_at": progress.completed_at, "overdue": progress.overdue,
                     "delivery_mode": course.delivery_mode})
    return rows


def _planned_hours(book: ProgressBook, user_id: int) -> dict:
    seen: set[int] = set()
    online = offline = 0.0
    paths = []
    for path in book.assigned_paths(user_id):
        paths.append(path.title)
        for slot in path.slots or []:
            more = _split(slot.get("delivery_mode", "online"), float(slot["planned_hours"]))
            online, offline = online + more[0], offline + more[1]
        for course in [] if path.slots else path.courses:
            if course.id in seen:
                continue
            seen.add(course.id)
            more = course_hours(course)
            online, offline = online + more[0], offline + more[1]
    return {"paths": paths, "online": round(online, 2), "offline": round(offline, 2)}


def _online_done(book: ProgressBook, user_id: int) -> float:
    total = 0.0
    for course in book.assigned_courses(user_id, published_only=False):
        if course.id in book.completed[user_id]:
            total += course_hours(course)[0]
    return round(total, 2)


def _exam_section(book: ProgressBook, users: dict[int, User]) -> dict[int, list[dict]]:
    ids = list(users)
    attempts = defaultdict(lambda: defaultdict(int))
    for user_id, exam_id in db.session.execute(
            select(Attempt.user_id, Attempt.exam_id).where(Attempt.user_id.in_(ids))):
        attempts[user_id][exam_id] += 1
    slugs_wanted: dict[int, set[str]] = defaultdict(set)
    for user_id in ids:
        for course in book.assigned_courses(user_id):
            for activity in course.activities:
                if activity.ref.startswith("exam:"):
                    slugs_wanted[user_id].add(activity.ref.split(":", 1)[1])
    all_slugs = set().union(*slugs_wanted.values()) if slugs_wanted else set()
    exam_ids = {exam_id for per in attempts.values() for exam_id in per}
    exams = list(db.session.scalars(select(Exam).where(
        Exam.slug.in_(all_slugs) | Exam.id.in_(exam_ids)).order_by(Exam.id)))
    result: dict[int, list[dict]] = {}
    for user_id, user in users.items():
        rows = []
        for exam in exams:
            used = attempts[user_id].get(exam.id, 0)
            if not used and exam.slug not in slugs_wanted[user_id]:
                continue
            score, passed = grading.exam_result(exam, user_id) if used else (None, None)
            allowed = effective_settings(exam, user_id, user.department_id).attempts_allowed
            rows.append({"title": exam.title, "grading_method": exam.grading_method,
                         "score": score, "passed": passed, "pass_mark": exam.pass_mark,
                         "attempts_used": used, "attempts_allowed": allowed})
        result[user_id] = rows
    return result


def _roleplay_section(ids: list[int]) -> dict[int, list[dict]]:
    scores = defaultdict(list)
    performances = []
    for performance, card in db.session.execute(
            select(Performance, Card).join(Card, Card.id == Performance.card_id)
            .where(Performance.trainee_id.in_(ids))
            .order_by(Performance.performed_on, Performance.id)):
        performances.append((performance, card))
    for performance_id, fraction in db.session.execute(
            select(Score.performance_id, Score.fraction).where(
                Score.performance_id.in_([p.id for p, _ in performances]))):
        scores[performance_id].append(fraction)
    latest: dict[int, dict[int, dict]] = defaultdict(dict)
    for performance, card in performances:  # in date order: a later one replaces
        fractions = scores.get(performance.id)
        if not fractions:
            continue
        latest[performance.trainee_id][card.id] = {
            "title": (card.content or {}).get("title") or {},
            "performed_on": performance.performed_on, "raters": len(fractions),
            "score": sum(fractions) / len(fractions)}
    return {user_id: list(latest[user_id].values()) for user_id in ids}


def _drill_section(ids: list[int]) -> dict[int, list[dict]]:
    rows = defaultdict(list)
    for drill in db.session.scalars(select(Drill).where(
            Drill.trainee_id.in_(ids), Drill.status == "finished")
            .order_by(Drill.finished_at, Drill.id)):
        rows[drill.trainee_id].append({
            "title": {"zh": drill.title_zh, "en": drill.title_en},
            "finished_at": drill.finished_at, "score": drill.score})
    return {user_id: rows[user_id] for user_id in ids}


def _survey_section(ids: list[int]) -> dict[int, list[dict]]:
    responses = list(db.session.scalars(select(SurveyResponse).where(
        SurveyResponse.user_id.in_(ids)).order_by(SurveyResponse.submitted_at)))
    slugs = {r.course_ref.split(":", 1)[-1] for r in responses}
    titles = {course.slug: course.title for course in db.session.scalars(
        select(Course).where(Course.slug.in_(slugs)))} if slugs else {}
    rows = defaultdict(list)
    for response in responses:
        slug = response.course_ref.split(":", 1)[-1]
        rows[response.user_id].append({"title": titles.get(slug) or {"zh": slug, "en": slug},
                                       "submitted_at": response.submitted_at})
    return {user_id: rows[user_id] for user_id in ids}


def _certificate_section(ids: list[int], now: datetime | None) -> dict[int, list[dict]]:
    rows = defaultdict(list)
    for certificate in db.session.scalars(select(Certificate).where(
            Certificate.user_id.in_(ids)).order_by(Certificate.issued_at.desc(),
                                                   Certificate.id.desc())):
        rows[certificate.user_id].append({
            "title": certificate.subject_title, "code": certificate.code,
            "issued_at": certificate.issued_at, "expires_at": certificate.expires_at,
            "state": certificates.state_of(certificate, now)})
    return {user_id: rows[user_id] for user_id in ids}


def learner_records(user_ids, now: datetime | None = None) -> dict[int, dict]:
    """{user id: learner record} for the people asked (see the module docstring)."""
    users = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_(list(user_ids))))}
    ids = list(users)
    if not ids:
        return {}
    book = ProgressBook(ids)
    exams = _exam_section(book, users)
    roleplays = _roleplay_section(ids)
    drills = _drill_section(ids)
    surveys = _survey_section(ids)
    certs = _certificate_section(ids, now)
    offline = attended_hours_of(ids)
    records = {}
    for user_id, user in users.items():
        planned = _planned_hours(book, user_id)
        records[user_id] = {
            "person": _person(user),
            "courses": _courses_section(book, user_id),
            "exams": exams[user_id], "roleplays": roleplays[user_id],
            "drills": drills[user_id], "surveys": surveys[user_id],
            "certificates": certs[user_id],
            "hours": {"paths": planned["paths"],
                      "online_done": _online_done(book, user_id),
                      "online_planned": planned["online"],
                      "offline_done": offline[user_id],
                      "offline_planned": planned["offline"]},
        }
    return records


def learner_record(user_id: int, now: datetime | None = None) -> dict | None:
    """The learner record of one person as plain data, or None when there is no such user."""
    return learner_records([user_id], now).get(user_id)


def summary(record: dict) -> dict:
    """One gradebook row: the record's sections counted."""
    courses, exams = record["courses"], record["exams"]
    roleplay_scores = [r["score"] for r in record["roleplays"]]
    drill_scores = [d["score"] for d in record["drills"] if d["score"] is not None]
    return {
        "person": record["person"],
        "courses_completed": sum(c["status"] == "completed" for c in courses),
        "courses_renewal_due": sum(c["status"] == "renewal_due" for c in courses),
        "courses_total": len(courses),
        "exams_passed": sum(e["passed"] is True for e in exams), "exams_total": len(exams),
        "roleplay_mean": _mean(roleplay_scores), "roleplays": len(roleplay_scores),
        "drill_mean": _mean(drill_scores), "drills": len(record["drills"]),
        "surveys": len(record["surveys"]),
        "certificates_valid": sum(c["state"] == "valid" for c in record["certificates"]),
        "hours": record["hours"],
    }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def learners_query(department_id: int | None = None, cohort: tuple[int, int] | None = None):
    """The trainees the gradebook lists, by name, optionally of one department or hire month."""
    query = (select(User).where(User.active.is_(True), User.id.in_(
        select(UserRole.user_id).where(UserRole.role == Role.TRAINEE.value)))
        .order_by(User.name, User.id))
    if department_id:
        query = query.where(User.department_id == department_id)
    if cohort is not None:
        year, month = cohort
        query = query.where(extract("year", User.hired_on) == year,
                            extract("month", User.hired_on) == month)
    return query


def parse_cohort(value: str) -> tuple[int, int] | None:
    """``YYYY-MM`` → (year, month); ValueError with the value when it is not a month."""
    text = (value or "").strip()
    if not text:
        return None
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4 \
            or not 1 <= int(parts[1]) <= 12:
        raise ValueError(text[:60])
    return int(parts[0]), int(parts[1])
