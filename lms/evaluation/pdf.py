"""The evaluation report's PDF context: the dashboard's figures turned into plain data.

``render_pdf`` takes plain data only (no ORM rows), so a background job could render the same
report; this module does that conversion.
"""

from flask_babel import gettext as _

from lms.evaluation.names import name_of
from lms.i18n import localized, reader_language


def _gain(gain) -> dict:
    return {"n": gain.n_pairs, "mean": gain.mean_gain, "low": gain.ci_low, "high": gain.ci_high,
            "class_average": gain.class_average_gain, "excluded": gain.n_excluded}


def _comparison(pairs) -> list[dict]:
    return [{"kpi": localized(target.name), "direction": target.direction,
             "threshold": target.threshold, "first": c.mean_first, "second": c.mean_second,
             "n_first": c.n_first, "n_second": c.n_second, "difference": c.difference,
             "low": c.ci_low, "high": c.ci_high} for target, c in pairs]


def _impact(impact) -> dict | None:
    if impact is None:
        return None
    side = lambda s: {"score": s.score, "htf": s.handle_time_factor, "fcr": s.fcr,  # noqa: E731
                      "sl": s.service_level, "ab": s.abandonment, "required": s.required}
    return {"before": side(impact.before), "after": side(impact.after),
            "worth": impact.worth_agents, "base_agents": impact.base_agents}


def _selection(filters) -> str:
    """The filters as (what, which) in words: a department's name, a course's title."""
    from lms.auth.models import Department
    from lms.extensions import db

    chosen = []
    if filters.department_id:
        department = db.session.get(Department, filters.department_id)
        chosen.append((_("Department"), department.name if department else "—"))
    if filters.cohort:
        chosen.append((_("Cohort (hire month)"), filters.cohort))
    if filters.course:
        chosen.append((_("Course or test"), name_of(filters.course)))
    separator = "；" if reader_language() == "zh" else "; "
    return separator.join(_("%(what)s: %(which)s", what=what, which=which)
                          for what, which in chosen)


def report_context(data: dict) -> dict:
    """Plain figures and chart markup for ``evaluation/report_pdf.html``."""
    level1 = data["level1"]
    assessment = data["assessment"]
    return {
        "filters": data["filters"].as_args(),
        "selection": _selection(data["filters"]),
        "n_people": len(data["people"]),
        "level1": {"n": level1["n"], "overall": level1["all"].overall if level1["all"] else None,
                   "courses": [{"label": name_of(g.label), "n": g.n, "overall": g.overall}
                               for g in level1["courses"]],
                   "trainers": [{"label": g.label, "n": g.n, "overall": g.overall}
                                for g in level1["trainers"]]},
        "level2": {"overall": _gain(data["level2"]["overall"]),
                   "rows": [{"test": name_of(r["test"]), "category": name_of(r["category"]),
                             **_gain(r["gain"])}
                            for r in data["level2"]["rows"]]},
        "level3_table": data["level3_table"],
        "level3": {"months": data["level3"]["months"], "roleplay": data["level3"]["roleplay"],
                   "drills": data["level3"]["drills"]},
        "monthly": data["monthly"],
        "before_after": _comparison(data["comparisons"]["before_after"]),
        "trained_untrained": _comparison(data["comparisons"]["trained_untrained"]),
        "latest": data["comparisons"]["latest"],
        "caution": localized(data["comparisons"]["caution"]),
        "assessment": {"month": assessment["month"], "meets_all": assessment["meets_all"],
                       "n": len(assessment["assessed"]),
                       "stars": [{"rank": s.rank, "employee_no": s.employee_no,
                                  "name": user.name, **s.figures}
                                 for s, user in assessment["stars"]]},
        "impact": _impact(data.get("impact")),
        "impact_pending": data.get("impact") is None and data.get("impact_params") is not None,
        "charts": {k: v for k, v in data["charts"].items()},
    }
