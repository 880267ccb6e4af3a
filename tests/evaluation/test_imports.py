"""KPI and pre/post imports: every bad row named, nothing imported; good files stored."""

import io
import re

from openpyxl import Workbook
from sqlalchemy import func, select

from lms import jobs
from lms.evaluation.models import KpiMonth, PrePostPair
from lms.extensions import db
from tests.factories import make_user

KPI_PAGE = "/evaluation/kpi/import"
PAIR_PAGE = "/evaluation/pairs/import"
HEADER = "employee_no,month,response_on_time_rate,resolution_rate,satisfaction,complaint_rate\n"


def _upload(auth, page, name, data):
    return auth.post(page, {"file": (io.BytesIO(data), name)}, form_page=page,
                     content_type="multipart/form-data")


def _imported(auth, client, page, name, data) -> str:
    """Upload a clean file, wait for its background job, return the outcome page."""
    response = _upload(auth, page, name, data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    job_id = int(re.search(r"/evaluation/imports/(\d+)$", response.location).group(1))
    jobs.wait(job_id, timeout=60)
    outcome = client.get(response.location)
    assert outcome.status_code == 200
    return outcome.get_data(as_text=True)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_good_kpi_csv_is_imported_and_reimport_replaces(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        make_user(employee_no="E7001")
    body = HEADER + "E7001,2026-10,98.5,96,92.5,0.3\n"
    assert 'id="import-outcome"' in _imported(auth, client, KPI_PAGE, "kpi.csv", body.encode())
    again = HEADER + "E7001,2026-10,99,96,93,0.2\n"
    _imported(auth, client, KPI_PAGE, "kpi.csv", again.encode())
    with app.app_context():
        row = db.session.scalar(select(KpiMonth))
        assert row.month == "2026-10" and row.satisfaction == 93
    assert _count(app, KpiMonth) == 1


def test_bad_kpi_file_names_every_row_and_imports_nothing(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        make_user(employee_no="E7001")
    body = (HEADER
            + "E7001,2026-10,98.5,96,92.5,0.3\n"      # row 2 good
            + "X9999,2026-10,98.5,96,92.5,0.3\n"      # row 3 unknown employee
            + "E7001,2026-11,101,96,92.5,0.3\n"       # row 4 over 100
            + "E7001,,98,96,92,0.3\n"                 # row 5 missing month
            + "E7001,2026-10,98.5,96,92.5,0.3\n")     # row 6 repeats row 2
    response = _upload(auth, KPI_PAGE, "kpi.csv", body.encode())
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "kpi.csv" in text
    for row in ("3", "4", "5", "6"):
        assert f"第 {row} 行" in text or f"row {row}" in text
    assert "X9999" in text and "101" in text and "response_on_time_rate" in text
    assert "YYYY-MM" in text
    assert _count(app, KpiMonth) == 0


def test_kpi_xlsx_with_missing_column_is_refused(client, auth, app):
    auth.as_role("trainer")
    book = Workbook()
    book.active.append(["employee_no", "month", "satisfaction"])
    book.active.append(["E1", "2026-10", 90])
    data = io.BytesIO()
    book.save(data)
    response = _upload(auth, KPI_PAGE, "kpi.xlsx", data.getvalue())
    assert response.status_code == 400
    assert "complaint_rate" in response.get_data(as_text=True)


def test_pre_post_import_checks_scores_against_max(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        make_user(employee_no="E7101")
    bad = ("employee_no,test,pre,post,max\n"
           "E7101,service-standards,40,120,100\n"
           "E7101,,40,80,100\n")
    response = _upload(auth, PAIR_PAGE, "pairs.csv", bad.encode())
    assert response.status_code == 400 and "120" in response.get_data(as_text=True)
    assert _count(app, PrePostPair) == 0
    good = ("employee_no,test,pre,post,max,completed_on\n"
            "E7101,service-standards,40,85,100,2026-09-30\n")
    _imported(auth, client, PAIR_PAGE, "pairs.csv", good.encode())
    assert _count(app, PrePostPair) == 1


def test_trainees_cannot_import(client, auth, app):
    auth.as_role("trainee")
    assert client.get(KPI_PAGE).status_code == 403
    assert client.get("/evaluation/").status_code == 403


def test_pre_post_reimport_replaces_and_long_fields_are_row_errors(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        make_user(employee_no="E7201")
    head = "employee_no,test,pre,post,max,category\n"
    _imported(auth, client, PAIR_PAGE, "p.csv", (head + "E7201,t1,40,80,100,c\n").encode())
    _imported(auth, client, PAIR_PAGE, "p.csv", (head + "E7201,t1,50,90,100,c\n"
                                                 "E7201,t2,10,20,100,\n").encode())
    with app.app_context():
        pairs = {p.test: p for p in db.session.scalars(select(PrePostPair))}
        assert pairs["t1"].pre == 50 and pairs["t1"].post == 90 and pairs["t2"].category is None
    long_test = "t" * 121
    response = _upload(auth, PAIR_PAGE, "p.csv",
                       (head + f"E7201,{long_test},1,2,3,\nE7201,t3,nan,inf,100,\n").encode())
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "121" in text and "120" in text and "test" in text
    assert "pre" in text and "post" in text
    assert _count(app, PrePostPair) == 2


def test_import_pages_state_their_row_limits(client, auth):
    auth.as_role("trainer")
    for page in (KPI_PAGE, PAIR_PAGE):
        body = client.get(page).get_data(as_text=True)
        assert 'id="import-limits"' in body and "50000" in body
