"""Issue 10, proof: fuzzing every CSV/XLSX importer over HTTP (user import, KPI import, pre/post
pairs import, planning history import).

Random bytes, valid files in random encodings (as CSV or XLSX), truncated and spliced files:
the answer is never a 500; a refused file (400) leaves the affected tables exactly as they were;
a valid file in an accepted encoding is always imported, and an accepted file's job finishes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from lms import jobs
from lms.auth.models import User, UserRole
from lms.evaluation.models import KpiMonth, PrePostPair
from lms.extensions import db
from lms.jobs.models import Job
from lms.planning.models import PlanningScenario
from tests.conftest import csrf_token
from tests.factories import make_user

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
ACCEPTED = ("utf-8", "utf-8-sig", "utf-16", "gb18030")
OTHER = ("latin-1", "cp1252", "big5", "shift_jis", "utf-16-le", "utf-32")
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄晓明", "周杰", "吴婷",
         "Li Wei", "O'Neil", "Anne, Jr.", '"Quote" Ma')
DEPARTMENTS = ("售后热线东区", "客服一部", "技术支持", "Field Service", "投诉处理组")


def _csv_bytes(rows: list[list], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def _xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_XML_BITS = st.sampled_from([b"<", b">", b'"', b"</row>", b'<c r="XFD9" t="s"><v>999</v></c>',
                             b"<v>-1e999</v>", b' t="d"', b'<row r="0">', b"&#0;", b' s="99"',
                             b' r="A1048577"', b"<v>abc</v>", b' t="b"', b' t="e"', b"\x00"])


@st.composite
def _mangled_part(draw, workbook: bytes) -> bytes:
    """The workbook re-zipped with one member's XML damaged (so the zip itself is sound)."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    target = draw(st.sampled_from(sorted(parts)))
    data = parts[target]
    at = draw(st.integers(0, len(data)))
    cut = draw(st.integers(0, 30))
    parts[target] = data[:at] + draw(_XML_BITS) + data[at + cut:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


@st.composite
def uploads(draw, valid_rows):
    """``(kind, filename, bytes)``: kind ``valid`` must import; anything else may be refused."""
    rows = draw(valid_rows)
    how = draw(st.sampled_from(["valid", "valid-xlsx", "other-encoding", "truncate", "splice",
                                "xlsx-part", "bytes"]))
    if how == "valid":
        return "valid", "data.csv", _csv_bytes(rows, draw(st.sampled_from(ACCEPTED)))
    if how == "valid-xlsx":
        return "valid", "data.xlsx", _xlsx_bytes(rows)
    if how == "other-encoding":
        return how, "data.csv", _csv_bytes(rows, draw(st.sampled_from(OTHER)))
    if how == "xlsx-part":
        return how, "data.xlsx", draw(_mangled_part(_xlsx_bytes(rows)))
    as_xlsx = draw(st.booleans())
    sample = _xlsx_bytes(rows) if as_xlsx else _csv_bytes(rows, draw(st.sampled_from(ACCEPTED)))
    name = "data.xlsx" if as_xlsx else "data.csv"
    if how == "truncate":
        return how, name, sample[:draw(st.integers(0, max(0, len(sample) - 1)))]
    if how == "splice":
        at = draw(st.integers(0, len(sample)))
        return how, name, sample[:at] + draw(st.binary(min_size=1, max_size=40)) + sample[at:]
    return how, draw(st.sampled_from(["data.csv", "data.xlsx"])), draw(st.binary(max_size=600))


def _signed_in(client, auth, path: str, role: str) -> str:
    """Sign in as ``role`` the first time (examples share the client); the page's CSRF token."""
    if client.get(path).status_code != 200:
        auth.as_role(role)
    return csrf_token(client, path)


def _post(client, token: str, path: str, filename: str, data: bytes, **fields):
    return client.post(path, data={"csrf_token": token, "file": (io.BytesIO(data), filename),
                                   **fields}, content_type="multipart/form-data")


def _counts(app, *models) -> tuple[int, ...]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count(model.id))) for model in models)


def _check_job_upload(app, client, response, kind: str, before, models) -> None:
    """A refused upload changes nothing; an accepted one's job ends (done, or failed clean)."""
    body = response.get_data(as_text=True)
    assert response.status_code in (302, 400), (kind, response.status_code, body[-2000:])
    if response.status_code == 400:
        assert kind != "valid", body[-3000:]
        assert _counts(app, *models) == before
        return
    job_id = int(re.search(r"/(\d+)$", response.location).group(1))
    jobs.wait(job_id, timeout=60)
    assert client.get(response.location).status_code == 200
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.status == "done", job.error
    if kind == "valid" and models == (User,):
        assert _counts(app, User)[0] > before[0]


# --- user import ---------------------------------------------------------------------------

