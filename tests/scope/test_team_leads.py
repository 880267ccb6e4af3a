"""Team leads see and manage only the people of the departments they lead.

The route test walks every page a team lead may open that names a person (``<user_id>``)
or takes a department filter: the lead of Hotline East gets the page for an East person and
for East, and 404 for a South person or South, whatever the page. A new page that forgets the
scope fails here.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.auth import scope
from lms.auth.models import Department, User
from lms.extensions import db
from tests.factories import make_user

EAST, SOUTH, EAST_TEAM_2 = "Hotline East", "Field Service South", "Hotline East · Team 2"


def _lead(department_names: list[str], **fields) -> User:
    lead = make_user(roles=["lead"], department=department_names[0], **fields)
    lead.led_departments = [Department.get_or_create(name) for name in department_names]
    db.session.commit()
    return lead


def _tree() -> dict[str, Department]:
    east = Department.get_or_create(EAST)
    south = Department.get_or_create(SOUTH)
    team2 = Department.get_or_create(EAST_TEAM_2)
    db.session.flush()
    team2.parent = east
    db.session.commit()
    return {EAST: east, SOUTH: south, EAST_TEAM_2: team2}


def test_a_lead_sees_their_departments_and_those_below_them(app_ctx):
    tree = _tree()
    lead = _lead([EAST])
    assert scope.department_ids(lead) == {tree[EAST].id, tree[EAST_TEAM_2].id}
    east_person = make_user(department=EAST_TEAM_2)
    south_person = make_user(department=SOUTH)
    assert scope.may_see(lead, east_person) and not scope.may_see(lead, south_person)
    trainer = make_user(roles=["trainer"])
    assert scope.department_ids(trainer) is None and scope.may_see(trainer, south_person)
    trainee = make_user(department=EAST)
    assert scope.department_ids(trainee) == set() and not scope.may_see(trainee, east_person)
    names = [d.name for d in scope.visible_departments(lead)]
    assert names == sorted([EAST, EAST_TEAM_2])
    visible = db.session.scalars(scope.restrict(select(User.id), lead)).all()
    assert east_person.id in visible and south_person.id not in visible


def _person_routes(app) -> list[str]:
    """Rules a team lead may open (GET) that name a person."""
    rules = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        access = getattr(view, "access_rule", "")
        if "GET" not in rule.methods or "user_id" not in rule.arguments:
            continue
        if "lead" in access.split(":", 1)[-1].split(",") or access == "signed-in":
            rules.append(rule)
    return rules


def _url(rule, user_id: int) -> str:
    values = {name: user_id if name == "user_id" else "x" for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def test_every_person_page_a_lead_may_open_stops_at_their_departments(app, client, auth):
    with app.app_context():
        _tree()
        own = make_user(department=EAST_TEAM_2, name="东区学员")
        other = make_user(department=SOUTH, name="南区学员")
        own_id, other_id = own.id, other.id
        lead = _lead([EAST])
        username = lead.username
        rules = _person_routes(app)
    assert {r.endpoint for r in rules} >= {"records.person", "courses.person",
                                          "exams.manage_transcript"}
    auth.login(username)
    for rule in rules:
        mine = client.get(_url(rule, own_id))
        theirs = client.get(_url(rule, other_id))
        assert mine.status_code in (200, 302), (rule.rule, mine.status_code)
        assert theirs.status_code in (403, 404), (rule.rule, theirs.status_code)
        assert "南区学员" not in theirs.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/courses/manage/dashboard", "/records/gradebook",
                                  "/courses/manage/dashboard/export.csv",
                                  "/records/gradebook/xlsx"])
def test_a_department_filter_outside_the_scope_is_not_found(app, client, auth, path):
    with app.app_context():
        tree = _tree()
        east_id, south_id = tree[EAST].id, tree[SOUTH].id
        username = _lead([EAST]).username
    auth.login(username)
    assert client.get(f"{path}?department={east_id}").status_code == 200
    assert client.get(f"{path}?department={south_id}").status_code == 404


def test_the_lead_dashboard_and_gradebook_hold_only_their_people(app, client, auth):
    from tests.courses.factories import assign_to, make_course

    with app.app_context():
        _tree()
        course = make_course("lead-scope-course")
        for name, department in (("东区甲", EAST), ("东二组乙", EAST_TEAM_2), ("南区丙", SOUTH)):
            assign_to(course, make_user(name=name, department=department),
                      due_in_days=-1)
        username = _lead([EAST]).username
    auth.login(username)
    for path in ("/courses/manage/dashboard", "/records/gradebook", "/"):
        page = client.get(path).get_data(as_text=True)
        assert "东区甲" in page and "东二组乙" in page, path
        assert "南区丙" not in page, path
    csv_text = client.get("/courses/manage/dashboard/export.csv").get_data(as_text=True)
    assert "东区甲" in csv_text and "南区丙" not in csv_text
    home = client.get("/").get_data(as_text=True)
    assert "panel-lead" in home and "/admin/users" not in home


def test_a_lead_assigns_only_to_their_people(app, client, auth):
    from tests.courses.factories import make_course

    with app.app_context():
        tree = _tree()
        course = make_course("lead-assign-course")
        course_id, south_id = course.id, tree[SOUTH].id
        east_id = tree[EAST].id
        make_user(name="东区甲", department=EAST)
        make_user(name="南区丙", department=SOUTH)
        username = _lead([EAST]).username
    auth.login(username)
    page = client.get(f"/courses/manage/assign?item=course:{course_id}").get_data(as_text=True)
    assert "东区甲" in page and "南区丙" not in page and SOUTH not in page
    assert 'value="new_hires"' not in page
    due = (date.today() + timedelta(days=7)).isoformat()
    refused = auth.post("/courses/manage/assign", {
        "item": f"course:{course_id}", "target": "department", "department": str(south_id),
        "due_on": due}, form_page="/courses/manage/assign")
    assert refused.status_code == 400
    done = auth.post("/courses/manage/assign", {
        "item": f"course:{course_id}", "target": "department", "department": str(east_id),
        "due_on": due}, form_page="/courses/manage/assign")
    assert done.status_code == 302
    with app.app_context():
        from lms.courses.models_progress import Assignment

        assigned = {db.session.get(User, a.user_id).name
                    for a in db.session.scalars(select(Assignment))}
        assert "东区甲" in assigned and "南区丙" not in assigned


def test_a_lead_cannot_open_trainer_or_admin_pages(app, client, auth):
    with app.app_context():
        _tree()
        username = _lead([EAST]).username
    auth.login(username)
    for path in ("/admin/users", "/admin/departments", "/courses/manage",
                 "/exams/manage", "/courses/manage/assignments"):
        assert client.get(path).status_code == 403, path
