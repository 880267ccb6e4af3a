"""Bulk user import from CSV/XLSX: checked at once in the request, created by a background job.

The request reads and checks the whole file (at most :data:`MAX_IMPORT_ROWS` data rows) and
reports every bad row with its spreadsheet row number (the header is row 1) and column; with
any problem nothing is stored. A clean file becomes a job (``admin.import_users``) that does
the slow part, one argon2 hash per user, and then creates every user in one transaction, or
none. The rules are those of the user form (:mod:`lms.admin.forms`) and the password policy
(:func:`lms.auth.passwords.password_problems`) for an optional ``password`` column; users
without one get a temporary password, shown once to the administrator who ran the import.

Plain passwords never stay in the database: the job removes them from its parameters before
it hashes, and the temporary passwords leave its result once the outcome page has shown them.
"""

import json
import logging
import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import date

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lms import jobs
from lms.admin.forms import EMPLOYEE_NO_PATTERN, USERNAME_PATTERN
from lms.admin.service import temporary_password
from lms.auth.models import Department, Role, User
from lms.auth.passwords import password_problems
from lms.auth.service import hash_password
from lms.extensions import db
from lms.jobs.models import Job
from lms.tabular import Row, TabularError, read_table, short

log = logging.getLogger("lms.admin")
JOB_KIND = "admin.import_users"
#: Most data rows one file may hold: each needs an argon2 hash (a fraction of a second).
MAX_IMPORT_ROWS = 2000

#: Header spellings accepted for each import column (English and Chinese).
COLUMN_ALIASES = {
    "employee_no": {"employee_no", "employee number", "employee no", "工号", "员工编号"},
    "name": {"name", "full name", "姓名"},
    "department": {"department", "dept", "部门"},
    "roles": {"roles", "role", "角色"},
    "username": {"username", "user name", "login", "用户名"},
    "email": {"email", "e-mail", "邮箱"},
    "hired_on": {"hired_on", "hired on", "hire date", "入职日期"},
    "password": {"password", "initial password", "密码", "初始密码"},
}
REQUIRED_COLUMNS = ("employee_no", "name", "department", "roles")
ROLE_ALIASES = {
    "admin": Role.ADMIN, "administrator": Role.ADMIN, "管理员": Role.ADMIN,
    "trainer": Role.TRAINER, "培训师": Role.TRAINER, "讲师": Role.TRAINER,
    "planner": Role.PLANNER, "规划师": Role.PLANNER, "排班规划": Role.PLANNER,
    "trainee": Role.TRAINEE, "学员": Role.TRAINEE, "员工": Role.TRAINEE,
}
#: Widest value each column may hold: the width of its database column.
MAX_LENGTHS = {
    "username": User.__table__.c.username.type.length,
    "employee_no": User.__table__.c.employee_no.type.length,
    "name": User.__table__.c.name.type.length,
    "email": User.__table__.c.email.type.length,
    "department": Department.__table__.c.name.type.length,
}
_USERNAME = re.compile(USERNAME_PATTERN)
_EMPLOYEE_NO = re.compile(EMPLOYEE_NO_PATTERN)


class ImportConflict(ValueError):
    """Between the check and the job, someone else took a number or name of the file."""


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
    hired_on: str | None = None  # ISO date: job parameters are plain JSON
    password: str | None = None


@dataclass
class ImportReport:
    """The checked file: good rows, or the list of problems (never both kept)."""

    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def check_import(filename: str, data: bytes, encoding: str | None = None) -> ImportReport:
    """Check a whole user file; every problem is reported with its row number and column."""
    report = ImportReport()
    try:
        table = read_table(data, filename, max_rows=MAX_IMPORT_ROWS, encoding=encoding or None)
    except TabularError as error:
        report.errors.append(str(error))
        return report
    if not table.header:
        report.errors.append(_("The file is empty."))
        return report
    mapping = table.columns(COLUMN_ALIASES)
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping]
    if missing:
        report.errors.append(_(
            "Row 1: the header lacks the column(s) %(cols)s. Required: %(req)s.",
            cols=", ".join(missing), req=", ".join(REQUIRED_COLUMNS)))
        return report
    if not table.rows:
        report.errors.append(_("The file has a header but no data rows."))
        return report
    _check_rows(table.rows, mapping, report)
    if report.errors:
        report.rows = []
    return report


