"""Completion follows the facts: the current result per activity decides, a regrade or a revised
score that takes a pass away withdraws the course (and path) completion and revokes the
certificate, audited and shown to the trainee; a later pass records it again with a new one.

Everything runs through the real services: exam attempts (`lms.exams.attempts`), the regrade
dry run and apply (`lms.exams.grading`), role-play scoring (`lms.roleplay.service`), lesson
views and course progress.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import render_template
from sqlalchemy import select

from lms.auth.models import User
from lms.courses import progress
from lms.courses.models import Course, LearningPath, PathItem
from lms.courses.models_progress import CompletionEvent, CourseCompletion, PathCompletion
from lms.exams import attempts, grading
from lms.exams.bank_service import save_question
from lms.exams.models import Certificate, Exam, GradingMethod, Question
from lms.extensions import db
from lms.roleplay import service as roleplay
from lms.roleplay.service import ScoreInput
from question_bank.native import question_from_data
from tests.courses.factories import assign_to, make_course
from tests.exams.factories import make_exam, option_ids, single_choice, store
from tests.factories import make_user
from tests.roleplay.factories import levels_at, make_performance, score

EXAM_REF = "exam:callback-basics-final"
KEY_FIX = single_choice("cb-policy", right="Old key", wrong=("Really right",))
PLAIN = single_choice("cb-timing", right="Within 24 h", wrong=("Next week",))


def exam_course(slug="callback-basics", exam_slug="callback-basics-final", trainee=None,
                **settings):
    """An exam of two questions (one with a key a trainer will correct) and the course
    requiring both lessons and that exam."""
    for data in (KEY_FIX, PLAIN):
        if db.session.scalar(select(Question).where(Question.key == data["key"])) is None:
            store(data)
    settings.setdefault("pass_mark", 0.6)
    settings.setdefault("attempts_allowed", 0)
    exam = make_exam(["cb-policy", "cb-timing"], user=trainee, slug=exam_slug, **settings)
    course = make_course(slug, **{EXAM_REF: f"exam:{exam_slug}"})
    return exam, course


def roleplay_course():
    """A course of two lessons and the shipped role-play card ``ac_failed_again_after_repair``.

    Built from the small bundle, then its activity pointed at the card (card keys use
    underscores, which the bundle's reference check of this revision may still refuse).
    """
    course = make_course("roleplay-course")
    activity = course.activities[0]
    activity.kind, activity.ref = "roleplay", "roleplay:ac_failed_again_after_repair"
    course.require_exam, course.require_drill = False, True
    db.session.commit()
    return course


def take(exam, user, answers: dict, now: datetime | None = None):
    """Start, answer ({question key: option text}) and submit one attempt."""
    attempt = attempts.start_attempt(exam, user, now=now)
    for slot in attempt.questions:
        key = slot.version.question.key
        if key in answers:
            ids = option_ids(slot.version.question)
            attempts.save_answer(attempt.id, user.id, slot.id, ids[answers[key]], now=now)
    return attempts.submit(attempt.id, user.id, now=now)


def open_lessons(user, course, at: datetime | None = None):
    """The person opens every lesson of the course."""
    for lesson in course.lessons:
        progress.record_view(user.id, lesson, at)
    db.session.commit()


def correct_the_key(trainer) -> Question:
    """A trainer fixes the key of ``cb-policy``: "Really right" is the right option."""
    fixed = dict(KEY_FIX, options=[dict(o, fraction=1 - o["fraction"])
                                   for o in KEY_FIX["options"]])
    fixed["options"][0].pop("feedback", None)
    save_question(question_from_data(fixed), user_id=trainer.id, note="key fixed")
    db.session.commit()
    return db.session.scalar(select(Question).where(Question.key == "cb-policy"))


def regrade(trainer):
    """Correct the key, dry-run the regrade and apply it; returns the run."""
    question = correct_the_key(trainer)
    run = grading.regrade_dry_run(question.id, question.latest, trainer.id)
    grading.regrade_apply(run, trainer.id)
    return run


def state(user, course):
    """The person's progress in the course, computed afresh."""
    return progress.book_for(user.id).progress(user.id, course)


def certificates_of(user, kind="course"):
    """The person's certificates of a kind, first issued first."""
    return db.session.scalars(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.subject_kind == kind)
        .order_by(Certificate.id)).all()


