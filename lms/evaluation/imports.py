"""Imports for levels 2 and 4: pre/post test scores and monthly staff KPIs (CSV or XLSX).

Both imports are all-or-nothing: the whole file is checked in the request, every bad row is
named with its spreadsheet row number (the header is row 1), the column and the allowed values,
and nothing is written unless every row is good. A clean file is then written by a background
job (``evaluation.import_kpis`` / ``evaluation.import_pairs``) in one transaction, or not at all.
A row for an employee-month (KPI) or employee-test (pre/post) already stored replaces the stored
figures: re-importing a corrected file is the way to fix one.

Limits: at most :data:`MAX_KPI_ROWS` / :data:`MAX_PAIR_ROWS` data rows per file; text columns
no wider than their database columns.

KPI columns: employee_no, month (YYYY-MM), response_on_time_rate, resolution_rate, satisfaction,
complaint_rate, all percentages 0..100 (0.5 means half a percent).
Pre/post columns: employee_no, test, pre, post, max; optional category and completed_on
(YYYY-MM-DD, the day training ended).
"""

import logging
import math
import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from lms import jobs
from lms.auth.models import User
from lms.evaluation.models import KpiMonth, PrePostPair
from lms.evaluation.statistics import KPI_KEYS, check_kpi_value
from lms.extensions import db
from lms.jobs.models import Job
from lms.tabular import Row, TabularError, read_table, short

log = logging.getLogger("lms.evaluation")
MAX_KPI_ROWS = 50_000
MAX_PAIR_ROWS = 50_000
#: Rows written per statement by the import jobs.
_CHUNK = 2000
JOB_KINDS = {"kpi": "evaluation.import_kpis", "pairs": "evaluation.import_pairs"}
MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
KPI_COLUMNS = ("employee_no", "month", *KPI_KEYS)
PAIR_COLUMNS = ("employee_no", "test", "pre", "post", "max")
PAIR_OPTIONAL = ("category", "completed_on")
#: Widest text each pre/post column may hold: the width of its database column.
PAIR_LENGTHS = {"test": PrePostPair.__table__.c.test.type.length,
                "category": PrePostPair.__table__.c.category.type.length}
ALIASES = {
    "employee_no": {"employee_no", "employee number", "工号"},
    "month": {"month", "月份"},
    "response_on_time_rate": {"response_on_time_rate", "响应及时率"},
    "resolution_rate": {"resolution_rate", "问题解决率", "解决率"},
    "satisfaction": {"satisfaction", "客户满意度", "满意度"},
    "complaint_rate": {"complaint_rate", "投诉率"},
    "test": {"test", "测试", "课程"},
    "pre": {"pre", "前测"},
    "post": {"post", "后测"},
    "max": {"max", "满分"},
    "category": {"category", "类别"},
    "completed_on": {"completed_on", "结业日期"},
}


@dataclass
class ImportCheck:
    """Checked rows ready to write (plain lists, as the job takes them), or every problem."""

    rows: list[list] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _table(filename: str, data: bytes, required, optional=(), *, max_rows: int,
           encoding: str | None = None) -> tuple[list[Row], dict, list]:
    try:
        table = read_table(data, filename, max_rows=max_rows, encoding=encoding)
    except TabularError as error:
        return [], {}, [str(error)]
    if not table.header:
        return [], {}, [_("%(file)s: the file is empty.", file=short(filename))]
    wanted = {column: ALIASES[column] for column in (*required, *optional)}
    mapping = table.columns(wanted)
    missing = [c for c in required if c not in mapping]
    if missing:
        return [], {}, [_("%(file)s, row 1: the header lacks %(cols)s. Required columns: "
                          "%(req)s.", file=short(filename), cols=", ".join(missing),
                          req=", ".join(required))]
    if not table.rows:
        return [], {}, [_("%(file)s: the file has a header but no data rows.",
                          file=short(filename))]
    return table.rows, mapping, []


def _where(filename: str, number: int) -> str:
    return _("%(file)s, row %(row)d", file=short(filename), row=number)


def _users_by_number() -> dict[str, int]:
    return {number.lower(): user_id for user_id, number in
            db.session.execute(select(User.id, User.employee_no))}


