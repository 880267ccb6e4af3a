"""A bank that scales: paging, full-text search, several tags, retire/delete, categories,
version diff."""

import random

from sqlalchemy import select

from lms.exams import bank_service, categories, exam_service
from lms.exams.models import Exam, ExamItem, Question, QuestionCategory
from lms.extensions import db
from tests.conftest import csrf_token
from tests.exams.factories import make_exam, single_choice, store
from tests.factories import make_user


def _filter(**wanted):
    return bank_service.find_questions(bank_service.BankFilter(**wanted))


def test_search_reads_options_and_feedback_in_both_languages(app):
    with app.app_context():
        store(single_choice("find-me", right="按时回访客户", wrong=("推诿责任",)))
        store(single_choice("other-one"))
        assert [q.key for q in _filter(text="推诿").questions] == ["find-me"]
        assert [q.key for q in _filter(text="推诿责任 is wrong").questions] == ["find-me"]
        assert [q.key for q in _filter(text="POLICY says").questions] == ["find-me",
                                                                          "other-one"]
        assert _filter(text="100%_").total == 0  # LIKE wildcards are plain characters


def test_the_bank_pages_and_filters_on_every_tag_given(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        for n in range(60):
            tags = ["callback"] + (["urgent"] if n % 3 == 0 else [])
            store(single_choice(f"page-{n:02d}", tags=tags))
        both = _filter(tags=("callback", "urgent"))
        assert both.total == 20 and all("urgent" in q.tags for q in both.questions)
        first = _filter(page=1)
        assert (first.total, first.pages, len(first.questions)) == (60, 2, 50)
    page = client.get("/exams/manage/questions?tag=callback&tag=urgent").get_data(as_text=True)
    assert page.count("<tr><td><a href=\"/exams/manage/questions/") == 20
    second = client.get("/exams/manage/questions?page=2&text=page").get_data(as_text=True)
    assert "page-59" in second and "page-00" not in second and 'rel="prev"' in second


def test_retired_and_deleted_questions_leave_draws_and_keep_their_attempts(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        kept = store(single_choice("keep-me", category="service-standards/pool"))
        gone = store(single_choice("retire-me", category="service-standards/pool"))
        fixed = store(single_choice("fixed-one"))
        trainee = make_user(roles=["trainee"])
        make_exam(["fixed-one"], user=trainee, slug="fixed-exam")
        exam = make_exam([], user=trainee, draws="2 service-standards/pool")
        gone_id, fixed_id, kept_id = gone.id, fixed.id, kept.id
        exam_id = exam.id
    token = csrf_token(client, f"/exams/manage/questions/{gone_id}")
    assert client.post(f"/exams/manage/questions/{gone_id}/status/retired",
                       data={"csrf_token": token}).status_code == 302
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        drawn = {v.question.key for v in exam_service.draw(exam, random.Random(1))}
        assert drawn == {"keep-me"}
        assert _filter(status="retired").total == 1 and _filter().total == 2
    client.post(f"/exams/manage/questions/{fixed_id}/status/deleted", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Question, fixed_id).status == "active"  # an exam fixes it
    client.post(f"/exams/manage/questions/{kept_id}/status/deleted", data={"csrf_token": token})
    with app.app_context():
        row = db.session.get(Question, kept_id)
        assert row.status == "deleted" and row.versions  # kept, versions and all
        assert "keep-me" not in {q.key for q in _filter(status="in_use").questions}
        store(single_choice("keep-me", category="service-standards/pool", right="New"))
        assert db.session.get(Question, kept_id).status == "active"  # saved again: back


def test_categories_are_renamed_moved_and_deleted_with_checks(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        store(single_choice("cat-q", category="service-standards/old/deep"))
        make_exam([], user=make_user(roles=["trainee"]), draws="1 service-standards/old",
                  slug="cat-exam")
        old = db.session.scalar(select(QuestionCategory).where(
            QuestionCategory.path == "service-standards/old"))
        categories.rename(old, "renamed")
        db.session.commit()
        paths = set(db.session.scalars(select(QuestionCategory.path)))
        assert {"service-standards/renamed", "service-standards/renamed/deep"} <= paths
        item = db.session.scalar(select(ExamItem).where(ExamItem.draw_category.is_not(None)))
        assert item.draw_category == "service-standards/renamed"
        exported = bank_service.questions_in("service-standards/renamed")
        assert [q.category for q in exported] == ["service-standards/renamed/deep"]
        categories.create("technical-skills")
        db.session.commit()
        deep = db.session.scalar(select(QuestionCategory).where(
            QuestionCategory.path == "service-standards/renamed/deep"))
        categories.move(deep, "technical-skills")
        db.session.commit()
        assert db.session.scalar(select(Question)).category.path == "technical-skills/deep"
        renamed = db.session.scalar(select(QuestionCategory).where(
            QuestionCategory.path == "service-standards/renamed"))
        renamed_id = renamed.id
        for action, refused in ((lambda: categories.move(renamed, "service-standards/renamed"),
                                 "into_itself"),
                                (lambda: categories.rename(renamed, "a/b"), "bad_name"),
                                (lambda: categories.create("technical-skills"), "exists")):
            try:
                action()
            except categories.CategoryRefused as error:
                assert error.code == refused
            else:
                raise AssertionError(refused)
    token = csrf_token(client, "/exams/manage/categories")
    reply = client.post("/exams/manage/categories", data={
        "csrf_token": token, "action": "delete", "category": renamed_id}, follow_redirects=True)
    assert "cat-exam" in reply.get_data(as_text=True)  # an exam draws from it: refused
    page = client.get("/exams/manage/categories").get_data(as_text=True)
    assert 'data-path="technical-skills/deep"' in page


def test_two_versions_are_compared_line_by_line(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        row = store(single_choice("diff-me", right="24 hours"))
        store(single_choice("diff-me", right="48 hours"))
        question_id = row.id
    page = client.get(f"/exams/manage/questions/{question_id}?version=2&diff=1")
    text = page.get_data(as_text=True)
    assert 'id="version-diff"' in text
    assert '<span class="diff-del">- ' in text and "24 hours" in text.split('diff-del')[1]
    assert "48 hours" in text.split('diff-add')[1]
