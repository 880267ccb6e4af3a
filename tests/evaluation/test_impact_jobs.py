"""Simulated impact as a background job: progress, stored result, restarts, PDF."""

import io
import json
import socket

from pypdf import PdfReader
from sqlalchemy import func, select

from lms import jobs
from lms.evaluation import impact_runs, report
from lms.evaluation.impact import Impact, ImpactSide, impact_from_dict, impact_to_dict
from lms.evaluation.service import Filters
from lms.evaluation.statistics import DEFAULT_ANCHORS
from lms.extensions import db
from lms.jobs import Job
from tests.evaluation.factories import trained_cohort

PAGE = "/evaluation/impact"


def _fabricated() -> Impact:
    before = ImpactSide(0.5, 1.3, 0.65, (71.0, 69.5, 72.5), (9.0, 8.0, 10.0), (52.0, 51, 53))
    after = ImpactSide(0.8, 1.06, 0.77, (93.0, 92.0, 94.0), (2.0, 1.5, 2.5), (44.0, 43, 45))
    return Impact(before, after, (8.0, 7.2, 8.8), 45, DEFAULT_ANCHORS)


def _params(app) -> dict:
    with app.app_context():
        return impact_runs.impact_params(report.dashboard(Filters())["impact_inputs"])


def _job_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Job.id)).where(Job.kind == "evaluation.impact"))


def test_stored_result_round_trips_through_json():
    impact = _fabricated()
    assert impact_from_dict(json.loads(json.dumps(impact_to_dict(impact)))) == impact


def test_page_offers_the_run_and_the_job_stores_the_result(client, auth, app):
    auth.as_role("planner")
    with app.app_context():
        trained_cohort()
    first = client.get(PAGE).get_data(as_text=True)
    assert 'id="run-impact"' in first and 'id="worth"' not in first
    assert 'id="mapping"' in first and 'id="impact-inputs"' in first
    assert _job_count(app) == 0
    response = auth.post(PAGE + "/run", {}, form_page=PAGE)
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    with app.app_context():
        job_id = db.session.scalar(select(Job.id))
    status = client.get(f"{PAGE}/jobs/{job_id}").get_json()
    assert status["kind"] == "evaluation.impact" and status["status"] in jobs.JOB_STATUSES
    jobs.wait(job_id, timeout=120)
    assert client.get(f"{PAGE}/jobs/{job_id}").get_json()["status"] == "done"
    body = client.get(PAGE).get_data(as_text=True)
    assert 'id="worth"' in body and 'id="impact-stored"' in body
    assert 'class="ci"' in body  # whiskers on the chart, intervals in the table
    assert auth.post(PAGE + "/run", {}, form_page=PAGE).status_code == 302
    assert _job_count(app) == 1  # the stored result is reused, not simulated again


def _store(app, params: dict, **fields) -> int:
    with app.app_context():
        job = Job(kind="evaluation.impact", params_json=json.dumps(params, ensure_ascii=False),
                  **fields)
        db.session.add(job)
        db.session.commit()
        return job.id


def test_a_stored_result_is_shown_after_a_restart_and_goes_into_the_pdf(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        trained_cohort()
    # A row written by an earlier process: nothing of it lives in this process's memory.
    _store(app, _params(app), status="done", progress=1.0,
           result_json=json.dumps(impact_to_dict(_fabricated())), runner="inprocess",
           worker="elsewhere:1:gone")
    body = client.get(PAGE).get_data(as_text=True)
    assert 'id="worth"' in body and "8.0" in body and "7.2 – 8.8" in body
    pdf = client.get("/evaluation/report.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "8.0" in text and "名坐席" in text
    assert _job_count(app) == 1


def test_progress_page_polls_while_the_run_is_under_way(client, auth, app):
    auth.as_role("planner")
    with app.app_context():
        trained_cohort()
    job_id = _store(app, _params(app), status="running", progress=0.4, runner="inprocess",
                    worker=jobs.runner.this_process())
    body = client.get(PAGE).get_data(as_text=True)
    assert f'data-status-url="/evaluation/impact/jobs/{job_id}"' in body
    assert 'value="0.4"' in body and 'id="worth"' not in body
    assert 'id="mapping"' in body  # the rest of the page stays usable


def test_a_run_interrupted_by_a_restart_is_reported_and_can_be_started_again(client, auth, app):
    auth.as_role("planner")
    with app.app_context():
        trained_cohort()
    _store(app, _params(app), status="running", progress=0.3, runner="inprocess",
           worker=f"{socket.gethostname()}:4194000:oldboot")
    body = client.get(PAGE).get_data(as_text=True)
    assert 'id="impact-error"' in body and 'id="run-impact"' in body
    assert "服务器重启" in body
    with app.app_context():
        assert db.session.scalar(select(Job.status)) == "failed"


def test_pdf_says_when_the_impact_is_not_simulated_yet(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        trained_cohort()
    pdf = client.get("/evaluation/report.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "尚未模拟" in text


def test_status_url_only_answers_for_impact_jobs(client, auth, app):
    auth.as_role("planner")
    other = _store(app, {"yaml": "x"}, status="done")
    with app.app_context():
        db.session.execute(Job.__table__.update().values(kind="planning.simulate"))
        db.session.commit()
    assert client.get(f"{PAGE}/jobs/{other}").status_code == 404
    assert client.get(f"{PAGE}/jobs/999999").status_code == 404
