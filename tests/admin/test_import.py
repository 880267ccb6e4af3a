"""Bulk user import from CSV and XLSX: all rows or none, every bad row named."""

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from lms.auth.models import User
from lms.extensions import db
from tests.factories import make_user


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def _upload(auth, name: str, data: bytes):
    return auth.post("/admin/users/import", {"file": (io.BytesIO(data), name)},
                     form_page="/admin/users/import", content_type="multipart/form-data")


def test_clean_csv_imports_every_row_with_roles_and_departments(client, auth, app):
    auth.as_role("admin")
    csv_text = ("employee_no,name,department,roles,hired_on\n"
                "E3001,王芳,Hotline East,trainee,2026-11-02\n"
                "E3002,李强,Field Service,trainee;trainer,\n")
    response = _upload(auth, "staff.csv", csv_text.encode())
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "E3001" in body and "E3002" in body
    with app.app_context():
        li = db.session.scalar(select(User).where(User.employee_no == "E3002"))
        assert li.roles == {"trainee", "trainer"}
        assert li.department.name == "Field Service"
        assert li.username == "e3002" and li.must_change_password


def test_chinese_headers_roles_and_gb18030_encoding_are_understood(client, auth, app):
    auth.as_role("admin")
    csv_text = "工号,姓名,部门,角色\nE3101,赵六,售后热线,学员、培训师\n"
    response = _upload(auth, "员工.csv", csv_text.encode("gb18030"))
    assert response.status_code == 200
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


def test_missing_columns_are_named(client, auth, app):
    auth.as_role("admin")
    response = _upload(auth, "cols.csv", b"employee_no,name\nE1,A\n")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "department" in body and "roles" in body


def test_malformed_and_wrong_type_files_are_refused(client, auth, app):
    auth.as_role("admin")
    before = _count(app)
    assert _upload(auth, "users.xlsx", b"this is not a zip").status_code == 400
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
    response = _upload(auth, "staff.xlsx", buffer.getvalue())
    assert response.status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.employee_no == "E3301"))
        assert user.hired_on.isoformat() == "2026-11-09"
