"""Taking an exam through the web: start, save, resume, deadline, submit, refusals, review."""

import logging
from datetime import timedelta

from lms import signals
from lms.auth.models import User, utcnow
from lms.exams.models import AnswerEvent, Attempt, AttemptState
from lms.extensions import db
from tests.conftest import csrf_token
from tests.exams.factories import make_exam, option_ids, single_choice, store


def _setup(app, user_id, **settings):
    with app.app_context():
        q1 = store(single_choice("q-one", right="Callback within 24 hours",
                                 wrong=("Never call back", "Wait a week")))
        q2 = store(single_choice("q-two", right="First responder", wrong=("Anyone",)))
        user = db.session.get(User, user_id)
        exam = make_exam(["q-one", "q-two"], user=user, questions_per_page=5, **settings)
        return exam.slug, option_ids(q1), option_ids(q2)


def _slots(app, attempt_id):
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return {aq.version.question.key: aq.id for aq in attempt.questions}


def test_trainee_takes_an_exam_and_every_saved_answer_counts(app, client, auth, taker):
    user_id = auth.as_role("trainee")
    slug, ids1, ids2 = _setup(app, user_id, time_limit_minutes=30)
    announced = []
    attempt_id = taker.start(slug)
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert "Callback within 24 hours" in page and 'id="exam-timer"' in page
    slots = _slots(app, attempt_id)
    reply = taker.save(attempt_id, slots["q-one"], ids1["Callback within 24 hours"])
    assert reply.status_code == 200 and reply.json["saved_at"].endswith("Z")
    assert 1790 <= reply.json["remaining"] <= 1800
    taker.save(attempt_id, slots["q-two"], ids2["Anyone"])
    assert taker.save(attempt_id, slots["q-two"], ids2["First responder"]).json["revision"] == 2
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert f'value="{ids2["First responder"]}" checked' in page
    with signals.activity_result.connected_to(lambda s, **kw: announced.append((s, kw))):
        assert taker.submit(attempt_id).status_code == 302
        assert taker.submit(attempt_id).status_code == 302  # double submit is harmless
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.state == AttemptState.SUBMITTED and attempt.score == 1.0 and attempt.passed
        assert db.session.query(AnswerEvent).count() == 3  # the history keeps every save
    assert len(announced) == 1
    sender, details = announced[0]
    assert sender == "exam" and details["ref"] == f"exam:{slug}" and details["passed"] is True
    assert taker.save(attempt_id, slots["q-one"], ids1["Never call back"]).status_code == 409


def test_the_page_never_holds_the_answer_key(app, client, auth, taker):
    user_id = auth.as_role("trainee")
    slug, ids1, _ = _setup(app, user_id)
    attempt_id = taker.start(slug)
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert "fraction" not in page
    for text in ("Never call back is wrong", "Never call back 不对",  # option feedback
                 "Because the policy says so", "因为制度这样规定"):  # general feedback
        assert text not in page
    assert "right_answer" not in page and "correct" not in page.lower().replace(
        "incorrect", "")


def test_resuming_keeps_the_server_clock(app, client, auth, taker):
    user_id = auth.as_role("trainee")
    slug, _, _ = _setup(app, user_id, time_limit_minutes=30)
    attempt_id = taker.start(slug)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.started_at -= timedelta(minutes=10)
        attempt.deadline -= timedelta(minutes=10)
        db.session.commit()
    assert taker.start(slug) == attempt_id  # starting again resumes the same attempt
    status = client.get(f"/exams/attempts/{attempt_id}/status").json
    assert status["open"] and 1190 <= status["remaining"] <= 1200
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert 'data-remaining="119' in page or 'data-remaining="1200"' in page


