"""A learner with a history in every section, written through the owning features' services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from lms.auth.models import utcnow
from lms.courses import progress
from lms.drills.models import Drill
from lms.evaluation.models import SurveyResponse
from lms.exams import attempts, certificates
from lms.extensions import db
from lms.practice import checklists, service
from tests.courses.factories import assign_to
from tests.exams.factories import make_exam, option_ids, single_choice, store
from tests.factories import make_user
from tests.practice.factories import make_session, observe_all, onsite_course

CHINESE_NAME = "王小明"


@dataclass
class History:
    """Ids of what `learner_with_history` created."""

    person_id: int
    trainer_id: int
    course_id: int
    exam_id: int
    exam_title: dict
    certificate_code: str


def learner_with_history(name: str = CHINESE_NAME, department: str = "Hotline East",
                         hired_on: date = date(2026, 3, 2)) -> History:
    """A trainee with the on-site course assigned, its lessons opened, 8 h attended and the
    checklist signed off, a passed exam (two attempts, highest counts), a finished drill,
    an answered survey and a course certificate. Commits."""
    course = onsite_course()
    trainer = make_user(roles=["trainer"])
    person = make_user(roles=["trainee"], name=name, department=department, hired_on=hired_on)
    assign_to(course, person)
    for lesson in course.lessons:
        progress.record_view(person.id, lesson)
    practice = make_session(course, trainer, starts_in=timedelta(minutes=-60), hours=8)
    enrolment = service.enrol(practice, person, trainer)
    service.mark_attendance(enrolment, "present", trainer)
    db.session.commit()
    observe_all(course, person, trainer)
    checklists.sign_off(course, person, trainer)
    db.session.commit()

    question = store(single_choice("rec-q1"))
    exam = make_exam(["rec-q1"], user=person, attempts_allowed=3)
    ids = {"rec-q1": option_ids(question)}
    for answer in ("Right", "Wrong"):  # 100 %, then 0 %: highest stays 100 %
        attempt = attempts.start_attempt(exam, person)
        slot = attempt.questions[0]
        attempts.save_answer(attempt.id, person.id, slot.id, ids["rec-q1"][answer])
        attempts.submit(attempt.id, person.id)
        db.session.commit()

    db.session.add(Drill(scenario_key="group_complaint_surge", scenario_yaml="{}",
                         title_zh="群体投诉激增", title_en="Group complaint surge",
                         trainee_id=person.id, status="finished", score=0.9,
                         finished_at=utcnow()))
    db.session.add(SurveyResponse(user_id=person.id, course_ref=f"course:{course.slug}",
                                  answers={"q1": 5}, free_text={}))
    certificate = certificates.issue(person.id, "course", course.id, title=course.title) or \
        certificates.current_certificate(person.id, "course", course.id)
    db.session.commit()
    return History(person.id, trainer.id, course.id, exam.id, dict(exam.title), certificate.code)
