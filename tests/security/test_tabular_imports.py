"""Issue 10, items 7, 11 and 12: imports state row limits, check fast, store in a background job
(all rows or none), and refuse over-long fields with a row error instead of a 500.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from lms import jobs
from lms.admin import imports
from lms.auth.models import Department, User
from lms.evaluation.models import PrePostPair
from lms.extensions import db
from lms.jobs.models import Job
from tests.factories import make_user

HEADER = "employee_no,name,department,roles,username,email\n"


def _upload(auth, path: str, data: bytes, name: str = "staff.csv"):
    return auth.post(path, {"file": (io.BytesIO(data), name)}, form_page=path,
                     content_type="multipart/form-data")


def _users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize("column,value", [
    ("username", "u" * 65), ("employee_no", "E" * 33), ("name", "名" * 121),
    ("email", "a" * 250 + "@x.cn"), ("department", "部" * 121),
])
def test_over_long_user_fields_are_row_errors_not_500(app, auth, column, value):
    auth.as_role("admin")
    before = _users(app)
    fields = {"employee_no": "E4001", "name": "Wang", "department": "Hotline",
              "roles": "trainee", "username": "", "email": "", column: value}
    line = ",".join(fields[c] for c in ("employee_no", "name", "department", "roles",
                                        "username", "email"))
    response = _upload(auth, "/admin/users/import", (HEADER + line + "\n").encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (f"Row 2, column {column}" in page or f"第 2 行，{column} 列" in page), page[-3000:]
    assert str(len(value)) in page
    assert value not in page  # no echo of more than a short excerpt
    assert _users(app) == before


def test_user_import_runs_as_a_job_whose_progress_reaches_done(app, client, auth):
    admin_id = auth.as_role("admin")
    body = HEADER + "".join(f"E5{n:03d},Person {n},Hotline,trainee,,\n" for n in range(60))
    response = _upload(auth, "/admin/users/import", body.encode())
    assert response.status_code == 302
    job_id = int(re.search(r"/jobs/(\d+)$", response.location).group(1))
    jobs.wait(job_id, timeout=60)
    status = client.get(f"/admin/users/import/jobs/{job_id}/status").get_json()
    assert status == {"id": job_id, "kind": "admin.import_users", "status": "done",
                      "progress": 1.0, "error": None}
    assert _users(app) == 61
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.owner_id == admin_id and job.result["created"] == 60


def test_job_reports_progress_while_hashing(app_ctx):
    report = imports.check_import("p.csv", (HEADER + "".join(
        f"E6{n:03d},P{n},Hotline,trainee,,\n" for n in range(100))).encode())
    assert not report.errors
    params = {"ticket": "t", "locale": "en",
              "rows": [{**row.__dict__} for row in report.rows]}
    seen: list[float] = []
    result = imports.import_users_job(params, seen.append)
    assert result["created"] == 100
    assert len(seen) >= 10 and seen == sorted(seen) and 0 < seen[0] < seen[-1] < 1


def test_progress_page_refreshes_itself_until_the_job_is_finished(app, client, auth):
    admin_id = auth.as_role("admin")
    with app.app_context():
        job = Job(kind=imports.JOB_KIND, params_json='{"rows": []}', owner_id=admin_id,
                  status="running", progress=0.4, runner="inprocess",
                  worker=jobs.runner.this_process())
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    page = client.get(f"/admin/users/import/jobs/{job_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and 'id="import-bar"' in page and "40 %" in page
    other = app.test_client()
    from tests.conftest import Auth

    with app.app_context():
        make_user(roles=["admin"], username="other-admin")
    Auth(other, app).login("other-admin")
    assert other.get(f"/admin/users/import/jobs/{job_id}").status_code == 404


def test_a_number_taken_between_check_and_job_imports_nothing(app, client, auth):
    admin_id = auth.as_role("admin")
    with app.app_context():
        report = imports.check_import("race.csv", (HEADER + "E7001,A,Hotline,trainee,,\n"
                                                   "E7002,B,Hotline,trainee,,\n").encode())
        assert not report.errors
        make_user(employee_no="E7002")  # someone else was quicker
        job = imports.start_import(report, admin_id)
        jobs.wait(job.id, timeout=60)
        db.session.expire_all()
        failed = db.session.get(Job, job.id)
        assert failed.status == "failed" and "E7002" in failed.error
        assert db.session.scalar(select(User).where(User.employee_no == "E7001")) is None
        job_id = failed.id
    page = client.get(f"/admin/users/import/jobs/{job_id}").get_data(as_text=True)
    assert 'id="import-errors"' in page and "E7002" in page


def test_a_failure_while_creating_users_stores_none_of_them(app_ctx, monkeypatch):
    owner = make_user(roles=["admin"])
    report = imports.check_import("two.csv", (HEADER + "E8001,A,One,trainee,,\n"
                                              "E8002,B,Two,trainee,,\n").encode())
    calls = []

    def flaky(name):
        calls.append(name)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return Department(name=name)

    monkeypatch.setattr(Department, "get_or_create", staticmethod(flaky))
    job = imports.start_import(report, owner.id)
    jobs.wait(job.id, timeout=60)
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "failed"
    assert db.session.scalar(select(func.count(User.id))) == 1  # only the admin
    assert db.session.scalar(select(func.count(Department.id))) == 1  # the admin's


def test_pairs_import_of_many_rows_runs_as_one_job(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        for n in range(20):
            make_user(employee_no=f"P{n:03d}")
    body = "employee_no,test,pre,post,max\n" + "".join(
        f"P{n % 20:03d},test-{n // 20},{n % 50},{50 + n % 50},100\n" for n in range(3000))
    response = _upload(auth, "/evaluation/pairs/import", body.encode(), "pairs.csv")
    assert response.status_code == 302
    job_id = int(re.search(r"/imports/(\d+)$", response.location).group(1))
    jobs.wait(job_id, timeout=120)
    page = client.get(response.location).get_data(as_text=True)
    assert 'id="import-outcome"' in page and "3000" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(PrePostPair.id))) == 3000


def test_pairs_import_over_the_row_limit_is_refused_at_once(app, client, auth, monkeypatch):
    from lms.evaluation import imports as evaluation_imports

    auth.as_role("trainer")
    monkeypatch.setattr(evaluation_imports, "MAX_PAIR_ROWS", 50)
    body = "employee_no,test,pre,post,max\n" + "E1,t,1,2,3\n" * 51
    response = _upload(auth, "/evaluation/pairs/import", body.encode(), "pairs.csv")
    assert response.status_code == 400
    assert "50" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Job.id))) == 0
