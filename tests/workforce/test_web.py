"""Workforce pages over HTTP: planners only, all-or-nothing import, report, forecast job,
backtest, scenario from a forecast, intraday actuals, special events."""

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from lms import jobs
from lms.auth.models import User
from lms.extensions import db
from lms.planning.models import PlanningScenario
from lms.workforce import service
from lms.workforce.models import WorkforceEvent, WorkforceForecast, WorkforceHistory
from tests.forecast.synth import rows, weekly

MONDAY = dt.date(2026, 7, 6)


def csv_bytes(data, drop=()) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["date", "interval_start", "queue", "offered",
                                                "handled", "aht"])
    writer.writeheader()
    for index, row in enumerate(data):
        if index not in drop:
            writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def five_weeks() -> list[dict]:
    return rows(MONDAY, 35, weekly(600.0), seed=2)


def upload(auth, content: bytes, name="history.csv", **fields):
    data = {"file": (io.BytesIO(content), name), "name": "July", **fields}
    return auth.post("/workforce/history/upload", data, form_page="/workforce/history/upload",
                     content_type="multipart/form-data")


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_pages_are_for_planners_only(client, auth, app):
    assert client.get("/workforce/").status_code == 302  # to the sign-in page
    auth.as_role("trainee")
    assert client.get("/workforce/").status_code == 403
    assert client.get("/workforce/events").status_code == 403
    client.post("/logout", data={})
    other = app.test_client()
    from tests.conftest import Auth

    Auth(other, app).as_role("admin")
    assert other.get("/workforce/history/upload").status_code == 403


def test_a_planner_cannot_open_another_planners_history(client, auth, app):
    with app.app_context():
        from tests.factories import make_user

        owner = make_user(roles=["planner"])
        stored = service.import_history(owner, "theirs", five_weeks())
        db.session.commit()
        history_id = stored.id
    auth.as_role("planner")
    assert client.get(f"/workforce/history/{history_id}").status_code == 403
    assert client.get("/workforce/history/999999").status_code == 404


def test_upload_shows_the_report_with_repeated_rows_and_gaps(client, auth, app):
    auth.as_role("planner")
    data = five_weeks()
    data.append(dict(data[40]))  # a repeated export row
    content = csv_bytes(data, drop={100, 101})  # two intervals missing on the fourth day
    response = upload(auth, content)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "repeated-rows" in page and "2026-07-07" in page
    assert "2026-07-09 16:00–17:00" in page
    with app.app_context():
        stored = db.session.scalar(select(WorkforceHistory))
        assert stored.row_count == len(data) - 2
        assert stored.report["queues"]["consultation"]["gap_intervals"] == 2


def test_a_bad_file_imports_nothing_and_names_the_rows(client, auth, app):
    auth.as_role("planner")
    data = five_weeks()
    data[3]["offered"] = "lots"
    data.append({**data[10], "offered": "1234"})  # same interval, different numbers
    response = upload(auth, csv_bytes(data))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "import-problems" in page
    assert "lots" in page
    assert re.search(r"(row|第)\s*5", page)
    assert f"{len(data) + 1}" in page  # the conflicting row's number
    with app.app_context():
        assert count(WorkforceHistory) == 0


def test_a_file_that_is_not_csv_or_xlsx_is_refused(client, auth):
    auth.as_role("planner")
    response = upload(auth, b"not a table", name="history.pdf")
    assert response.status_code == 400
    assert "field-error" in response.get_data(as_text=True)


@pytest.fixture
def finished_forecast(app, auth):
    user_id = auth.as_role("planner")
    with app.app_context():
        owner = db.session.get(User, user_id)
        stored = service.import_history(owner, "July", five_weeks())
        db.session.commit()
        found = service.start_forecast(owner, stored, method="holt_winters", horizon_days=14,
                                       holdout_days=7, inline=True)
        assert found.job.status == "done", found.job.error
        return found.id


def test_forecast_runs_as_a_job_and_shows_chart_and_backtest(client, auth, app):
    auth.as_role("planner")
    response = upload(auth, csv_bytes(five_weeks()))
    history_path = response.headers["Location"]
    history_id = int(history_path.rstrip("/").split("/")[-1])
    started = auth.post(f"/workforce/history/{history_id}/forecast",
                        {"horizon_days": "14", "method": "holt_winters", "holdout_days": "7"},
                        form_page=history_path)
    assert started.status_code == 302
    with app.app_context():
        found = db.session.scalar(select(WorkforceForecast))
        jobs.wait(found.job_id, timeout=120)
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert 'id="backtest"' in page and "<svg" in page
    status = client.get(f"/workforce/forecasts/{found.id}/status").get_json()
    assert status["status"] == "done"