def test_the_deadline_closes_the_attempt_with_what_was_saved(app, client, auth, taker, caplog):
    user_id = auth.as_role("trainee")
    slug, ids1, ids2 = _setup(app, user_id, time_limit_minutes=5)
    attempt_id = taker.start(slug)
    slots = _slots(app, attempt_id)
    taker.save(attempt_id, slots["q-one"], ids1["Callback within 24 hours"])
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()
    with caplog.at_level(logging.WARNING, logger="lms.exams"):
        late = taker.save(attempt_id, slots["q-two"], ids2["First responder"])
    assert late.status_code == 409 and "attempt_closed" in caplog.text
    response = client.get(f"/exams/attempts/{attempt_id}")
    assert response.status_code == 302 and "/review" in response.headers["Location"]
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.state == AttemptState.CLOSED_BY_TIMER
        assert attempt.score == 0.5 and attempt.submitted_at == attempt.deadline


def test_the_sweep_closes_abandoned_attempts(app, auth, taker, runner):
    user_id = auth.as_role("trainee")
    slug, _, _ = _setup(app, user_id, time_limit_minutes=5)
    attempt_id = taker.start(slug)
    with app.app_context():
        db.session.get(Attempt, attempt_id).deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    result = runner.invoke(args=["exams", "sweep"])
    assert "1 attempts closed" in result.output
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).state == AttemptState.CLOSED_BY_TIMER


def test_nobody_opens_or_answers_someone_elses_attempt(app, client, auth, taker, caplog):
    owner = auth.as_role("trainee")
    slug, ids1, _ = _setup(app, owner)
    attempt_id = taker.start(slug)
    slot = _slots(app, attempt_id)["q-one"]
    client.post("/logout", data={"csrf_token": ""})
    client.delete_cookie("session")
    auth.as_role("trainee")
    assert client.get(f"/exams/attempts/{attempt_id}").status_code == 404
    assert client.get(f"/exams/attempts/{attempt_id}/review").status_code == 404
    with caplog.at_level(logging.WARNING, logger="lms.exams"):
        reply = taker.save(attempt_id, slot, ids1["Callback within 24 hours"])
    assert reply.status_code == 404 and "not_your_attempt" in caplog.text
    with app.app_context():
        assert db.session.query(AnswerEvent).count() == 0


def test_forged_ids_and_foreign_questions_are_refused_and_logged(app, auth, taker, caplog):
    user_id = auth.as_role("trainee")
    slug, _, _ = _setup(app, user_id)
    attempt_id = taker.start(slug)
    slot = _slots(app, attempt_id)["q-one"]
    with caplog.at_level(logging.WARNING, logger="lms.exams"):
        forged = taker.save(attempt_id, slot, "o0000000000")
        foreign = taker.save(attempt_id, slot + 999, "anything")
        shapeless = taker.save(attempt_id, slot, {"not": "a choice"})
    assert forged.status_code == 400 and forged.json["error"] == "invalid_response"
    assert foreign.status_code == 404 and shapeless.status_code == 400
    assert shapeless.json["field"] == "response"
    assert "question_not_in_attempt" in caplog.text and "invalid_response" in caplog.text
    with app.app_context():
        assert db.session.query(AnswerEvent).count() == 0


def test_attempts_allowed_is_enforced(app, client, auth, taker):
    user_id = auth.as_role("trainee")
    slug, _, _ = _setup(app, user_id, attempts_allowed=1)
    taker.submit(taker.start(slug))
    page = client.get("/exams/mine").get_data(as_text=True)
    assert "Start attempt" not in page and "开始作答" not in page
    response = client.post(f"/exams/{slug}/start",
                           data={"csrf_token": csrf_token(client, "/exams/mine")},
                           follow_redirects=True)
    assert "You have used every attempt" in response.get_data(as_text=True) or \
        "所有作答机会" in response.get_data(as_text=True)


def test_an_exam_not_assigned_cannot_be_started(app, client, auth, taker):
    auth.as_role("trainee")
    with app.app_context():
        store(single_choice("lonely"))
        slug = make_exam(["lonely"]).slug
    token = csrf_token(client, "/exams/mine")
    assert client.post(f"/exams/{slug}/start", data={"csrf_token": token}).status_code == 404


