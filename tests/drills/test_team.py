"""Team drills: roles, one shared center, attribution, joining mid-drill, the shared clock,
the trainer's pause, versioned polling, and the live page's current-interval view."""

import pytest

from lms.auth.models import User
from lms.drills import live, scoring, snapshot
from lms.drills.models import Drill, DrillAction, DrillParticipant
from lms.extensions import db
from lms.signals import activity_result
from tests.conftest import Auth, csrf_token
from tests.drills.factories import let_time_pass
from tests.factories import make_user

SCENARIO = "group_complaint_surge"


def _client(app, username):
    client = app.test_client()
    assert Auth(client, app).login(username).status_code == 302
    return client


def _post(client, path, body, page):
    return client.post(path, json=body, headers={"X-CSRFToken": csrf_token(client, page)})


@pytest.fixture
def team(app, client, auth):
    """A team drill scheduled through the form: a supervisor and a communications officer.

    Returns a namespace-like dict with the drill id, the trainer's client and one client per
    participant; the drill is started by the supervisor.
    """
    trainer_id = auth.as_role("trainer")
    with app.app_context():
        sup = make_user(roles=["trainee"], name="Supervisor Sun")
        com = make_user(roles=["trainee"], name="Officer Chen")
        names = {"sup": sup.username, "com": com.username}
        ids = {"sup": sup.id, "com": com.id}
    form = {"scenario_id": SCENARIO, "compression": "600", "seed": "5",
            "members-0-trainee_id": ids["sup"], "members-0-role": "duty_supervisor",
            "members-1-trainee_id": ids["com"], "members-1-role": "communications_officer"}
    response = auth.post("/drills/team", form, form_page="/drills/team")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        drill = db.session.scalar(db.select(Drill))
        assert drill.trainer_id == trainer_id
        drill_id = drill.id
    clients = {key: _client(app, name) for key, name in names.items()}
    page = f"/drills/{drill_id}/play"
    for c in clients.values():
        assert c.get(page).status_code == 200
    assert _post(clients["sup"], f"/drills/{drill_id}/control", {"command": "start"},
                 page).status_code == 200
    return {"id": drill_id, "trainer": client, "auth": auth, "ids": ids, "page": page,
            **clients}


def _drill(drill_id) -> Drill:
    return db.session.get(Drill, drill_id)


def _act(team, who, kind, params=None, key=None):
    body = {"kind": kind, "params": params or {}}
    if key:
        body["key"] = key
    return _post(team[who], f"/drills/{team['id']}/actions", body, team["page"])


def test_one_team_drill_with_roles_on_both_trainees_lists(app, team):
    with app.app_context():
        drill = _drill(team["id"])
        assert drill.is_team and drill.trainee_id == team["ids"]["sup"]
        assert {(p.user_id, p.role) for p in drill.participants} == {
            (team["ids"]["sup"], "duty_supervisor"),
            (team["ids"]["com"], "communications_officer")}
        assert db.session.scalar(db.select(db.func.count(Drill.id))) == 1
    for who, role in (("sup", "值班主管"), ("com", "对外沟通专员")):
        listing = team[who].get("/drills/").get_data(as_text=True)
        assert f"/drills/{team['id']}/play" in listing
        assert f"你的角色:{role}" in listing
    page = team["com"].get(team["page"]).get_data(as_text=True)
    assert "对外沟通专员" in page or "Communications officer" in page


def test_a_team_needs_exactly_one_supervisor_and_distinct_roles(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        a, b = make_user(roles=["trainee"]).id, make_user(roles=["trainee"]).id
    for roles in (("communications_officer", "technician_dispatcher"),
                  ("duty_supervisor", "duty_supervisor")):
        form = {"scenario_id": SCENARIO, "compression": "60",
                "members-0-trainee_id": a, "members-0-role": roles[0],
                "members-1-trainee_id": b, "members-1-role": roles[1]}
        assert auth.post("/drills/team", form, form_page="/drills/team").status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Drill.id))) == 0


