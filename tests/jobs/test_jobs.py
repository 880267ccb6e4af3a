"""The job interface: in-process threads, RQ on the real Redis, failures and restarts."""

import uuid

import pytest
from redis import Redis

from lms import jobs
from lms.extensions import db
from lms.jobs.models import Job
from tests.factories import make_user


@jobs.register("tests.add")
def _add(params, progress):
    progress(0.5)
    return {"sum": params["a"] + params["b"]}


@jobs.register("tests.broken")
def _broken(params, progress):
    raise ValueError("replications must be at least 2")


def _fresh(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_in_process_job_stores_result_and_progress(app_ctx):
    owner = make_user(roles=["planner"])
    job = jobs.submit("tests.add", {"a": 2, "b": 3}, owner.id)
    jobs.wait(job.id, timeout=10)
    done = _fresh(job.id)
    assert done.status == "done"
    assert done.result == {"sum": 5}
    assert done.progress == 1.0
    assert done.owner_id == owner.id and done.started_at and done.finished_at


def test_failing_job_is_marked_failed_with_its_reason(app_ctx):
    job = jobs.submit("tests.broken", {}, None)
    jobs.wait(job.id, timeout=10)
    failed = _fresh(job.id)
    assert failed.status == "failed"
    assert "replications must be at least 2" in failed.error


def test_unknown_kind_fails_naming_the_known_kinds(app_ctx):
    job = jobs.submit("tests.nope", {}, None, inline=True)
    assert job.status == "failed" and "tests.add" in job.error


def test_job_of_a_dead_process_is_failed_on_recovery(app_ctx):
    import socket

    stuck = Job(kind="tests.add", params_json="{}", status="running", runner="inprocess",
                worker=f"{socket.gethostname()}:999999:old")
    db.session.add(stuck)
    db.session.commit()
    assert jobs.recover_interrupted() == 1
    assert _fresh(stuck.id).status == "failed"
    assert _fresh(stuck.id).error == jobs.INTERRUPTED


def test_running_job_of_this_process_is_left_alone(app_ctx):
    alive = Job(kind="tests.add", params_json="{}", status="running", runner="inprocess",
                worker=jobs.runner.this_process())
    db.session.add(alive)
    db.session.commit()
    assert jobs.recover_interrupted() == 0


@pytest.fixture
def redis_queue(app):
    connection = Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        connection.ping()
    except Exception:  # noqa: BLE001
        pytest.skip("no Redis at 127.0.0.1:6379")
    name = f"lms-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL="redis://127.0.0.1:6379/0", JOBS_QUEUE=name)
    yield connection, name
    app.config.update(REDIS_URL="", JOBS_QUEUE="lms-jobs")
    from rq import Queue

    Queue(name, connection=connection).delete(delete_jobs=True)


def test_rq_job_runs_on_a_worker_and_stores_its_result(app_ctx, redis_queue):
    from rq import Queue, SimpleWorker

    connection, name = redis_queue
    job = jobs.submit("tests.add", {"a": 40, "b": 2}, None)
    assert job.runner == "rq" and job.status == "queued"
    worker = SimpleWorker([Queue(name, connection=connection)], connection=connection)
    worker.work(burst=True)
    done = _fresh(job.id)
    assert done.status == "done" and done.result == {"sum": 42}


def test_job_status_is_shown_to_its_owner_only(app, client, auth):
    from tests.conftest import Auth

    owner_id = auth.as_role("trainee")
    with app.app_context():
        job = jobs.submit("tests.add", {"a": 1, "b": 1}, owner_id, inline=True)
        job_id = job.id
    status = client.get(f"/planning/jobs/{job_id}/status").get_json()
    assert status == {"id": job_id, "kind": "tests.add", "status": "done", "progress": 1.0,
                      "error": None}
    stranger = Auth(app.test_client(), app)
    stranger.as_role("planner")
    assert stranger.client.get(f"/planning/jobs/{job_id}/status").status_code == 403
