"""Every spreadsheet the app reads or writes: CSV and XLSX uploads, CSV and XLSX downloads.

Reading: :func:`decode_upload` turns uploaded bytes into text (UTF-8 with or without BOM,
UTF-16 with a BOM, GB18030 — the default of Chinese Excel — detected or chosen) and refuses
anything else with a :class:`TabularError` that names the file; it never substitutes
replacement characters. :func:`read_table` reads a CSV or XLSX file (by extension and content)
into a :class:`Table` of strings with spreadsheet row numbers, with a row limit stated in the
error, a cap on each cell's length and on the unpacked size of an XLSX.

Writing: :func:`write_csv` (UTF-8 with BOM, so Chinese Excel opens it) and :func:`write_xlsx`
neutralise formula injection (OWASP): text starting with ``= + - @``, TAB or CR gets a leading
``'``, and XLSX text cells are always string cells, never formulas; numbers stay numbers.
:func:`download_response` sends a file with an RFC 5987 ``filename*`` so Chinese names work.

Why GB18030 needs judging: almost any byte string with few high bytes decodes as GB18030
without error, so a Latin-1 file (``Müller``) would silently become Chinese nonsense (``M黮ler``).
Latin-1 letters followed by ASCII land outside GB2312, the character set of everyday simplified
Chinese, so a text whose non-ASCII characters are mostly outside GB2312 is only accepted when
charset-normalizer's mess measure also finds it coherent (genuine traditional characters).
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath
from urllib.parse import quote
from xml.etree.ElementTree import ParseError

from flask import Response
from flask_babel import gettext as _

log = logging.getLogger("lms.tabular")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
#: Longest text one cell may hold; longer cells are refused, not truncated.
MAX_CELL_CHARS = 1000
#: Columns read; later ones are ignored (a stray cell in column XFD would make rows 16,384
#: wide).
MAX_COLUMNS = 200
#: Largest unpacked size of an XLSX (a zip): protects against compressed "bombs".
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
#: Characters judged when deciding whether a non-UTF-8 text is GB18030.
_SAMPLE_CHARS = 200_000
#: Share of non-ASCII characters that must be in GB2312 for GB18030 text to pass at once.
_GB2312_SHARE = 0.6
#: Below this charset-normalizer mess ratio, text mostly outside GB2312 still passes.
_MESS_LIMIT = 0.12
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
#: Explicit encoding names accepted (lower case) → the codec used.
ENCODINGS = {
    "utf-8": "utf-8-sig", "utf8": "utf-8-sig", "utf-8-sig": "utf-8-sig",
    "utf-16": "utf-16", "utf16": "utf-16", "utf-16le": "utf-16-le", "utf-16-le": "utf-16-le",
    "utf-16be": "utf-16-be", "utf-16-be": "utf-16-be",
    "gb18030": "gb18030", "gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030",
}


class TabularError(ValueError):
    """An upload cannot be read; the message names the file and what to do."""


def short(text: str, limit: int = 60) -> str:
    """At most ``limit`` characters of user input, for messages."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _accepted() -> str:
    return _("Accepted encodings: UTF-8 (with or without BOM), UTF-16 with a BOM, GB18030/GBK. "
             "In Excel choose “CSV UTF-8”, or save as XLSX.")


def _encoding_error(filename: str, reason: str) -> TabularError:
    return TabularError(_("%(file)s: %(reason)s %(accepted)s", file=short(filename),
                          reason=reason, accepted=_accepted()))


# --- decoding -----------------------------------------------------------------------------

def decode_upload(data: bytes, filename: str, encoding: str | None = None) -> str:
    """The text of an uploaded file; :class:`TabularError` when it is not accepted text."""
    if encoding:
        text = _decode_chosen(data, filename, encoding)
    else:
        text = _decode_detected(data, filename)
    if _CONTROL.search(text):
        raise _encoding_error(filename, _("it contains NUL or other control characters, so it "
                                          "is not a text file (or its encoding is wrong)."))
    return text


def _decode_chosen(data: bytes, filename: str, encoding: str) -> str:
    codec = ENCODINGS.get(encoding.strip().lower())
    if codec is None:
        raise _encoding_error(filename, _("the encoding %(name)s is not supported.",
                                          name=short(encoding, 20)))
    if codec == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise _encoding_error(filename, _("it is not valid %(name)s text (byte %(pos)d).",
                                          name=encoding, pos=error.start)) from error
    return text.removeprefix("\ufeff")