def test_roles_decide_who_takes_which_action_and_each_is_attributed(app, team):
    assert _act(team, "sup", "publish_unified_reply", {"queue": "complaint"}).status_code == 403
    refused = _act(team, "com", "report_manager", {"grade": "L2"})
    assert refused.status_code == 403
    assert "值班主管" in refused.get_json()["error"] or "Duty supervisor" in \
        refused.get_json()["error"]
    assert _act(team, "sup", "report_manager", {"grade": "L2"}).status_code == 201
    assert _act(team, "com", "publish_unified_reply",
                {"queue": "complaint", "text": "统一口径"}).status_code == 201
    # nobody is technician dispatcher, so the supervisor covers that role
    assert _act(team, "sup", "escalate_to_emergency_team",
                {"extra_technicians": 0}).status_code == 201
    with app.app_context():
        stored = {a.kind: (a.user_id, a.role) for a in _drill(team["id"]).actions}
    assert stored == {
        "report_manager": (team["ids"]["sup"], "duty_supervisor"),
        "publish_unified_reply": (team["ids"]["com"], "communications_officer"),
        "escalate_to_emergency_team": (team["ids"]["sup"], "duty_supervisor")}
    com_state = team["com"].get(f"/drills/{team['id']}/state").get_json()
    assert [a["label"] for a in com_state["actions"]] in (["发布统一答复口径"],
                                                          ["Publish a unified reply"])
    assert len(com_state["team_actions"]) == 3
    assert {a["by"] for a in com_state["team_actions"]} == {"Supervisor Sun", "Officer Chen"}
    assert com_state["me"]["role"] == "communications_officer"
    assert "report_manager" not in com_state["me"]["allowed"]


def test_everyone_is_served_one_snapshot_per_tick(app, team):
    with app.app_context():
        let_time_pass(_drill(team["id"]), 3)
    before = dict(snapshot.BUILDS)
    first = team["sup"].get(f"/drills/{team['id']}/state").get_json()
    second = team["com"].get(f"/drills/{team['id']}/state").get_json()
    room = team["trainer"].get(f"/drills/{team['id']}/room/state").get_json()
    assert snapshot.BUILDS["snapshots"] - before["snapshots"] <= 1
    assert first["drill_seconds"] == second["drill_seconds"] == room["drill_seconds"]
    assert first["kpis"] == second["kpis"] == room["kpis"]


def test_a_participant_joins_mid_drill_and_acts(app, team):
    with app.app_context():
        let_time_pass(_drill(team["id"]), 12)
        late = make_user(roles=["trainee"], name="Late Li")
        late_id, late_name = late.id, late.username
    room = f"/drills/{team['id']}/room"
    response = team["auth"].post(f"{room}/participants",
                                 {"trainee_id": late_id, "role": "technician_dispatcher"},
                                 form_page=room)
    assert response.status_code == 302
    joiner = _client(app, late_name)
    assert f"/drills/{team['id']}/play" in joiner.get("/drills/").get_data(as_text=True)
    assert joiner.get(team["page"]).status_code == 200
    team["late"] = joiner
    assert _act(team, "late", "escalate_to_emergency_team",
                {"extra_technicians": 1}).status_code == 201
    # now the dispatcher is staffed, the supervisor no longer escalates
    assert _act(team, "sup", "escalate_to_emergency_team",
                {"extra_technicians": 1}).status_code == 403
    with app.app_context():
        member = db.session.scalar(db.select(DrillParticipant).where(
            DrillParticipant.user_id == late_id))
        assert member.joined_at is not None
        action = _drill(team["id"]).actions[-1]
        assert action.user_id == late_id and action.role == "technician_dispatcher"
        assert action.drill_seconds > 7000  # taken at the drill's time, two hours in
    again = team["auth"].post(f"{room}/participants",
                              {"trainee_id": late_id, "role": "shift_lead:complaint"},
                              form_page=room)
    assert again.status_code == 303  # the same person twice is refused
    with app.app_context():
        assert len(_drill(team["id"]).participants) == 3


def test_a_shift_lead_acts_on_their_own_queue_only(app, team):
    with app.app_context():
        lead = make_user(roles=["trainee"])
        lead_id, lead_name = lead.id, lead.username
    room = f"/drills/{team['id']}/room"
    team["auth"].post(f"{room}/participants", {"trainee_id": lead_id,
                                               "role": "shift_lead:complaint"}, form_page=room)
    team["lead"] = _client(app, lead_name)
    assert _act(team, "lead", "enable_callbacks", {"queue": "all"}).status_code == 403
    assert _act(team, "lead", "enable_callbacks", {"queue": "consultation"}).status_code == 403
    assert _act(team, "lead", "enable_callbacks", {"queue": "complaint"}).status_code == 201
    assert _act(team, "lead", "add_agents", {"group": "frontline", "count": 1}).status_code \
        == 403


