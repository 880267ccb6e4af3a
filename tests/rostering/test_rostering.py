"""Shift plans, rosters, my shifts and the feed through the web, end to end with small jobs."""

import io
import json
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from lms import jobs
from lms.auth.models import Department, User
from lms.extensions import db
from lms.rostering import service
from lms.rostering.models import ShiftPlan
from tests.conftest import Auth
from tests.factories import make_user


def _tiny_plan(app, owner_id: int, department: str | None = "Hotline East") -> int:
    """A plan of one group needing 2 heads 09:00-13:00 (1-hour intervals), solved inline."""
    with app.app_context():
        dep = db.session.query(Department).filter_by(name=department).one() if department \
            else None
        need = [0.0] * 9 + [2.0] * 4 + [0.0] * 4
        requirement = {"groups": ["frontline"], "interval_minutes": 60, "offset": 8,
                       "n_intervals": 9, "labels": [f"{h:02d}:00" for h in range(8, 17)],
                       "need": {"frontline": need}}
        plan = ShiftPlan(name="Tiny", owner_id=owner_id, source_label="test",
                         department_id=dep.id if dep else None,
                         starts_on=__import__("datetime").date(2030, 1, 7), zone="Asia/Shanghai",
                         requirement_json=json.dumps(requirement), scenario_yaml="",
                         templates_json=json.dumps(["part"]), time_limit=3)
        db.session.add(plan)
        db.session.commit()
        plan.job_id = jobs.submit("rostering.solve", service.solve_params(plan), owner_id,
                                  inline=True).id
        db.session.commit()
        return plan.id


def test_index_lists_and_solves_a_plan_from_the_default(client, auth, app):
    auth.as_role("planner")
    page = client.get("/rostering/")
    assert page.status_code == 200
    assert 'value="default"' in page.get_data(as_text=True)
    response = auth.post("/rostering/", {"name": "Weekday", "source": "default",
                                         "templates": ["early", "day", "late", "part"],
                                         "department": "0", "starts_on": "2030-01-07",
                                         "time_limit": "3"}, form_page="/rostering/")
    assert response.status_code == 302
    plan_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        jobs.wait(db.session.get(ShiftPlan, plan_id).job_id, timeout=60)
    html = client.get(f"/rostering/{plan_id}").get_data(as_text=True)
    assert 'id="under-hours"' in html
    assert "<svg" in html and "一线客服专员" in html  # the group's title, not its key
    assert "Weekday" in client.get("/rostering/").get_data(as_text=True)
    # verify by simulation: the missed cells (or none) are reported on the page
    assert auth.post(f"/rostering/{plan_id}/verify", form_page="/rostering/").status_code == 302
    with app.app_context():
        job = db.session.get(ShiftPlan, plan_id).verify_job
        jobs.wait(job.id, timeout=120)
        db.session.refresh(job)
        checked = job.result
    assert checked["intervals_open"] == 28
    html = client.get(f"/rostering/{plan_id}").get_data(as_text=True)
    assert 'id="verify-summary"' in html
    assert ('id="missed"' in html) == (checked["cells_missed"] > 0)


def test_bad_choice_re_renders_with_the_field_named(client, auth):
    auth.as_role("planner")
    response = auth.post("/rostering/", {"name": "X", "source": "run:99999",
                                         "templates": ["day"], "department": "0",
                                         "starts_on": "2030-01-07", "time_limit": "3"},
                         form_page="/rostering/")
    assert response.status_code == 200
    assert 'id="source-error"' in response.get_data(as_text=True)


