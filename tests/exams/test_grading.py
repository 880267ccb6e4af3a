"""Essay grading by a trainer, grading methods across attempts, and regrade after a key fix."""

from sqlalchemy import select

from lms import signals
from lms.auth.models import User
from lms.exams import attempts, grading
from lms.exams.bank_service import save_question
from lms.exams.models import Attempt, GradingMethod, Question, RegradeRun
from lms.extensions import db
from question_bank.native import question_from_data
from tests.conftest import csrf_token
from tests.exams.factories import essay, make_exam, option_ids, single_choice, store
from tests.factories import make_user


def _finish(exam, user, answers: dict, ids: dict):
    """Start, answer (question key -> option text) and submit an attempt at the service level."""
    attempt = attempts.start_attempt(exam, user)
    for slot in attempt.questions:
        key = slot.version.question.key
        if key in answers:
            attempts.save_answer(attempt.id, user.id, slot.id, ids[key][answers[key]])
    return attempts.submit(attempt.id, user.id)


def test_an_essay_waits_for_a_trainer_then_counts(app, client, auth):
    trainer_id = auth.as_role("trainer")
    with app.app_context():
        store(essay("calm-customer"))
        trainee = make_user(roles=["trainee"])
        exam = make_exam(["calm-customer"], user=trainee, pass_mark=0.5)
        attempt = attempts.start_attempt(exam, trainee)
        slot = attempt.questions[0]
        attempts.save_answer(attempt.id, trainee.id, slot.id, "I listen and apologise.")
        announced = []
        with signals.activity_result.connected_to(lambda s, **kw: announced.append(kw)):
            attempts.submit(attempt.id, trainee.id)
        assert attempt.needs_grading and attempt.passed is None and not announced
        slot_id, attempt_id = slot.id, attempt.id
    queue = client.get("/exams/manage/grading").get_data(as_text=True)
    assert f"/exams/manage/grading/{slot_id}" in queue
    page = client.get(f"/exams/manage/grading/{slot_id}").get_data(as_text=True)
    assert "I listen and apologise." in page and "提到倾听和道歉" in page  # answer and rubric
    token = csrf_token(client, f"/exams/manage/grading/{slot_id}")
    bad = client.post(f"/exams/manage/grading/{slot_id}", data={
        "csrf_token": token, "fraction": "150", "comment": "x"})
    assert bad.status_code == 400
    with signals.activity_result.connected_to(lambda s, **kw: announced.append(kw)):
        good = client.post(f"/exams/manage/grading/{slot_id}", data={
            "csrf_token": token, "fraction": "80", "comment": "Good listening."})
    assert good.status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert not attempt.needs_grading and abs(attempt.score - 0.8) < 1e-9 and attempt.passed
        assert attempt.questions[0].manual_grade.grader_id == trainer_id
    assert len(announced) == 1 and announced[0]["passed"] is True


def test_grading_methods_combine_attempts(app_ctx):
    q = store(single_choice("gm-q", right="R", wrong=("W",)))
    ids = {"gm-q": option_ids(q)}
    trainee = make_user(roles=["trainee"])
    exam = make_exam(["gm-q"], user=trainee, attempts_allowed=0, pass_mark=0.6)
    _finish(exam, trainee, {"gm-q": "R"}, ids)
    _finish(exam, trainee, {"gm-q": "W"}, ids)
    expected = {GradingMethod.HIGHEST: (1.0, True), GradingMethod.LAST: (0.0, False),
                GradingMethod.AVERAGE: (0.5, False)}
    for method, outcome in expected.items():
        exam.grading_method = method.value
        assert grading.exam_result(exam, trainee.id) == outcome


def test_regrade_dry_run_shows_changes_then_applies_with_audit(app, client, auth):
    trainer_id = auth.as_role("trainer")
    with app.app_context():
        data = single_choice("rg-q", right="Old key", wrong=("Really right",))
        q = store(data)
        ids = {"rg-q": option_ids(q)}
        alice = make_user(roles=["trainee"], name="爱丽丝 Alice")
        exam = make_exam(["rg-q"], department="Hotline East", pass_mark=0.5)
        first = _finish(exam, alice, {"rg-q": "Really right"}, ids)
        assert first.passed is False
        corrected = dict(data, options=[dict(o, fraction=1 - o["fraction"])
                                        for o in data["options"]])
        corrected["options"][0].pop("feedback", None)
        save_question(question_from_data(corrected), user_id=trainer_id, note="key fixed")
        db.session.commit()
        question_id, attempt_id = q.id, first.id
    token = csrf_token(client, f"/exams/manage/questions/{question_id}/regrade")
    dry = client.post(f"/exams/manage/questions/{question_id}/regrade",
                      data={"csrf_token": token}, follow_redirects=True)
    text = dry.get_data(as_text=True)
    assert "爱丽丝 Alice" in text and "100.0 %" in text
    with app.app_context():
        run = db.session.query(RegradeRun).one()
        assert run.applied_at is None and run.diff[0]["new_passed"] is True
        assert db.session.get(Attempt, attempt_id).passed is False  # nothing changed yet
        run_id = run.id
    client.post(f"/exams/manage/questions/{question_id}/regrade",
                data={"csrf_token": token, "run": run_id})
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.passed is True and attempt.score == 1.0
        assert attempt.questions[0].version.number == 1  # the version seen stays
        run = db.session.get(RegradeRun, run_id)
        assert run.applied_by_id == trainer_id and run.applied_at is not None
        assert db.session.get(User, trainer_id) is not None


def test_trainees_cannot_open_trainer_pages(client, auth):
    auth.as_role("trainee")
    for path in ("/exams/manage", "/exams/manage/questions", "/exams/manage/grading",
                 "/exams/manage/import", "/exams/manage/certificates"):
        assert client.get(path).status_code == 403, path


def test_service_functions_for_other_features(app_ctx):
    from lms.exams import service

    store(single_choice("svc-q", right="R"))
    trainee = make_user(roles=["trainee"])
    exam = make_exam(["svc-q"], slug="svc-exam")
    assert service.assign_user("exam:svc-exam", trainee.id)
    assert service.assign_user("exam:svc-exam", trainee.id)  # idempotent
    assert not service.assign_user("exam:nope", trainee.id)
    db.session.commit()
    assert len(exam.assignments) == 1
    assert service.exam_title("exam:svc-exam")["en"] == "Test exam"
    assert service.result_for("exam:svc-exam", trainee.id) == (None, None)
    ids = {"svc-q": option_ids(db.session.scalar(select(Question)))}
    _finish(exam, trainee, {"svc-q": "R"}, ids)
    assert service.result_for("svc-exam", trainee.id) == (1.0, True)
