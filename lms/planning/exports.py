"""CSV and XLSX exports of every table a run shows (headers in the reader's language).

Scenario, queue, group and variant names are planners' text: :mod:`lms.tabular` writes them
so that a spreadsheet never runs them as formulas.
"""

from flask_babel import gettext as _

from lms.planning import analysis
from lms.planning.models import PlanningRun
from lms.tabular import CSV_MIMETYPE, XLSX_MIMETYPE, write_csv, write_xlsx

XLSX = XLSX_MIMETYPE


def _ci(cell) -> list:
    if not isinstance(cell, dict):
        return [cell, None, None]
    return [cell.get("mean"), cell.get("low"), cell.get("high")]


def _kpis(result: dict) -> list[list]:
    rows = [[_("KPI"), _("Queue"), _("Mean"), _("95 % CI low"), _("95 % CI high"), _("Target"),
             _("Verdict")]]
    for row in analysis.kpi_summary(result):
        rows.append([row["kpi"], row["queue"], *_ci(row["estimate"]), row["target"],
                     row["verdict"]])
    return rows


def _intervals(result: dict) -> list[list]:
    keys = ("offered", "answered", "abandoned", "service_level", "asa", "mean_waiting",
            "technician_backlog")
    rows = [[_("Interval"), *keys]]
    for row in result["intervals"]:
        rows.append([row["start"], *[_ci(row[k])[0] for k in keys]])
    return rows


def _groups(result: dict) -> list[list]:
    rows = [[_("Interval"), _("Group"), "scheduled", "on_phones", "occupancy"]]
    for row in result["group_intervals"]:
        rows.append([row["start"], row["group"], *[_ci(row[k])[0] for k in
                                                  ("scheduled", "on_phones", "occupancy")]])
    return rows


def _comparison(result: dict) -> list[list]:
    header = [_("KPI")]
    for index, name in enumerate(result["names"]):
        header.append(name)
        if index:
            header += [_("Difference"), _("95 % CI low"), _("95 % CI high"), _("Significant")]
    rows = [header]
    for row in result["table"]:
        line = [row["kpi"]]
        for index, variant in enumerate(row["variants"]):
            line.append(variant["estimate"]["mean"])
            if index:
                diff = variant["difference"]
                line += [diff["mean"], diff["low"], diff["high"], diff["significant"]]
        rows.append(line)
    return rows


def _staffing(result: dict) -> list[list]:
    rows = [[_("Group"), _("Interval"), _("Current plan"), _("Required (simulated)"), _("Gap"),
             _("Erlang C on the phones"), _("Simulation on the phones"), _("Erlang C wrong")]]
    for group in result["groups"]:
        for row in group["rows"]:
            rows.append([group["group"], row["label"], row["current"], row["required"],
                         row["gap"], row["erlang_c"], row["simulated"], row["erlang_wrong"]])
    return rows


TABLES = {"simulate": {"kpis": _kpis, "intervals": _intervals, "groups": _groups},
          "compare": {"comparison": _comparison}, "staffing": {"staffing": _staffing}}


def table_rows(run: PlanningRun, table: str, lang: str) -> list[list] | None:
    """The rows of ``table`` of the run (header first), or None for an unknown table."""
    builder = TABLES.get(run.kind, {}).get(table)
    return builder(run.job.result) if builder else None


def encode(rows: list[list], fmt: str, sheet: str) -> tuple[bytes, str]:
    """The rows as CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX bytes and mimetype."""
    if fmt == "csv":
        return write_csv(rows), CSV_MIMETYPE
    return write_xlsx(rows, sheet_title=sheet), XLSX
