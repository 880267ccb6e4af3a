"""Factories for exam tests: small questions in the native format, exams, attempts."""

import itertools

from lms.auth.models import Department
from lms.exams import bank_service
from lms.exams.exam_admin import apply_plan, check_plan
from lms.exams.models import Exam, default_review
from lms.extensions import db
from question_bank.native import question_from_data

_sequence = itertools.count(1)


def single_choice(key: str, right: str = "Right", wrong=("Wrong",), **extra) -> dict:
    """A native single-choice mapping: one right option and wrong ones."""
    options = [{"text": {"zh": right, "en": right}, "fraction": 1}]
    options += [{"text": {"zh": w, "en": w}, "fraction": 0,
                 "feedback": {"zh": f"{w} 不对", "en": f"{w} is wrong"}} for w in wrong]
    return {"key": key, "type": "single_choice", "difficulty": extra.pop("difficulty", "easy"),
            "category": extra.pop("category", "service-standards/process"),
            "curriculum": "service_standards",
            "text": {"zh": f"题目 {key}", "en": f"Question {key}"},
            "general_feedback": {"zh": "因为制度这样规定。", "en": "Because the policy says so."},
            "options": options, **extra}


def essay(key: str) -> dict:
    """A native essay mapping with a rubric."""
    return {"key": key, "type": "essay", "difficulty": "medium",
            "category": "service-awareness/communication", "curriculum": "service_awareness",
            "text": {"zh": "说明如何安抚客户", "en": "Explain how to calm a customer"},
            "general_feedback": {"zh": "先倾听。", "en": "Listen first."},
            "grader_info": {"zh": "提到倾听和道歉", "en": "Mentions listening and apology"}}


def store(data: dict):
    """Save a native mapping as a bank question; returns the Question row."""
    result = bank_service.save_question(question_from_data(data))
    db.session.commit()
    return result.question


def make_exam(keys, *, user=None, department=None, **settings) -> Exam:
    """A committed exam holding the questions ``keys``, assigned to ``user``/``department``."""
    draws = settings.pop("draws", "")
    exam = Exam(slug=settings.pop("slug", f"exam-{next(_sequence)}"),
                title={"zh": "测试考试", "en": "Test exam"},
                review=settings.pop("review", default_review()), **settings)
    if department:
        Department.get_or_create(department)
        db.session.flush()
    plan = check_plan("\n".join(keys), draws, department or "",
                      user.employee_no if user else "")
    assert not plan.errors, plan.errors
    apply_plan(exam, plan)
    db.session.add(exam)
    db.session.commit()
    return exam


def option_ids(question_row) -> dict:
    """{option English text: opaque id} of a stored choice question's latest version."""
    definition = bank_service.definition_of(question_row.latest)
    return {option.text.en: definition.option_id(i) for i, option in enumerate(
        definition.options)}
