"""Bulk user import from CSV and XLSX: checked at once, created by a job, all rows or none."""

import io
import re

from openpyxl import Workbook
from sqlalchemy import func, select

from lms import jobs
from lms.auth.models import User
from lms.auth.service import verify_password
from lms.extensions import db
from lms.jobs.models import Job
from tests.factories import make_user

JOB_URL = re.compile(r"/admin/users/import/jobs/(\d+)$")


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def _upload(auth, name: str, data: bytes, **fields):
    return auth.post("/admin/users/import", {"file": (io.BytesIO(data), name), **fields},
                     form_page="/admin/users/import", content_type="multipart/form-data")


def import_finished(auth, client, name: str, data: bytes, **fields):
    """Upload a clean file, wait for its job, and return the outcome page."""
    response = _upload(auth, name, data, **fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    job_id = int(JOB_URL.search(response.location).group(1))
    jobs.wait(job_id, timeout=60)
    return client.get(response.location)


def test_clean_csv_imports_every_row_with_roles_and_departments(client, auth, app):
    auth.as_role("admin")
    csv_text = ("employee_no,name,department,roles,hired_on\n"
                "E3001,王芳,Hotline East,trainee,2026-11-02\n"
                "E3002,李强,Field Service,trainee;trainer,\n")
    page = import_finished(auth, client, "staff.csv", csv_text.encode())
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "E3001" in body and "E3002" in body and 'id="import-outcome"' in body
    with app.app_context():
        li = db.session.scalar(select(User).where(User.employee_no == "E3002"))
        assert li.roles == {"trainee", "trainer"}
        assert li.department.name == "Field Service"
        assert li.username == "e3002" and li.must_change_password
        wang = db.session.scalar(select(User).where(User.employee_no == "E3001"))
        assert wang.hired_on.isoformat() == "2026-11-02"


def test_temporary_passwords_work_and_are_shown_only_once(client, auth, app):
    auth.as_role("admin")
    page = import_finished(auth, client, "one.csv",
                           b"employee_no,name,department,roles\nE3401,Zhou Min,Hotline,trainee\n")
    password = re.search(r"<code>([^<]+)</code>", page.get_data(as_text=True)).group(1)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.employee_no == "E3401"))
        assert verify_password(user.password_hash, password)
        job = db.session.scalar(select(Job).where(Job.kind == "admin.import_users"))
        assert password not in job.result_json and password not in job.params_json
    again = client.get(page.request.path).get_data(as_text=True)
    assert password not in again and "E3401" in again


def test_chinese_headers_roles_and_gb18030_encoding_are_understood(client, auth, app):
    auth.as_role("admin")
    csv_text = "工号,姓名,部门,角色\nE3101,赵六,售后热线,学员、培训师\n"
    page = import_finished(auth, client, "员工.csv", csv_text.encode("gb18030"))
    assert page.status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.employee_no == "E3101"))
        assert user.name == "赵六" and user.roles == {"trainee", "trainer"}


def test_any_bad_row_imports_nothing_and_every_row_is_reported(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        make_user(employee_no="E0100")
    before = _count(app)
    csv_text = ("employee_no,name,department,roles\n"
                "E3201,Good Row,Hotline,trainee\n"      # row 2 fine
                "E3201,Duplicate,Hotline,trainee\n"     # row 3 repeats row 2
                "E3203,,Hotline,trainee\n"              # row 4 empty name
                "E3204,Bad Role,Hotline,boss\n"         # row 5 unknown role
                "E0100,Existing,Hotline,trainee\n")     # row 6 already in database
    response = _upload(auth, "bad.csv", csv_text.encode())
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    for fragment in ("E3201", "3", "2"):
        assert fragment in body
    assert ("Row 3" in body or "第 3 行" in body) and ("Row 4" in body or "第 4 行" in body)
    assert ("Row 5" in body or "第 5 行" in body) and ("Row 6" in body or "第 6 行" in body)
    assert "boss" in body
    assert _count(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(Job.id))) == 0