def events_of(user, kind="course"):
    """The person's completion audit records of a kind, in order."""
    return db.session.scalars(select(CompletionEvent).where(
        CompletionEvent.user_id == user.id, CompletionEvent.subject_kind == kind)
        .order_by(CompletionEvent.id)).all()


def notice_html(app, user, course) -> str:
    """The trainee's completion notice as the course page includes it."""
    with app.test_request_context():
        return render_template("courses/_completion_notice.html",
                               **progress.completion_notice(user.id, course))


def test_a_regrade_below_the_pass_mark_withdraws_and_a_retake_reissues(app, client, auth):
    trainee_id = auth.as_role("trainee", name="新员工 Li")
    with app.app_context():
        trainee = db.session.get(User, trainee_id)
        trainer = make_user(roles=["trainer"], name="培训师 Wang")
        exam, course = exam_course(trainee=trainee)
        assign_to(course, trainee)
        open_lessons(trainee, course)
        take(exam, trainee, {"cb-policy": "Old key", "cb-timing": "Within 24 h"})
        assert state(trainee, course).status == "completed"
        first = certificates_of(trainee)[0]
        assert first.state == "valid"

        run = regrade(trainer)

        assert grading.exam_result(exam, trainee.id) == (0.5, False)
        now = state(trainee, course)
        assert now.status == "in_progress" and now.completed_at is None
        row = db.session.get(CourseCompletion, (trainee.id, course.id))
        assert row.withdrawn_at is not None and f"regrade:{run.id}" in row.withdrawn_reason
        db.session.refresh(first)
        assert first.state == "revoked" and first.revoked_reason == "completion_withdrawn"
        assert first.revoked_cause == f"regrade:{run.id}"
        withdrawn = events_of(trainee)[-1]
        assert (withdrawn.change, withdrawn.cause, withdrawn.actor_id) == (
            "withdrawn", f"regrade:{run.id}", trainer.id)
        assert withdrawn.ref == f"exam:{exam.slug}" and withdrawn.passed is False
        assert withdrawn.certificates == [{"code": first.code, "action": "revoked"}]
        notice = notice_html(app, trainee, course)
        assert "completion-notice" in notice and first.code in notice
        assert ("考试重新评分" in notice or "an exam regrade" in notice) and "培训师 Wang" in notice
        first_code, exam_id, course_id = first.code, exam.id, course.id

    mine = client.get("/exams/mine").get_data(as_text=True)
    assert first_code in mine and ("已撤销" in mine or "Revoked" in mine)
    assert "其证明的课程结业已不再成立" in mine or "no longer holds" in mine

    with app.app_context():
        trainee = db.session.get(User, trainee_id)
        exam, course = db.session.get(Exam, exam_id), db.session.get(Course, course_id)
        take(exam, trainee, {"cb-policy": "Really right", "cb-timing": "Within 24 h"})
        assert state(trainee, course).status == "completed"
        old, new = certificates_of(trainee)
        assert old.state == "revoked" and new.state == "valid"
        again = events_of(trainee)[-1]
        assert again.change == "completed_again" and again.cause == "result"
        assert {"code": new.code, "action": "issued"} in again.certificates
        new_code = new.code
    mine = client.get("/exams/mine").get_data(as_text=True)
    assert new_code in mine and first_code in mine


@pytest.mark.parametrize(("method", "still_complete"), [
    (GradingMethod.HIGHEST, True), (GradingMethod.LAST, False), (GradingMethod.AVERAGE, False)])
def test_the_grading_method_decides(app_ctx, method, still_complete):
    trainee = make_user()
    exam, course = exam_course(trainee=trainee, grading_method=method.value)
    assign_to(course, trainee)
    open_lessons(trainee, course)
    take(exam, trainee, {"cb-policy": "Old key", "cb-timing": "Within 24 h"})  # 100 %
    assert state(trainee, course).status == "completed"
    take(exam, trainee, {"cb-policy": "Really right", "cb-timing": "Next week"})  # 0 %
    assert (state(trainee, course).status == "completed") is still_complete
    revoked = [c.state for c in certificates_of(trainee)]
    assert revoked == (["valid"] if still_complete else ["revoked"])


