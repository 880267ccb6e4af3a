"""What the capture sees beyond a plain flush: orphans a cascade deletes, bulk statements,
and the changes of a background job, recorded as done by the person who started it."""

import io

import pytest
from sqlalchemy import delete, select, update

from lms import jobs
from lms.audit import service
from lms.audit.models import AuditEvent
from lms.auth.models import Department, User
from lms.extensions import db
from tests.courses.factories import assign_to, make_course, make_exam
from tests.factories import make_user


def events(**where) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    return list(db.session.scalars(query))


# --- rows a flush deletes without session.delete -------------------------------------------

def test_a_lesson_taken_out_of_its_module_is_recorded_as_deleted(app_ctx):
    from lms.courses import authoring

    make_exam()
    lesson = make_course().lessons[0]
    lesson_id = lesson.id
    authoring.delete_lessons([lesson])
    db.session.commit()
    deleted = events(action="lesson.deleted")
    assert [e.object_id for e in deleted] == [lesson_id]
    assert deleted[0].old["slug"] == "when-to-call"


# --- bulk statements -----------------------------------------------------------------------

def test_a_bulk_delete_records_every_row_it_removed(app_ctx):
    from lms.courses import content_service
    from lms.courses.models import Prerequisite

    make_exam()
    first, second = make_course(), make_course("callback-advanced")
    content_service.add_prerequisite(second, first)
    db.session.commit()
    db.session.execute(delete(Prerequisite).where(Prerequisite.course_id == second.id))
    db.session.commit()
    removed = events(action="prerequisite.deleted")
    assert len(removed) == 1
    assert removed[0].old == {"course_id": second.id, "required_course_id": first.id}


def test_a_bulk_update_records_old_and_new_and_an_idle_one_nothing(app_ctx):
    from datetime import date

    from lms.courses.models_progress import Assignment

    make_exam()
    person = make_user(roles=["trainee"])
    assign_to(make_course(), person, due_in_days=14)
    before = db.session.scalar(select(Assignment.due_on))
    db.session.execute(update(Assignment).values(due_on=date(2027, 1, 31)))
    db.session.commit()
    moved = events(action="assignment.updated")
    assert len(moved) == 1
    assert moved[0].old == {"due_on": before.isoformat()}
    assert moved[0].new == {"due_on": "2027-01-31"}
    db.session.execute(update(Assignment).values(due_on=date(2027, 1, 31)))
    db.session.commit()
    assert len(events(action="assignment.updated")) == 1  # nothing moved: no event


def test_a_rolled_back_bulk_delete_leaves_no_event(app_ctx):
    db.session.add(Department(name="Night Shift"))
    db.session.commit()
    count = len(events())
    db.session.execute(delete(Department).where(Department.name == "Night Shift"))
    db.session.rollback()
    assert len(events()) == count and db.session.scalar(select(Department.id).where(
        Department.name == "Night Shift"))


# --- background jobs -----------------------------------------------------------------------

@jobs.register("tests.audit_open_department")
def _open_department(params: dict, progress) -> dict:
    db.session.add(Department(name=params["name"]))
    db.session.commit()
    return {"ok": True}


@pytest.mark.parametrize("inline", [True, False])
def test_what_a_job_changes_is_recorded_as_done_by_its_owner(app_ctx, inline):
    planner = make_user(roles=["planner"], name="Planner Zhao")
    job = jobs.submit("tests.audit_open_department", {"name": "Night Shift"}, planner.id,
                      inline=inline)
    jobs.wait(job.id, timeout=60)
    db.session.expire_all()
    created = events(action="department.created")[-1]
    assert created.actor_id == planner.id and created.source == "job:tests.audit_open_department"
    assert service.who(created) == f"Planner Zhao ({planner.username})"
    asked, ended = events(action="job.requested")[-1], events(action="job.finished")[-1]
    assert asked.object_id == ended.object_id == job.id
    assert ended.actor_id == planner.id
    assert asked.actor_id is None  # asked outside a request; the web tests below sign in
    assert asked.new["kind"] == "tests.audit_open_department"
    assert not events(action="job.started")  # moving to "running" is not worth an event


def test_a_job_nobody_asked_for_is_the_systems_and_its_row_is_bookkeeping(app_ctx):
    jobs.submit("tests.audit_open_department", {"name": "Sweep Team"}, None, inline=True)
    created = events(action="department.created")[-1]
    assert created.actor_id is None and str(service.who(created)) in ("System", "系统")
    assert not [e for e in events() if e.object_kind == "job"]  # deliveries, sweeps, digests


def _after_job(app, auth, path: str, data: dict, form_page: str) -> None:
    response = auth.post(path, data, form_page=form_page)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        for job_id in db.session.scalars(select(jobs.Job.id)).all():
            jobs.wait(job_id, timeout=120)


def test_a_planning_run_started_by_a_planner_names_the_planner(client, auth, app):
    from tests.planning.factories import make_scenario

    planner_id = auth.as_role("planner")
    with app.app_context():
        scenario_id = make_scenario(db.session.get(User, planner_id)).id
    page = f"/planning/scenarios/{scenario_id}"
    _after_job(app, auth, f"{page}/run", {"replications": "2", "seed": "4"}, page)
    with app.app_context():
        asked = events(action="job.requested")
        assert [(e.source, e.actor_id) for e in asked] == [("planning.run", planner_id)]
        by_job = [e for e in events() if e.source.startswith("job:")]
        assert {e.source for e in by_job} == {"job:planning.simulate"}
        assert by_job and {e.actor_id for e in by_job} == {planner_id}
        assert events(action="job.finished")[-1].actor_id == planner_id


def test_a_forecast_started_by_a_planner_names_the_planner(client, auth, app):
    from tests.audit.scenarios_planning import _history

    planner_id, history_id = _history(auth, app)
    page = f"/workforce/history/{history_id}"
    _after_job(app, auth, f"{page}/forecast", {"horizon_days": "14", "method": "holt_winters",
                                               "holdout_days": "7"}, page)
    with app.app_context():
        by_job = [e for e in events() if e.source == "job:workforce.forecast"]
        assert "job.finished" in {e.action for e in by_job}
        assert {e.actor_id for e in by_job} == {planner_id}
        assert events(action="workforce_forecast.created")[-1].actor_id == planner_id


def test_people_a_user_import_creates_are_the_admins_and_no_password_is_logged(client, auth,
                                                                               app):
    admin_id = auth.as_role("admin")
    body = b"employee_no,name,department,roles,password\nE3604,D,Hotline,trainee,Blue-Kettle-93\n"
    _after_job(app, auth, "/admin/users/import",
               {"file": (io.BytesIO(body), "pw.csv")}, "/admin/users/import")
    with app.app_context():
        created = [e for e in events(action="user.created")
                   if (e.new or {}).get("employee_no") == "E3604"]
        assert created and created[0].actor_id == admin_id
        assert created[0].source == "job:admin.import_users"
        assert all("Blue-Kettle-93" not in f"{e.old} {e.new}" for e in events())


def test_a_roster_verified_by_a_planner_ends_as_the_planners_job(client, auth, app):
    from tests.audit.scenarios_planning import _verify

    path, data, page = _verify(auth, app)
    _after_job(app, auth, path, data, page)
    with app.app_context():
        ended = [e for e in events() if e.source == "job:rostering.verify"]
        assert [e.action for e in ended] == ["job.finished"]
        planner_id = db.session.scalar(select(jobs.Job.owner_id).where(
            jobs.Job.kind == "rostering.verify"))
        assert ended[0].actor_id == planner_id is not None
