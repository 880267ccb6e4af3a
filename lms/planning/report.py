"""What the result pages and the planning PDF show: plain data and server-made SVG charts.

The same :func:`context` feeds the HTML page and the PDF, so they cannot disagree.
"""

from flask_babel import gettext as _
from markupsafe import Markup, escape

from lms.i18n import local_text, localized
from lms.planning import analysis, names
from lms.planning.models import PlanningRun
from lms.reports.charts import Series, bar_chart, heatmap, line_chart
from lms.reports.pdf import render_pdf


def _named_target(chart):
    """The chart with its target line's tooltip in the reader's language (the shared chart
    code labels it "target" in every language)."""
    label = escape(_("Target"))
    return Markup(str(chart).replace("<title>target: ", f"<title>{label}: "))


def kpi_names() -> dict:
    """Translated KPI names."""
    return {"service_level": _("Service level"), "abandon_rate": _("Abandonment rate"),
            "asa": _("Average speed of answer (s)"), "on_time_rate": _("Response on time"),
            "max_waiting": _("Longest queue (callers)"), "occupancy": _("Occupancy")}


def _mean(row: dict, key: str):
    cell = row.get(key)
    return cell.get("mean") if isinstance(cell, dict) else cell


def _simulate_charts(result: dict) -> dict:
    labels = result["labels"]
    rows = result["intervals"]
    sl = [r["service_level"] for r in rows]
    first_target = next(iter(result["targets"].values()))["percent"] / 100.0
    staffed = [0.0] * len(labels)
    for row in result["group_intervals"]:
        staffed[row["interval"]] += _mean(row, "scheduled") or 0.0
    charts = {
        "queue": line_chart(labels, [Series(_("Callers waiting (mean)"),
                                            [_mean(r, "mean_waiting") for r in rows])],
                            title=_("Queue length per interval"), y_label=_("callers")),
        "service_level": _named_target(line_chart(labels, [Series(
            _("Service level"), [c["mean"] for c in sl], lower=[c["low"] for c in sl],
            upper=[c["high"] for c in sl])], title=_("Service level per interval vs target"),
            target=first_target, y_max=1.0)),
        "staffing": bar_chart(labels, [Series(_("Scheduled"), staffed),
                                       Series(_("Required (Erlang C)"),
                                              result.get("required") or [])],
                              title=_("Staffed vs required"), y_label=_("agents")),
        "backlog": line_chart(labels, [Series(_("Technician backlog"),
                                              [_mean(r, "technician_backlog") for r in rows])],
                              title=_("Technician backlog (escalated cases waiting)"),
                              y_label=_("cases")),
    }
    queues = result["queues"]
    values = [[None] * len(labels) for _q in queues]
    for row in result["queue_intervals"]:
        level = row["service_level"]["mean"]
        values[queues.index(row["queue"])][row["interval"]] = (None if level is None
                                                               else 100.0 * level)
    titles = result.get("queue_titles") or {}
    rows_named = [localized(titles[q]) if q in titles else q for q in queues]
    charts["heatmap"] = heatmap(rows_named, labels, values, title=_("Service level % per queue "
                                                                "and interval"))
    return charts


def _simulate(result: dict) -> dict:
    return {"result": result, "kpis": analysis.kpi_summary(result),
            "callback_rows": analysis.callback_rows(result),
            "charts": _simulate_charts(result)}


def _compare(result: dict) -> dict:
    names = result["names"]
    sl = [r["on_time"] for r in result["results"]]
    chart = bar_chart(names, [Series(_("Service level"), [
        next(t for t in r["totals"] if t["queue"] == "all")["service_level"]["mean"]
        for r in result["results"]])], title=_("Service level by variant"), y_max=1.0)
    return {"result": result, "names": names, "table": result["table"], "on_time": sl,
            "charts": {"service_level": chart}}


def _staffing(result: dict) -> dict:
    charts = {}
    for group in result["groups"]:
        rows = group["rows"]
        charts[group["group"]] = bar_chart(
            [r["label"] for r in rows],
            [Series(_("Current plan"), [r["current"] for r in rows]),
             Series(_("Required (simulated)"), [r["required"] for r in rows])],
            title=_("Scheduled agents per interval"), y_label=_("agents"))
    return {"result": result, "charts": charts}


def context(run: PlanningRun, lang: str) -> dict:
    """Template data for a finished run (page and PDF)."""
    result = run.job.result
    build = {"simulate": _simulate, "compare": _compare, "staffing": _staffing}[run.kind]
    data = build(result)
    data.update(kpi_names=kpi_names(), lang=lang,
                run_info={"id": run.id, "kind": run.kind,
                          "label": names.in_reader_language(run.label),
                          "owner": run.owner.name, "seed": run.seed,
                          "replications": run.replications,
                          "created_at": local_text(run.created_at)})
    return data


def pdf(run: PlanningRun, lang: str) -> bytes:
    """The planning report of a finished run as PDF bytes."""
    return render_pdf("planning/report_pdf.html", context(run, lang))
