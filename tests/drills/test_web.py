"""Drill pages over HTTP: scheduling, the live JSON API, refusals, debrief and PDF."""

import io

import pytest
from pypdf import PdfReader

from lms.auth.models import User
from lms.drills.models import Drill
from lms.extensions import db
from tests.conftest import csrf_token
from tests.drills.factories import let_time_pass, make_drill
from tests.factories import make_user


def _json_post(client, path, body, page):
    token = csrf_token(client, page)
    return client.post(path, json=body, headers={"X-CSRFToken": token})


def test_trainer_schedules_a_drill_for_every_trainee_of_a_department(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        for _ in range(2):
            make_user(roles=["trainee"], department="Complaints Team")
        make_user(roles=["trainee"], department="Other")
        department = db.session.scalar(db.select(User).where(User.department.has(
            name="Complaints Team"))).department_id
    response = auth.post("/drills/manage", {"scenario_id": "group_complaint_surge",
                                            "trainee_id": "0", "department_id": department,
                                            "compression": "60"}, form_page="/drills/manage")
    assert response.status_code == 302
    with app.app_context():
        drills = db.session.scalars(db.select(Drill)).all()
        assert len(drills) == 2 and {d.compression for d in drills} == {60.0}


def test_schedule_needs_exactly_one_of_trainee_and_department(app, client, auth):
    auth.as_role("trainer")
    response = auth.post("/drills/manage", {"scenario_id": "group_complaint_surge",
                                            "trainee_id": "0", "department_id": "0",
                                            "compression": "60"}, form_page="/drills/manage")
    assert response.status_code == 400
    assert "Choose either one trainee or one department" in response.get_data(as_text=True) \
        or "请选择一名学员或一个部门" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Drill.id))) == 0


@pytest.fixture
def playing(app, client, auth):
    user_id = auth.as_role("trainee")
    with app.app_context():
        drill = make_drill(trainee=db.session.get(User, user_id))
        drill_id = drill.id
    page = f"/drills/{drill_id}/play"
    assert client.get(page).status_code == 200
    assert _json_post(client, f"/drills/{drill_id}/control", {"command": "start"},
                      page).status_code == 200
    return drill_id, page


def test_trainee_acts_and_the_state_shows_it(app, client, playing):
    drill_id, page = playing
    response = _json_post(client, f"/drills/{drill_id}/actions",
                          {"kind": "ivr_announcement", "params": {"queue": "all"}}, page)
    assert response.status_code == 201
    state = client.get(f"/drills/{drill_id}/state").get_json()
    assert state["status"] == "running"
    assert state["actions"][0]["label"] in ("播放 IVR 语音公告", "Play an IVR announcement")
    with app.app_context():
        assert db.session.get(Drill, drill_id).actions[0].kind == "ivr_announcement"


def test_bad_action_is_refused_with_the_reason(client, playing):
    drill_id, page = playing
    response = _json_post(client, f"/drills/{drill_id}/actions",
                          {"kind": "add_agents", "params": {"group": "ghosts"}}, page)
    assert response.status_code == 400
    error = response.get_json()["error"]  # in the reader's language (Chinese by default)
    assert "params.group" in error and "'ghosts'" in error and "frontline" in error


def test_actions_on_someone_elses_drill_are_refused(app, client, auth):
    with app.app_context():
        drill_id = make_drill().id
    auth.as_role("trainee")
    response = _json_post(client, f"/drills/{drill_id}/actions",
                          {"kind": "report_manager", "params": {}}, "/drills/")
    assert response.status_code == 403
    assert client.get(f"/drills/{drill_id}/state").status_code == 403
    with app.app_context():
        assert db.session.get(Drill, drill_id).actions == []


def test_finished_drill_refuses_actions_and_shows_the_debrief_and_pdf(app, client, playing):
    drill_id, page = playing
    with app.app_context():
        let_time_pass(db.session.get(Drill, drill_id), 200)  # past the 14-hour horizon
    assert client.get(f"/drills/{drill_id}/state").get_json()["status"] == "finished"
    response = _json_post(client, f"/drills/{drill_id}/actions",
                          {"kind": "report_manager", "params": {}}, "/drills/")
    assert response.status_code == 409
    debrief = client.get(f"/drills/{drill_id}/debrief")
    assert debrief.status_code == 200
    assert "向售后经理报告" in debrief.get_data(as_text=True)
    pdf = client.get(f"/drills/{drill_id}/debrief.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "演练评估报告" in text and "响应时间" in text


def test_trainer_sees_results_of_own_trainees_only(app, client, auth):
    trainer_id = auth.as_role("trainer")
    with app.app_context():
        mine = make_drill(trainer=db.session.get(User, trainer_id))
        theirs = make_drill()
        mine.status = theirs.status = "finished"
        db.session.commit()
        mine_id, theirs_id = mine.id, theirs.id
    listing = client.get("/drills/manage").get_data(as_text=True)
    assert f"/drills/{mine_id}/debrief" in listing and f"/drills/{theirs_id}/debrief" not in \
        listing
    assert client.get(f"/drills/{mine_id}/debrief").status_code == 200
    assert client.get(f"/drills/{theirs_id}/debrief").status_code == 403