def test_a_resent_action_is_stored_once_and_a_key_is_not_anothers(app, team):
    key = "k" * 20
    first = _act(team, "com", "publish_unified_reply", {"queue": "complaint"}, key)
    again = _act(team, "com", "publish_unified_reply", {"queue": "complaint"}, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["action"]["repeated"] is True
    stolen = _act(team, "sup", "publish_unified_reply", {"queue": "complaint"}, key)
    assert stolen.status_code in (403, 409)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(DrillAction.id))) == 1


def test_the_clock_runs_while_one_participant_is_there_and_stops_when_all_left(
        app, team, monkeypatch):
    monkeypatch.setitem(app.config, "DRILL_HEARTBEAT_GRACE_SECONDS", 3)
    state = f"/drills/{team['id']}/state"
    with app.app_context():
        let_time_pass(_drill(team["id"]), 2, connected=True)  # the supervisor's page polls
    # the supervisor leaves; the officer keeps polling: the clock runs on (officer's polls
    # are heartbeats too)
    t0 = team["com"].get(state).get_json()["drill_seconds"]
    with app.app_context():
        let_time_pass(_drill(team["id"]), 2, connected=True)
    t1 = team["com"].get(state).get_json()["drill_seconds"]
    assert t1 - t0 == pytest.approx(2 * 600, abs=120)
    # now everyone has left for 30 s; the trainer watching does not keep the clock running
    with app.app_context():
        let_time_pass(_drill(team["id"]), 30, connected=False)
    watched = team["trainer"].get(f"/drills/{team['id']}/room/state").get_json()
    assert watched["drill_seconds"] == pytest.approx(t1, abs=120)
    back = team["sup"].get(state).get_json()["drill_seconds"]
    assert back == pytest.approx(t1, abs=120)  # it goes on from the last contact
    page = team["com"].get(team["page"]).get_data(as_text=True)
    assert "每位参与者都离开" in page or "every participant has left" in page


def test_a_trainee_cannot_resume_the_trainers_pause(app, team):
    room = f"/drills/{team['id']}/room"
    assert team["auth"].post(room, {"command": "pause"}, form_page=room).status_code == 302
    control = f"/drills/{team['id']}/control"
    refused = _post(team["sup"], control, {"command": "resume"}, team["page"])
    assert refused.status_code == 403
    with app.app_context():
        assert _drill(team["id"]).status == "paused"
    state = team["sup"].get(f"/drills/{team['id']}/state").get_json()
    assert state["paused_by"] == "trainer"
    assert team["auth"].post(room, {"command": "resume"}, form_page=room).status_code == 302
    # the supervisor's own pause is theirs to resume; the officer does not run the clock
    assert _post(team["com"], control, {"command": "pause"}, team["page"]).status_code == 403
    assert _post(team["sup"], control, {"command": "pause"}, team["page"]).status_code == 200
    assert _post(team["sup"], control, {"command": "resume"}, team["page"]).status_code == 200
    with app.app_context():
        assert _drill(team["id"]).status == "running"


def test_an_individual_trainee_cannot_resume_the_trainers_pause(app, client, auth):
    from tests.drills.factories import make_drill

    trainer_id = auth.as_role("trainer")
    with app.app_context():
        trainee = make_user(roles=["trainee"])
        drill = make_drill(trainee=trainee, trainer=db.session.get(User, trainer_id))
        drill_id, name = drill.id, trainee.username
    player = _client(app, name)
    page = f"/drills/{drill_id}/play"
    player.get(page)
    assert _post(player, f"/drills/{drill_id}/control", {"command": "start"}, page).status_code \
        == 200
    room = f"/drills/{drill_id}/room"
    auth.post(room, {"command": "pause"}, form_page=room)
    assert _post(player, f"/drills/{drill_id}/control", {"command": "resume"},
                 page).status_code == 403


