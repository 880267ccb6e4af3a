"""User administration: create, edit, deactivate, reset, and bulk import from CSV/XLSX.

An import is all-or-nothing: the whole file is checked first and every bad row is
reported with its spreadsheet row number (the header is row 1); nothing is written
unless every row is good.
"""

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.auth.models import Department, Role, User
from lms.auth.service import hash_password
from lms.extensions import db

#: Header spellings accepted for each import column (English and Chinese).
COLUMN_ALIASES = {
    "employee_no": {"employee_no", "employee number", "employee no", "工号", "员工编号"},
    "name": {"name", "full name", "姓名"},
    "department": {"department", "dept", "部门"},
    "roles": {"roles", "role", "角色"},
    "username": {"username", "user name", "login", "用户名"},
    "email": {"email", "e-mail", "邮箱"},
    "hired_on": {"hired_on", "hired on", "hire date", "入职日期"},
}
REQUIRED_COLUMNS = ("employee_no", "name", "department", "roles")
ROLE_ALIASES = {
    "admin": Role.ADMIN, "administrator": Role.ADMIN, "管理员": Role.ADMIN,
    "trainer": Role.TRAINER, "培训师": Role.TRAINER, "讲师": Role.TRAINER,
    "planner": Role.PLANNER, "规划师": Role.PLANNER, "排班规划": Role.PLANNER,
    "trainee": Role.TRAINEE, "学员": Role.TRAINEE, "员工": Role.TRAINEE,
}
EMPLOYEE_NO_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_IMPORT_ROWS = 5000


@dataclass
class ImportRow:
    """One good row of a user import, ready to be written."""

    row_number: int
    employee_no: str
    name: str
    department: str
    roles: list[str]
    username: str
    email: str | None = None
    hired_on: date | None = None


@dataclass
class ImportReport:
    """The checked file: good rows, or the list of problems (never both written)."""

    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def temporary_password() -> str:
    """A random password an administrator hands over once; the user must change it."""
    return secrets.token_urlsafe(9)


def create_user(*, username, employee_no, name, department, roles, email=None,
                hired_on=None, password=None, locale=None) -> tuple[User, str]:
    """Add a user; returns it with the password to hand over (generated if not given)."""
    initial = password or temporary_password()
    user = User(
        username=username.strip().lower(), employee_no=employee_no.strip(), name=name.strip(),
        email=email or None, hired_on=hired_on, locale=locale,
        password_hash=hash_password(initial), must_change_password=password is None,
    )
    user.department = Department.get_or_create(department.strip()) if department else None
    user.set_roles(roles)
    db.session.add(user)
    return user, initial


def reset_password(user: User) -> str:
    """Give ``user`` a new temporary password that must be changed at next sign-in."""
    initial = temporary_password()
    user.password_hash = hash_password(initial)
    user.must_change_password = True
    db.session.commit()
    return initial


