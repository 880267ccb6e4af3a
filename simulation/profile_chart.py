"""A picture of a scenario before it runs: expected calls per interval, events and closed hours.

One line per queue of the expected first contacts offered per interval
(:func:`~simulation.arrivals.expected_offered`: arrival shape × day factor × event multipliers,
with closed-hours callers moved to their return after opening), a shaded band per event with
its name, and grey bands where the line is closed. The horizontal axis is the scenario's clock.
Plain SVG, like :mod:`simulation.charts`, so the page and a PDF show the same picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from scenarios import Scenario

from .arrivals import expected_offered
from .charts import PALETTE, TOP, ChartLabels, _nice_max, _Plot
from .inputs import opening_of
from .summary import interval_label

EVENT_COLOURS = {"group_complaint_surge": "#ff7f0e", "quality_recall": "#9467bd",
                 "disaster": "#8c564b"}


def arrival_profile_chart(s: Scenario, labels: ChartLabels, event_names: Sequence[str] = (),
                          closed_label: str = "", chart_id: str = "profile") -> str:
    """The scenario's expected calls per interval and queue with its events and closed hours.

    ``labels.series`` names the queues, ``event_names`` the events (in scenario order; empty
    names fall back to the event type), ``closed_label`` the closed-hours band.
    """
    n = s.n_intervals
    series = {q: expected_offered(s, q).tolist() for q in s.queue_names}
    peak = max((v for values in series.values() for v in values), default=1.0)
    plot = _Plot(n, _nice_max(peak * 1.15), labels, chart_id)
    x_labels = [interval_label(s.start_hour, s.interval_minutes, n, k) for k in range(n)]
    _closed_bands(plot, s, closed_label)
    names = list(event_names) + [""] * (len(s.events) - len(event_names))
    for index, event in enumerate(s.events):
        _event_band(plot, s, event, names[index] or event.type, index)
    plot.axes(x_labels, lambda v: f"{v:g}")
    legend = []
    for index, (name, values) in enumerate(series.items()):
        color = PALETTE[index % len(PALETTE)]
        plot.line(values, color)
        legend.append((labels.series.get(name, name), color, ""))
    plot.legend(legend)
    return plot.svg()


def _span(plot: _Plot, s: Scenario, start_s: float, end_s: float) -> tuple[float, float]:
    width = s.interval_seconds
    left = plot.x(start_s / width - 0.5)
    right = plot.x(min(end_s, s.horizon_seconds) / width - 0.5)
    return left, max(right - left, 1.0)


def _event_band(plot: _Plot, s: Scenario, event, name: str, index: int) -> None:
    left, width = _span(plot, s, event.start_hour * 3600.0, event.end_hour * 3600.0)
    colour = EVENT_COLOURS.get(event.type, "#999")
    plot.parts.append(f'<rect x="{left:.1f}" y="{TOP}" width="{width:.1f}" '
                      f'height="{plot.height}" fill="{colour}" fill-opacity="0.15" '
                      f'stroke="{colour}" stroke-opacity="0.6"><title>{escape(name)}</title>'
                      f'</rect>')
    plot.parts.append(f'<text x="{left + 3:.1f}" y="{TOP + 12 + 13 * (index % 3)}" '
                      f'font-size="11" fill="{colour}">{escape(name)}</text>')


def _closed_bands(plot: _Plot, s: Scenario, label: str) -> None:
    opening = opening_of(s)
    if opening.always_open:
        return
    width = s.interval_seconds
    k = 0
    while k < s.n_intervals:
        if not opening.is_closed((k + 0.5) * width):
            k += 1
            continue
        end = k
        while end + 1 < s.n_intervals and opening.is_closed((end + 1.5) * width):
            end += 1
        left, span = _span(plot, s, k * width, (end + 1) * width)
        plot.parts.append(f'<rect x="{left:.1f}" y="{TOP}" width="{span:.1f}" '
                          f'height="{plot.height}" fill="#000" fill-opacity="0.07">'
                          f'<title>{escape(label)}</title></rect>')
        k = end + 1