@st.composite
def user_rows(draw):
    rows = [["employee_no", "name", "department", "roles", "hired_on"]]
    for number in draw(st.lists(st.integers(1, 999_999), min_size=1, max_size=4, unique=True)):
        rows.append([f"F{number:06d}", draw(st.sampled_from(NAMES)),
                     draw(st.sampled_from(DEPARTMENTS)),
                     draw(st.sampled_from(["trainee", "学员", "trainer;trainee"])),
                     draw(st.sampled_from(["", "2026-03-01"]))])
    return rows


@FUZZ
@given(upload=uploads(user_rows()))
def test_fuzzed_user_imports_never_500_nor_store_part(app, client, auth, upload):
    token = _signed_in(client, auth, "/admin/users/import", "admin")
    kind, name, data = upload
    before = _counts(app, User)
    try:
        response = _post(client, token, "/admin/users/import", name, data)
        _check_job_upload(app, client, response, kind, before, (User,))
    finally:  # examples share the database: remove what this one imported
        with app.app_context():
            imported = select(User.id).where(User.employee_no.like("F%"))
            db.session.execute(UserRole.__table__.delete().where(
                UserRole.user_id.in_(imported)))
            db.session.execute(User.__table__.delete().where(User.employee_no.like("F%")))
            db.session.commit()


# --- KPI and pre/post imports --------------------------------------------------------------

EMPLOYEES = [f"K{n:03d}" for n in range(5)]


def _employees(app) -> None:
    with app.app_context():
        known = set(db.session.scalars(select(User.employee_no)))
        for number in EMPLOYEES:
            if number not in known:
                make_user(employee_no=number)


@st.composite
def kpi_rows(draw):
    rows = [["employee_no", "month", "response_on_time_rate", "resolution_rate", "satisfaction",
             "complaint_rate"]]
    pairs = draw(st.lists(st.tuples(st.sampled_from(EMPLOYEES), st.integers(1, 12)),
                          min_size=1, max_size=5, unique=True))
    for number, month in pairs:
        rows.append([number, f"2026-{month:02d}",
                     *[draw(st.floats(0, 100).map(lambda v: round(v, 1))) for _ in range(4)]])
    return rows


@st.composite
def pair_rows(draw):
    rows = [["employee_no", "test", "pre", "post", "max", "category"]]
    pairs = draw(st.lists(st.tuples(st.sampled_from(EMPLOYEES),
                                    st.sampled_from(["服务规范", "complaints", "t-3"])),
                          min_size=1, max_size=5, unique=True))
    for number, test in pairs:
        rows.append([number, test, draw(st.integers(0, 100)), draw(st.integers(0, 100)), 100,
                     draw(st.sampled_from(["", "流程", "tone"]))])
    return rows


@FUZZ
@given(upload=uploads(kpi_rows()))
def test_fuzzed_kpi_imports_never_500_nor_store_part(app, client, auth, upload):
    _employees(app)
    token = _signed_in(client, auth, "/evaluation/kpi/import", "trainer")
    kind, name, data = upload
    before = _counts(app, KpiMonth)
    response = _post(client, token, "/evaluation/kpi/import", name, data)
    _check_job_upload(app, client, response, kind, before, (KpiMonth,))
    if kind == "valid" and response.status_code == 302:
        assert _counts(app, KpiMonth)[0] >= 1


@FUZZ
@given(upload=uploads(pair_rows()))
def test_fuzzed_pair_imports_never_500_nor_store_part(app, client, auth, upload):
    _employees(app)
    token = _signed_in(client, auth, "/evaluation/pairs/import", "trainer")
    kind, name, data = upload
    before = _counts(app, PrePostPair)
    response = _post(client, token, "/evaluation/pairs/import", name, data)
    _check_job_upload(app, client, response, kind, before, (PrePostPair,))
    if kind == "valid" and response.status_code == 302:
        assert _counts(app, PrePostPair)[0] >= 1


# --- planning history import -----------------------------------------------------------------

@st.composite
def history_rows(draw):
    rows = [["date", "interval_start", "offered", "handled", "aht", "备注"]]
    for day in draw(st.lists(st.integers(1, 28), min_size=1, max_size=3, unique=True)):
        for hour in range(8, 12):
            offered = draw(st.integers(1, 300))
            rows.append([f"2026-02-{day:02d}", f"{hour:02d}:00", offered,
                         draw(st.integers(0, offered)), draw(st.integers(60, 600)),
                         draw(st.sampled_from(["", "正常", "暴雨"]))])
    return rows


@FUZZ
@given(upload=uploads(history_rows()))
def test_fuzzed_history_imports_never_500_nor_store_part(app, client, auth, upload):
    token = _signed_in(client, auth, "/planning/import", "planner")
    kind, name, data = upload
    before = _counts(app, PlanningScenario)
    response = _post(client, token, "/planning/import", name, data,
                     base="lib:stationary_single_queue", queue="consultation", weekday="all",
                     scale="1", name="Fuzzed history")
    body = response.get_data(as_text=True)
    assert response.status_code in (302, 400), (kind, response.status_code, body[-2000:])
    after = _counts(app, PlanningScenario)
    if response.status_code == 400:
        assert kind != "valid", body[-3000:]
        assert after == before
    else:
        assert after[0] == before[0] + 1
