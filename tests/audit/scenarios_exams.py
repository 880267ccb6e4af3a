"""Audit scenarios for the exam authoring, building, grading and override routes.

Each scenario signs in, builds what the route needs, and returns ``(path, data, form_page)``
for a POST with valid data (see ``tests/audit/test_post_routes.py``). Attempts are taken
through the exam services as the trainee; the trainer then acts on them.
"""

from __future__ import annotations

import io

import yaml
from sqlalchemy import select

from lms.extensions import db
from tests.exams.authoring_payloads import payload
from tests.exams.factories import essay, make_exam, single_choice, store
from tests.factories import make_user

BANK = "/exams/manage/questions"
REASON = "Network outage 10:05-10:20"


def _trainer_and_question(auth, app, key: str = "audit-q") -> int:
    auth.as_role("trainer")
    with app.app_context():
        return store(single_choice(key)).id


def _attempt(auth, app, *, submit: bool, question=single_choice,
             **settings) -> tuple[int, int, int]:
    """(exam id, attempt id, trainer id): a trainee's attempt; the trainer is signed in."""
    from lms.exams import attempts

    trainer_id = auth.as_role("trainer")
    with app.app_context():
        store(question("audit-attempt-q"))
        trainee = make_user(roles=["trainee"])
        exam = make_exam(["audit-attempt-q"], user=trainee, **settings)
        attempt = attempts.start_attempt(exam, trainee)
        db.session.commit()
        if submit:
            attempts.submit(attempt.id, trainee.id)
            db.session.commit()
        return exam.id, attempt.id, trainer_id


def _question_new(auth, app):
    auth.as_role("trainer")
    return f"{BANK}/new", {"definition": yaml.safe_dump(single_choice("yaml-new"),
                                                         allow_unicode=True),
                           "note": "first version"}, f"{BANK}/new"


def _question_edit(auth, app):
    question_id = _trainer_and_question(auth, app)
    with app.app_context():
        from lms.exams.models import Question

        definition = db.session.get(Question, question_id).latest.definition
    changed = dict(definition, text={"zh": "新的题干", "en": "New stem"})
    return f"{BANK}/{question_id}/edit", {"definition": yaml.safe_dump(changed,
                                                                        allow_unicode=True),
                                          "note": "clearer stem"}, f"{BANK}/{question_id}/edit"


def _choice(**changes) -> dict:
    data = {"key": "form-q", "type": "single_choice", "category": "service-standards/process",
            "curriculum": "service_standards", "difficulty": "easy", "tags": "callback",
            "text_zh": "多久内回访？", "text_en": "Call back within?", "feedback_zh": "制度规定。",
            "feedback_en": "The policy says so.",
            "options-0-text_zh": "24 小时", "options-0-text_en": "24 hours",
            "options-0-percent": "100", "options-1-text_zh": "一周",
            "options-1-text_en": "A week", "options-1-percent": "0"}
    return {**data, **changes}


def _choice_new(auth, app):
    auth.as_role("trainer")
    return f"{BANK}/new/choice", _choice(), f"{BANK}/new/choice"


def _choice_edit(auth, app):
    auth.as_role("trainer")
    with app.app_context():
        question_id = store(single_choice("form-q")).id
    return f"{BANK}/{question_id}/choice", _choice(text_en="Call back within how long?"), \
        f"{BANK}/{question_id}/choice"


def _form_without_token(kind: str, key: str) -> dict:
    return {k: v for k, v in payload(kind, key, "").items() if k != "csrf_token"}


def _question_form_new(auth, app):
    auth.as_role("trainer")
    return f"{BANK}/new/essay", _form_without_token("essay", "form-essay"), f"{BANK}/new/essay"


def _question_form(auth, app):
    from lms.exams.models import Question

    auth.as_role("trainer")
    first = _form_without_token("single_choice", "form-single")
    auth.post(f"{BANK}/new/single_choice", first, form_page=f"{BANK}/new/single_choice")
    with app.app_context():
        question_id = db.session.scalar(select(Question.id).where(Question.key == "form-single"))
    return f"{BANK}/{question_id}/form", first | {"text-en": "Question, reworded"}, \
        f"{BANK}/{question_id}/form"


def _question_status(auth, app):
    question_id = _trainer_and_question(auth, app)
    return f"{BANK}/{question_id}/status/retired", {}, f"{BANK}/{question_id}"


def _categories(auth, app):
    auth.as_role("trainer")
    return "/exams/manage/categories", {"action": "create", "path": "technical-skills/deep"}, \
        "/exams/manage/categories"


def _import_confirm(auth, app):
    auth.as_role("trainer")
    preview = auth.post("/exams/manage/import", {
        "format": "gift", "language": "en", "category": "imported",
        "file": (io.BytesIO(b"::first-response::Who answers first? {=You ~Nobody}\n"),
                 "standards.gift")}, form_page="/exams/manage/import")
    token = preview.get_data(as_text=True).split("/exams/manage/import/")[1].split('"')[0]
    return f"/exams/manage/import/{token}", {}, "/exams/manage/import"


def _regrade(auth, app):
    _exam_id, attempt_id, _trainer = _attempt(auth, app, submit=True)
    with app.app_context():
        from lms.exams.models import Attempt

        question_id = db.session.get(Attempt, attempt_id).questions[0].version.question_id
    return f"{BANK}/{question_id}/regrade", {}, f"{BANK}/{question_id}/regrade"


