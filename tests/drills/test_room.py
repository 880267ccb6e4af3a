"""The trainer's control room: live view, pause/resume and injects, and who may use it."""

import pytest
from flask_babel import force_locale

from lms.auth.models import User
from lms.drills import live, replay, service
from lms.drills.models import Drill
from lms.extensions import db
from tests.conftest import Auth
from tests.drills.factories import let_time_pass, make_drill


@pytest.fixture
def room(app, client, auth):
    """A running drill scheduled by the signed-in trainer; returns (drill id, room path)."""
    trainer_id = auth.as_role("trainer")
    with app.test_request_context():
        drill = make_drill(trainer=db.session.get(User, trainer_id))
        service.control(drill, "start")
        db.session.commit()
        drill_id = drill.id
    return drill_id, f"/drills/{drill_id}/room"


def _drill(drill_id) -> Drill:
    return db.session.get(Drill, drill_id)


def test_the_scheduling_trainer_watches_pauses_and_resumes(app, client, auth, room):
    drill_id, path = room
    page = client.get(path)
    assert page.status_code == 200
    assert 'id="room-clock"' in page.get_data(as_text=True)
    state = client.get(f"{path}/state").get_json()
    assert state["status"] == "running" and "kpis" in state and state["log"] == []
    assert auth.post(path, {"command": "pause"}, form_page=path).status_code == 302
    with app.app_context():
        assert _drill(drill_id).status == "paused"
        kinds = [e.kind for e in _drill(drill_id).clock_events]
        assert kinds[-1] == "pause"
    assert auth.post(path, {"command": "resume"}, form_page=path).status_code == 302
    with app.app_context():
        assert _drill(drill_id).status == "running"


def test_an_inject_is_stored_in_the_record_and_alerts_the_trainee(app, client, auth, room):
    drill_id, path = room
    with app.app_context():
        let_time_pass(_drill(drill_id), 6)  # 09:00
    response = auth.post(path, {"command": "inject", "code": "absent_shift"}, form_page=path)
    assert response.status_code == 302
    with app.test_request_context(), force_locale("en"):
        drill = _drill(drill_id)
        stored = service.injected(drill)
        assert len(stored) == 1 and stored[0].params["code"] == "absent_shift"
        assert stored[0].params["count"] >= 1
        # it changes the center: the group loses agents, and a fresh replay agrees
        at = stored[0].drill_seconds
        group = stored[0].params["group"]
        plain = replay.EngineDrill(replay.scenario_of(drill), drill.seed, [])
        after = replay.state_at(drill, at + 600)["agents"][group]["on_phones"]
        assert after == plain.state_at(at + 600)["agents"][group]["on_phones"] \
            - stored[0].params["count"]
        replay._CACHE.clear()
        assert replay.state_at(drill, at + 600)["agents"][group]["on_phones"] == after
        state = live.state_json(drill, "en")
        assert any(a["code"] == "inject" and "unwell" in a["text"] for a in state["alerts"])
        assert state["actions"] == []  # not the trainee's own action
    log = client.get(f"{path}/state").get_json()["log"]
    assert log[0]["inject"] and log[0]["by"]


def test_an_event_the_drill_does_not_allow_is_refused(app, client, auth, room):
    drill_id, path = room
    response = auth.post(path, {"command": "inject", "code": "meteor"}, form_page=path)
    assert response.status_code == 400
    with app.app_context():
        assert not service.injected(_drill(drill_id))


def test_others_get_403_on_the_room_and_trainers_on_the_trainees_page(app, client, auth):
    with app.app_context():
        drill = make_drill()
        drill_id, trainee = drill.id, drill.trainee.username
    auth.as_role("trainer")  # another trainer
    assert client.get(f"/drills/{drill_id}/room").status_code == 403
    assert client.get(f"/drills/{drill_id}/room/state").status_code == 403
    assert client.get(f"/drills/{drill_id}/play").status_code == 403
    as_trainee = app.test_client()
    Auth(as_trainee, app).login(trainee)
    assert as_trainee.get(f"/drills/{drill_id}/room").status_code == 403
    assert as_trainee.get(f"/drills/{drill_id}/play").status_code == 200
    as_admin = app.test_client()
    Auth(as_admin, app).as_role("admin")
    assert as_admin.get(f"/drills/{drill_id}/room").status_code == 200


def test_injects_appear_in_the_debrief(app, client, auth, room):
    drill_id, path = room
    with app.app_context():
        let_time_pass(_drill(drill_id), 3)
    auth.post(path, {"command": "inject", "code": "media_enquiry"}, form_page=path)
    with app.test_request_context():
        drill = _drill(drill_id)
        service.control(drill, "finish")
        db.session.commit()
        alerts = [a for a in drill.debrief["alerts"] if a.get("injected")]
        assert len(alerts) == 1 and "reporter" in alerts[0]["text"]["en"]
        assert all(a["kind"] != "inject" for a in drill.debrief["actions"])
    page = client.get(f"/drills/{drill_id}/debrief").get_data(as_text=True)
    assert alerts[0]["text"]["zh"] in page or alerts[0]["text"]["en"] in page


def test_a_trainee_cannot_inject(app, room):
    drill_id, _path = room
    with app.test_request_context():
        drill = _drill(drill_id)
        with pytest.raises(service.ActionRefused):
            service.inject(drill, drill.trainee, "media_enquiry")
        with pytest.raises(service.ActionRefused):
            service.take_action(drill, drill.trainee, "inject", {"code": "media_enquiry"})
