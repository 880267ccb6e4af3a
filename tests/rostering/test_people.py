"""People in rosters: contracts and skill groups a planner keeps, days off a person asks for
and a planner decides, and both reaching the solver; everyone concerned is told."""

import io
import json
import re
from datetime import date, timedelta

from lms import jobs
from lms.auth.models import Department
from lms.extensions import db
from lms.notify.models import Notification
from lms.rostering import service
from lms.rostering.models import AgentContract, DayOffRequest, RosterShift, ShiftPlan
from tests.conftest import Auth
from tests.factories import make_user


def _plan_on(app, owner_id: int, day: date, templates=("part",)) -> int:
    """One group needing 2 heads 09:00-13:00 on ``day`` (1-hour intervals), solved inline."""
    with app.app_context():
        department = db.session.query(Department).filter_by(name="Hotline East").one()
        need = [0.0] * 9 + [2.0] * 4 + [0.0] * 4
        requirement = {"groups": ["frontline"], "interval_minutes": 60, "offset": 8,
                       "n_intervals": 9, "labels": [f"{h:02d}:00" for h in range(8, 17)],
                       "need": {"frontline": need}}
        plan = ShiftPlan(name="Small day", owner_id=owner_id, source_label="test",
                         department_id=department.id, starts_on=day, zone="Asia/Shanghai",
                         requirement_json=json.dumps(requirement), scenario_yaml="",
                         templates_json=json.dumps(list(templates)), time_limit=3)
        db.session.add(plan)
        db.session.commit()
        plan.job_id = jobs.submit("rostering.solve", service.solve_params(plan), owner_id,
                                  inline=True).id
        db.session.commit()
        return plan.id


def _as(app, username: str):
    client = app.test_client()
    auth = Auth(client, app)
    auth.login(username)
    return client, auth


def _kinds(app, user_id: int) -> list[str]:
    with app.app_context():
        return [n.kind for n in db.session.query(Notification).filter_by(user_id=user_id)]


def test_a_planner_keeps_a_contract_and_bad_numbers_change_nothing(client, auth, app):
    auth.as_role("planner")
    with app.app_context():
        ann = make_user(name="Ann Agent", username="ann", department="Hotline East")
        trainer = make_user(roles=["trainer"])
        ann_id, trainer_id = ann.id, trainer.id
    page = client.get("/rostering/people").get_data(as_text=True)
    assert "Ann Agent" in page and 'id="people"' in page
    path = f"/rostering/people/{ann_id}"
    assert 'name="groups"' in client.get(path).get_data(as_text=True)
    bad = auth.post(path, {"kind": "part_time", "min_hours": "30", "max_hours": "20",
                           "max_days": "4", "max_consecutive_days": "4"}, form_page=path)
    assert bad.status_code == 400
    assert "minimum hours are more than the maximum" in bad.get_data(as_text=True) or \
        "最少工时多于最多工时" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AgentContract, ann_id) is None
    saved = auth.post(path, {"kind": "part_time", "min_hours": "16", "max_hours": "24",
                             "max_days": "4", "max_consecutive_days": "3",
                             "groups": ["complaints_desk", "frontline"]}, form_page=path)
    assert saved.status_code == 302
    with app.app_context():
        row = db.session.get(AgentContract, ann_id)
        assert (row.kind, row.min_hours, row.max_hours, row.groups) == \
            ("part_time", 16, 24, ["complaints_desk", "frontline"])
    page = client.get("/rostering/people").get_data(as_text=True)
    assert "complaints_desk" not in re.sub(r"<[^>]+>", " ", page)  # titles, not keys
    assert client.get(f"/rostering/people/{trainer_id}").status_code == 404
    trainee_client, _auth = _as(app, "ann")
    assert trainee_client.get("/rostering/people").status_code == 403


def test_contracts_and_approved_days_off_reach_the_solver(client, auth, app):
    planner = auth.as_role("planner")
    day = date.today() + timedelta(days=7)
    with app.app_context():
        ann = make_user(name="Ann Agent", username="ann", department="Hotline East")
        bo = make_user(name="Bo Agent", username="bo", department="Hotline East")
        cy = make_user(name="Cy Agent", username="cy", department="Hotline East")
        db.session.add(AgentContract(user_id=cy.id, kind="part_time", min_hours=16,
                                     max_hours=24, max_days=4, max_consecutive_days=4,
                                     groups_json=json.dumps(["technical_support"])))
        db.session.add(DayOffRequest(user_id=ann.id, day=day, status="approved"))
        db.session.add(DayOffRequest(user_id=bo.id, day=day, status="requested"))
        db.session.commit()
        ann_id, bo_id, cy_id = ann.id, bo.id, cy.id
    plan_id = _plan_on(app, planner, day)
    with app.app_context():
        plan = db.session.get(ShiftPlan, plan_id)
        agents = {a["id"]: a for a in plan.job.params["agents"]}
        roster = plan.job.result["roster"]
    assert agents[str(ann_id)]["days_off"] == [0]
    assert agents[str(bo_id)]["days_off_wanted"] == [0]
    assert str(cy_id) not in agents  # only in a group this plan does not need
    rostered = {x["agent_id"] for x in roster["assignments"]}
    assert str(ann_id) not in rostered  # an approved day off is kept free


