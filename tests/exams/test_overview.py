"""Exam results at a glance (mean, median, pass rate, not started) and the per-question
responses export."""

import csv
import io

from lms.exams import attempts, results
from tests.conftest import csrf_token
from tests.exams.factories import make_exam, option_ids, single_choice, store
from tests.factories import make_user


def _sit(exam, person, answers):
    attempt = attempts.start_attempt(exam, person)
    for slot, response in zip(attempt.questions, answers, strict=True):
        if response is not None:
            attempts.save_answer(attempt.id, person.id, slot.id, response)
    attempts.submit(attempt.id, person.id)
    return attempt


def test_overview_gives_mean_median_pass_rate_and_who_has_not_started(app):
    with app.app_context():
        rows = [store(single_choice(f"ov-{n}", right="=Right", wrong=("Wrong",)))
                for n in range(4)]
        ids = [option_ids(row) for row in rows]
        people = [make_user(roles=["trainee"], department="Overview Team") for _ in range(5)]
        exam = make_exam([f"ov-{n}" for n in range(4)], department="Overview Team",
                         pass_mark=0.6)
        right = [i["=Right"] for i in ids]
        wrong = [i["Wrong"] for i in ids]
        _sit(exam, people[0], right)                              # 100 %
        _sit(exam, people[1], right[:3] + wrong[3:])              # 75 %
        _sit(exam, people[2], right[:1] + [None, None, None])     # 25 %
        attempts.start_attempt(exam, people[3])                   # started, in progress
        found = results.overview(exam)
        assert (found.assigned, found.started, found.finished, found.in_progress) == (5, 4, 3, 1)
        assert abs(found.mean - (1 + 0.75 + 0.25) / 3) < 1e-9
        assert found.median == 0.75
        assert abs(found.pass_rate - 2 / 3) < 1e-9
        assert [p.id for p in found.not_started] == [people[4].id]


def test_responses_export_names_the_options_chosen(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        first = store(single_choice("resp-one", right="=Call back in 24 h",
                                    wrong=("+Never",)))
        store({"key": "resp-two", "type": "short_answer", "difficulty": "easy",
               "category": "service-standards/process", "curriculum": "service_standards",
               "text": {"zh": "规则叫什么？", "en": "Name the rule"},
               "answers": [{"accept": {"en": ["first responder"]}, "fraction": 1}]})
        person = make_user(roles=["trainee"], employee_no="E-RESP-1")
        exam = make_exam(["resp-one", "resp-two"], user=person)
        _sit(exam, person, [option_ids(first)["+Never"], "=SUM(A1)"])
        exam_id = exam.id
    csrf_token(client, "/exams/manage")
    reply = client.get(f"/exams/manage/{exam_id}/responses.csv?lang=en")
    assert reply.status_code == 200
    assert "responses.csv" in reply.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][:7] == ["employee_no", "name", "attempt", "question", "key", "type",
                            "response"]
    by_key = {row[4]: row for row in table[1:]}
    assert by_key["resp-one"][6] == "'+Never"  # the option's text, never a formula
    assert by_key["resp-two"][6] == "'=SUM(A1)" and float(by_key["resp-two"][10]) == 1
    assert client.get(f"/exams/manage/{exam_id}/responses.xlsx").status_code == 200
    page = client.get(f"/exams/manage/{exam_id}").get_data(as_text=True)
    assert 'id="exam-overview"' in page and 'id="ov-pass-rate"' in page
