"""The dashboard's figures and charts as plain data, shared by the page and the PDF report.

Every chart with a confidence interval has its figures and interval in a table beside it on
the page (the whiskers on a bar are a summary; the table is the record, and it is what a
screen reader reads). The simulated impact is never computed here: it is read from its stored
background job (``lms.evaluation.impact_runs``).
"""

from collections import defaultdict

from flask_babel import gettext as _
from markupsafe import Markup, escape

from lms.evaluation import impact_runs, kpis, service
from lms.evaluation.names import pair_label
from lms.evaluation.statistics import combined_proficiency, kpi_targets, mean_confidence_interval
from lms.i18n import localized
from lms.reports.charts import Series, bar_chart, line_chart


def named_target(chart):
    """The chart with its target line's tooltip in the reader's language.

    ``lms.reports.charts`` labels every target line "target"; until it takes a label, the
    evaluation charts put the translated word in its place.
    """
    if chart is None:
        return None
    label = escape(_("Target"))
    return Markup(str(chart).replace("<title>target: ", f"<title>{label}: "))


def _pct(value):
    return None if value is None else value * 100


def level2_chart(level2: dict):
    """Mean normalised gain per test/category with its 95 % interval."""
    rows = level2["rows"]
    if not rows:
        return None
    labels = [pair_label(r["test"], r["category"]) for r in rows]
    gains = [r["gain"] for r in rows]
    return bar_chart(labels, [Series(_("Mean normalised gain"), [g.mean_gain for g in gains],
                                     lower=[g.ci_low for g in gains],
                                     upper=[g.ci_high for g in gains])],
                     title=_("Normalised gain by test"), y_label="g", y_max=1.0)


def level3_table(level3: dict) -> list[dict]:
    """Per month and kind: n, mean score (percent) and its 95 % t interval (clipped to 0-100)."""
    rows = []
    for kind, points in ((_("Role-play"), level3["roleplay_points"]),
                         (_("Emergency drills"), level3["drill_points"])):
        by_month = defaultdict(list)
        for _user, day, value in points:
            by_month[day.strftime("%Y-%m")].append(value * 100)
        for month, values in sorted(by_month.items()):
            low, high = mean_confidence_interval(values)
            if low is not None:  # a score cannot leave 0..100 %, so neither can its interval
                low, high = max(0.0, low), min(100.0, high)
            rows.append({"month": month, "kind": kind, "n": len(values),
                         "mean": sum(values) / len(values), "low": low, "high": high})
    return sorted(rows, key=lambda row: (row["month"], row["kind"]))


def level3_chart(level3: dict):
    """Role-play and drill score (percent) per month."""
    months = level3["months"]
    if not months:
        return None
    series = [Series(_("Role-play"), [_pct(level3["roleplay"].get(m)) for m in months]),
              Series(_("Emergency drills"), [_pct(level3["drills"].get(m)) for m in months])]
    return named_target(line_chart(months, series, title=_("Practice scores over time"),
                                   y_label="%", y_max=100, target=60))


def kpi_charts(monthly: dict) -> list:
    """Per month, the share of agents meeting each KPI target and all four at once."""
    months = list(monthly)
    if not months:
        return []
    series = [Series(localized(t.name), [monthly[m]["meets_percent"][t.key] for m in months])
              for t in kpi_targets]
    series.append(Series(_("All four targets"), [monthly[m]["meets_all_percent"]
                                                 for m in months]))
    return [bar_chart(months, series, title=_("Agents meeting the KPI targets"),
                      y_label="%", y_max=100, width=900)]


def impact_inputs(level2: dict, level3: dict) -> tuple[float, float] | None:
    """(proficiency before, after): pre-test mean vs post-test combined with practice."""
    pairs = level2["pairs"]
    if not pairs:
        return None
    pre = sum(p.pre for p in pairs) / len(pairs)
    post = sum(p.post for p in pairs) / len(pairs)
    practice = [p[2] for p in level3["roleplay_points"] + level3["drill_points"]]
    after = combined_proficiency(post, sum(practice) / len(practice) if practice else None)
    return pre, after


def impact_chart(impact):
    """Service level and abandonment before vs after, with 95 % intervals."""
    if impact is None:
        return None
    sides = (impact.before, impact.after)
    series = [Series(_("Service level"), [s.service_level[0] for s in sides],
                     lower=[s.service_level[1] for s in sides],
                     upper=[s.service_level[2] for s in sides]),
              Series(_("Abandonment"), [s.abandonment[0] for s in sides],
                     lower=[s.abandonment[1] for s in sides],
                     upper=[s.abandonment[2] for s in sides])]
    return named_target(bar_chart([_("Before training"), _("After training")], series,
                                  title=_("Simulated peak hour"), y_label="%", y_max=100,
                                  target=80))


def dashboard(filters, with_impact: bool = False) -> dict:
    """Every figure of the effectiveness dashboard for ``filters``."""
    level2, level3 = service.level2(filters), service.level3(filters)
    rows = kpis.kpi_rows(filters)
    monthly = kpis.monthly_means(rows)
    inputs = impact_inputs(level2, level3)
    data = {
        "filters": filters, "people": service.trainees(filters),
        "level1": service.level1(filters), "level2": level2, "level3": level3,
        "monthly": monthly, "comparisons": kpis.comparisons(rows),
        "assessment": kpis.staff_assessment(rows, None), "impact_inputs": inputs,
        "level3_table": level3_table(level3),
        "charts": {"level2": level2_chart(level2), "level3": level3_chart(level3),
                   "kpis": kpi_charts(monthly)},
    }
    if with_impact:
        data["impact_params"] = impact_runs.impact_params(inputs)
        data["impact_job"] = impact_runs.latest_run(data["impact_params"])
        data["impact"] = impact_runs.stored_impact(data["impact_job"])
        data["charts"]["impact"] = impact_chart(data["impact"])
    return data


def person_data(user) -> dict:
    """One trainee's figures on every level, for the drill-down page."""
    from sqlalchemy import select

    from lms.evaluation.models import KpiMonth, SurveyResponse
    from lms.evaluation.statistics import assess_staff_month, normalised_gain
    from lms.extensions import db

    pairs = service.pairs_for([user])
    roleplay, drills = service.roleplay_scores([user]), service.drill_scores([user])
    months = db.session.scalars(select(KpiMonth).where(KpiMonth.user_id == user.id)
                                .order_by(KpiMonth.month)).all()
    points = sorted({d.strftime("%Y-%m-%d") for _u, d, _s in roleplay + drills})
    by_day_r = {d.strftime("%Y-%m-%d"): _pct(s) for _u, d, s in roleplay}
    by_day_d = {d.strftime("%Y-%m-%d"): _pct(s) for _u, d, s in drills}
    chart = named_target(line_chart(
        points, [Series(_("Role-play"), [by_day_r.get(p) for p in points]),
                 Series(_("Emergency drills"), [by_day_d.get(p) for p in points])],
        title=_("Practice scores over time"), y_label="%", y_max=100,
        target=60)) if points else None
    return {
        "surveys": db.session.scalars(select(SurveyResponse).where(
            SurveyResponse.user_id == user.id)).all(),
        "pairs": [(p, normalised_gain(p.pre, p.post, 1.0)) for p in pairs],
        "roleplay": roleplay, "drills": drills, "chart": chart,
        "kpis": [(m, assess_staff_month(m.figures())) for m in months],
        "trained_from": service.trained_from({user.id}).get(user.id),
    }