def test_a_day_off_is_asked_decided_and_told(client, auth, app):
    planner_id = auth.as_role("planner")
    day = date.today() + timedelta(days=10)
    with app.app_context():
        ann_id = make_user(name="Ann Agent", username="ann", department="Hotline East").id
    agent, agent_auth = _as(app, "ann")
    past = agent_auth.post("/rostering/mine/days-off", {"day": date.today().isoformat()},
                           form_page="/rostering/mine")
    assert past.status_code == 400 and 'id="day-error"' in past.get_data(as_text=True)
    asked = agent_auth.post("/rostering/mine/days-off", {"day": day.isoformat(),
                                                         "reason": "Family visit"},
                            form_page="/rostering/mine")
    assert asked.status_code == 302
    again = agent_auth.post("/rostering/mine/days-off", {"day": day.isoformat()},
                            form_page="/rostering/mine")
    assert again.status_code == 400
    assert "day_off_requested" in _kinds(app, planner_id)
    page = client.get("/rostering/requests").get_data(as_text=True)
    assert "Ann Agent" in page and "Family visit" in page
    with app.app_context():
        request_id = db.session.query(DayOffRequest).filter_by(user_id=ann_id).one().id
    decided = auth.post(f"/rostering/requests/{request_id}", {"decision": "approve"},
                        form_page="/rostering/requests")
    assert decided.status_code == 302
    twice = auth.post(f"/rostering/requests/{request_id}", {"decision": "decline"},
                      form_page="/rostering/requests")
    assert twice.status_code == 302
    with app.app_context():
        row = db.session.get(DayOffRequest, request_id)
        assert row.status == "approved" and row.decided_by_id == planner_id
    assert "day_off_decided" in _kinds(app, ann_id)
    mine = agent.get("/rostering/mine").get_data(as_text=True)
    assert 'data-status="approved"' in mine
    # a decided request cannot be withdrawn; another person's cannot be touched at all
    refused = agent_auth.post(f"/rostering/mine/days-off/{request_id}/withdraw",
                              form_page="/rostering/mine")
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.get(DayOffRequest, request_id) is not None
        make_user(name="Bo Agent", username="bo", department="Hotline East")
    _other, other_auth = _as(app, "bo")
    assert other_auth.post(f"/rostering/mine/days-off/{request_id}/withdraw",
                           form_page="/rostering/mine").status_code == 404


def test_publishing_tells_each_rostered_person(client, auth, app):
    planner = auth.as_role("planner")
    with app.app_context():
        ann_id = make_user(name="Ann Agent", username="ann", department="Hotline East").id
        bo_id = make_user(name="Bo Agent", username="bo", department="Hotline East").id
    plan_id = _plan_on(app, planner, date.today() + timedelta(days=3))
    assert auth.post(f"/rostering/{plan_id}/publish",
                     form_page=f"/rostering/{plan_id}").status_code == 302
    with app.app_context():
        rostered = {s.user_id for s in db.session.query(RosterShift)}
    assert rostered
    for user_id in (ann_id, bo_id):
        assert ("roster_published" in _kinds(app, user_id)) == (user_id in rostered)


def test_the_roster_prints_one_page_per_agent_and_each_agent_prints_their_own(client, auth,
                                                                              app):
    from pypdf import PdfReader

    planner = auth.as_role("planner")
    with app.app_context():
        make_user(name="Ann Agent", username="ann", department="Hotline East")
        make_user(name="Bo Agent", username="bo", department="Hotline East")
    plan_id = _plan_on(app, planner, date.today() + timedelta(days=3))
    printed = client.get(f"/rostering/{plan_id}/roster.pdf")
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(printed.data))
    with app.app_context():
        names = {x["agent_id"] for x in db.session.get(ShiftPlan, plan_id).job.result[
            "roster"]["assignments"]}
    assert len(reader.pages) == len(names)
    assert "Agent" in reader.pages[0].extract_text()
    assert auth.post(f"/rostering/{plan_id}/publish",
                     form_page=f"/rostering/{plan_id}").status_code == 302
    agent, _auth = _as(app, "ann")
    mine = agent.get("/rostering/mine.pdf")
    assert mine.status_code == 200 and mine.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(mine.data)).pages[0].extract_text()
    assert "Ann Agent" in text and "Bo Agent" not in text