def check_kpi_file(filename: str, data: bytes, encoding: str | None = None) -> ImportCheck:
    """Check a monthly KPI file; every bad row is named, nothing is kept if any is bad."""
    check = ImportCheck()
    body, mapping, check.errors = _table(filename, data, KPI_COLUMNS, max_rows=MAX_KPI_ROWS,
                                         encoding=encoding)
    users, seen = _users_by_number(), {}
    for row in body:
        employee_no, month = row.cell(mapping["employee_no"]), row.cell(mapping["month"])
        problems = []
        user_id = users.get(employee_no.lower())
        if user_id is None:
            problems.append(_("%(where)s: employee_no %(no)s is not a known employee.",
                              where=_where(filename, row.number), no=short(employee_no) or "—"))
        if not MONTH_PATTERN.match(month):
            problems.append(_("%(where)s: month %(value)s is missing or not a month like "
                              "2026-03 (YYYY-MM).", where=_where(filename, row.number),
                              value=short(month) or "—"))
        figures = []
        for key in KPI_KEYS:
            raw = row.cell(mapping[key]).rstrip("%").strip()
            try:
                figures.append(check_kpi_value(key, raw))
            except ValueError:
                problems.append(_("%(where)s: %(col)s %(value)s is not a percentage between 0 "
                                  "and 100.", where=_where(filename, row.number), col=key,
                                  value=short(raw) or "—"))
        if not problems:
            key = (employee_no.lower(), month)
            if key in seen:
                problems.append(_("%(where)s: %(no)s %(month)s repeats row %(first)d.",
                                  where=_where(filename, row.number), no=employee_no,
                                  month=month, first=seen[key]))
            seen.setdefault(key, row.number)
        if problems:
            check.errors.extend(problems)
        elif not check.errors:
            check.rows.append([user_id, month, *figures])
    if check.errors:
        check.rows = []
    return check


def _number(raw: str):
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None  # NaN and infinity are not scores


def _pair_problems(where, values) -> list[str]:
    problems = []
    for column in ("pre", "post", "max"):
        if values[column] is None:
            problems.append(_("%(where)s: %(col)s must be a number.", where=where, col=column))
    if not problems:
        if values["max"] <= 0:
            problems.append(_("%(where)s: max must be greater than 0.", where=where))
        for column in ("pre", "post"):
            if not 0 <= values[column] <= values["max"]:
                problems.append(_("%(where)s: %(col)s %(value)g must lie between 0 and max "
                                  "(%(max)g).", where=where, col=column, value=values[column],
                                  max=values["max"]))
    return problems


def _pair_row_problems(filename: str, row: Row, mapping: dict, users: dict) -> tuple:
    where = _where(filename, row.number)
    employee_no, test = row.cell(mapping["employee_no"]), row.cell(mapping["test"])
    category = row.cell(mapping.get("category"))
    values = {c: _number(row.cell(mapping[c])) for c in ("pre", "post", "max")}
    problems = _pair_problems(where, values)
    if employee_no.lower() not in users:
        problems.append(_("%(where)s: employee_no %(no)s is not a known employee.",
                          where=where, no=short(employee_no) or "—"))
    if not test:
        problems.append(_("%(where)s: test is empty.", where=where))
    for column, text in (("test", test), ("category", category)):
        if len(text) > PAIR_LENGTHS[column]:
            problems.append(_("%(where)s, column %(col)s: %(n)d characters; at most %(max)d "
                              "are allowed.", where=where, col=column, n=len(text),
                              max=PAIR_LENGTHS[column]))
    completed_on, raw_date = None, row.cell(mapping.get("completed_on"))
    if raw_date:
        try:
            completed_on = date.fromisoformat(raw_date[:10]).isoformat()
        except ValueError:
            problems.append(_("%(where)s: completed_on %(value)s is not a date like "
                              "2026-03-01.", where=where, value=short(raw_date)))
    line = [users.get(employee_no.lower()), test, category or None,
            values["pre"], values["post"], values["max"], completed_on]
    return problems, line