def test_a_poll_with_the_current_version_gets_304(app, team):
    room = f"/drills/{team['id']}/room"
    team["auth"].post(room, {"command": "pause"}, form_page=room)
    state = f"/drills/{team['id']}/state"
    first = team["com"].get(state)
    etag = first.headers["ETag"]
    assert first.get_json()["version"] in etag
    unchanged = team["com"].get(state, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    team["auth"].post(room, {"command": "resume"}, form_page=room)
    changed = team["com"].get(state, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["status"] == "running"


def test_live_page_has_the_last_half_hour_beside_the_totals_a_chart_and_grouped_alerts(
        app, team):
    with app.app_context():
        let_time_pass(_drill(team["id"]), 30)  # 5 simulated hours: 13:00
    state = team["sup"].get(f"/drills/{team['id']}/state").get_json()
    window, total = state["window"], state["kpis"]
    assert window["from_clock"] == "12:30" and state["clock"] == "13:00"
    assert 0 < window["offered"] < total["offered"]
    assert window["service_level"] != total["service_level"]
    chart = state["chart"]
    assert [p["clock"] for p in chart[:3]] == ["08:00", "08:30", "09:00"]
    assert len(chart) == 11 and chart[-1]["current"] and not chart[0]["current"]
    assert all(p["waiting"] >= 0 for p in chart)
    breaches = [g for g in state["alert_groups"] if g["code"] == "service_level_breach"]
    raw = [a for a in state["alerts"] if a["code"] == "service_level_breach"]
    assert raw and len(breaches) < len(raw)
    assert sum(g["count"] for g in breaches) == len(raw)
    assert any(g["count"] > 1 for g in breaches)
    # the team's actions are listed apart from the alerts, not as "action applied" alerts
    _act(team, "sup", "activate_emergency_plan")
    state = team["sup"].get(f"/drills/{team['id']}/state").get_json()
    assert state["team_actions"][0]["label"].startswith(("启动应急预案", "Activate"))
    assert all(g["code"] != "action_applied" for g in state["alert_groups"])
    assert all(a["code"] != "action_applied" for a in state["alerts"])
    page = team["sup"].get(team["page"]).get_data(as_text=True)
    assert 'id="live-chart"' in page and 'id="kpi-win-sl"' in page


def test_the_window_kpis_are_the_difference_of_two_cumulative_counts():
    now = {"offered": 100, "answered": 90, "abandoned": 10, "service_level": 0.5, "asa": 20.0}
    then = {"offered": 60, "answered": 58, "abandoned": 2, "service_level": 0.75, "asa": 10.0}
    window = snapshot.window_kpis(now, then)
    assert window["offered"] == 40 and window["abandoned"] == 8
    assert window["service_level"] == pytest.approx((50 - 45) / 40)
    assert window["asa"] == pytest.approx((1800 - 580) / 32)


def test_the_debrief_shows_who_did_what_and_every_participant_gets_the_result(app, team):
    with app.app_context():
        let_time_pass(_drill(team["id"]), 13)
    _act(team, "sup", "report_manager", {"grade": "L2"})
    _act(team, "com", "publish_unified_reply", {"queue": "complaint", "text": "统一口径"})
    received = []

    def listen(sender, **kw):
        received.append(kw["user_id"])

    with activity_result.connected_to(listen):
        assert _post(team["sup"], f"/drills/{team['id']}/control", {"command": "finish"},
                     team["page"]).status_code == 200
    assert sorted(received) == sorted(team["ids"].values())
    with app.test_request_context():
        drill = _drill(team["id"])
        who = {(a["kind"], a["by"], a["role"]) for a in drill.debrief["actions"]}
        assert who == {("report_manager", "Supervisor Sun", "duty_supervisor"),
                       ("publish_unified_reply", "Officer Chen", "communications_officer")}
        assert set(drill.debrief["dimensions"]) == set(scoring.WEIGHTS)
        context = live.debrief_context(drill, "en")
        assert {i.get("by") for i in context["timeline_items"] if i["kind"] == "action"} == \
            {"Supervisor Sun", "Officer Chen"}
    page = team["com"].get(f"/drills/{team['id']}/debrief").get_data(as_text=True)
    assert 'id="who-did-what"' in page and "Officer Chen" in page and "Supervisor Sun" in page
    assert ("对外沟通专员" in page or "Communications officer" in page)
    trainer_page = team["trainer"].get(f"/drills/{team['id']}/debrief")
    assert trainer_page.status_code == 200
    pdf = team["trainer"].get(f"/drills/{team['id']}/debrief.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
