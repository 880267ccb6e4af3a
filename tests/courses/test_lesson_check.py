"""The in-lesson knowledge check (issue 15.1): 2-3 bank questions naming the lesson, answerable
on the lesson page, showing right/wrong and the item's feedback, graded nowhere, stored nowhere."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lms.auth.models import User
from lms.courses import content_service, lesson_check
from lms.courses.bundle import CONTENT_DIR, read_content_dir, read_course_dir
from lms.extensions import db
from question_bank import qtypes
from question_bank.model import QuestionType
from tests.conftest import csrf_token
from tests.courses.factories import assign_to, make_course

COURSE = "leadership"
LESSON = "coaching-new-hires"
PAGE = f"/courses/c/{COURSE}/{LESSON}"
CHECK = f"{PAGE}/check"


def _leadership(app, auth, *, assigned=True, role="trainee"):
    """The shipped leadership course, published, and a signed-in person (assigned to it)."""
    user_id = auth.as_role(role)
    with app.app_context():
        course = content_service.import_bundle(read_course_dir(CONTENT_DIR / COURSE),
                                               status="published")
        db.session.commit()
        if assigned:
            assign_to(course, db.session.get(User, user_id))
    return user_id


def _keys_on(body: str) -> list[str]:
    return re.findall(r'class="question check-question" id="check-[^"]+" data-key="([^"]+)"',
                      body)


def _token(body: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def _answer(question, right: bool):
    """A form value answering ``question`` rightly or wrongly (None: leave it blank)."""
    kind = qtypes.kind_of(question)
    if question.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        ids = kind.option_ids(question)
        credit = {option_id: question.options[index].fraction for option_id, index in ids.items()}
        if question.type == QuestionType.SINGLE_CHOICE:
            return next(i for i, f in credit.items() if (f >= 1.0) == right)
        return [i for i, f in credit.items() if (f > 0) == right]
    if question.type == QuestionType.TRUE_FALSE:
        return str(question.answer == right).lower()
    return None


def _rows_in_every_table() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_every_leadership_lesson_has_at_least_two_checkable_items():
    courses, _ = read_content_dir(CONTENT_DIR)
    leadership = next(course for course in courses if course.slug == COURSE)
    counts = {lesson.slug: len(lesson_check.questions_for_lesson(COURSE, lesson.slug))
              for lesson in leadership.lessons}
    assert len(counts) == 5 and min(counts.values()) >= 2, counts


def test_the_lesson_page_shows_up_to_three_of_the_items_naming_the_lesson(client, auth, app):
    _leadership(app, auth)
    body = client.get(PAGE).get_data(as_text=True)
    keys = _keys_on(body)
    assert 2 <= len(keys) <= 3 and len(set(keys)) == len(keys)
    bank = {q.key: q for q in lesson_check.shipped_bank()}
    assert all(f"lesson:{COURSE}/{LESSON}" in bank[key].tags for key in keys)
    assert 'id="check-answers"' in body  # the "Check" button of an answerable form
    # Nothing is revealed before "Check": no feedback, no right/wrong marks.
    for key in keys:
        assert bank[key].general_feedback.zh not in body
    assert "mark-ok" not in body and "mark-bad" not in body


def test_the_same_person_gets_the_same_questions_and_others_may_get_others(client, auth, app):
    _leadership(app, auth)
    first = _keys_on(client.get(PAGE).get_data(as_text=True))
    assert _keys_on(client.get(PAGE).get_data(as_text=True)) == first
    choices = {tuple(q.key for q in lesson_check.chosen_questions(user, COURSE, LESSON))
               for user in range(1, 30)}
    assert len(choices) > 1  # the choice depends on the person
    assert lesson_check.chosen_questions(7, COURSE, LESSON) == \
        lesson_check.chosen_questions(7, COURSE, LESSON)


def test_check_shows_right_and_wrong_with_the_items_feedback_and_stores_nothing(
        client, auth, app):
    user_id = _leadership(app, auth)
    body = client.get(PAGE).get_data(as_text=True)
    chosen = lesson_check.chosen_questions(user_id, COURSE, LESSON)
    answerable = [q for q in chosen if _answer(q, True) is not None]
    assert len(answerable) >= 2, [q.type for q in chosen]
    right, wrong = answerable[0], answerable[1]
    form = {"csrf_token": _token(body),
            f"check-{right.key}": _answer(right, True),
            f"check-{wrong.key}": _answer(wrong, False)}
    with app.app_context():
        before = _rows_in_every_table()
    response = client.post(CHECK, data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    sections = dict(zip(_keys_on(page), re.split(r'class="question check-question"', page)[1:],
                        strict=True))
    assert "mark-ok" in sections[right.key] and "mark-bad" not in sections[right.key]
    assert "mark-bad" in sections[wrong.key]
    for question in (right, wrong):  # the item's own feedback, in the page's language
        assert question.general_feedback.zh in sections[question.key]
    assert 'id="check-again"' in page and 'id="check-answers"' not in page
    with app.app_context():
        assert _rows_in_every_table() == before  # not graded, not stored


def test_a_question_left_blank_is_shown_as_not_answered(client, auth, app):
    _leadership(app, auth)
    body = client.get(PAGE).get_data(as_text=True)
    page = client.post(CHECK, data={"csrf_token": _token(body)}).get_data(as_text=True)
    assert page.count("not-answered") == len(_keys_on(page)) >= 2


def test_a_check_without_the_csrf_token_is_refused(client, auth, app):
    _leadership(app, auth)
    response = client.post(CHECK, data={})
    assert response.status_code == 400
    assert "mark-ok" not in response.get_data(as_text=True)


def test_a_forged_option_id_is_refused(client, auth, app):
    user_id = _leadership(app, auth)
    body = client.get(PAGE).get_data(as_text=True)
    target = next(q for q in lesson_check.chosen_questions(user_id, COURSE, LESSON)
                  if _answer(q, True) is not None)
    response = client.post(CHECK, data={"csrf_token": _token(body),
                                        f"check-{target.key}": "not-an-option"})
    assert response.status_code == 400


def test_an_item_the_person_was_not_given_cannot_be_checked(client, auth, app):
    user_id = _leadership(app, auth)
    body = client.get(PAGE).get_data(as_text=True)
    chosen = {q.key for q in lesson_check.chosen_questions(user_id, COURSE, LESSON)}
    other = next(q for q in lesson_check.questions_for_lesson(COURSE, LESSON)
                 if q.key not in chosen)
    page = client.post(CHECK, data={"csrf_token": _token(body),
                                    f"check-{other.key}": _answer(other, True) or "x"}
                       ).get_data(as_text=True)
    assert other.key not in _keys_on(page) and other.general_feedback.zh not in page


def test_a_trainee_not_assigned_may_not_check_and_a_visitor_is_sent_to_sign_in(
        client, auth, app):
    _leadership(app, auth, assigned=False)
    token = csrf_token(client, "/account/password")
    assert client.post(CHECK, data={"csrf_token": token}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    response = client.post(CHECK, data={"csrf_token": token})
    assert response.status_code in (302, 400)  # to the sign-in page, or the stale token
    assert "check-question" not in response.get_data(as_text=True)
    assert client.get(PAGE).status_code == 302


def test_a_trainer_previewing_the_lesson_can_check_too(client, auth, app):
    _leadership(app, auth, role="trainer")
    body = client.get(PAGE).get_data(as_text=True)
    assert len(_keys_on(body)) >= 2
    assert client.post(CHECK, data={"csrf_token": _token(body)}).status_code == 200


def test_a_lesson_no_item_names_shows_no_check(client, auth, app):
    user_id = auth.as_role("trainee")
    with app.app_context():
        course = make_course()
        assign_to(course, db.session.get(User, user_id))
    body = client.get("/courses/c/callback-basics/when-to-call").get_data(as_text=True)
    assert 'id="lesson-check"' not in body


def test_an_unknown_lesson_is_404_for_the_check(client, auth, app):
    _leadership(app, auth)
    token = _token(client.get(PAGE).get_data(as_text=True))
    assert client.post(f"/courses/c/{COURSE}/no-such-lesson/check",
                       data={"csrf_token": token}).status_code == 404


def test_the_check_endpoint_declares_its_access_rule(app):
    assert app.view_functions["courses.check_lesson"].access_rule == "signed-in"