def _exam_settings(**extra) -> dict:
    return {"slug": "picked-exam", "title_zh": "挑选的考试", "title_en": "Picked exam",
            "pass_mark": "60", "attempts_allowed": "0", "grading_method": "highest",
            "test_kind": "exam", "questions_per_page": "5", "shuffle_options": "y", **extra}


def _exam_new(auth, app):
    _trainer_and_question(auth, app, "pick-a")
    return "/exams/manage/new", _exam_settings(fixed_keys="pick-a"), "/exams/manage/new"


def _exam_edit(auth, app):
    _trainer_and_question(auth, app, "pick-a")
    with app.app_context():
        store(single_choice("pick-c"))
        exam_id = make_exam(["pick-a"], slug="picked-exam").id
    page = f"/exams/manage/{exam_id}/edit"
    return page, _exam_settings(fixed_keys="pick-c"), page


def _extend_attempt(auth, app):
    exam_id, attempt_id, _trainer = _attempt(auth, app, submit=False, time_limit_minutes=30)
    return f"/exams/manage/attempts/{attempt_id}/extend", {"minutes": "10", "reason": REASON}, \
        f"/exams/manage/{exam_id}"


def _extend_exam(auth, app):
    exam_id, _attempt_id, _trainer = _attempt(auth, app, submit=False, time_limit_minutes=30)
    return f"/exams/manage/{exam_id}/extend", {"minutes": "10", "reason": REASON}, \
        f"/exams/manage/{exam_id}"


def _grade(auth, app):
    from lms.exams.models import Attempt

    _exam_id, attempt_id, _trainer = _attempt(auth, app, submit=True, question=lambda key: dict(
        essay(key), key=key))
    with app.app_context():
        slot_id = db.session.get(Attempt, attempt_id).questions[0].id
    return f"/exams/manage/grading/{slot_id}", {"fraction": "80", "comment": "Good listening"}, \
        f"/exams/manage/grading/{slot_id}"


def _assigned_trainee(app, exam_id: int) -> int:
    from lms.exams.models import ExamAssignment

    with app.app_context():
        return db.session.scalar(select(ExamAssignment.user_id).where(
            ExamAssignment.exam_id == exam_id))


def _overrides(auth, app):
    exam_id, _attempt_id, _trainer = _attempt(auth, app, submit=True)
    target = f"user:{_assigned_trainee(app, exam_id)}"
    return f"/exams/manage/{exam_id}/overrides", {
        "target": target, "extra_minutes": "", "extra_attempts": "1", "opens_at": "",
        "closes_at": "", "reason": "Sick leave on exam day"}, f"/exams/manage/{exam_id}/overrides"


def _remove_override(auth, app):
    from lms.exams import overrides
    from lms.exams.models import Exam

    exam_id, _attempt_id, trainer_id = _attempt(auth, app, submit=True)
    trainee_id = _assigned_trainee(app, exam_id)
    with app.app_context():
        row = overrides.set_override(db.session.get(Exam, exam_id),
                                     overrides.OverrideValues(None, 1, None, None),
                                     "Sick leave", trainer_id, user_id=trainee_id)
        db.session.commit()
        override_id = row.id
    return f"/exams/manage/overrides/{override_id}/remove", {"reason": "Back at work"}, \
        f"/exams/manage/{exam_id}/overrides"


def _reopen(auth, app):
    hidden = {m: dict.fromkeys(("score", "correctness", "feedback", "right_answer"), False)
              for m in ("during", "immediately", "later", "after_close")}
    _exam_id, attempt_id, _trainer = _attempt(auth, app, submit=True, time_limit_minutes=30,
                                    review=hidden)
    return f"/exams/manage/attempts/{attempt_id}/reopen", {
        "minutes": "15", "reason": "Submitted by mistake on a broken tablet"}, \
        f"/exams/manage/attempts/{attempt_id}"


def _override_mark(auth, app):
    _exam_id, attempt_id, _trainer = _attempt(auth, app, submit=True)
    return f"/exams/manage/attempts/{attempt_id}/mark", {
        "score": "80", "reason": "Oral re-check passed"}, f"/exams/manage/attempts/{attempt_id}"


EXAM_SCENARIOS = {
    "exams.manage_question_new": _question_new, "exams.manage_question_edit": _question_edit,
    "exams.manage_choice_new": _choice_new, "exams.manage_choice_edit": _choice_edit,
    "exams.manage_question_form_new": _question_form_new,
    "exams.manage_question_form": _question_form,
    "exams.manage_question_status": _question_status,
    "exams.manage_categories": _categories, "exams.manage_import_confirm": _import_confirm,
    "exams.manage_regrade": _regrade, "exams.manage_exam_new": _exam_new,
    "exams.manage_exam_edit": _exam_edit, "exams.manage_extend_attempt": _extend_attempt,
    "exams.manage_extend_exam": _extend_exam, "exams.manage_grade": _grade,
    "exams.manage_overrides": _overrides, "exams.manage_remove_override": _remove_override,
    "exams.manage_reopen_attempt": _reopen, "exams.manage_override_mark": _override_mark,
}