def _check_rows(rows: list[Row], mapping: dict[str, int], report: ImportReport) -> None:
    existing_numbers = set(db.session.scalars(select(func.lower(User.employee_no))))
    existing_names = set(db.session.scalars(select(func.lower(User.username))))
    seen_numbers: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for cells in rows:
        row = _check_row(cells, mapping, report.errors)
        if row is None:
            continue
        key, name_key = row.employee_no.lower(), row.username.lower()
        if key in seen_numbers:
            report.errors.append(_("Row %(row)d: employee number %(no)s repeats row %(first)d.",
                                   row=row.row_number, no=row.employee_no,
                                   first=seen_numbers[key]))
            continue
        seen_numbers[key] = row.row_number
        if key in existing_numbers:
            report.errors.append(_("Row %(row)d: employee number %(no)s already exists.",
                                   row=row.row_number, no=row.employee_no))
            continue
        if name_key in seen_names or name_key in existing_names:
            report.errors.append(_("Row %(row)d: user name %(name)s is already taken.",
                                   row=row.row_number, name=row.username))
            continue
        seen_names[name_key] = row.row_number
        report.rows.append(row)


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


def _too_long(number: int, values: dict[str, str]) -> list[str]:
    return [_("Row %(row)d, column %(col)s: %(n)d characters; at most %(max)d are allowed.",
              row=number, col=column, n=len(values[column]), max=limit)
            for column, limit in MAX_LENGTHS.items() if len(values[column]) > limit]


def _check_row(row: Row, mapping: dict[str, int], errors: list[str]) -> ImportRow | None:
    number = row.number
    values = {column: row.cell(mapping.get(column)) for column in COLUMN_ALIASES}
    own_username = bool(values["username"])
    values["username"] = (values["username"] or values["employee_no"]).lower()
    problems = [_("Row %(row)d: %(col)s is empty.", row=number, col=column)
                for column in REQUIRED_COLUMNS if not values[column]]
    problems += _too_long(number, values)
    if values["employee_no"] and not _EMPLOYEE_NO.fullmatch(values["employee_no"]):
        problems.append(_("Row %(row)d: employee number %(no)s may only hold letters, digits, "
                          "- and _ (at most 32).", row=number, no=short(values["employee_no"])))
    if own_username and not _USERNAME.fullmatch(values["username"]):
        problems.append(_("Row %(row)d, column username: %(value)s may only hold letters, "
                          "digits, '.', '-' and '_'.", row=number,
                          value=short(values["username"])))
    roles, unknown = _parse_roles(values["roles"])
    if unknown:
        problems.append(_("Row %(row)d: unknown role(s) %(roles)s; allowed: admin, trainer, "
                          "planner, trainee.", row=number, roles=short(", ".join(unknown))))
    hired_on = None
    if values["hired_on"]:
        try:
            hired_on = date.fromisoformat(values["hired_on"]).isoformat()
        except ValueError:
            problems.append(_("Row %(row)d: hired_on %(value)s is not a date like 2026-03-01.",
                              row=number, value=short(values["hired_on"])))
    if values["email"] and "@" not in values["email"]:
        problems.append(_("Row %(row)d: email %(value)s is not an e-mail address.",
                          row=number, value=short(values["email"])))
    if values["password"]:
        wrong = password_problems(values["password"], username=values["username"],
                                  employee_no=values["employee_no"])
        if wrong:
            problems.append(_("Row %(row)d, column password: %(problems)s", row=number,
                              problems=" ".join(str(p) for p in wrong)))
    if problems:
        errors.extend(problems)
        return None
    return ImportRow(
        row_number=number, employee_no=values["employee_no"], name=values["name"],
        department=values["department"], roles=roles, username=values["username"],
        email=values["email"] or None, hired_on=hired_on, password=values["password"] or None)


# --- the background part ------------------------------------------------------------------

def start_import(report: ImportReport, owner_id: int) -> Job:
    """Hand the rows of a clean report to the import job; returns the job."""
    if report.errors or not report.rows:
        raise ValueError("refusing to import a file with errors")
    params = {"ticket": secrets.token_hex(16), "locale": str(get_locale() or "zh"),
              "rows": [asdict(row) for row in report.rows]}
    return jobs.submit(JOB_KIND, params, owner_id)


