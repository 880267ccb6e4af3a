"""Hand-written SVG charts: queue length, service level against target, staffed vs required.

Charts are plain SVG strings so the same chart appears on a web page and in a WeasyPrint PDF.
Every label comes from the caller (:class:`ChartLabels`), so the web app passes translated
text; the font stack names a CJK font first so Chinese renders. Charts are accessible: the root
has ``role="img"`` and is labelled by its ``<title>`` and ``<desc>``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

import numpy as np

from .summary import Summary

FONT = "Noto Sans CJK SC, DejaVu Sans, sans-serif"
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 200, 36, 44
LEGEND_CHARS = 26


@dataclass(frozen=True)
class ChartLabels:
    """Texts of a chart, already in the reader's language."""

    title: str
    x_axis: str
    y_axis: str
    description: str = ""
    series: Mapping[str, str] = field(default_factory=dict)
    target: str = ""


def _nice_max(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


class _Plot:
    """Coordinate mapping and SVG fragments for one chart."""

    def __init__(self, n_points: int, y_max: float, labels: ChartLabels, chart_id: str):
        self.n = max(1, n_points)
        self.y_max = y_max
        self.labels = labels
        self.chart_id = chart_id
        self.width = WIDTH - LEFT - RIGHT
        self.height = HEIGHT - TOP - BOTTOM
        self.parts: list[str] = []

    def x(self, index: float) -> float:
        """Horizontal position of interval ``index`` (centre of its slot)."""
        return LEFT + self.width * (index + 0.5) / self.n

    def y(self, value: float) -> float:
        """Vertical position of ``value`` (clipped to the axis)."""
        return TOP + self.height * (1.0 - min(max(value, 0.0), self.y_max) / self.y_max)

    def axes(self, tick_labels: Sequence[str], y_format) -> None:
        """Grid, tick labels (at most eight on the x axis) and axis titles."""
        for i in range(5):
            value = self.y_max * i / 4
            y = self.y(value)
            self.parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + self.width}" '
                              f'y2="{y:.1f}" stroke="#ddd"/>')
            self.parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
                              f'font-size="11">{escape(y_format(value))}</text>')
        step = max(1, math.ceil(len(tick_labels) / 8))
        for i in range(0, len(tick_labels), step):
            self.parts.append(f'<text x="{self.x(i):.1f}" y="{TOP + self.height + 16}" '
                              f'text-anchor="middle" font-size="11">'
                              f'{escape(tick_labels[i])}</text>')
        self.parts.append(f'<line x1="{LEFT}" y1="{TOP + self.height}" x2="{LEFT + self.width}"'
                          f' y2="{TOP + self.height}" stroke="#333"/>')
        self.parts.append(f'<text x="{LEFT + self.width / 2:.1f}" y="{HEIGHT - 8}" '
                          f'text-anchor="middle" font-size="12">'
                          f'{escape(self.labels.x_axis)}</text>')
        self.parts.append(f'<text transform="translate(14 {TOP + self.height / 2:.1f}) '
                          f'rotate(-90)" text-anchor="middle" font-size="12">'
                          f'{escape(self.labels.y_axis)}</text>')

    def line(self, values: Sequence[float], color: str, dash: str = "") -> None:
        """A polyline through the finite values."""
        points = [f"{self.x(i):.1f},{self.y(v):.1f}" for i, v in enumerate(values)
                  if v is not None and math.isfinite(v)]
        if points:
            extra = f' stroke-dasharray="{dash}"' if dash else ""
            self.parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2"{extra}'
                              f' points="{" ".join(points)}"/>')

    def bars(self, values: Sequence[float], color: str) -> None:
        """One bar per finite value."""
        width = max(1.0, self.width / self.n * 0.7)
        for i, value in enumerate(values):
            if value is None or not math.isfinite(value):
                continue
            top = self.y(value)
            self.parts.append(f'<rect x="{self.x(i) - width / 2:.1f}" y="{top:.1f}" '
                              f'width="{width:.1f}" height="{TOP + self.height - top:.1f}" '
                              f'fill="{color}"/>')

    def legend(self, entries: Sequence[tuple[str, str, str]]) -> None:
        """Legend rows ``(label, colour, dash)`` right of the plot; long labels are cut."""
        for row, (label, color, dash) in enumerate(entries):
            y = TOP + 8 + row * 18
            x = LEFT + self.width + 12
            extra = f' stroke-dasharray="{dash}"' if dash else ""
            self.parts.append(f'<line x1="{x}" y1="{y}" x2="{x + 20}" y2="{y}" stroke="{color}"'
                              f' stroke-width="3"{extra}/>')
            short = label if len(label) <= LEGEND_CHARS else label[:LEGEND_CHARS - 1] + "…"
            self.parts.append(f'<text x="{x + 26}" y="{y + 4}" font-size="11">'
                              f'<title>{escape(label)}</title>{escape(short)}</text>')

    def svg(self) -> str:
        """The finished chart."""
        title_id, desc_id = f"{self.chart_id}-title", f"{self.chart_id}-desc"
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
                f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
                f'aria-labelledby="{title_id} {desc_id}" font-family="{FONT}">'
                f'<title id="{title_id}">{escape(self.labels.title)}</title>'
                f'<desc id="{desc_id}">{escape(self.labels.description)}</desc>'
                f'<rect width="100%" height="100%" fill="#fff"/>'
                f'<text x="{LEFT}" y="22" font-size="14" font-weight="bold">'
                f'{escape(self.labels.title)}</text>' + "".join(self.parts) + "</svg>")


