"""The shipped history sample (``data/history_sample.csv.gz``) and the demo's special events.

The file is made by ``scripts/make_history_sample.py`` (seeded; see its docstring for what
is in it). :func:`sample_rows` gives its rows as the dicts :func:`read_history` takes.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from pathlib import Path

from .events import SpecialEvent
from .history import ROW_KEY

SAMPLE_PATH = Path(__file__).parent / "data" / "history_sample.csv.gz"


def sample_bytes() -> bytes:
    """The sample as uncompressed CSV bytes (UTF-8), as a planner would upload it."""
    return gzip.decompress(SAMPLE_PATH.read_bytes())


def sample_rows() -> list[dict]:
    """The sample's rows as dicts with their spreadsheet row numbers."""
    reader = csv.DictReader(io.StringIO(sample_bytes().decode("utf-8")))
    return [{**row, ROW_KEY: number} for number, row in enumerate(reader, start=2)]


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


#: What a planner of the sample's center would declare (their own estimates of the factors).
SAMPLE_EVENTS = (
    SpecialEvent("618 presale questions", _d("2026-06-08"), _d("2026-06-16"), 1.2,
                 queues=("consultation",), kind="sales"),
    SpecialEvent("618 peak", _d("2026-06-17"), _d("2026-06-19"), 1.5,
                 queues=("consultation",), kind="sales"),
    SpecialEvent("618 installations", _d("2026-06-20"), _d("2026-06-29"), 1.25,
                 queues=("technical",), kind="sales"),
    SpecialEvent("Recall R-2026-03", _d("2026-03-16"), _d("2026-04-05"), 1.6,
                 aht_factor=1.15, queues=("complaint", "technical"), kind="recall"),
    SpecialEvent("Double 11 presale questions", _d("2026-11-01"), _d("2026-11-09"), 1.2,
                 queues=("consultation",), kind="sales"),
    SpecialEvent("Double 11 peak", _d("2026-11-10"), _d("2026-11-12"), 1.5,
                 queues=("consultation",), kind="sales"),
    SpecialEvent("Double 11 complaints", _d("2026-11-11"), _d("2026-11-15"), 1.25,
                 queues=("complaint",), kind="sales"),
    SpecialEvent("Double 11 installations", _d("2026-11-13"), _d("2026-11-22"), 1.25,
                 queues=("technical",), kind="sales"),
    SpecialEvent("X9 air conditioner launch", _d("2026-12-14"), _d("2026-12-18"), 1.3,
                 queues=("consultation",), kind="launch"),
)