def _decode(data: bytes) -> str:
    # Spreadsheet programs in China save CSV as GB18030 by default; try UTF-8 first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(_("The file is neither UTF-8 nor GB18030 text."))


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise ValueError(_("The CSV file is malformed: %(reason)s", reason=str(exc))) from exc


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ValueError(_("The XLSX file cannot be read: %(reason)s", reason=str(exc))) from exc
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append(["" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat")
                                          else str(v)) for v in values])
    workbook.close()
    return rows


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """Rows of a CSV or XLSX upload as lists of strings; ValueError names the problem."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(data)
    if lower.endswith(".csv") or lower.endswith(".txt"):
        return _read_csv(data)
    raise ValueError(_("Unsupported file type %(name)s: upload a .csv or .xlsx file.",
                       name=filename))


def _map_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    mapping: dict[str, int] = {}
    for index, title in enumerate(header):
        key = title.strip().lower()
        for column, aliases in COLUMN_ALIASES.items():
            if key in aliases and column not in mapping:
                mapping[column] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping]
    return mapping, missing


def _parse_roles(value: str) -> tuple[list[str], list[str]]:
    roles, unknown = [], []
    for part in re.split(r"[;,，、|/ ]+", value.strip()):
        if not part:
            continue
        role = ROLE_ALIASES.get(part.lower())
        if role is None:
            unknown.append(part)
        elif role.value not in roles:
            roles.append(role.value)
    return roles, unknown


def check_import(filename: str, data: bytes) -> ImportReport:
    """Check a whole user file; every problem is reported with its row number."""
    report = ImportReport()
    try:
        table = read_table(filename, data)
    except ValueError as exc:
        report.errors.append(str(exc))
        return report
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        report.errors.append(_("The file is empty."))
        return report
    mapping, missing = _map_header(table[0])
    if missing:
        report.errors.append(_(
            "Row 1: the header lacks the column(s) %(cols)s. Required: %(req)s.",
            cols=", ".join(missing), req=", ".join(REQUIRED_COLUMNS)))
        return report
    if len(table) - 1 > MAX_IMPORT_ROWS:
        report.errors.append(_("The file has more than %(n)d rows; split it.", n=MAX_IMPORT_ROWS))
        return report
    existing_numbers = set(db.session.scalars(select(func.lower(User.employee_no))))
    existing_names = set(db.session.scalars(select(func.lower(User.username))))
    seen_numbers: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for offset, cells in enumerate(table[1:], start=2):
        row = _check_row(offset, cells, mapping, report.errors)
        if row is None:
            continue
        key = row.employee_no.lower()
        if key in seen_numbers:
            report.errors.append(_("Row %(row)d: employee number %(no)s repeats row %(first)d.",
                                   row=offset, no=row.employee_no, first=seen_numbers[key]))
            continue
        seen_numbers[key] = offset
        if key in existing_numbers:
            report.errors.append(_("Row %(row)d: employee number %(no)s already exists.",
                                   row=offset, no=row.employee_no))
            continue
        name_key = row.username.lower()
        if name_key in seen_names or name_key in existing_names:
            report.errors.append(_("Row %(row)d: user name %(name)s is already taken.",
                                   row=offset, name=row.username))
            continue
        seen_names[name_key] = offset
        report.rows.append(row)
    if report.errors:
        report.rows = []
    return report


def _cell(cells: list[str], mapping: dict[str, int], column: str) -> str:
    index = mapping.get(column)
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _check_row(number: int, cells, mapping, errors: list[str]) -> ImportRow | None:
    values = {column: _cell(cells, mapping, column) for column in COLUMN_ALIASES}
    problems = []
    for column in REQUIRED_COLUMNS:
        if not values[column]:
            problems.append(_("Row %(row)d: %(col)s is empty.", row=number, col=column))
    if values["employee_no"] and not EMPLOYEE_NO_PATTERN.match(values["employee_no"]):
        problems.append(_("Row %(row)d: employee number %(no)s may only hold letters, digits, "
                          "- and _ (at most 32).", row=number, no=values["employee_no"]))
    roles, unknown = _parse_roles(values["roles"])
    if unknown:
        problems.append(_("Row %(row)d: unknown role(s) %(roles)s; allowed: admin, trainer, "
                          "planner, trainee.", row=number, roles=", ".join(unknown)))
    hired_on = None
    if values["hired_on"]:
        try:
            hired_on = date.fromisoformat(values["hired_on"])
        except ValueError:
            problems.append(_("Row %(row)d: hired_on %(value)s is not a date like 2026-03-01.",
                              row=number, value=values["hired_on"]))
    if values["email"] and "@" not in values["email"]:
        problems.append(_("Row %(row)d: email %(value)s is not an e-mail address.",
                          row=number, value=values["email"]))
    if problems:
        errors.extend(problems)
        return None
    return ImportRow(
        row_number=number, employee_no=values["employee_no"], name=values["name"],
        department=values["department"], roles=roles,
        username=(values["username"] or values["employee_no"]).lower(),
        email=values["email"] or None, hired_on=hired_on,
    )


def apply_import(report: ImportReport) -> list[tuple[User, str]]:
    """Write every row of a clean report in one transaction; returns users and passwords."""
    if report.errors:
        raise ValueError("refusing to import a file with errors")
    created = []
    try:
        for row in report.rows:
            created.append(create_user(
                username=row.username, employee_no=row.employee_no, name=row.name,
                department=row.department, roles=row.roles, email=row.email,
                hired_on=row.hired_on,
            ))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return created
