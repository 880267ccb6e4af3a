"""Issue 10, item 5 and 11: no spreadsheet export can run a formula, and Chinese file names
download.

A person named ``=HYPERLINK("http://x","y")`` is exported from every CSV and XLSX endpoint of the
app; read back, the CSV cell starts with ``'`` and the XLSX cell is a string (no formula in the
sheet XML). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from urllib.parse import unquote

from openpyxl import load_workbook

from lms import jobs
from lms.auth.models import User
from lms.exams import attempts
from lms.extensions import db
from lms.planning.models import PlanningRun
from lms.tabular import content_disposition, neutralise, write_csv, write_xlsx
from tests.courses.factories import assign_to, make_course
from tests.exams.factories import make_exam, option_ids, single_choice, store
from tests.factories import make_user
from tests.planning.factories import make_scenario

EVIL = '=HYPERLINK("http://x","y")'
EVIL_DEPARTMENT = "@SUM(1+1)"


def _csv_cells(data: bytes) -> list[str]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Chinese Excel reads it
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def _assert_csv_safe(data: bytes, *texts: str) -> None:
    cells = _csv_cells(data)
    for text in texts:
        assert "'" + text in cells, (text, cells)
        assert text not in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]


def _assert_xlsx_safe(data: bytes, *texts: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    sheet = load_workbook(io.BytesIO(data)).active
    found = {}
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                found[cell.value] = cell.data_type
    for text in texts:
        assert found.get("'" + text) == "s", (text, found)
        assert text not in found


def test_writers_prefix_formula_starts_and_keep_numbers():
    rows = [[EVIL, "+1", "-2", "@x", "\tt", "\rr", "plain", -3, 2.5, None]]
    cells = _csv_cells(write_csv(rows, ["h"] * 10))
    assert cells[10:] == ["'" + EVIL, "'+1", "'-2", "'@x", "'\tt", "'\rr", "plain", "-3",
                          "2.5", ""]
    sheet = load_workbook(io.BytesIO(write_xlsx(rows, ["h"] * 10))).active
    values = [cell.value for cell in sheet[2]]
    types = [cell.data_type for cell in sheet[2]]
    values[5] = values[5].replace("\n", "\r")  # XML reading turns a lone CR into LF
    assert values[:7] == ["'" + EVIL, "'+1", "'-2", "'@x", "'\tt", "'\rr", "plain"]
    assert types[:7] == ["s"] * 7
    assert values[7:9] == [-3, 2.5] and types[7:9] == ["n", "n"]
    assert neutralise(5) == 5 and neutralise(None) == ""


def test_xlsx_writer_drops_control_characters_instead_of_failing():
    sheet = load_workbook(io.BytesIO(write_xlsx([["bell\x07name"]]))).active
    assert sheet.cell(1, 1).value == "bellname"


def test_exam_results_exports_neutralise_a_trainee_name(app, client, auth):
    with app.app_context():
        question = store(single_choice("fx-one"))
        person = make_user(name=EVIL, department=EVIL_DEPARTMENT)
        exam = make_exam(["fx-one"], slug="fx-exam", user=person)
        attempt = attempts.start_attempt(exam, person)
        slot = attempt.questions[0]
        attempts.save_answer(attempt.id, person.id, slot.id,
                             option_ids(question)["Right"])
        attempts.submit(attempt.id, person.id)
        exam_id = exam.id
    auth.as_role("trainer")
    csv_response = client.get(f"/exams/manage/{exam_id}/results.csv")
    assert csv_response.status_code == 200
    _assert_csv_safe(csv_response.data, EVIL)
    xlsx = client.get(f"/exams/manage/{exam_id}/results.xlsx").data
    _assert_xlsx_safe(xlsx, EVIL)
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet.cell(2, 10).value == 100.0 and sheet.cell(2, 10).data_type == "n"


def test_course_progress_exports_neutralise_names_and_departments(app, client, auth):
    with app.app_context():
        course = make_course()
        person = make_user(name=EVIL, department=EVIL_DEPARTMENT)
        assign_to(course, person, due_in_days=-1)
        db.session.commit()
    auth.as_role("trainer")
    for query in ("", "?only=overdue"):
        _assert_csv_safe(client.get(f"/courses/manage/dashboard/export.csv{query}").data,
                         EVIL, EVIL_DEPARTMENT)
        _assert_xlsx_safe(client.get(f"/courses/manage/dashboard/export.xlsx{query}").data,
                          EVIL, EVIL_DEPARTMENT)


def test_planning_comparison_exports_neutralise_scenario_names(app, client, auth):
    user_id = auth.as_role("planner")
    with app.app_context():
        owner = db.session.get(User, user_id)
        first = make_scenario(owner, EVIL).id
        second = make_scenario(owner, "More staff", agents=60).id
    response = auth.post("/planning/compare", {"scenario_ids": [str(first), str(second)],
                                               "replications": "2", "seed": "1"},
                         form_page="/planning/compare")
    assert response.status_code == 302
    with app.app_context():
        jobs.wait(db.session.scalar(db.select(PlanningRun)).job_id, timeout=120)
    run_url = response.headers["Location"]
    _assert_csv_safe(client.get(f"{run_url}/export/comparison.csv").data, EVIL)
    _assert_xlsx_safe(client.get(f"{run_url}/export/comparison.xlsx").data, EVIL)


def test_import_templates_are_utf8_csv_with_bom(client, auth):
    auth.as_role("admin")
    for path in ("/admin/users/import/template.csv", "/evaluation/kpi/template.csv"):
        response = client.get(path)
        assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")


def _filename_star(header: str) -> str:
    value = header.split("filename*=", 1)[1].split(";")[0]
    assert value.startswith("UTF-8''")
    return unquote(value[len("UTF-8''"):])


def test_chinese_category_name_downloads_with_rfc5987_filename(client, auth):
    auth.as_role("trainer")
    response = client.get("/exams/manage/export", query_string={
        "format": "gift", "category": "售后服务/投诉处理"})
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    header.encode("latin-1")  # a WSGI server can send it
    assert _filename_star(header) == "售后服务-投诉处理.gift.txt"
    assert 'filename="download.gift.txt"' in header


def test_content_disposition_keeps_ascii_names_and_strips_header_breaks():
    assert content_disposition("run-3-kpis.csv") == 'attachment; filename="run-3-kpis.csv"'
    header = content_disposition('a"b\r\nSet-Cookie: x.csv')
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2
    assert _filename_star(content_disposition("进度 报表.xlsx")) == "进度 报表.xlsx"