def test_the_page_form_saves_answers_without_javascript(app, client, auth, taker):
    user_id = auth.as_role("trainee")
    slug, ids1, _ = _setup(app, user_id)
    attempt_id = taker.start(slug)
    slot = _slots(app, attempt_id)["q-one"]
    token = csrf_token(client, f"/exams/attempts/{attempt_id}")
    response = client.post(f"/exams/attempts/{attempt_id}/page", data={
        "csrf_token": token, "page": 0, f"q-{slot}": ids1["Callback within 24 hours"],
        "finish": "1"})
    assert response.status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.state == AttemptState.SUBMITTED and attempt.score == 0.5


def test_review_shows_only_what_the_exam_allows(app, client, auth, taker):
    user_id = auth.as_role("trainee")
    hidden = {moment: dict.fromkeys(("score", "correctness", "feedback", "right_answer"), False)
              for moment in ("during", "immediately", "later", "after_close")}
    slug, ids1, _ = _setup(app, user_id, review=hidden)
    attempt_id = taker.start(slug)
    taker.save(attempt_id, _slots(app, attempt_id)["q-one"], ids1["Never call back"])
    taker.submit(attempt_id)
    closed = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Never call back 不对" not in closed and "因为制度这样规定" not in closed
    assert "mark-bad" not in closed
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        review = dict(hidden, after_close={"score": True, "correctness": True,
                                           "feedback": True, "right_answer": True})
        attempt.exam.review = review
        attempt.exam.closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    after = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Never call back 不对" in after and "因为制度这样规定" in after
    assert "right-answer" in after and "mark-bad" in after


def test_during_review_options_show_feedback_on_the_attempt_page(app, client, auth, taker):
    user_id = auth.as_role("trainee")
    review = {moment: dict.fromkeys(("score", "correctness", "feedback", "right_answer"), False)
              for moment in ("during", "immediately", "later", "after_close")}
    review["during"] = {"score": False, "correctness": True, "feedback": True,
                        "right_answer": False}
    slug, ids1, _ = _setup(app, user_id, review=review)
    attempt_id = taker.start(slug)
    before = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert "因为制度这样规定" not in before  # nothing before an answer is saved
    taker.save(attempt_id, _slots(app, attempt_id)["q-one"], ids1["Never call back"])
    after = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert "因为制度这样规定" in after and "mark-bad" in after and "right-answer" not in after


def test_no_question_type_leaks_its_key_or_feedback_before_review(app, client, auth, taker):
    """Every type of the shipped bank on one page: no feedback, rubric or accepted answer."""
    from lms.exams.bank_service import definition_of, load_shipped
    from lms.exams.models import Question
    from question_bank.model import iter_texts

    user_id = auth.as_role("trainee")
    samples = ("em-drill-008", "em-res-004", "em-drill-006", "em-essay-001", "em-drill-010",
               "em-res-005", "em-case-001")
    with app.app_context():
        load_shipped()
        make_exam(list(samples), user=db.session.get(User, user_id), slug="leak-check",
                  questions_per_page=10)
        secrets, shown = set(), []
        for key in samples:
            definition = definition_of(db.session.scalar(
                db.select(Question).where(Question.key == key)).latest)
            for question in (definition, *definition.subquestions):
                for text in (question.general_feedback, question.grader_info,
                             *(o.feedback for o in question.options),
                             *(getattr(a, "feedback", None) for a in question.answers)):
                    if text:
                        secrets |= {text.zh, text.en}
                for answer in question.answers:
                    terms = getattr(answer, "accept", None)
                    secrets |= set(terms.all_terms()) if terms else set()
            shown += [value for path, text in iter_texts(definition)
                      if not any(word in path for word in ("feedback", "grader", "answers"))
                      for value in (getattr(text, "zh", None), getattr(text, "en", None))
                      if isinstance(value, str)]
    attempt_id = taker.start("leak-check")
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert 'data-kind="case"' in page and 'data-kind="matching"' in page
    # A term that the question itself shows (e.g. in another item) is no leak.
    hidden = {s for s in secrets if s and len(s) > 3 and not any(s in text for text in shown)}
    assert len(hidden) > 10
    leaked = [s for s in hidden if s in page]
    assert leaked == []