def test_missing_columns_are_named(client, auth, app):
    auth.as_role("admin")
    response = _upload(auth, "cols.csv", b"employee_no,name\nE1,A\n")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "department" in body and "roles" in body


def test_malformed_and_wrong_type_files_are_refused(client, auth, app):
    auth.as_role("admin")
    before = _count(app)
    response = _upload(auth, "users.xlsx", b"this is not a zip")
    assert response.status_code == 400 and "users.xlsx" in response.get_data(as_text=True)
    response = _upload(auth, "users.pdf", b"%PDF-1.4")
    assert response.status_code == 400
    assert ".csv" in response.get_data(as_text=True)
    assert _count(app) == before


def test_xlsx_import(client, auth, app):
    auth.as_role("admin")
    book = Workbook()
    sheet = book.active
    sheet.append(["employee_no", "name", "department", "roles", "hired_on"])
    sheet.append(["E3301", "孙悦", "Hotline East", "trainee", "2026-11-09"])
    buffer = io.BytesIO()
    book.save(buffer)
    page = import_finished(auth, client, "staff.xlsx", buffer.getvalue())
    assert page.status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.employee_no == "E3301"))
        assert user.hired_on.isoformat() == "2026-11-09"


def test_user_name_rules_of_the_form_apply(client, auth, app):
    auth.as_role("admin")
    before = _count(app)
    csv_text = ("employee_no,name,department,roles,username\n"
                "E3501,Bad Name,Hotline,trainee,zhang san\n"
                "E3502,Worse Name,Hotline,trainee,<script>\n")
    response = _upload(auth, "names.csv", csv_text.encode())
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ("Row 2" in body or "第 2 行" in body) and ("Row 3" in body or "第 3 行" in body)
    assert "zhang san" in body and "<script>" not in body  # echoed, but escaped
    assert _count(app) == before


def test_password_column_follows_the_password_policy(client, auth, app):
    auth.as_role("admin")
    before = _count(app)
    csv_text = ("employee_no,name,department,roles,password\n"
                "E3601,A,Hotline,trainee,password\n"      # common password
                "E3602,B,Hotline,trainee,e3602\n"         # the user name
                "E3603,C,Hotline,trainee,aaaaaaaaaa\n")   # one repeated character
    response = _upload(auth, "pw.csv", csv_text.encode())
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    for row in (2, 3, 4):
        assert f"Row {row}, column password" in body or f"第 {row} 行，password 列" in body
    assert "aaaaaaaaaa" not in body  # passwords are never echoed
    assert _count(app) == before
    page = import_finished(auth, client, "pw.csv", b"employee_no,name,department,roles,password\n"
                                                   b"E3604,D,Hotline,trainee,Blue-Kettle-93\n")
    assert page.status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.employee_no == "E3604"))
        assert verify_password(user.password_hash, "Blue-Kettle-93")
        assert user.must_change_password
        job = db.session.scalar(select(Job).where(Job.kind == "admin.import_users"))
        assert "Blue-Kettle-93" not in job.params_json


def test_import_page_states_the_limits(client, auth):
    auth.as_role("admin")
    page = client.get("/admin/users/import").get_data(as_text=True)
    assert 'id="import-limits"' in page and "2000" in page and "254" in page


def test_template_downloads_as_csv_with_bom(client, auth):
    auth.as_role("admin")
    response = client.get("/admin/users/import/template.csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbfemployee_no,")
    assert 'filename="users-template.csv"' in response.headers["Content-Disposition"]


def test_chosen_encoding_is_used_and_a_wrong_choice_is_a_clear_error(client, auth, app):
    auth.as_role("admin")
    data = "工号,姓名,部门,角色\nE3701,钱七,售后热线,学员\n".encode("gb18030")
    response = _upload(auth, "gbk.csv", data, encoding="utf-8")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "gbk.csv" in body and "UTF-8" in body
    page = import_finished(auth, client, "gbk.csv", data, encoding="gb18030")
    assert "E3701" in page.get_data(as_text=True)
