"""Planner pages over HTTP: bad input re-renders with errors beside fields, runs, exports."""

import io

import pytest
from pypdf import PdfReader

from lms import jobs
from lms.auth.models import User
from lms.extensions import db
from lms.planning.models import PlanningRun, PlanningScenario
from tests.conftest import Auth
from tests.planning.factories import make_scenario


@pytest.fixture
def planner(app, auth):
    user_id = auth.as_role("planner")
    with app.app_context():
        return user_id, make_scenario(db.session.get(User, user_id)).id


def _form_data(client, path: str) -> dict:
    """The edit form as the page shows it (every field with its current value)."""
    import re

    html = client.get(path).get_data(as_text=True)
    fields = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', html))
    fields.update((name, value) for value, name in
                  re.findall(r'value="([^"]*)"[^>]*name="([^"]+)"', html) if name not in fields)
    return fields


def _yaml_of(app, scenario_id: int) -> str:
    with app.app_context():
        return db.session.get(PlanningScenario, scenario_id).yaml_text


def test_invalid_form_value_is_shown_beside_its_field_and_nothing_changes(app, client, auth,
                                                                          planner):
    _, scenario_id = planner
    path = f"/planning/scenarios/{scenario_id}/edit"
    before = _yaml_of(app, scenario_id)
    data = _form_data(client, path)
    data["horizon_hours"] = "-3"
    data["queues-0-calls_per_day"] = "many"
    response = auth.post(path, data, form_page=path)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="horizon_hours-error"' in html and "-3" in html
    assert 'id="queues-0-calls_per_day-error"' in html
    assert _yaml_of(app, scenario_id) == before


def test_form_and_yaml_reject_the_same_value_with_the_same_message(app, client, auth, planner):
    _, scenario_id = planner
    path = f"/planning/scenarios/{scenario_id}/edit"
    data = _form_data(client, path)
    data["warmup_hours"] = "-1"
    form_html = auth.post(path, data, form_page=path).get_data(as_text=True)
    yaml_path = f"/planning/scenarios/{scenario_id}/yaml"
    text = _yaml_of(app, scenario_id).replace("warmup_hours: 0.5", "warmup_hours: -1")
    yaml_html = auth.post(yaml_path, {"name": "x", "yaml_text": text},
                          form_page=yaml_path).get_data(as_text=True)
    import re

    form_error = re.search(r'id="warmup_hours-error"[^>]*>([^<]+)<', form_html).group(1)
    assert form_error.strip() in yaml_html


def test_valid_form_saves_the_scenario(app, client, auth, planner):
    _, scenario_id = planner
    path = f"/planning/scenarios/{scenario_id}/edit"
    data = _form_data(client, path)
    data["queues-0-calls_per_day"] = "9000"
    assert auth.post(path, data, form_page=path).status_code == 302
    assert "calls_per_day: 9000" in _yaml_of(app, scenario_id)


def test_bad_staffing_cell_is_marked_and_nothing_changes(app, client, auth, planner):
    _, scenario_id = planner
    path = f"/planning/scenarios/{scenario_id}/tables"
    before = _yaml_of(app, scenario_id)
    data = _form_data(client, path)
    data["staff-agents-0"] = "lots"
    response = auth.post(path, data, form_page=path)
    assert response.status_code == 400
    assert 'id="staff-agents-0-error"' in response.get_data(as_text=True)
    assert _yaml_of(app, scenario_id) == before


def test_history_with_bad_rows_names_row_and_column_and_imports_nothing(app, client, auth,
                                                                        planner):
    body = b"date,interval_start,offered,handled,aht\n2026-11-02,09:00,12,10,300\n" \
           b"2026-11-02,09:30,abc,10,300\n"
    response = auth.post("/planning/import", {
        "file": (io.BytesIO(body), "history.csv"), "base": "lib:stationary_single_queue",
        "queue": "consultation", "weekday": "all", "scale": "1", "name": "From history"},
        form_page="/planning/import", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "row 3, column offered" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(PlanningScenario.id))) == 1