def test_roster_publish_my_shifts_export_and_feed(client, auth, app):
    planner = auth.as_role("planner")
    with app.app_context():
        ann = make_user(name="Ann Agent", username="ann")
        bo = make_user(name="Bo Agent", username="bo")
        other = make_user(name="Cy Elsewhere", username="cy", department="Hotline West")
        ann_id, other_id = ann.id, other.id
        assert bo.id
    plan_id = _tiny_plan(app, planner)
    html = client.get(f"/rostering/{plan_id}").get_data(as_text=True)
    assert "Ann Agent" in html and "Cy Elsewhere" not in html
    sheet = load_workbook(io.BytesIO(client.get(f"/rostering/{plan_id}/roster.xlsx").data)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names <= {"Ann Agent", "Bo Agent"} and names
    assert auth.post(f"/rostering/{plan_id}/publish").status_code == 302
    # the agents: each sees only their own shifts
    client, auth = app.test_client(), Auth(None, app)
    auth.client = client
    auth.login("ann")
    mine = client.get("/rostering/mine").get_data(as_text=True)
    with app.app_context():
        count = len(service.shifts_of(db.session.get(type(ann), ann_id)))
    assert (count > 0) == ('id="my-shifts"' in mine)
    assert client.get(f"/rostering/{plan_id}").status_code == 403
    made = auth.post("/rostering/mine/feed", form_page="/rostering/mine")
    address = re.search(r'id="feed-address" type="text" readonly value="([^"]+)"',
                        made.get_data(as_text=True)).group(1)
    feed = client.get(address.replace("http://localhost", ""))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert feed.data.count(b"BEGIN:VEVENT") == count
    assert client.get("/rostering/feed/not-a-token.ics").status_code == 404
    client = app.test_client()
    Auth(client, app).login("cy")
    assert 'id="my-shifts"' not in client.get("/rostering/mine").get_data(as_text=True)
    assert other_id


def test_plans_are_the_owners_only(client, auth, app):
    with app.app_context():
        owner = make_user(roles=["planner"])
        owner_id = owner.id
    plan_id = _tiny_plan(app, owner_id, department=None)
    auth.as_role("planner")
    assert client.get(f"/rostering/{plan_id}").status_code == 404
    assert auth.post(f"/rostering/{plan_id}/publish").status_code == 404
    assert client.get(f"/rostering/{plan_id}/roster.xlsx").status_code == 404
    client = app.test_client()
    Auth(client, app).as_role("trainee")
    assert client.get("/rostering/").status_code == 403


def test_tiny_plan_covers_its_requirement(app, auth):
    planner = auth.as_role("planner")
    plan_id = _tiny_plan(app, planner, department=None)
    with app.app_context():
        result = service.result_of(db.session.get(ShiftPlan, plan_id))
    assert result["plan"]["totals"]["under_hours"] == 0
    assert "roster" not in result
    assert sum(s["count"] for s in result["plan"]["shifts"]) == 2


def test_re_solving_with_the_simulation_s_correction_misses_less(client, auth, app):
    """A plan solved on half the need misses; one click makes a corrected plan that the
    simulation finds better, and the first plan is kept."""
    user_id = auth.as_role("planner")
    with app.app_context():
        owner = db.session.get(User, user_id)
        plan = service.create_plan(owner, "Thin", "default", ["early", "day", "late", "part"],
                                   None, date(2030, 1, 7),
                                   "Asia/Shanghai", 3)
        req = plan.requirement
        req["need"] = {g: [v / 2 for v in values] for g, values in req["need"].items()}
        plan.requirement_json = json.dumps(req)
        db.session.commit()
        plan.job_id = jobs.submit("rostering.solve", service.solve_params(plan), user_id,
                                  inline=True).id
        plan.verify_job_id = jobs.submit("rostering.verify", service.verify_params(plan),
                                         user_id, inline=True).id
        db.session.commit()
        first = plan.verify_job.result
        plan_id = plan.id
    assert first["cells_missed"] > 0
    html = client.get(f"/rostering/{plan_id}").get_data(as_text=True)
    assert 'id="resolve"' in html
    made = auth.post(f"/rostering/{plan_id}/resolve", form_page=f"/rostering/{plan_id}")
    assert made.status_code == 302
    new_id = int(made.headers["Location"].rstrip("/").split("/")[-1])
    assert new_id != plan_id
    with app.app_context():
        new = db.session.get(ShiftPlan, new_id)
        jobs.wait(new.job_id, timeout=60)
        old = db.session.get(ShiftPlan, plan_id)
        offset = old.requirement["offset"]
        heads = old.verify_job.params["heads"]
        for g, extra in first["correction"].items():
            for k, more in enumerate(extra):
                if more:
                    assert new.requirement["need"][g][offset + k] >= heads[g][k] + more
        assert old.requirement["need"] != new.requirement["need"]  # the first plan is kept
        new.verify_job_id = jobs.submit("rostering.verify", service.verify_params(new),
                                        user_id, inline=True).id
        db.session.commit()
        second = new.verify_job.result
    assert second["intervals_met"] > first["intervals_met"]
    assert "(corrected)" in client.get("/rostering/").get_data(as_text=True) or \
        "（已修正）" in client.get("/rostering/").get_data(as_text=True)


def test_re_solving_without_a_verification_is_refused_with_a_reason(client, auth, app):
    user_id = auth.as_role("planner")
    plan_id = _tiny_plan(app, user_id)
    response = auth.post(f"/rostering/{plan_id}/resolve", form_page=f"/rostering/{plan_id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/rostering/{plan_id}")
    with app.app_context():
        assert db.session.query(ShiftPlan).count() == 1


def test_the_roster_uses_each_agent_s_measured_proficiency(client, auth, app):
    """Training meets planning: the latest exam, role-play and drill scores make the
    proficiency the solver prefers (40 % test, 60 % practice), shown beside each shift."""
    from lms.courses.models_progress import ActivityResult

    planner = auth.as_role("planner")
    with app.app_context():
        ann = make_user(name="Ann Agent", username="ann")
        bo = make_user(name="Bo Agent", username="bo")
        db.session.add_all([
            ActivityResult(user_id=ann.id, kind="exam", ref="exam:final", score=0.5),
            ActivityResult(user_id=ann.id, kind="exam", ref="exam:final", score=0.9),  # retake
            ActivityResult(user_id=ann.id, kind="roleplay", ref="roleplay:angry", score=0.8),
            ActivityResult(user_id=bo.id, kind="survey", ref="survey:post", score=None)])
        db.session.commit()
        ann_id, bo_id = ann.id, bo.id
    plan_id = _tiny_plan(app, planner)
    with app.app_context():
        plan = db.session.get(ShiftPlan, plan_id)
        measured = {a["id"]: a["proficiency"] for a in plan.job.params["agents"]}
    assert measured[str(ann_id)] == pytest.approx(0.4 * 0.9 + 0.6 * 0.8)
    assert measured[str(bo_id)] is None
    html = client.get(f"/rostering/{plan_id}").get_data(as_text=True)
    roster = re.search(r'<table class="table" id="roster">(.*?)</table>', html, re.S).group(1)
    for row in re.findall(r"<tr>(.*?)</tr>", roster, re.S):
        if "Ann Agent" in row:
            assert "84 %" in row
        if "Bo Agent" in row:
            assert "%" not in row