def _forget_passwords(params: dict) -> None:
    """Replace this job's stored parameters by a copy without the plain passwords."""
    scrubbed = {**params, "rows": [{**row, "password": None} for row in params["rows"]]}
    db.session.execute(update(Job).where(
        Job.kind == JOB_KIND, Job.status == "running",
        Job.params_json.contains(params["ticket"])).values(
            params_json=json.dumps(scrubbed, ensure_ascii=False)))
    db.session.commit()


def _new_temporary_password(row: dict) -> str:
    while True:
        candidate = temporary_password()
        if not password_problems(candidate, username=row["username"],
                                 employee_no=row["employee_no"]):
            return candidate


def _conflicts(rows: list[dict]) -> list[str]:
    numbers = {row["employee_no"].lower(): row for row in rows}
    names = {row["username"].lower(): row for row in rows}
    taken = [_("Row %(row)d: employee number %(no)s already exists.",
               row=numbers[n]["row_number"], no=numbers[n]["employee_no"])
             for n in db.session.scalars(select(func.lower(User.employee_no)))
             if n in numbers]
    taken += [_("Row %(row)d: user name %(name)s is already taken.",
                row=names[n]["row_number"], name=names[n]["username"])
              for n in db.session.scalars(select(func.lower(User.username))) if n in names]
    return taken


def _conflict(problems: list[str]) -> ImportConflict:
    return ImportConflict(_("Nothing was imported: since the check, other users took "
                            "these numbers or names: %(list)s", list=" ".join(problems[:20])))


def _create_users(rows: list[dict], hashes: list[str]) -> None:
    departments: dict[str, Department] = {}
    for row, password_hash in zip(rows, hashes, strict=True):
        key = row["department"].lower()
        if key not in departments:
            departments[key] = Department.get_or_create(row["department"])
        user = User(username=row["username"], employee_no=row["employee_no"], name=row["name"],
                    email=row["email"], password_hash=password_hash, must_change_password=True,
                    hired_on=date.fromisoformat(row["hired_on"]) if row["hired_on"] else None)
        user.department = departments[key]
        user.set_roles(row["roles"])
        db.session.add(user)


@jobs.register(JOB_KIND)
def import_users_job(params: dict, progress) -> dict:
    """Hash every password, then create every user in one transaction (or none)."""
    _forget_passwords(params)
    rows = params["rows"]
    with force_locale(params.get("locale") or "zh"):
        hashes, shown = [], []
        step = max(1, len(rows) // 50)
        for index, row in enumerate(rows, start=1):
            temporary = None if row["password"] else _new_temporary_password(row)
            hashes.append(hash_password(row["password"] or temporary))
            shown.append(temporary)
            if index % step == 0:  # nothing is pending in the session yet: safe to commit
                progress(0.95 * index / len(rows))
        problems = _conflicts(rows)
        if problems:
            raise _conflict(problems)
        try:
            _create_users(rows, hashes)
            db.session.commit()
        except IntegrityError as error:
            db.session.rollback()
            log.warning("user import conflicted at commit: %s", error.orig)
            raise _conflict([str(error.orig)[:200]]) from error
    log.info("user import created %d users", len(rows))
    return {"created": len(rows),
            "users": [[row["employee_no"], row["name"], row["username"], password]
                      for row, password in zip(rows, shown, strict=True)]}


def import_job_for(job_id: int, user_id: int) -> Job | None:
    """The user-import job ``job_id`` if ``user_id`` started it."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind != JOB_KIND or job.owner_id != user_id:
        return None
    return job


def take_temporary_passwords(job: Job) -> list[list]:
    """The created users with their temporary passwords, removed from the job as they are read.

    The passwords are shown once, like a single user's; afterwards the outcome page lists the
    users without them.
    """
    result = job.result or {}
    users = result.get("users", [])
    if not result.get("passwords_shown"):
        forgotten = {**result, "users": [[*user[:3], None] for user in users],
                     "passwords_shown": True}
        job.result_json = json.dumps(forgotten, ensure_ascii=False)
        db.session.commit()
    return users
