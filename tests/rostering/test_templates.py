"""A planner's own shift templates: made through the form with every mistake named, chosen
for a plan, carried to the solver as plain data, worked by the contracts they fit."""

import json
from datetime import date, timedelta

from lms import jobs
from lms.auth.models import Department, User
from lms.extensions import db
from lms.rostering import service
from lms.rostering.models import AgentContract, OwnShiftTemplate, ShiftPlan
from tests.conftest import Auth
from tests.factories import make_user

GOOD = {"name": "Evening 4 h", "start_earliest": "17:00", "start_latest": "18:00",
        "step": "60", "length_hours": "4", "lunch": "0", "lunch_after": "2",
        "weekdays": [str(d) for d in range(7)], "cost_per_hour": "1.2"}


def test_a_template_is_made_and_mistakes_are_named_on_their_field(client, auth, app):
    auth.as_role("planner")
    path = "/rostering/templates"
    page = client.get(path).get_data(as_text=True)
    assert 'id="template-list"' in page and 'id="new-template"' in page
    for change, field in (({"start_latest": "16:00"}, "start_latest"),
                          ({"start_earliest": "25:00"}, "start_earliest"),
                          ({"start_latest": "21:00"}, "length_hours"),
                          ({"length_hours": "4", "lunch": "60", "lunch_after": "3"},
                           "lunch_after"),
                          ({"weekdays": []}, "weekdays")):
        refused = auth.post(path, {**GOOD, **change}, form_page=path)
        assert refused.status_code == 400, change
        assert f'id="{field}-error"' in refused.get_data(as_text=True), change
    with app.app_context():
        assert db.session.query(OwnShiftTemplate).count() == 0
    assert auth.post(path, GOOD, form_page=path).status_code == 302
    with app.app_context():
        row = db.session.query(OwnShiftTemplate).one()
        assert (row.start_earliest, row.start_latest, row.length_minutes, row.cost_per_hour) \
            == (17 * 60, 18 * 60, 240, 1.2)
    assert "Evening 4 h" in client.get("/rostering/").get_data(as_text=True)


def test_an_own_template_reaches_the_solver_and_the_contracts_it_fits(client, auth, app):
    planner = auth.as_role("planner")
    assert auth.post("/rostering/templates", {**GOOD, "start_earliest": "09:00",
                                              "start_latest": "09:00"},
                     form_page="/rostering/templates").status_code == 302
    with app.app_context():
        key = db.session.query(OwnShiftTemplate).one().key
        part = make_user(name="Pat Part", username="pat", department="Hotline East")
        full = make_user(name="Fay Full", username="fay", department="Hotline East")
        department = db.session.query(Department).filter_by(name="Hotline East").one()
        db.session.add_all([
            AgentContract(user_id=part.id, kind="part_time", min_hours=0, max_hours=24,
                          max_days=4, max_consecutive_days=4),
            AgentContract(user_id=full.id, kind="full_time", min_hours=0, max_hours=40,
                          max_days=5, max_consecutive_days=5)])
        need = [0.0] * 9 + [1.0] * 4 + [0.0] * 11
        requirement = {"groups": ["frontline"], "interval_minutes": 60, "offset": 0,
                       "n_intervals": 24, "labels": [f"{h:02d}:00" for h in range(24)],
                       "need": {"frontline": need}}
        owner = db.session.get(User, planner)
        plan = ShiftPlan(name="Own shifts", owner_id=owner.id, source_label="test",
                         department_id=department.id,
                         starts_on=date.today() + timedelta(days=2), zone="Asia/Shanghai",
                         requirement_json=json.dumps(requirement), scenario_yaml="",
                         templates_json=json.dumps([key]), time_limit=3)
        db.session.add(plan)
        db.session.commit()
        params = service.solve_params(plan)
        plan.job_id = jobs.submit("rostering.solve", params, planner, inline=True).id
        db.session.commit()
        result = plan.job.result
        plan_id, part_id = plan.id, part.id
    assert params["template_specs"][key]["length"] == 240
    agents = {a["id"]: a for a in params["agents"]}
    assert agents[str(part_id)]["contract"]["templates"] == [key]
    assert len(agents) == 1  # a 4-hour shift is not a full-time contract's shift
    assert {x["template"] for x in result["roster"]["assignments"]} == {key}
    page = client.get(f"/rostering/{plan_id}").get_data(as_text=True)
    assert "Evening 4 h" in page


def test_only_the_owner_deletes_a_template_and_solved_plans_keep_their_label(client, auth,
                                                                             app):
    auth.as_role("planner")
    assert auth.post("/rostering/templates", GOOD,
                     form_page="/rostering/templates").status_code == 302
    with app.app_context():
        template_id = db.session.query(OwnShiftTemplate).one().id
        make_user(roles=["planner"], username="other")
    other = app.test_client()
    other_auth = Auth(other, app)
    other_auth.login("other")
    assert other_auth.post(f"/rostering/templates/{template_id}/delete",
                           form_page="/rostering/templates").status_code == 404
    assert auth.post(f"/rostering/templates/{template_id}/delete",
                     form_page="/rostering/templates").status_code == 302
    with app.app_context():
        assert db.session.query(OwnShiftTemplate).count() == 0
        assert service.shift_templates.label_of(f"own:{template_id}")
