"""Pages whose SQL statements must not grow with the number of rows (issue 18.2): a trainee's
pages do not grow with the size of the organisation, a trainer's lists not with the people."""

from datetime import date, timedelta

import pytest

from lms.courses import assignment, standing
from lms.extensions import db
from tests.conftest import Auth
from tests.courses.factories import make_course
from tests.factories import make_user


def _organisation(app, colleagues: int) -> None:
    """A course assigned to a department of ``colleagues`` people (standing assignment)."""
    with app.app_context():
        course = make_course()
        for _ in range(colleagues):
            make_user(department="Hotline East")
        from lms.auth.models import Department

        department = db.session.query(Department).filter_by(name="Hotline East").one()
        people = assignment.people_for("department", department_id=department.id)
        assignment.assign(course, people, date.today() + timedelta(days=14), None, "department")
        standing.record(course, "department", department.id,
                        date.today() + timedelta(days=14), None)
        db.session.commit()
        make_user(username="reader", department="Hotline East")
        standing.sync()
        db.session.commit()


def _statements(app, count_queries, path: str) -> int:
    client = app.test_client()
    Auth(client, app).login("reader")
    client.get(path)  # warm: compiled catalogs, first-request work
    with count_queries() as counted:
        response = client.get(path)
    assert response.status_code == 200
    return counted["n"]


@pytest.mark.parametrize("path", ["/", "/courses/my", "/courses/c/callback-basics",
                                  "/courses/c/callback-basics/when-to-call", "/calendar/",
                                  "/records/me"])
def test_a_trainee_page_does_not_grow_with_the_organisation(app, count_queries, path):
    _organisation(app, 5)
    small = _statements(app, count_queries, path)
    from tests.conftest import _empty_tables

    _empty_tables(app)
    _organisation(app, 60)
    large = _statements(app, count_queries, path)
    assert large == small, (path, small, large)


def _trainer_statements(app, count_queries, path: str) -> int:
    client = app.test_client()
    with app.app_context():
        make_user(username="coach", roles=["trainer"], department="Training")
    Auth(client, app).login("coach")
    client.get(path)
    with count_queries() as counted:
        response = client.get(path)
    assert response.status_code == 200
    return counted["n"]


@pytest.mark.parametrize("path", ["/courses/manage/dashboard", "/records/gradebook", "/"])
def test_a_trainer_list_does_not_grow_with_the_people_in_it(app, count_queries, path):
    _organisation(app, 5)
    small = _trainer_statements(app, count_queries, path)
    from tests.conftest import _empty_tables

    _empty_tables(app)
    _organisation(app, 40)
    large = _trainer_statements(app, count_queries, path)
    assert large <= small + 2, (path, small, large)


def _exam_with_attempts(app, people: int) -> int:
    from lms.exams import attempts
    from tests.exams.factories import make_exam, option_ids, single_choice, store

    with app.app_context():
        ids = {}
        for n in range(3):
            row = store(single_choice(f"perf-q{n}", right="R", wrong=("W", "X")))
            ids[row.key] = option_ids(row)
        exam = make_exam([f"perf-q{n}" for n in range(3)], department="Hotline East")
        for number in range(people):
            person = make_user(roles=["trainee"], department="Hotline East")
            attempt = attempts.start_attempt(exam, person)
            for slot in attempt.questions:
                attempts.save_answer(attempt.id, person.id, slot.id,
                                     ids[slot.version.question.key]["R" if number % 2 else "W"])
            attempts.submit(attempt.id, person.id)
        return exam.id


@pytest.mark.parametrize("page", ["", "/items"])
def test_an_exam_s_results_do_not_grow_with_its_attempts(app, count_queries, page):
    exam_id = _exam_with_attempts(app, 4)
    small = _trainer_statements(app, count_queries, f"/exams/manage/{exam_id}{page}")
    from tests.conftest import _empty_tables

    _empty_tables(app)
    exam_id = _exam_with_attempts(app, 16)
    large = _trainer_statements(app, count_queries, f"/exams/manage/{exam_id}{page}")
    assert large <= small + 2, (page, small, large)
