"""Pictures of a scenario before it runs (server-made SVG, the same on the page and in a PDF)."""

from flask_babel import gettext as _

import scenarios
from lms.i18n import localized
from simulation.charts import ChartLabels
from simulation.profile_chart import arrival_profile_chart


def _name(text, fallback: str) -> str:
    return localized({"zh": text.zh, "en": text.en}) if text is not None else fallback


def event_names() -> dict:
    """Translated names of the event types."""
    return {"group_complaint_surge": _("Group-complaint surge"),
            "quality_recall": _("Quality recall"), "disaster": _("Disaster")}


def profile_svg(scenario: scenarios.Scenario) -> str:
    """Expected calls per interval and queue, with the events and closed hours shaded."""
    kinds = event_names()
    labels = ChartLabels(
        title=_("Expected calls per interval, events and closed hours"),
        x_axis=_("time"), y_axis=_("calls per interval"),
        description=_("Expected first contacts offered per interval for each queue, from the "
                      "arrival profile, the day factors and the events; shaded bands mark "
                      "the events and the hours the line is closed."),
        series={q.name: _name(q.title, q.name) for q in scenario.queues})
    names = [_name(e.title, kinds.get(e.type, e.type)) for e in scenario.events]
    return arrival_profile_chart(scenario, labels, names, _("line closed"))
