"""Departments as a tree (create, rename, move, merge) and team leads on the user form."""

from datetime import date, timedelta

from sqlalchemy import select

from lms.auth.models import Department, LeadDepartment, User
from lms.extensions import db
from tests.factories import make_user


def _department(app, name):
    with app.app_context():
        found = db.session.scalar(select(Department).where(Department.name == name))
        return (found.id, found.parent_id) if found else None


def test_admin_builds_the_tree_and_a_name_is_taken_once(client, auth, app):
    auth.as_role("admin", department="Service Management")
    created = auth.post("/admin/departments", {"name": "Hotline East", "parent": "0"},
                        form_page="/admin/departments")
    assert created.status_code == 302
    east_id, _ = _department(app, "Hotline East")
    team = auth.post("/admin/departments", {"name": "East Team 2", "parent": str(east_id)},
                     form_page="/admin/departments")
    assert team.status_code == 302
    assert _department(app, "East Team 2")[1] == east_id
    again = auth.post("/admin/departments", {"name": "hotline east", "parent": "0"},
                      form_page="/admin/departments")
    assert again.status_code == 400
    page = again.get_data(as_text=True)
    assert "hotline east" in page and ("exists already" in page or "已有名为" in page)
    listing = client.get("/admin/departments").get_data(as_text=True)
    assert listing.index("Hotline East") < listing.index("East Team 2")
    assert 'data-depth="1"' in listing


def test_a_department_cannot_move_below_itself(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        east = Department.get_or_create("Hotline East")
        team = Department.get_or_create("East Team 2")
        db.session.flush()
        team.parent = east
        db.session.commit()
        east_id, team_id = east.id, team.id
    edit = f"/admin/departments/{east_id}"
    page = client.get(edit).get_data(as_text=True)
    assert f'value="{team_id}"' not in page  # its own sub-department is not offered
    reply = auth.post(edit, {"edit-name": "Hotline East", "edit-parent": str(team_id)},
                      form_page=edit)
    assert reply.status_code == 400
    assert _department(app, "Hotline East")[1] is None


def test_merging_moves_people_leads_sub_departments_and_standing_assignments(
        client, auth, app):
    from lms.courses import standing
    from lms.courses.models_progress import StandingAssignment
    from tests.courses.factories import make_course

    auth.as_role("admin", department="Service Management")
    with app.app_context():
        old = Department.get_or_create("Hotline West")
        new = Department.get_or_create("Hotline East")
        child = Department.get_or_create("West Night Shift")
        db.session.flush()
        child.parent = old
        people = [make_user(department="Hotline West").id for _ in range(3)]
        lead = make_user(roles=["lead"], department="Hotline West")
        lead.led_departments = [old]
        standing.record(make_course("merge-course"), "department", old.id,
                        date.today() + timedelta(days=9), None)
        db.session.commit()
        old_id, new_id, child_id, lead_id = old.id, new.id, child.id, lead.id
    edit = f"/admin/departments/{old_id}"
    reply = auth.post(edit, {"merge-into": str(new_id)}, form_page=edit)
    assert reply.status_code == 302
    flashed = client.get("/admin/departments").get_data(as_text=True)
    assert "4" in flashed and "Hotline West" in flashed  # the notice of the merge
    page = client.get("/admin/departments").get_data(as_text=True)
    assert "Hotline West" not in page and "West Night Shift" in page
    with app.app_context():
        assert db.session.get(Department, old_id) is None
        assert {db.session.get(User, i).department_id for i in [*people, lead_id]} == {new_id}
        assert db.session.get(Department, child_id).parent_id == new_id
        assert db.session.scalars(select(LeadDepartment.department_id).where(
            LeadDepartment.user_id == lead_id)).all() == [new_id]
        rule = db.session.scalar(select(StandingAssignment))
        assert rule.department_id == new_id


def test_a_team_lead_needs_a_department_and_keeps_it(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        east = Department.get_or_create("Hotline East")
        target = make_user(username="lead-to-be", roles=["trainee"], department="Hotline East")
        target_id, east_id, number = target.id, east.id, target.employee_no
    edit = f"/admin/users/{target_id}/edit"
    fields = {"username": "lead-to-be", "employee_no": number, "name": "陈班长",
              "department": "Hotline East", "roles": ["lead"], "active": "y"}
    refused = auth.post(edit, fields, form_page=edit)
    assert refused.status_code == 200 or refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "at least one department" in text or "至少需要负责一个部门" in text
    saved = auth.post(edit, {**fields, "led_departments": [str(east_id)]}, form_page=edit)
    assert saved.status_code == 302
    with app.app_context():
        lead = db.session.get(User, target_id)
        assert lead.roles == {"lead"} and [d.id for d in lead.led_departments] == [east_id]
    page = client.get("/admin/departments").get_data(as_text=True)
    assert "陈班长" in page


def test_the_demo_lead_leads_hotline_east(app_ctx):
    from lms.demo import load_users

    load_users()
    lead = db.session.scalar(select(User).where(User.username == "lead"))
    assert lead.roles == {"lead"}
    assert [d.name for d in lead.led_departments] == [lead.department.name]
