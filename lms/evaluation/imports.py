"""Imports for levels 2 and 4: pre/post test scores and monthly staff KPIs (CSV or XLSX).

Both imports are all-or-nothing: the whole file is checked, every bad row is named with its
spreadsheet row number (the header is row 1), the column and the allowed values, and nothing is
written unless every row is good. A row for an employee-month (KPI) or employee-test (pre/post)
already stored replaces the stored figures: re-importing a corrected file is the way to fix one.

KPI columns: employee_no, month (YYYY-MM), response_on_time_rate, resolution_rate, satisfaction,
complaint_rate, all percentages 0..100 (0.5 means half a percent).
Pre/post columns: employee_no, test, pre, post, max; optional category and completed_on
(YYYY-MM-DD, the day training ended).
"""

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lms.admin.service import read_table
from lms.auth.models import User
from lms.evaluation.models import KpiMonth, PrePostPair
from lms.evaluation.statistics import KPI_KEYS, check_kpi_value
from lms.extensions import db

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
KPI_COLUMNS = ("employee_no", "month", *KPI_KEYS)
PAIR_COLUMNS = ("employee_no", "test", "pre", "post", "max")
PAIR_OPTIONAL = ("category", "completed_on")
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
    """Checked rows ready to write, or every problem (never both)."""

    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _table(filename: str, data: bytes, required, optional=()) -> tuple[list, dict, list]:
    try:
        table = read_table(filename, data)
    except ValueError as error:
        return [], {}, [f"{filename}: {error}"]
    table = [row for row in table if any(str(cell).strip() for cell in row)]
    if not table:
        return [], {}, [_("%(file)s: the file is empty.", file=filename)]
    mapping = {}
    for index, title in enumerate(table[0]):
        for column in (*required, *optional):
            if title.strip().lower() in ALIASES[column] and column not in mapping:
                mapping[column] = index
    missing = [c for c in required if c not in mapping]
    if missing:
        return [], {}, [_("%(file)s, row 1: the header lacks %(cols)s. Required columns: "
                          "%(req)s.", file=filename, cols=", ".join(missing),
                          req=", ".join(required))]
    return table[1:], mapping, []


def _cell(cells, mapping, column) -> str:
    index = mapping.get(column)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _users_by_number() -> dict[str, User]:
    return {u.employee_no.lower(): u for u in db.session.scalars(select(User))}


def check_kpi_file(filename: str, data: bytes) -> ImportCheck:
    """Check a monthly KPI file; every bad row is named, nothing is kept if any is bad."""
    check = ImportCheck()
    body, mapping, check.errors = _table(filename, data, KPI_COLUMNS)
    users, seen = _users_by_number(), {}
    for number, cells in enumerate(body, start=2):
        where = _("%(file)s, row %(row)d", file=filename, row=number)
        employee_no, month = _cell(cells, mapping, "employee_no"), _cell(cells, mapping, "month")
        problems = []
        user = users.get(employee_no.lower())
        if user is None:
            problems.append(_("%(where)s: employee_no %(no)s is not a known employee.",
                              where=where, no=employee_no or "—"))
        if not MONTH_PATTERN.match(month):
            problems.append(_("%(where)s: month %(value)s is missing or not a month like "
                              "2026-03 (YYYY-MM).", where=where, value=month or "—"))
        figures = {}
        for key in KPI_KEYS:
            raw = _cell(cells, mapping, key).rstrip("%").strip()
            try:
                figures[key] = check_kpi_value(key, raw)
            except ValueError:
                problems.append(_("%(where)s: %(col)s %(value)s is not a percentage between 0 "
                                  "and 100.", where=where, col=key, value=raw or "—"))
        if not problems:
            key = (employee_no.lower(), month)
            if key in seen:
                problems.append(_("%(where)s: %(no)s %(month)s repeats row %(first)d.",
                                  where=where, no=employee_no, month=month, first=seen[key]))
            seen.setdefault(key, number)
        if problems:
            check.errors.extend(problems)
        else:
            check.rows.append({"user": user, "month": month, **figures})
    if check.errors:
        check.rows = []
    return check


def apply_kpi_rows(rows: list[dict]) -> int:
    """Write checked KPI rows (replacing stored months); the caller commits."""
    for row in rows:
        stored = db.session.scalar(select(KpiMonth).where(
            KpiMonth.user_id == row["user"].id, KpiMonth.month == row["month"]))
        if stored is None:
            stored = KpiMonth(user_id=row["user"].id, month=row["month"])
            db.session.add(stored)
        for key in KPI_KEYS:
            setattr(stored, key, row[key])
    return len(rows)


def _number(raw: str):
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if value == value else None  # NaN is not a score


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


def check_pair_file(filename: str, data: bytes) -> ImportCheck:
    """Check a pre/post score file; every bad row is named, nothing is kept if any is bad."""
    check = ImportCheck()
    body, mapping, check.errors = _table(filename, data, PAIR_COLUMNS, PAIR_OPTIONAL)
    users, seen = _users_by_number(), {}
    for number, cells in enumerate(body, start=2):
        where = _("%(file)s, row %(row)d", file=filename, row=number)
        employee_no, test = _cell(cells, mapping, "employee_no"), _cell(cells, mapping, "test")
        values = {c: _number(_cell(cells, mapping, c)) for c in ("pre", "post", "max")}
        problems = _pair_problems(where, values)
        user = users.get(employee_no.lower())
        if user is None:
            problems.append(_("%(where)s: employee_no %(no)s is not a known employee.",
                              where=where, no=employee_no or "—"))
        if not test:
            problems.append(_("%(where)s: test is empty.", where=where))
        completed_on, raw_date = None, _cell(cells, mapping, "completed_on")
        if raw_date:
            try:
                completed_on = date.fromisoformat(raw_date[:10])
            except ValueError:
                problems.append(_("%(where)s: completed_on %(value)s is not a date like "
                                  "2026-03-01.", where=where, value=raw_date))
        key = (employee_no.lower(), test)
        if not problems and key in seen:
            problems.append(_("%(where)s: %(no)s %(test)s repeats row %(first)d.", where=where,
                              no=employee_no, test=test, first=seen[key]))
        seen.setdefault(key, number)
        if problems:
            check.errors.extend(problems)
        else:
            check.rows.append({"user": user, "test": test, "completed_on": completed_on,
                               "category": _cell(cells, mapping, "category") or None,
                               **{k: values[k] for k in ("pre", "post", "max")}})
    if check.errors:
        check.rows = []
    return check


def apply_pair_rows(rows: list[dict]) -> int:
    """Write checked pre/post rows (replacing stored pairs); the caller commits."""
    for row in rows:
        stored = db.session.scalar(select(PrePostPair).where(
            PrePostPair.user_id == row["user"].id, PrePostPair.test == row["test"]))
        if stored is None:
            stored = PrePostPair(user_id=row["user"].id, test=row["test"])
            db.session.add(stored)
        stored.pre, stored.post, stored.max_score = row["pre"], row["post"], row["max"]
        stored.category, stored.completed_on = row["category"], row["completed_on"]
    return len(rows)
