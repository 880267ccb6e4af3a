"""Standing assignments: a department / new-hire assignment reaches people who come later."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from lms.auth.models import Department, User
from lms.courses import assignment, dashboard, progress, standing
from lms.courses.models_progress import Assignment
from lms.extensions import db
from tests.courses.factories import make_course
from tests.factories import make_user


def _department(name: str) -> int:
    return db.session.scalar(select(Department.id).where(Department.name == name))


def _assign_to_department(course, name: str, due_on: date) -> None:
    department_id = _department(name)
    people = assignment.people_for("department", department_id=department_id)
    assignment.assign(course, people, due_on, None, "department")
    standing.record(course, "department", department_id, due_on, None)
    db.session.commit()


def test_a_person_moved_into_the_department_gets_the_course_and_counts(app_ctx):
    course = make_course()
    make_user(department="Hotline East")
    mover = make_user(department="Field Service South", name="Mover")
    _assign_to_department(course, "Hotline East", date.today() + timedelta(days=14))
    assert course not in progress.book_for(mover.id).assigned_courses(mover.id)
    assert len(dashboard.enrolments()) == 1

    mover.department_id = _department("Hotline East")
    db.session.commit()
    due = progress.book_for(mover.id).assigned_courses(mover.id)
    assert due == {course: date.today() + timedelta(days=14)}
    assert progress.is_assigned(mover.id, course)
    rows = dashboard.enrolments()
    assert sorted(row.user.name for row in rows)[0] == "Mover" and len(rows) == 2
    (figures,) = dashboard.by_course(rows)
    assert figures.enrolled == 2


def test_after_the_due_date_newcomers_are_not_reached(app_ctx):
    course = make_course()
    make_user(department="Hotline East")
    _assign_to_department(course, "Hotline East", date.today() + timedelta(days=3))
    late = make_user(department="Hotline East")
    later = date.today() + timedelta(days=4)
    assert standing.sync(today=later) == 0
    assert course not in progress.ProgressBook([late.id], later).assigned_courses(late.id)
    assert standing.sync() == 1  # before the due date the same person is reached


def test_new_hires_hired_later_get_the_path_item(app_ctx):
    course = make_course()
    today = date.today()
    standing.record(course, "new_hires", None, today + timedelta(days=30), None)
    db.session.commit()
    hired = make_user(hired_on=today - timedelta(days=2))
    veteran = make_user(hired_on=today - timedelta(days=400))
    assert course in progress.book_for(hired.id).assigned_courses(hired.id)
    assert course not in progress.book_for(veteran.id).assigned_courses(veteran.id)
    row = db.session.scalar(select(Assignment).where(Assignment.user_id == hired.id))
    assert row.source == "new_hires"


def test_a_withdrawn_assignment_does_not_come_back(app_ctx):
    course = make_course()
    member = make_user(department="Hotline East")
    _assign_to_department(course, "Hotline East", date.today() + timedelta(days=14))
    row = db.session.scalar(select(Assignment).where(Assignment.user_id == member.id))
    assignment.withdraw(row)
    db.session.commit()
    assert standing.sync() == 0
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_assigning_twice_to_the_same_department_keeps_one_standing_row(app_ctx):
    course = make_course()
    make_user(department="Hotline East")
    department_id = _department("Hotline East")
    first = standing.record(course, "department", department_id, date.today(), None)
    second = standing.record(course, "department", department_id,
                             date.today() + timedelta(days=9), None)
    assert first.id == second.id and second.due_on == date.today() + timedelta(days=9)


def test_web_a_user_moved_into_the_department_sees_it_and_the_dashboard_counts_them(
        client, auth, app):
    auth.as_role("trainer", department="Training Center")
    with app.app_context():
        course_id = make_course().id
        make_user(department="Hotline East")
        mover = make_user(department="Field Service South", name="Newcomer Wang")
        mover_name = mover.username
        department_id = _department("Hotline East")
    due = (date.today() + timedelta(days=10)).isoformat()
    response = auth.post("/courses/manage/assign", {
        "item": f"course:{course_id}", "target": "department", "department": department_id,
        "due_on": due}, form_page="/courses/manage/assign")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == mover_name))
        user.department_id = department_id
        db.session.commit()
    auth.post("/logout")
    auth.login(mover_name)
    page = client.get("/courses/my").get_data(as_text=True)
    assert "回访基础" in page and due in page
    assert client.get("/courses/c/callback-basics").status_code == 200
    auth.post("/logout")
    auth.as_role("trainer", department="Training Center")
    board = client.get("/courses/manage/dashboard").get_data(as_text=True)
    assert "Newcomer Wang" in board


def test_trainer_sees_and_stops_a_standing_assignment(client, auth, app):
    from lms.courses.models_progress import StandingAssignment

    auth.as_role("trainer", department="Training Center")
    with app.app_context():
        course_id = make_course().id
        make_user(department="Hotline East")
        department_id = _department("Hotline East")
    due = (date.today() + timedelta(days=10)).isoformat()
    auth.post("/courses/manage/assign", {
        "item": f"course:{course_id}", "target": "department", "department": department_id,
        "due_on": due}, form_page="/courses/manage/assign")
    listing = f"/courses/manage/assignments?item=course:{course_id}"
    with app.app_context():
        make_user(department="Hotline East", name="Joined Later")
        standing_id = db.session.scalar(select(StandingAssignment.id))
    body = client.get(listing).get_data(as_text=True)
    assert "之后加入 Hotline East 的所有人员" in body and f"截至 {due}" in body
    assert "Joined Later" in body  # reached as soon as the list is looked at
    response = auth.post(f"/courses/manage/standing/{standing_id}/stop", form_page=listing)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(StandingAssignment.id))) == 0
        late = make_user(department="Hotline East")
        assert standing.sync() == 0
        assert db.session.scalar(select(func.count(Assignment.id)).where(
            Assignment.user_id == late.id)) == 0
        assert db.session.scalar(select(func.count(Assignment.id))) == 2  # the earlier ones stay


def test_checking_one_person_reads_one_person_not_the_whole_department(app_ctx):
    """A trainee's page syncs standing assignments for that trainee only: the work does not
    grow with the size of the department (issue 18: pages that grow with the organisation)."""
    course = make_course()
    for _ in range(40):
        make_user(department="Hotline East")
    _assign_to_department(course, "Hotline East", date.today() + timedelta(days=14))
    from sqlalchemy import event

    newcomer_id = make_user(department="Hotline East", name="Newcomer").id
    db.session.expunge_all()
    loaded = []

    def count(target, _context):
        loaded.append(target.id)

    event.listen(User, "load", count)
    try:
        assert standing.sync([newcomer_id]) == 1
    finally:
        event.remove(User, "load", count)
    assert len(loaded) <= 2, loaded  # the newcomer (and at most the assigning trainer)