def test_a_revised_role_play_score_below_pass_withdraws(app, app_ctx):
    performance = make_performance()
    trainee = performance.trainee
    course = roleplay_course()
    assign_to(course, trainee)
    open_lessons(trainee, course)
    rater = make_user(roles=["trainer"], name="评分员 Zhao")
    first = score(performance, rater, levels_at(performance, 3))
    second_rater = make_user(roles=["trainer"])
    score(performance, second_rater, levels_at(performance, 3))
    assert state(trainee, course).status == "completed"

    revision = roleplay.revise_score(first, rater, ScoreInput(levels_at(performance, 0), {}, ""),
                                     "listened to the recording again")
    db.session.commit()

    assert state(trainee, course).status == "in_progress"
    event = events_of(trainee)[-1]
    assert (event.change, event.cause, event.actor_id, event.passed) == (
        "withdrawn", f"rescore:{revision.id}", rater.id, False)
    assert certificates_of(trainee)[0].state == "revoked"
    notice = notice_html(app, trainee, course)
    assert "角色扮演评分被修改" in notice or "a revised role-play score" in notice


def test_revising_a_score_that_does_not_decide_changes_nothing(app_ctx):
    performance = make_performance()
    trainee = performance.trainee
    course = roleplay_course()
    assign_to(course, trainee)
    open_lessons(trainee, course)
    score(performance, make_user(roles=["trainer"]), levels_at(performance, 3))
    second_rater = make_user(roles=["trainer"])
    second = score(performance, second_rater, levels_at(performance, 3))
    roleplay.revise_score(second, second_rater, ScoreInput(levels_at(performance, 0), {}, ""),
                          "second thoughts")
    db.session.commit()
    assert state(trainee, course).status == "completed"  # the first score decides


def _path(*courses) -> LearningPath:
    path = LearningPath(slug="onboarding-mini", kind="onboarding",
                        title={"zh": "入职路径", "en": "Onboarding path"},
                        summary={"zh": "", "en": ""}, planned_hours=3,
                        items=[PathItem(course=c, position=i) for i, c in enumerate(courses)])
    db.session.add(path)
    db.session.commit()
    return path


def test_the_path_and_its_certificate_follow_their_courses(app_ctx):
    trainee, trainer = make_user(), make_user(roles=["trainer"])
    exam, course = exam_course(trainee=trainee)
    lessons_only = make_course("lessons-only", **{"exam_passed: true": "exam_passed: false"})
    path = _path(course, lessons_only)
    assign_to(path, trainee)
    open_lessons(trainee, lessons_only)
    open_lessons(trainee, course)
    take(exam, trainee, {"cb-policy": "Old key", "cb-timing": "Within 24 h"})
    assert progress.path_completed_at(trainee.id, path) is not None
    [path_certificate] = certificates_of(trainee, "path")

    run = regrade(trainer)

    assert progress.path_completed_at(trainee.id, path) is None
    row = db.session.get(PathCompletion, (trainee.id, path.id))
    assert row.withdrawn_at is not None and "callback-basics" in row.withdrawn_reason
    db.session.refresh(path_certificate)
    assert path_certificate.state == "revoked" and path_certificate.revoked_reason == \
        "path_withdrawn" and path_certificate.revoked_cause == f"regrade:{run.id}"
    assert [e.change for e in events_of(trainee, "path")] == ["completed", "withdrawn"]
    assert state(trainee, lessons_only).status == "completed"  # untouched by the regrade

    take(exam, trainee, {"cb-policy": "Really right", "cb-timing": "Within 24 h"})
    assert progress.path_completed_at(trainee.id, path) is not None
    assert [c.state for c in certificates_of(trainee, "path")] == ["revoked", "valid"]
    assert [e.change for e in events_of(trainee, "path")] == [
        "completed", "withdrawn", "completed_again"]


def test_a_regrade_that_changes_nobodys_pass_leaves_completion_alone(app_ctx):
    trainee, trainer = make_user(), make_user(roles=["trainer"])
    exam, course = exam_course(trainee=trainee, pass_mark=0.5)
    assign_to(course, trainee)
    open_lessons(trainee, course)
    take(exam, trainee, {"cb-policy": "Old key", "cb-timing": "Within 24 h"})
    regrade(trainer)  # 100 % → 50 %: still passed at a 50 % pass mark
    assert grading.exam_result(exam, trainee.id) == (0.5, True)
    assert state(trainee, course).status == "completed"
    assert [e.change for e in events_of(trainee)] == ["completed"]
    assert [c.state for c in certificates_of(trainee)] == ["valid"]
