"""Issue 10, item 8: one decoder for every upload, broken XLSX, row limits.

UTF-8 (with or without BOM), UTF-16 with a BOM and GB18030 (Chinese Excel's default) are read;
Latin-1 that is not GB18030 text, binary and NUL bytes are refused with an error that names the
file; no upload is ever decoded with replacement characters. The planning history import and
the question-bank GIFT web import use the same decoder, and neither answers 500.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from lms.exams.models import Question
from lms.extensions import db
from lms.planning.models import PlanningScenario
from lms.tabular import TabularError, decode_upload, read_table
from tests.conftest import csrf_token

CHINESE = "工号,姓名,部门,角色\nE1,张伟,客服一部,学员\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_accepted_encodings_decode_to_the_same_text(encoding):
    assert decode_upload(CHINESE.encode(encoding), "staff.csv") == CHINESE


def test_chosen_encoding_is_used_and_unknown_ones_are_refused():
    assert decode_upload(CHINESE.encode("gb18030"), "a.csv", "GBK") == CHINESE
    assert decode_upload(CHINESE.encode("utf-16-le"), "a.csv", "utf-16") == CHINESE
    with pytest.raises(TabularError, match="a.csv"):
        decode_upload(CHINESE.encode("gb18030"), "a.csv", "utf-8")
    with pytest.raises(TabularError, match="shift_jis"):
        decode_upload(b"abc", "a.csv", "shift_jis")


@pytest.mark.parametrize("data", [
    "name,city\nMüller,Zürich\n".encode("latin-1"),       # decodes as GB18030: 黮 黵
    "name\nSøren Kierkegaard\n".encode("latin-1"),
    "name\nFrançois Noël\n".encode("cp1252"),
    "name\nJosé Muñoz\n".encode("latin-1"),               # not GB18030 at all
    bytes(range(256)),
    b"employee_no\x00,name\nE1,A\n",
    "name\n田中\n".encode("utf-16-le"),                    # UTF-16 without BOM: NUL bytes
])
def test_latin1_binary_and_nul_bytes_are_refused_naming_the_file(data):
    with pytest.raises(TabularError) as error:
        decode_upload(data, "人员名单.csv")
    message = str(error.value)
    assert "人员名单.csv" in message and "GB18030" in message and "UTF-8" in message
    assert "\ufffd" not in message


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _broken_workbooks() -> list[bytes]:
    good = _xlsx([["a"], ["b"]])
    no_sheet = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(no_sheet, "w") as target:
        for item in source.infolist():
            if "worksheets" not in item.filename:
                target.writestr(item, source.read(item))
    bad_xml = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(bad_xml, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[: len(data) // 2] if "sheet1" in item.filename else data)
    return [good[: len(good) // 2], good[:200], b"PK\x03\x04" + b"\x00" * 100,
            no_sheet.getvalue(), bad_xml.getvalue(), b"not a zip at all"]


@pytest.mark.parametrize("index", range(6))
def test_broken_xlsx_is_a_clear_error_naming_the_file(index):
    with pytest.raises(TabularError, match="roster.xlsx"):
        read_table(_broken_workbooks()[index], "roster.xlsx", max_rows=10)


def test_workbook_that_makes_openpyxl_warn_is_still_read():
    parts = {}
    with zipfile.ZipFile(io.BytesIO(_xlsx([["a"], ["1"]]))) as source:
        for item in source.infolist():
            parts[item.filename] = source.read(item)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"<definedNames />",
        b'<definedNames><definedName name="x" localSheetId="7">Sheet!$A$1</definedName>'
        b"</definedNames>")  # openpyxl: "Defined names for sheet index 7 cannot be located"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    table = read_table(out.getvalue(), "names.xlsx", max_rows=5)
    assert table.header == ["a"] and table.rows[0].cells == ["1"]


def test_row_limit_is_stated_and_counts_only_data_rows():
    body = b"a,b\n" + b"1,2\n" * 5 + b"\n" * 3
    assert len(read_table(body, "t.csv", max_rows=5).rows) == 5
    with pytest.raises(TabularError, match="5"):
        read_table(body + b"3,4\n", "t.csv", max_rows=5)
    with pytest.raises(TabularError, match="t.xlsx"):
        read_table(_xlsx([["a"]] + [[i] for i in range(6)]), "t.xlsx", max_rows=5)


def test_over_long_cells_and_hostile_sheet_sizes_are_bounded():
    with pytest.raises(TabularError, match="column 2"):
        read_table(b"a,b\n1," + b"x" * 1001 + b"\n", "t.csv", max_rows=5)
    book = Workbook()
    book.active["A1"] = "a"
    book.active["A2"] = "1"
    book.active.cell(row=3, column=16000, value="far away")
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "wide.xlsx", max_rows=5)
    assert table.header == ["a"] and [r.cells for r in table.rows] == [["1"]]


def test_xlsx_content_is_recognised_whatever_the_extension():
    table = read_table(_xlsx([["a", "b"], [1, 2.0]]), "export.csv", max_rows=5)
    assert table.rows[0].cells == ["1", "2"] and table.rows[0].number == 2


# --- planning history import over HTTP ------------------------------------------------------

HISTORY = "date,interval_start,offered,handled,aht,备注\n" + "".join(
    f"2026-11-0{day},{hour:02d}:00,{100 + hour},{90 + hour},240,{'午高峰' if hour == 12 else ''}\n"
    for day in (2, 9) for hour in range(8, 20))


@pytest.fixture
def planner(auth):
    return auth.as_role("planner")


def _history(auth, data: bytes, name: str = "history.csv"):
    return auth.post("/planning/import", {
        "file": (io.BytesIO(data), name), "base": "lib:stationary_single_queue",
        "queue": "consultation", "weekday": "all", "scale": "1", "name": "From history"},
        form_page="/planning/import", content_type="multipart/form-data")


def _scenarios(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(PlanningScenario.id)))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030"])
def test_history_in_any_accepted_encoding_imports(app, auth, planner, encoding):
    response = _history(auth, HISTORY.encode(encoding))  # utf-16 writes its BOM
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert _scenarios(app) == 1


@pytest.mark.parametrize("data,name", [
    ("date,interval_start,offered,handled,aht\n2026-11-02,09:00,1,1,240,Zürich\n"
     .encode("latin-1"), "history.csv"),
    (bytes(range(256)) * 4, "history.csv"),
    (b"PK\x03\x04broken", "history.xlsx"),
    (b"not a workbook", "history.xlsx"),
])
def test_history_refuses_latin1_binary_and_broken_xlsx_without_500(app, auth, planner, data,
                                                                   name):
    response = _history(auth, data, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="import-problems"' in page and name in page
    assert _scenarios(app) == 0


def test_history_row_limit_is_an_error_not_a_long_request(app, auth, planner, monkeypatch):
    from lms.planning import history

    monkeypatch.setattr(history, "MAX_ROWS", 10)
    response = _history(auth, HISTORY.encode())
    assert response.status_code == 400 and "10" in response.get_data(as_text=True)
    assert _scenarios(app) == 0


# --- question bank GIFT web import ----------------------------------------------------------

def _gift(client, data: bytes, name: str):
    return client.post("/exams/manage/import", data={
        "csrf_token": csrf_token(client, "/exams/manage/import"), "format": "gift",
        "language": "zh", "category": "imported", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


def test_gift_web_import_refuses_undecodable_text_instead_of_replacing_it(app, client, auth):
    auth.as_role("trainer")
    latin = "::q1:: Qu'est-ce qu'un défaut? {=Réponse ~Faux}\n".encode("latin-1")
    response = _gift(client, latin, "questions.gift")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "questions.gift" in page and "\ufffd" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 0


def test_gift_web_import_reads_gb18030(app, client, auth):
    auth.as_role("trainer")
    text = "::q-gb:: 客户投诉后多久回电? {=两小时内 ~三天内}\n"
    response = _gift(client, text.encode("gb18030"), "questions.gift")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[-1500:]
    assert "q-gb" in page and "客户投诉" in page