def check_pair_file(filename: str, data: bytes, encoding: str | None = None) -> ImportCheck:
    """Check a pre/post score file; every bad row is named, nothing is kept if any is bad."""
    check = ImportCheck()
    body, mapping, check.errors = _table(filename, data, PAIR_COLUMNS, PAIR_OPTIONAL,
                                         max_rows=MAX_PAIR_ROWS, encoding=encoding)
    users, seen = _users_by_number(), {}
    for row in body:
        problems, line = _pair_row_problems(filename, row, mapping, users)
        key = (line[0], line[1])
        if not problems and key in seen:
            problems.append(_("%(where)s: %(no)s %(test)s repeats row %(first)d.",
                              where=_where(filename, row.number),
                              no=row.cell(mapping["employee_no"]), test=short(line[1]),
                              first=seen[key]))
        seen.setdefault(key, row.number)
        if problems:
            check.errors.extend(problems)
        elif not check.errors:
            check.rows.append(line)
    if check.errors:
        check.rows = []
    return check


# --- writing (in the background) ----------------------------------------------------------

def _stored_ids(model, key_column, user_ids: set[int]) -> dict[tuple, int]:
    found: dict[tuple, int] = {}
    ordered = sorted(user_ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        for row_id, user_id, key in db.session.execute(
                select(model.id, model.user_id, key_column).where(model.user_id.in_(chunk))):
            found[(user_id, key)] = row_id
    return found


def _write(model, new: list[dict], changed: list[dict]) -> None:
    for start in range(0, len(new), _CHUNK):
        db.session.execute(insert(model), new[start:start + _CHUNK])
    for start in range(0, len(changed), _CHUNK):
        db.session.execute(update(model), changed[start:start + _CHUNK])


def apply_kpi_rows(rows: list[list], progress=None) -> int:
    """Write checked KPI rows (replacing stored months); the caller commits."""
    stored = _stored_ids(KpiMonth, KpiMonth.month, {row[0] for row in rows})
    if progress:
        progress(0.3)
    new, changed = [], []
    for user_id, month, *figures in rows:
        values = dict(zip(KPI_KEYS, figures, strict=True))
        row_id = stored.get((user_id, month))
        if row_id is None:
            new.append({"user_id": user_id, "month": month, **values})
        else:
            changed.append({"id": row_id, **values})
    _write(KpiMonth, new, changed)
    return len(rows)


def apply_pair_rows(rows: list[list], progress=None) -> int:
    """Write checked pre/post rows (replacing stored pairs); the caller commits."""
    stored = _stored_ids(PrePostPair, PrePostPair.test, {row[0] for row in rows})
    if progress:
        progress(0.3)
    new, changed = [], []
    for user_id, test, category, pre, post, max_score, completed_on in rows:
        values = {"pre": pre, "post": post, "max_score": max_score, "category": category,
                  "completed_on": date.fromisoformat(completed_on) if completed_on else None}
        row_id = stored.get((user_id, test))
        if row_id is None:
            new.append({"user_id": user_id, "test": test, **values})
        else:
            changed.append({"id": row_id, **values})
    _write(PrePostPair, new, changed)
    return len(rows)


APPLY = {"kpi": apply_kpi_rows, "pairs": apply_pair_rows}


def start_import(kind: str, checked: ImportCheck, filename: str, owner_id: int) -> Job:
    """Hand the rows of a clean check to the import job of ``kind`` (``kpi`` or ``pairs``)."""
    if checked.errors or not checked.rows:
        raise ValueError("refusing to import a file with errors")
    params = {"kind": kind, "filename": short(filename), "locale": str(get_locale() or "zh"),
              "rows": checked.rows}
    return jobs.submit(JOB_KINDS[kind], params, owner_id)


def _run(params: dict, progress) -> dict:
    """Write every row in one transaction: progress is reported only before writing starts,
    because reporting it commits."""
    with force_locale(params.get("locale") or "zh"):
        count = APPLY[params["kind"]](params["rows"], progress)
        db.session.commit()
    log.info("%s import of %s stored %d rows", params["kind"], params["filename"], count)
    return {"kind": params["kind"], "filename": params["filename"], "rows": count}


@jobs.register(JOB_KINDS["kpi"])
def import_kpis_job(params: dict, progress) -> dict:
    """Store the checked rows of a KPI file."""
    return _run(params, progress)


@jobs.register(JOB_KINDS["pairs"])
def import_pairs_job(params: dict, progress) -> dict:
    """Store the checked rows of a pre/post file."""
    return _run(params, progress)


def import_job_for(job_id: int, user_id: int) -> Job | None:
    """The evaluation import job ``job_id`` if ``user_id`` started it."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind not in JOB_KINDS.values() or job.owner_id != user_id:
        return None
    return job