def line_chart(x_labels: Sequence[str], series: Mapping[str, Sequence[float]],
               labels: ChartLabels, chart_id: str = "chart",
               dashed: Sequence[str] = (), y_format=lambda v: f"{v:g}") -> str:
    """A line chart of named series over intervals (names translated by ``labels.series``)."""
    finite = [v for values in series.values() for v in values
              if v is not None and math.isfinite(v)]
    plot = _Plot(len(x_labels), _nice_max(max(finite, default=1.0) * 1.05), labels, chart_id)
    plot.axes(x_labels, y_format)
    legend = []
    for index, (name, values) in enumerate(series.items()):
        color = PALETTE[index % len(PALETTE)]
        dash = "6 4" if name in dashed else ""
        plot.line(values, color, dash)
        legend.append((labels.series.get(name, name), color, dash))
    plot.legend(legend)
    return plot.svg()


def queue_length_chart(summary: Summary, labels: ChartLabels) -> str:
    """Mean callers waiting per interval, one line per queue."""
    waiting = summary.levels["queue"]["mean_waiting"].mean
    x_labels = [summary.interval_label(k) for k in range(summary.n_intervals)]
    series = {name: waiting[:, q].tolist() for q, name in enumerate(summary.queues)}
    return line_chart(x_labels, series, labels, "queue-length")


def service_level_chart(summary: Summary, labels: ChartLabels, target: float,
                        queue: str | None = None) -> str:
    """Service level per interval (bars, %) against the ``target`` fraction (dashed line)."""
    if queue is None:
        level = summary.levels["interval"]["service_level"].mean
    else:
        level = summary.levels["queue"]["service_level"].mean[:, summary.queues.index(queue)]
    x_labels = [summary.interval_label(k) for k in range(summary.n_intervals)]
    plot = _Plot(len(x_labels), 100.0, labels, "service-level")
    plot.axes(x_labels, lambda v: f"{v:.0f}%")
    plot.bars((np.asarray(level) * 100.0).tolist(), PALETTE[0])
    plot.line([target * 100.0] * len(x_labels), PALETTE[1], "6 4")
    plot.legend([(labels.series.get("service_level", "service level"), PALETTE[0], ""),
                 (labels.target or "target", PALETTE[1], "6 4")])
    return plot.svg()


def staffing_chart(x_labels: Sequence[str], staffed: Sequence[float],
                   required: Sequence[float], labels: ChartLabels) -> str:
    """Agents on the phones vs agents required per interval."""
    return line_chart(x_labels, {"staffed": list(staffed), "required": list(required)}, labels,
                      "staffing", dashed=("required",))
