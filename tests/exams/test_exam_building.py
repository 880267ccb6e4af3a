"""Building an exam by picking: the question picker, draw rules with a mark per slot,
people and departments from lists, and the warning when an exam with attempts changes."""

import random
import re

from sqlalchemy import select

from lms.auth.models import Department
from lms.exams import attempts, exam_service, grading, shipped
from lms.exams.models import Attempt, Exam, Question
from lms.extensions import db
from tests.conftest import csrf_token
from tests.exams.factories import make_exam, single_choice, store
from tests.factories import make_user

NEW = "/exams/manage/new"


def _settings(token: str, **extra) -> dict:
    return {"csrf_token": token, "slug": "picked-exam", "title_zh": "挑选的考试",
            "title_en": "Picked exam", "pass_mark": "60", "attempts_allowed": "0",
            "grading_method": "highest", "test_kind": "exam", "questions_per_page": "5",
            "shuffle_options": "y", **extra}


def _bank(app):
    with app.app_context():
        for key, points, tags in (("pick-a", 1, ["callback"]), ("pick-b", 3, ["callback"]),
                                  ("pick-c", 2, []), ("pick-d", 1, ["callback", "urgent"])):
            store(single_choice(key, points=points, tags=tags,
                                category="service-standards/callbacks"))
        return {q.key: q.id for q in db.session.scalars(select(Question))}


def test_a_trainer_finds_ticks_and_saves_questions_with_marks(app, client, auth):
    auth.as_role("trainer")
    ids = _bank(app)
    token = csrf_token(client, NEW)
    found = client.post(NEW, data=_settings(token, find="1", **{"find-text": "pick-b"}))
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and 'id="picker-results"' in page
    assert f'name="pick" value="{ids["pick-b"]}"' in page
    assert f'name="pick" value="{ids["pick-a"]}"' not in page
    added = client.post(NEW, data=_settings(token, add_picked="1", pick=[str(ids["pick-b"])],
                                            **{"find-text": "pick-b"}))
    page = added.get_data(as_text=True)
    assert f'name="fixed_id" value="{ids["pick-b"]}"' in page
    with app.app_context():
        assert db.session.scalar(select(Exam)) is None  # nothing saved while picking
    saved = client.post(NEW, data=_settings(
        token, fixed_id=[str(ids["pick-b"])], **{f"fixed_mark-{ids['pick-b']}": "2",
                                                 "draw_rows-0-count": "2",
                                                 "draw_rows-0-category":
                                                     "service-standards/callbacks",
                                                 "draw_rows-0-tags": "callback",
                                                 "draw_rows-0-mark": "1.5"}))
    assert saved.status_code == 302, re.findall(r"<li>([^<]*)</li>", saved.get_data(as_text=True))
    with app.app_context():
        exam = db.session.scalar(select(Exam))
        fixed, rule = exam.items
        assert (fixed.question_id, fixed.mark) == (ids["pick-b"], 2)
        assert (rule.draw_count, rule.draw_tags, rule.mark) == (2, ["callback"], 1.5)


def test_people_and_departments_come_from_lists(app, client, auth):
    auth.as_role("trainer")
    _bank(app)
    with app.app_context():
        person = make_user(roles=["trainee"], department="Hotline West")
        department = db.session.scalar(select(Department).where(
            Department.name == "Hotline West"))
        person_id, department_id = person.id, department.id
    token = csrf_token(client, NEW)
    form = client.get(NEW).get_data(as_text=True)
    assert f'<option value="{person_id}">' in form and "Hotline West" in form
    saved = client.post(NEW, data=_settings(token, user_ids=[str(person_id)],
                                            department_ids=[str(department_id)],
                                            fixed_keys="pick-a"))
    assert saved.status_code == 302
    with app.app_context():
        exam = db.session.scalar(select(Exam))
        assert {(a.user_id, a.department_id) for a in exam.assignments} == {
            (person_id, None), (None, department_id)}
    bad = client.post(NEW, data=_settings(token, slug="other", user_ids=["99999"],
                                          fixed_keys="pick-a"))
    assert bad.status_code == 400


def test_every_question_a_slot_draws_is_worth_the_slots_mark(app):
    with app.app_context():
        for key, points in (("mark-a", 1), ("mark-b", 3), ("mark-c", 5)):
            store(single_choice(key, points=points, category="service-standards/marks"))
        trainee = make_user(roles=["trainee"])
        exam = make_exam([], user=trainee, attempts_allowed=0,
                         draws="2 service-standards/marks")
        exam.items[0].mark = 2
        db.session.commit()
        totals = set()
        for _ in range(4):
            attempt = attempts.start_attempt(exam, trainee)
            assert {slot.mark for slot in attempt.questions} == {2}
            attempts.submit(attempt.id, trainee.id)
            totals.add(db.session.get(Attempt, attempt.id).max_points)
        assert totals == {4}  # 2 questions x 2 marks, whichever were drawn


def test_the_shipped_finals_fix_the_mark_of_each_draw(app):
    with app.app_context():
        shipped.load()
        exam = db.session.scalar(select(Exam).where(Exam.slug == "service-standards-final"))
        assert all(item.mark == 1 for item in exam.items)
        paper = exam_service.draw_slots(exam, random.Random(3))
        assert {mark for _version, mark in paper} == {1}


def test_changing_the_questions_of_an_exam_with_attempts_asks_first(app, client, auth):
    auth.as_role("trainer")
    ids = _bank(app)
    with app.app_context():
        trainee = make_user(roles=["trainee"])
        exam = make_exam(["pick-a"], user=trainee, slug="asked-exam")
        attempts.start_attempt(exam, trainee)
        exam_id = exam.id
    page = f"/exams/manage/{exam_id}/edit"
    form = client.get(page).get_data(as_text=True)
    assert 'id="attempts-warning"' in form
    token = csrf_token(client, page)
    data = _settings(token, slug="asked-exam", fixed_keys="pick-c")
    refused = client.post(page, data=data)
    assert refused.status_code == 400 and 'name="confirm_change"' in refused.get_data(
        as_text=True)
    with app.app_context():
        assert [i.question_id for i in db.session.get(Exam, exam_id).items] == [ids["pick-a"]]
    assert client.post(page, data={**data, "confirm_change": "y"}).status_code == 302
    with app.app_context():
        assert [i.question_id for i in db.session.get(Exam, exam_id).items] == [ids["pick-c"]]
    unchanged = {**data, "fixed_keys": ""}
    with app.app_context():
        picked = [str(i.question_id) for i in db.session.get(Exam, exam_id).items]
    assert client.post(page, data={**unchanged, "fixed_id": picked}).status_code == 302


def test_slot_points_fall_back_to_the_questions_own_points(app):
    with app.app_context():
        store(single_choice("own-points", points=3))
        trainee = make_user(roles=["trainee"])
        exam = make_exam(["own-points"], user=trainee)
        attempt = attempts.start_attempt(exam, trainee)
        assert grading.slot_points(attempt.questions[0]) == 3
