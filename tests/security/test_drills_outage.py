"""Drill outages (issue 10, item 9): resent actions are applied once, and the clock stops
when nobody is connected, durably across restarts.

Service level: the heartbeat, the paused clock, the stored pause/resume pair. HTTP level: a
resend with the same key, the race of two resends, the poll after an outage, the list page
that is not a heartbeat, and the intro that says all this.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from lms.auth.models import User, utcnow
from lms.drills import clock, replay, service
from lms.drills.models import Drill, DrillAction, DrillClockEvent
from lms.extensions import db
from tests.conftest import csrf_token
from tests.drills.factories import let_time_pass, make_drill

COMPRESSION = 600.0  # the 14-hour drill lasts 84 real seconds
#: Seconds with the page open, then seconds without it, in the outage tests.
WITH_PAGE, AWAY = 30, 50
#: The drill time at which the clock stands while nobody is connected.
PAUSED_AT = WITH_PAGE * COMPRESSION


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _kinds(drill) -> list[str]:
    return [event.kind for event in drill.clock_events]


def _age(drill, start_ago: float, seen_ago: float) -> None:
    """The drill started ``start_ago`` s ago; its page was last heard ``seen_ago`` s ago."""
    now = utcnow()
    drill.clock_events[0].at = now - timedelta(seconds=start_ago)
    drill.last_seen_at = now - timedelta(seconds=seen_ago)
    db.session.commit()


@pytest.fixture
def running(app):
    with app.test_request_context():
        drill = make_drill(compression=COMPRESSION)
        service.heartbeat(drill)
        service.control(drill, "start")
        db.session.commit()
        yield drill


# --- the clock ---------------------------------------------------------------------------


def test_without_a_heartbeat_for_longer_than_the_grace_the_clock_stands_at_the_last_one(
        running):
    _age(running, start_ago=WITH_PAGE + AWAY, seen_ago=AWAY)  # the page was there, then gone
    horizon = replay.scenario_of(running).horizon_seconds
    assert clock.drill_seconds(running, horizon) == pytest.approx(PAUSED_AT, abs=1)
    later = utcnow() + timedelta(seconds=3600)
    assert clock.drill_seconds(running, horizon, later) == pytest.approx(PAUSED_AT,
                                                                         abs=1)


def test_the_next_heartbeat_stores_the_absence_as_a_pause_and_the_clock_goes_on(running):
    _age(running, start_ago=WITH_PAGE + AWAY, seen_ago=AWAY)
    seen = running.last_seen_at
    service.heartbeat(running)
    db.session.commit()
    assert _kinds(running) == ["start", "pause", "resume"]
    assert running.clock_events[1].at == seen
    assert running.status == "running"
    let_time_pass(running, 10)  # ten more seconds with the page open
    horizon = replay.scenario_of(running).horizon_seconds
    assert clock.drill_seconds(running, horizon) == pytest.approx(PAUSED_AT + 10 * COMPRESSION,
                                                                   abs=60)


def test_a_gap_shorter_than_the_grace_runs_on(running):
    _age(running, start_ago=60, seen_ago=clock.DEFAULT_GRACE_SECONDS - 5)
    service.heartbeat(running)
    db.session.commit()
    assert _kinds(running) == ["start"]
    horizon = replay.scenario_of(running).horizon_seconds
    assert clock.drill_seconds(running, horizon) == pytest.approx(60 * COMPRESSION, abs=60)


def test_the_grace_period_is_a_setting(app, running, monkeypatch):
    monkeypatch.setitem(app.config, "DRILL_HEARTBEAT_GRACE_SECONDS", 5)
    _age(running, start_ago=60, seen_ago=10)
    horizon = replay.scenario_of(running).horizon_seconds
    assert clock.drill_seconds(running, horizon) == pytest.approx(50 * COMPRESSION, abs=1)


def test_the_paused_clock_survives_a_restart_and_resumes_where_it_was(app, running):
    _age(running, start_ago=WITH_PAGE + AWAY, seen_ago=AWAY)
    drill_id = running.id
    db.session.remove()
    replay._CACHE.clear()  # what a restarted process has: only the database
    with app.test_request_context():
        drill = db.session.get(Drill, drill_id)
        horizon = replay.scenario_of(drill).horizon_seconds
        assert clock.drill_seconds(drill, horizon) == pytest.approx(PAUSED_AT, abs=1)
        service.heartbeat(drill)
        db.session.commit()
    db.session.remove()
    with app.test_request_context():
        drill = db.session.get(Drill, drill_id)
        assert _kinds(drill) == ["start", "pause", "resume"]
        assert clock.drill_seconds(drill, horizon) == pytest.approx(PAUSED_AT, abs=60)


def test_two_requests_after_one_outage_store_one_pause(running):
    _age(running, start_ago=WITH_PAGE + AWAY, seen_ago=AWAY)
    # Another request of the same page handled the outage after this one read the drill.
    db.session.execute(update(Drill).where(Drill.id == running.id)
                       .values(last_seen_at=utcnow()))
    service.heartbeat(running)  # still holds the old heartbeat: its compare-and-set fails
    db.session.commit()
    assert _kinds(running) == ["start"]


def test_an_unattended_drill_does_not_run_to_its_end(running):
    let_time_pass(running, 200, connected=False)  # 200 s × 600 is past the 14-hour horizon
    service.settle_clock(running)  # what the trainee's list page does: no heartbeat
    db.session.commit()
    assert running.status == "running"


# --- resent actions ------------------------------------------------------------------------


def test_an_action_resent_with_its_key_is_stored_once(running):
    let_time_pass(running, 12)
    first, repeated = service.take_action(running, running.trainee, "report_manager", {},
                                          "k-0000000001")
    db.session.commit()
    assert not repeated
    let_time_pass(running, 12)
    again, repeated = service.take_action(running, running.trainee, "report_manager", {},
                                          "k-0000000001")
    db.session.commit()
    assert repeated and again.id == first.id
    assert again.drill_seconds == first.drill_seconds
    assert _count(DrillAction) == 1


def test_an_action_after_an_outage_is_taken_at_the_paused_drill_time(running):
    _age(running, start_ago=WITH_PAGE + AWAY, seen_ago=AWAY)
    service.heartbeat(running)
    action, _ = service.take_action(running, running.trainee, "report_manager", {},
                                    "k-0000000002")
    db.session.commit()
    assert action.drill_seconds == pytest.approx(PAUSED_AT, abs=60)


# --- over HTTP ---------------------------------------------------------------------------


@pytest.fixture
def playing(app, client, auth):
    user_id = auth.as_role("trainee")
    with app.app_context():
        drill_id = make_drill(trainee=db.session.get(User, user_id),
                              compression=COMPRESSION).id
    page = f"/drills/{drill_id}/play"
    token = csrf_token(client, page)
    response = client.post(f"/drills/{drill_id}/control", json={"command": "start"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    return drill_id, token


def _act(client, drill_id, token, body):
    return client.post(f"/drills/{drill_id}/actions", json=body,
                       headers={"X-CSRFToken": token})


def test_a_resend_over_http_answers_the_same_action_and_stores_nothing_new(app, client,
                                                                          playing):
    drill_id, token = playing
    body = {"kind": "activate_emergency_plan", "params": {}, "key": "a1b2c3d4e5f60718"}
    first = _act(client, drill_id, token, body)
    assert first.status_code == 201
    second = _act(client, drill_id, token, body)
    assert second.status_code == 200
    assert second.get_json()["action"]["repeated"] is True
    for field in ("key", "drill_seconds", "clock", "label"):
        assert second.get_json()["action"][field] == first.get_json()["action"][field]
    assert [a["key"] for a in second.get_json()["actions"]] == ["a1b2c3d4e5f60718"]
    with app.app_context():
        assert _count(DrillAction) == 1


def test_the_same_key_for_another_action_is_refused(app, client, playing):
    drill_id, token = playing
    _act(client, drill_id, token, {"kind": "report_manager", "key": "same-key-0001"})
    response = _act(client, drill_id, token, {"kind": "review", "key": "same-key-0001"})
    assert response.status_code == 409 and "key" in response.get_json()["error"]
    with app.app_context():
        assert _count(DrillAction) == 1


def test_two_resends_racing_store_one_action(app, client, playing, monkeypatch):
    drill_id, token = playing
    body = {"kind": "report_manager", "params": {}, "key": "race-key-0001"}
    assert _act(client, drill_id, token, body).status_code == 201
    stored = service.action_by_key
    calls = []

    def not_yet_committed(drill, key):
        calls.append(key)  # the first lookup runs before the other request committed
        return None if len(calls) == 1 else stored(drill, key)

    monkeypatch.setattr(service, "action_by_key", not_yet_committed)
    response = _act(client, drill_id, token, body)
    assert response.status_code == 200 and response.get_json()["action"]["repeated"]
    with app.app_context():
        assert _count(DrillAction) == 1


def test_the_poll_after_an_outage_shows_the_drill_where_the_contact_was_lost(app, client,
                                                                            playing):
    drill_id, _token = playing
    with app.app_context():
        _age(db.session.get(Drill, drill_id), start_ago=WITH_PAGE + AWAY, seen_ago=AWAY)
    state = client.get(f"/drills/{drill_id}/state").get_json()
    assert state["status"] == "running"
    assert state["drill_seconds"] == pytest.approx(PAUSED_AT, abs=60)
    with app.app_context():
        assert _kinds(db.session.get(Drill, drill_id)) == ["start", "pause", "resume"]


def test_the_list_page_is_no_heartbeat_and_finishes_no_unattended_drill(app, client, playing):
    drill_id, _token = playing
    with app.app_context():
        let_time_pass(db.session.get(Drill, drill_id), 200, connected=False)
        seen = db.session.get(Drill, drill_id).last_seen_at
    assert client.get("/drills/").status_code == 200
    with app.app_context():
        drill = db.session.get(Drill, drill_id)
        assert drill.status == "running" and drill.last_seen_at == seen
        assert _count(DrillClockEvent) == 1


@pytest.mark.parametrize("locale, phrase", [
    ("zh", "超过 20 秒"), ("en", "loses its connection for more than 20 seconds")])
def test_the_intro_says_plainly_when_the_clock_stops(app, client, auth, locale, phrase):
    auth.as_role("trainee", locale=locale)
    assert phrase in client.get("/drills/").get_data(as_text=True)