def _decode_detected(data: bytes, filename: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_chosen(data, filename, "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_chosen(data, filename, "utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise _encoding_error(filename, _("it is neither UTF-8 nor GB18030 text (byte "
                                          "%(pos)d).", pos=error.start)) from error
    if not looks_like_gb18030(text):
        raise _encoding_error(filename, _("it is not UTF-8, and read as GB18030 it gives "
                                          "meaningless characters (is it Latin-1 or another "
                                          "encoding?)."))
    return text


def looks_like_gb18030(text: str) -> bool:
    """True when ``text`` (decoded as GB18030) reads as Chinese rather than mis-read bytes."""
    sample = text[:_SAMPLE_CHARS]
    wide = [c for c in sample if ord(c) > 0x7F]
    if not wide:
        return True
    common = 0
    for char in wide:
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    if common / len(wide) >= _GB2312_SHARE:
        return True
    from charset_normalizer.md import mess_ratio

    return mess_ratio(sample, maximum_threshold=1.0) < _MESS_LIMIT


# --- reading ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One non-blank data row: its spreadsheet row number (header = 1) and its cells."""

    number: int
    cells: list[str]

    def cell(self, index: int | None) -> str:
        """The stripped text of cell ``index`` ('' when absent)."""
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index].strip()


@dataclass
class Table:
    """A read spreadsheet: the header row and the non-blank data rows, all as text."""

    filename: str
    header: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def columns(self, aliases: dict[str, Iterable[str]]) -> dict[str, int]:
        """{column: index} for each column whose header matches one of its aliases."""
        mapping: dict[str, int] = {}
        for index, title in enumerate(self.header):
            key = title.strip().lower()
            for column, names in aliases.items():
                if column not in mapping and key in names:
                    mapping[column] = index
        return mapping

    def records(self) -> list[dict[str, str]]:
        """Each row as {lower-case header: cell text}."""
        keys = [title.strip().lower() for title in self.header]
        return [dict(zip(keys, row.cells, strict=False)) for row in self.rows]


def file_kind(data: bytes, filename: str) -> str:
    """``csv`` or ``xlsx`` by extension and content; :class:`TabularError` otherwise."""
    suffix = PurePath(filename or "").suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    if suffix in _XLSX_SUFFIXES:
        raise TabularError(_("%(file)s is not a valid XLSX file (it is not a zip archive); "
                             "save it again from Excel or upload a CSV.", file=short(filename)))
    if data.startswith(_OLE_MAGIC) or suffix == ".xls":
        raise TabularError(_("%(file)s is in the old .xls format; save it as .xlsx or CSV.",
                             file=short(filename)))
    if suffix in _CSV_SUFFIXES:
        return "csv"
    raise TabularError(_("%(file)s: unsupported file type; upload a .csv or .xlsx file.",
                         file=short(filename)))


def read_table(data: bytes, filename: str, *, max_rows: int, encoding: str | None = None,
               max_cell_chars: int = MAX_CELL_CHARS) -> Table:
    """The header and data rows of a CSV or XLSX upload; :class:`TabularError` names the file.

    More than ``max_rows`` non-blank data rows or a cell over ``max_cell_chars`` characters is
    refused with the limit in the message; columns after :data:`MAX_COLUMNS` are ignored.
    """
    if file_kind(data, filename) == "csv":
        raw = _csv_rows(decode_upload(data, filename, encoding), filename)
        return _collect(raw, filename, max_rows, max_cell_chars)
    with warnings.catch_warnings(), closing(_xlsx_rows(data, filename)) as raw:
        # openpyxl warns about parts of a workbook it drops (extensions, bad definitions);
        # what it reads is still checked here, so the warnings say nothing to the uploader.
        warnings.simplefilter("ignore", UserWarning)
        return _collect(raw, filename, max_rows, max_cell_chars)


def _collect(raw: Iterator[list[str]], filename: str, max_rows: int,
             max_cell_chars: int) -> Table:
    table = Table(filename)
    # Excel leaves formatted empty rows behind; they are skipped but still bounded.
    blank_budget = max_rows + 10_000
    for number, cells in enumerate(raw, start=1):
        del cells[MAX_COLUMNS:]
        while cells and not cells[-1].strip():
            cells.pop()
        for column, value in enumerate(cells, start=1):
            if len(value) > max_cell_chars:
                raise TabularError(_(
                    "%(file)s, row %(row)d, column %(col)d: a cell holds more than %(n)d "
                    "characters.", file=short(filename), row=number, col=column,
                    n=max_cell_chars))
            if _CONTROL.search(value):
                raise TabularError(_(
                    "%(file)s, row %(row)d, column %(col)d: a cell holds NUL or another "
                    "control character.", file=short(filename), row=number, col=column))
        if not cells:
            blank_budget -= 1
            if blank_budget < 0:
                raise _too_many(filename, max_rows)
            continue
        if not table.header:  # the first non-blank row is the header
            table.header = cells
            continue
        table.rows.append(Row(number, cells))
        if len(table.rows) > max_rows:
            raise _too_many(filename, max_rows)
    return table


def _too_many(filename: str, max_rows: int) -> TabularError:
    return TabularError(_("%(file)s has more than %(n)d data rows, the limit of this import; "
                          "split it into smaller files.", file=short(filename), n=max_rows))


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def _csv_rows(text: str, filename: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        yield from reader
    except csv.Error as error:
        raise TabularError(_("%(file)s, row %(row)d: the CSV is malformed (%(reason)s).",
                             file=short(filename), row=reader.line_num,
                             reason=short(str(error)))) from error


#: What openpyxl and zipfile raise for a damaged or hostile workbook.
_XLSX_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, IndexError,
                ValueError, TypeError, EOFError, OSError, OverflowError, ParseError,
                NotImplementedError)


def _xlsx_errors() -> tuple:
    from openpyxl.utils.exceptions import InvalidFileException

    return (*_XLSX_ERRORS, InvalidFileException)


def _broken_xlsx(filename: str, error: Exception) -> TabularError:
    log.info("unreadable XLSX %r: %s: %s", short(filename), type(error).__name__, error)
    return TabularError(_("%(file)s cannot be read as an XLSX workbook (%(reason)s); save it "
                          "again from Excel or upload a CSV.", file=short(filename),
                          reason=short(f"{type(error).__name__}: {error}")))


def _check_unpacked_size(data: bytes, filename: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_XLSX_UNPACKED:
        raise TabularError(_("%(file)s unpacks to more than %(n)d MB; it cannot be an "
                             "ordinary spreadsheet.", file=short(filename),
                             n=MAX_XLSX_UNPACKED // (1024 * 1024)))


def _xlsx_rows(data: bytes, filename: str) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    errors = _xlsx_errors()
    try:
        _check_unpacked_size(data, filename)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except errors as error:
        raise _broken_xlsx(filename, error) from error
    try:
        if not workbook.worksheets:
            raise TabularError(_("%(file)s has no worksheet.", file=short(filename)))
        sheet = workbook.worksheets[0]
        # The declared size is the file's claim: ignore it, or a hostile "A1:XFD1048576"
        # pads every row to 16,384 cells and adds a million empty rows. Without it, a row is
        # as wide as its last cell.
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True):
            values = values[:MAX_COLUMNS]
            end = len(values)
            while end and values[end - 1] is None:
                end -= 1
            yield [cell_text(value) for value in values[:end]]
    except errors as error:
        raise _broken_xlsx(filename, error) from error
    finally:
        workbook.close()


def cell_text(value) -> str:
    """A spreadsheet value as import text: dates ISO, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


# --- writing ------------------------------------------------------------------------------

_NUMBER_TYPES = (int, float, Decimal, bool, date, datetime, time)


def neutralise(value):
    """``value`` safe for a spreadsheet: text that a program would run as a formula gets ``'``.

    Numbers, dates and booleans are returned as they are; ``None`` becomes ''.
    """
    if value is None:
        return ""
    if isinstance(value, _NUMBER_TYPES):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _table_rows(rows: Iterable[Sequence], headers: Sequence | None) -> Iterator[Sequence]:
    if headers is not None:
        yield headers
    yield from rows


def write_csv(rows: Iterable[Sequence], headers: Sequence | None = None) -> bytes:
    """The rows (after an optional header) as UTF-8 CSV with a BOM, formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _table_rows(rows, headers):
        writer.writerow([neutralise(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", "-", str(title or "")).strip("'") or "Sheet1"
    return cleaned[:31]


def write_xlsx(rows: Iterable[Sequence], headers: Sequence | None = None,
               sheet_title: str = "Sheet1") -> bytes:
    """The rows as one XLSX sheet; every text is a string cell (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(sheet_title)
    for row_index, row in enumerate(_table_rows(rows, headers), start=1):
        for column_index, raw in enumerate(row, start=1):
            value = neutralise(raw)
            if isinstance(value, str):
                # Control characters are illegal in XLSX; openpyxl would raise on them.
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell = sheet.cell(row=row_index, column=column_index)
                cell.value = value
                cell.data_type = "s"
            else:
                sheet.cell(row=row_index, column=column_index, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- downloads ----------------------------------------------------------------------------

def ascii_filename(filename: str) -> str:
    """An ASCII stand-in for ``filename`` for clients that ignore ``filename*``."""
    path = PurePath(str(filename).replace("\\", "/")).name or "download"
    plain = unicodedata.normalize("NFKD", path).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._")
    suffixes = "".join(s for s in PurePath(path).suffixes
                       if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", s))
    stem = plain[: len(plain) - len(suffixes)] if suffixes and plain.endswith(suffixes) \
        else plain
    if not re.search(r"[A-Za-z0-9]", stem.strip("_")):
        stem = "download"
    return (stem + suffixes)[:150]


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition value with an ASCII ``filename`` and RFC 5987 ``filename*``."""
    name = _HEADER_UNSAFE.sub("", PurePath(str(filename).replace("\\", "/")).name) or "download"
    fallback = ascii_filename(name)
    value = f'{disposition}; filename="{fallback}"'
    if name != fallback:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def download_response(data: bytes | str, filename: str, mimetype: str,
                      disposition: str = "attachment") -> Response:
    """A response that downloads ``data`` as ``filename`` (any language in the name)."""
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": content_disposition(filename, disposition)})