def test_forecast_options_out_of_range_are_refused(client, auth, app):
    auth.as_role("planner")
    response = upload(auth, csv_bytes(five_weeks()))
    history_path = response.headers["Location"]
    history_id = int(history_path.rstrip("/").split("/")[-1])
    refused = auth.post(f"/workforce/history/{history_id}/forecast",
                        {"horizon_days": "90", "method": "holt_winters", "holdout_days": "7"},
                        form_page=history_path)
    assert refused.status_code == 400
    assert 'id="horizon_days-error"' in refused.get_data(as_text=True)


def test_export_and_scenario_from_the_forecast(client, auth, app, finished_forecast):
    exported = client.get(f"/workforce/forecasts/{finished_forecast}/export.csv")
    assert exported.status_code == 200
    assert exported.data.decode("utf-8-sig").startswith("date,interval_start,queue,offered,aht")
    path = f"/workforce/forecasts/{finished_forecast}/scenario"
    assert client.get(path).status_code == 200
    made = auth.post(path, {"name": "From the forecast", "base": "lib:full_week",
                            "first_day": "2026-08-10", "days": "7"}, form_page=path)
    assert made.status_code == 302 and "/planning/scenarios/" in made.headers["Location"]
    with app.app_context():
        stored = db.session.scalar(select(PlanningScenario))
        assert stored.name == "From the forecast"
        assert "consultation_forecast" in stored.yaml_text
    too_long = auth.post(path, {"name": "x", "base": "lib:full_week", "first_day": "2026-08-20",
                                "days": "7"}, form_page=path)
    assert too_long.status_code == 400
    assert 'id="days-error"' in too_long.get_data(as_text=True)


def test_intraday_actuals_raise_the_rest_of_the_day(client, auth, app, finished_forecast):
    path = f"/workforce/forecasts/{finished_forecast}/intraday?queue=consultation&day=2026-08-10"
    page = client.get(path).get_data(as_text=True)
    assert "×1.00" in page
    with app.app_context():
        result = db.session.get(WorkforceForecast, finished_forecast).job.result
        planned = result["forecast"]["queues"]["consultation"]["offered"][0]
    lines = "\n".join(f"{8 + s // 2:02d}:{30 * (s % 2):02d}, {round(planned[16 + s] * 1.5)}"
                      for s in range(10))
    saved = auth.post(path, {"queue": "consultation", "day": "2026-08-10", "actuals": lines},
                      form_page=path)
    assert saved.status_code == 302
    page = client.get(path).get_data(as_text=True)
    ratio = float(re.search(r'id="volume-ratio">×([0-9.]+)', page).group(1))
    assert 1.3 < ratio < 1.5
    bad = auth.post(path, {"queue": "consultation", "day": "2026-08-10",
                           "actuals": "08:00, 12\n8 o'clock, many"}, form_page=path)
    assert bad.status_code == 400
    assert "actual-problems" in bad.get_data(as_text=True)


def test_special_events_are_added_checked_edited_and_deleted(client, auth, app):
    auth.as_role("planner")
    refused = auth.post("/workforce/events", {"name": "Double 11", "kind": "sales",
                                              "first_day": "2026-11-12",
                                              "last_day": "2026-11-10",
                                              "volume_factor": "1.5", "aht_factor": "1"},
                        form_page="/workforce/events")
    assert refused.status_code == 400
    assert 'id="last_day-error"' in refused.get_data(as_text=True)
    added = auth.post("/workforce/events", {"name": "Double 11", "kind": "sales",
                                            "first_day": "2026-11-10", "last_day": "2026-11-12",
                                            "volume_factor": "1.5", "aht_factor": "1",
                                            "queues": ["consultation"]},
                      form_page="/workforce/events")
    assert added.status_code == 302
    with app.app_context():
        event = db.session.scalar(select(WorkforceEvent))
        assert event.queues == ["consultation"] and event.volume_factor == 1.5
        event_id = event.id
    edit = f"/workforce/events/{event_id}/edit"
    assert auth.post(edit, {"name": "Double 11 peak", "kind": "sales",
                            "first_day": "2026-11-10", "last_day": "2026-11-12",
                            "volume_factor": "1.6", "aht_factor": "1.1"},
                     form_page=edit).status_code == 302
    with app.app_context():
        event = db.session.get(WorkforceEvent, event_id)
        assert (event.name, event.volume_factor, event.queues) == ("Double 11 peak", 1.6, [])
    assert auth.post(f"/workforce/events/{event_id}/delete", {},
                     form_page="/workforce/events").status_code == 302
    with app.app_context():
        assert count(WorkforceEvent) == 0
