"""Planner UI over HTTP (issue 13): structure editor, YAML lines, pictures, tables, baseline,
progress with ETA and cancel, callbacks and closed hours on the results page."""

import html as htmlmod
import json
import re
from datetime import timedelta

import pytest

import scenarios
from lms import jobs
from lms.auth.models import User, utcnow
from lms.extensions import db
from lms.jobs.models import Job
from lms.planning import control, service
from lms.planning.models import PlanningRun, PlanningScenario
from tests.planning.factories import make_scenario, small_scenario_dict


@pytest.fixture
def planner(app, auth):
    user_id = auth.as_role("planner")
    with app.app_context():
        return user_id, make_scenario(db.session.get(User, user_id)).id


def _fields(client, path: str) -> dict:
    """Every named input of the page with its (unescaped) value, selects at their choice."""
    page = client.get(path).get_data(as_text=True)
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = htmlmod.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"', body) or \
            re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', body) or \
            re.search(r'<option[^>]*value="([^"]*)"', body)
        if chosen:
            fields[name] = htmlmod.unescape(chosen.group(1))
    return fields


def _stored(app, scenario_id: int) -> scenarios.Scenario:
    with app.app_context():
        return scenarios.validate(db.session.get(PlanningScenario, scenario_id).yaml_text)


def _library_copy(auth, client, library_id: str) -> tuple[str, int]:
    response = auth.post(f"/planning/library/{library_id}/copy", {"name": "x"},
                         form_page="/planning/")
    page = response.headers["Location"]
    return page, int(page.rstrip("/").split("/")[-1])


# -- form editor: add and remove events, queues and groups -------------------------------------
def test_editor_adds_an_event_keeps_it_until_saved_then_saves(app, client, auth, planner):
    _, scenario_id = planner
    path = f"/planning/scenarios/{scenario_id}/edit"
    data = _fields(client, path)
    data.update(action="add_event", add_event_type="disaster")
    page = auth.post(path, data, form_page=path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.count('data-part="event"') == 1 and 'value="disaster"' in text
    assert _stored(app, scenario_id).events == ()          # not saved yet
    data = _fields_from(text)
    data["action"] = "save"
    assert auth.post(path, data, form_page=path).status_code == 302
    events = _stored(app, scenario_id).events
    assert len(events) == 1 and events[0].type == "disaster"


def _fields_from(page: str) -> dict:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = htmlmod.unescape(value.group(1)) if value else ""
    return fields


def test_editor_adds_and_removes_queues_and_groups(app, client, auth):
    auth.as_role("planner")
    page, scenario_id = _library_copy(auth, client, "group_complaint_surge")
    path = f"{page}/edit"
    data = _fields(client, path)
    # The complaints desk cannot go while the surge event is on its queue: refused, saying why.
    refused = auth.post(path, {**data, "action": "remove_queue:complaint"}, form_page=path)
    assert refused.status_code == 400
    assert "请先删除该事件" in refused.get_data(as_text=True)
    data.update(action="add_group", add_group_name="night_team", add_group_title="Night team",
                add_group_skills="consultation", add_group_agents="4")
    added = auth.post(path, data, form_page=path).get_data(as_text=True)
    assert "Night team" in added and 'value="night_team"' in added
    data = _fields_from(added)
    data["action"] = "remove_group:enterprise_desk"
    removed = auth.post(path, data, form_page=path).get_data(as_text=True)
    assert 'value="enterprise_desk"' not in removed.split("add_queue_group")[0]
    data = _fields_from(removed)
    data["action"] = "save"
    assert auth.post(path, data, form_page=path).status_code == 302
    saved = _stored(app, scenario_id)
    assert "night_team" in saved.group_names and "enterprise_desk" not in saved.group_names
    assert saved.staffing_of("night_team").agents == (4,)


def test_editor_adds_a_queue_served_by_a_chosen_group(app, client, auth, planner):
    _, scenario_id = planner
    path = f"/planning/scenarios/{scenario_id}/edit"
    data = _fields(client, path)
    data.update(action="add_queue", add_queue_kind="complaint", add_queue_group="agents")
    text = auth.post(path, data, form_page=path).get_data(as_text=True)
    data = _fields_from(text)
    data["action"] = "save"
    assert auth.post(path, data, form_page=path).status_code == 302
    saved = _stored(app, scenario_id)
    assert saved.queue_names == ("consultation", "complaint")
    assert saved.group("agents").skills == ("consultation", "complaint")


# -- YAML errors with line numbers -----------------------------------------------------------
def test_yaml_problem_names_its_line_and_links_to_it(app, client, auth, planner):
    _, scenario_id = planner
    path = f"/planning/scenarios/{scenario_id}/yaml"
    text = _stored_yaml(app, scenario_id).replace("calls_per_day: 12960", "calls_per_day: -5")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "calls_per_day" in row)
    page = auth.post(path, {"name": "x", "yaml_text": text}, form_page=path)
    assert page.status_code == 400
    body = page.get_data(as_text=True)
    assert f'data-yaml-line="{line}"' in body and f"第 {line} 行" in body
    assert "calls_per_day: -5" in body                      # the line itself is quoted


def _stored_yaml(app, scenario_id: int) -> str:
    with app.app_context():
        return db.session.get(PlanningScenario, scenario_id).yaml_text


# -- pictures and tables --------------------------------------------------------------------
def test_scenario_page_shows_the_profile_and_events_before_running(client, auth):
    auth.as_role("planner")
    page, _ = _library_copy(auth, client, "group_complaint_surge")
    body = client.get(page).get_data(as_text=True)
    figure = body[body.index('class="chart profile-chart"'):]
    svg = figure[figure.index("<svg"):figure.index("</svg>")]
    assert "洗衣机异响群体投诉" in svg                           # the event's band is named
    assert svg.count("<polyline") == 4                       # one line per queue
    assert "group_complaint_surge" not in body.split("<svg")[0].split("<h2>")[-1]


def test_full_week_picture_shades_the_closed_hours(client, auth):
    auth.as_role("planner")
    page, _ = _library_copy(auth, client, "full_week")
    body = client.get(page).get_data(as_text=True)
    assert body.count("<title>停线时段</title>") == 8        # 7 nights + the first morning


def test_interval_cells_are_labelled_and_helpers_offered(client, auth):
    auth.as_role("planner")
    page, _ = _library_copy(auth, client, "full_week")
    body = client.get(f"{page}/tables").get_data(as_text=True)
    assert 'aria-label="一线客服专员, d1 08:30"' in body
    assert 'data-action="copy-day"' in body and 'data-action="fill"' in body


# -- compare: the planner picks the baseline -------------------------------------------------
def test_compare_uses_the_baseline_the_planner_picks(app, client, auth, planner):
    user_id, scenario_id = planner
    with app.app_context():
        other = make_scenario(db.session.get(User, user_id), "More staff", agents=60).id
    response = auth.post("/planning/compare", {
        "scenario_ids": [str(scenario_id), str(other)], "baseline": str(other),
        "replications": "2", "seed": "1"}, form_page="/planning/compare")
    assert response.status_code == 302
    with app.app_context():
        run = db.session.scalar(db.select(PlanningRun))
        jobs.wait(run.job_id, timeout=60)
        assert run.job.result["names"][0] == "More staff"
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "More staff(基准)" in body or "More staff (基准)" in body


def test_baseline_must_be_among_the_compared(app, client, auth, planner):
    user_id, scenario_id = planner
    with app.app_context():
        owner = db.session.get(User, user_id)
        other, third = make_scenario(owner, "B").id, make_scenario(owner, "C").id
    response = auth.post("/planning/compare", {
        "scenario_ids": [str(scenario_id), str(other)], "baseline": str(third),
        "replications": "2", "seed": "1"}, form_page="/planning/compare")
    assert response.status_code == 400


# -- progress with ETA, and cancel -----------------------------------------------------------
def _queued_run(app, user_id: int, kind: str = "simulate") -> int:
    with app.app_context():
        owner = db.session.get(User, user_id)
        stored = make_scenario(owner, "Slow")
        token = control.new_token()
        job = Job(kind=f"planning.{kind}", owner_id=user_id, status="queued", progress=0.0,
                  params_json=json.dumps({"yaml": stored.yaml_text, "seed": 1,
                                          "replications": 4, "control": token}))
        db.session.add(job)
        db.session.commit()
        run = PlanningRun(kind=kind, owner_id=user_id, job_id=job.id, seed=1, replications=4,
                          scenario_ids_json="[]", label="Slow", control_token=token)
        db.session.add(run)
        db.session.commit()
        return run.id


def test_status_reports_replications_and_time_left(app, client, auth, planner):
    user_id, _ = planner
    run_id = _queued_run(app, user_id)
    with app.app_context():
        run = db.session.get(PlanningRun, run_id)
        run.job.status, run.job.progress = "running", 0.25
        run.job.started_at = utcnow() - timedelta(seconds=30)
        run.progress_note_json = json.dumps({"stage": "simulate", "replications_done": 1,
                                             "replications_expected": 4})
        db.session.commit()
    status = client.get(f"/planning/runs/{run_id}/status").get_json()
    assert status["eta_seconds"] == pytest.approx(90, abs=3)
    assert "第 1 次重复，共约 4 次" in status["detail"] and "约剩 1 分 30 秒" in status["detail"]
    page = client.get(f"/planning/runs/{run_id}").get_data(as_text=True)
    assert 'id="cancel-run"' in page


def test_cancel_stops_the_job_after_the_current_replication(app, client, auth, planner):
    user_id, _ = planner
    run_id = _queued_run(app, user_id)
    response = auth.post(f"/planning/runs/{run_id}/cancel", {},
                         form_page=f"/planning/runs/{run_id}")
    assert response.status_code == 302
    with app.app_context():
        run = db.session.get(PlanningRun, run_id)
        assert run.cancel_requested
        jobs.execute(run.job_id)                           # the worker picks it up
        db.session.refresh(run.job)
        assert run.job.status == "failed" and run.cancelled
    status = client.get(f"/planning/runs/{run_id}/status").get_json()
    assert status["cancelled"] and status["error"] is None
    assert "已取消" in client.get(f"/planning/runs/{run_id}").get_data(as_text=True)


def test_other_planners_cannot_cancel(app, client, auth, planner):
    user_id, _ = planner
    run_id = _queued_run(app, user_id)
    from tests.conftest import Auth

    someone = Auth(app.test_client(), app)
    someone.as_role("planner")
    response = someone.post(f"/planning/runs/{run_id}/cancel", {}, form_page="/planning/")
    assert response.status_code == 403


# -- results: callbacks and closed hours ----------------------------------------------------
def test_results_show_callback_kpis_and_the_closed_hours_model(app, client, auth, planner):
    user_id, _ = planner
    data = small_scenario_dict(hours=24, agents=40)
    data["queues"]["consultation"].update(
        patience_seconds={"distribution": "exponential", "mean": 200, "cv": None},
        callback={"enabled": True, "offer_after_seconds": 30, "accept_probability": 0.7,
                  "promise_minutes": 30, "expire_minutes": 90,
                  "priority_rule": "promise_first", "at_risk_minutes": 10},
        calls_per_day=2000)
    data["opening_hours"] = {"open_hour": 8, "close_hour": 20, "return_probability": 0.6,
                             "return_hours": [0.5, 0.5]}
    data["staffing"]["agents"]["agents"] = [1]
    with app.app_context():
        from lms.planning import scenario_store
        owner = db.session.get(User, user_id)
        stored = scenario_store.create(owner, "Callbacks", data, "en")
        db.session.commit()
        run = service.start_simulation(owner, stored, seed=2, replications=2, inline=True)
        run_id = run.id
    body = client.get(f"/planning/runs/{run_id}").get_data(as_text=True)
    assert "回拨" in body and "承诺时限内完成" in body and "仍在等待" in body
    assert "停线时段" in body and "08:00–20:00" in body
