"""Issue 10 item 11 (exam answers): a malformed answer is refused with 400 and a message that
names the field, nothing is stored, and the server never answers 500."""

import json

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.exams.models import Answer, AnswerEvent, Attempt
from lms.extensions import db
from tests.conftest import csrf_token
from tests.exams.conftest import Taker
from tests.exams.factories import make_exam, single_choice, store

#: One question of each type from the shipped bank.
SAMPLES = ("em-principle-001", "em-principle-002", "em-res-004", "em-res-005", "em-drill-006",
           "em-drill-008", "em-drill-010", "em-essay-001", "em-case-002")


@pytest.fixture
def attempt(app, client, auth):
    """A signed-in trainee's attempt holding one question of each shipped type."""
    from lms.exams.bank_service import save_question
    from question_bank.bank import load_shipped_banks

    user_id = auth.as_role("trainee")
    shipped = {question.key: question for question in load_shipped_banks()}
    with app.app_context():
        for key in SAMPLES:
            save_question(shipped[key])
        db.session.commit()
        make_exam(list(SAMPLES), user=db.session.get(User, user_id), slug="shapes",
                  questions_per_page=20)
    attempt_id = Taker(client).start("shapes")
    with app.app_context():
        slots = {slot.version.definition["type"]: slot.id
                 for slot in db.session.get(Attempt, attempt_id).questions}
    return attempt_id, slots


@pytest.fixture
def one_question(app, client, auth):
    """A signed-in trainee's attempt at a one-question exam (the first slot has id 1)."""
    user_id = auth.as_role("trainee")
    with app.app_context():
        store(single_choice("env-q"))
        make_exam(["env-q"], user=db.session.get(User, user_id), slug="envelope")
    return Taker(client).start("envelope")


def _post_raw(client, attempt_id, body: str):
    token = csrf_token(client, "/exams/mine")
    return client.post(f"/exams/attempts/{attempt_id}/answers", data=body,
                       content_type="application/json", headers={"X-CSRFToken": token})


def _nothing_stored(app):
    with app.app_context():
        return (db.session.scalar(select(func.count(Answer.id))) == 0
                and db.session.scalar(select(func.count(AnswerEvent.id))) == 0)


@pytest.mark.parametrize("body, field", [
    ('{"slot": true}', "slot"),  # true is 1 to Python: it must not answer question 1
    ('{"slot": true, "response": "x"}', "slot"),
    ('{"slot": "1", "response": "x"}', "slot"),
    ('{"slot": 1.0, "response": "x"}', "slot"),
    ('{"slot": NaN, "response": "x"}', "slot"),
    ('{"slot": [1], "response": "x"}', "slot"),
    ('{"slot": {"id": 1}, "response": "x"}', "slot"),
    ('{"slot": null, "response": "x"}', "slot"),
    ('{"slot": 0, "response": "x"}', "slot"),
    ('{"slot": -1, "response": "x"}', "slot"),
    ('{"slot": 100000000000000000000, "response": "x"}', "slot"),
    ('{"response": "x"}', "slot"),
    ('[1, "x"]', "body"),
    ('"x"', "body"),
    ("not json at all", "body"),
    # Too deep to parse at all: refused app-wide before the view, naming the body.
    ('{"slot": 1, "response": ' + "[" * 5000 + "]" * 5000 + "}", "body"),
])
def test_a_malformed_request_is_refused_with_the_field_named(app, client, one_question, body,
                                                              field):
    reply = _post_raw(client, one_question, body)
    assert reply.status_code == 400, reply.get_data(as_text=True)[:300]
    assert reply.json["field"] == field and field in reply.json["message"]
    assert _nothing_stored(app)


WRONG_SHAPES = [
    ("single_choice", {"a": 1}), ("single_choice", ["x", "y"]), ("single_choice", 3.5),
    ("single_choice", True), ("multiple_choice", "not-an-id"), ("multiple_choice", [1, 2]),
    ("multiple_choice", [["nested"]]), ("true_false", ["true"]), ("true_false", {"x": True}),
    ("true_false", 1.5), ("essay", ["a", "b"]), ("essay", {"text": "x"}), ("essay", 42),
    ("numerical", ["1"]), ("numerical", {"value": 1}), ("short_answer", ["x"]),
    ("short_answer", {"x": "y"}), ("case", "text"), ("case", ["a"]), ("case", {"nope": "x"}),
    ("matching", "text"), ("matching", ["a"]), ("matching", {"p": ["x"]}), ("ordering", "a"),
    ("ordering", {"a": 1}), ("ordering", ["a", "a"]),
    ("essay", "x" * 70_000), ("multiple_choice", ["o"] * 500),
]


def test_an_answer_of_the_wrong_shape_is_refused_and_not_stored(app, client, attempt):
    attempt_id, slots = attempt
    accepted = []
    for kind, response in WRONG_SHAPES:  # one attempt for all: setting one up is the slow part
        reply = _post_raw(client, attempt_id, json.dumps({"slot": slots[kind],
                                                          "response": response}))
        if reply.status_code != 400 or not reply.json["field"].startswith("response"):
            accepted.append((kind, str(response)[:40], reply.status_code))
    assert accepted == []
    assert _nothing_stored(app)


NOT_STORABLE = [
    ("numerical", '{"slot": %d, "response": NaN}'),
    ("numerical", '{"slot": %d, "response": Infinity}'),
    ("numerical", '{"slot": %d, "response": -Infinity}'),
    ("case", '{"slot": %d, "response": {"a": NaN}}'),
    ("essay", '{"slot": %d, "response": "before\\u0000after"}'),
    ("case", '{"slot": %d, "response": {"k\\u0000": "x"}}'),
    ("multiple_choice", '{"slot": %d, "response": ["\\u0000"]}'),
]


def test_nan_infinity_and_nul_never_reach_the_database(app, client, attempt):
    attempt_id, slots = attempt
    answered = [(kind, body, reply.status_code) for kind, body in NOT_STORABLE
                if (reply := _post_raw(client, attempt_id, body % slots[kind])).status_code
                != 400]
    assert answered == []
    assert _nothing_stored(app)


def test_a_good_answer_is_still_saved_and_blank_shapes_mean_no_answer(app, client, attempt):
    attempt_id, slots = attempt
    reply = _post_raw(client, attempt_id, json.dumps({"slot": slots["essay"],
                                                      "response": "先倾听，再道歉。"}))
    assert reply.status_code == 200 and reply.json["revision"] == 1
    blank = _post_raw(client, attempt_id, json.dumps({"slot": slots["single_choice"],
                                                      "response": {}}))
    assert blank.status_code == 200
    with app.app_context():
        stored = {a.attempt_question_id: a.response for a in db.session.scalars(select(Answer))}
    assert stored == {slots["essay"]: "先倾听，再道歉。", slots["single_choice"]: None}