def test_history_with_missing_columns_imports_nothing(app, client, auth, planner):
    response = auth.post("/planning/import", {
        "file": (io.BytesIO(b"date,offered\n2026-11-02,5\n"), "history.csv"),
        "base": "lib:stationary_single_queue", "queue": "consultation", "weekday": "all",
        "scale": "1", "name": "From history"}, form_page="/planning/import",
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "missing column(s) interval_start, handled, aht" in response.get_data(as_text=True)


def test_good_history_becomes_a_scenario(app, client, auth, planner):
    rows = "".join(f"2026-11-0{d},{h:02d}:00,{100 + h},{90 + h},240\n"
                   for d in (2, 9) for h in range(8, 20))
    response = auth.post("/planning/import", {
        "file": (io.BytesIO(("date,interval_start,offered,handled,aht\n" + rows).encode()),
                 "history.csv"),
        "base": "lib:stationary_single_queue", "queue": "consultation", "weekday": "0",
        "scale": "1.2", "name": "Mondays"}, form_page="/planning/import",
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalar(db.select(PlanningScenario).where(
            PlanningScenario.name == "Mondays"))
        assert "consultation_history" in stored.yaml_text


def test_other_people_cannot_open_a_planners_scenario(app, client, auth, planner):
    _, scenario_id = planner
    for role, path in (("planner", f"/planning/scenarios/{scenario_id}"),
                       ("planner", f"/planning/scenarios/{scenario_id}/yaml"),
                       ("trainee", "/planning/")):
        someone = Auth(app.test_client(), app)
        someone.as_role(role)
        assert someone.client.get(path).status_code == 403


def test_run_job_result_page_pdf_and_exports(app, client, auth, planner):
    _, scenario_id = planner
    page = f"/planning/scenarios/{scenario_id}"
    response = auth.post(f"{page}/run", {"replications": "2", "seed": "4"}, form_page=page)
    run_url = response.headers["Location"]
    with app.app_context():
        run = db.session.scalar(db.select(PlanningRun))
        jobs.wait(run.job_id, timeout=60)
    status = client.get(f"{run_url}/status").get_json()
    assert status["status"] == "done" and status["progress"] == 1.0
    html = client.get(run_url).get_data(as_text=True)
    assert "指标与目标对照" in html and "<svg" in html
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        client.get(f"{run_url}/report.pdf").data)).pages)
    assert "排班规划报告" in text and "服务水平" in text
    csv = client.get(f"{run_url}/export/intervals.csv").data.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("时段,offered")
    assert client.get(f"{run_url}/export/kpis.xlsx").status_code == 200
    assert client.get(f"{run_url}/export/nothing.csv").status_code == 404


def test_compare_needs_two_to_four_scenarios(app, client, auth, planner):
    user_id, scenario_id = planner
    response = auth.post("/planning/compare", {"scenario_ids": [str(scenario_id)],
                                               "replications": "2", "seed": "1"},
                         form_page="/planning/compare")
    assert response.status_code == 400
    assert "请选择 2 到 4 个场景" in response.get_data(as_text=True)
    with app.app_context():
        other = make_scenario(db.session.get(User, user_id), "More staff", agents=60).id
    response = auth.post("/planning/compare", {"scenario_ids": [str(scenario_id), str(other)],
                                               "replications": "3", "seed": "1"},
                         form_page="/planning/compare")
    assert response.status_code == 302
    with app.app_context():
        run = db.session.scalar(db.select(PlanningRun))
        jobs.wait(run.job_id, timeout=60)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "方案并列对比" in html and "More staff" in html


@pytest.mark.parametrize("library_id", ["group_complaint_surge", "typhoon", "full_week"])
def test_every_editor_saves_an_unchanged_library_scenario(app, client, auth, library_id):
    auth.as_role("planner")
    response = auth.post(f"/planning/library/{library_id}/copy", {"name": "x"},
                         form_page="/planning/")
    scenario_page = response.headers["Location"]
    assert client.get(scenario_page).status_code == 200
    scenario_id = int(scenario_page.rstrip("/").split("/")[-1])
    before = _yaml_of(app, scenario_id)
    for editor in ("edit", "tables", "yaml"):
        path = f"{scenario_page}/{editor}"
        data = _form_data(client, path)
        if editor == "yaml":
            data["yaml_text"] = before
        saved = auth.post(path, data, form_page=path)
        assert saved.status_code == 302, (editor, saved.get_data(as_text=True)[-2000:])
    assert scenarios_equal(_yaml_of(app, scenario_id), before)


def scenarios_equal(left: str, right: str) -> bool:
    """Same scenario, whatever the YAML spelling."""
    import scenarios

    return scenarios.validate(left) == scenarios.validate(right)


def test_staffing_search_shows_required_staff_next_to_the_plan(app, client, auth, planner):
    _, scenario_id = planner
    page = f"/planning/scenarios/{scenario_id}"
    response = auth.post(f"{page}/staffing", {"replications": "2", "seed": "3"}, form_page=page)
    with app.app_context():
        run = db.session.scalar(db.select(PlanningRun))
        jobs.wait(run.job_id, timeout=120)
        rows = run.job.result["groups"][0]["rows"]
    assert len(rows) == 8 and all(r["gap"] == r["current"] - r["required"] for r in rows)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "各时段、各坐席组所需人员" in html and "Erlang C 失准" in html
    csv = client.get(response.headers["Location"] + "/export/staffing.csv").data.decode("utf-8-sig")
    assert len(csv.splitlines()) == 9
