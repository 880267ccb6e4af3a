"""SVG charts of history and forecast, with holidays and 调休 days marked.

Plain SVG strings (no script), so a page and a PDF show the same chart; every text comes
from the caller already translated; the font stack names a CJK font first. The root has
``role="img"`` and a ``<title>``; shaded bands and markers carry their own ``<title>``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

FONT = "Noto Sans CJK SC, DejaVu Sans, sans-serif"
COLORS = ("#0b5cab", "#d9822b", "#1b7f3b", "#6b4fbb")
WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 34, 62


@dataclass(frozen=True)
class Line:
    """One series: values per x position (``None`` = no value), drawn solid or dashed."""

    name: str
    values: list
    dashed: bool = False
    color: str | None = None


@dataclass(frozen=True)
class Band:
    """A shaded x range (inclusive indexes), e.g. a holiday block, with its label."""

    first: int
    last: int
    label: str
    color: str = "#f4c7c3"
    #: What this kind of band means, for the legend (one entry per distinct legend text).
    legend: str = ""


@dataclass(frozen=True)
class ChartText:
    """The chart's texts, already in the reader's language."""

    title: str
    y_axis: str = ""
    description: str = ""
    marker_label: str = ""
    divider_label: str = ""
    extra: dict = field(default_factory=dict)


def _nice_max(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _e(text) -> str:
    return escape(str(text), quote=True)


def series_chart(x_labels: list[str], lines: list[Line], text: ChartText, *,
                 bands: tuple[Band, ...] = (), markers: tuple[tuple[int, str], ...] = (),
                 divider: int | None = None, width: int = WIDTH, height: int = HEIGHT) -> str:
    """Lines over shared x labels, shaded bands, triangle markers and a divider line."""
    count = max(len(x_labels), 1)
    values = [v for line in lines for v in line.values if v is not None]
    top = _nice_max(max(values, default=0.0) * 1.05)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    step = plot_w / max(count - 1, 1)

    def x(i: float) -> float:
        return LEFT + step * i

    def y(v: float) -> float:
        return TOP + plot_h * (1 - min(max(v, 0.0), top) / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} '
             f'{height}" width="{width}" height="{height}" font-family="{FONT}" '
             f'font-size="11" class="chart">', f"<title>{_e(text.title)}</title>"]
    if text.description:
        parts.append(f"<desc>{_e(text.description)}</desc>")
    parts.append(f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="13" '
                 f'font-weight="bold">{_e(text.title)}</text>')
    for band in bands:
        x0, x1 = x(band.first) - step / 2, x(band.last) + step / 2
        x0, x1 = max(x0, LEFT), min(x1, LEFT + plot_w)
        parts.append(f'<rect class="band" x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 1):.1f}" '
                     f'height="{plot_h}" fill="{band.color}" opacity="0.6">'
                     f"<title>{_e(band.label)}</title></rect>")
    for i in range(5):
        value = top * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}" stroke="#e3e8ef"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
                     f'fill="#5b6573">{value:.0f}</text>')
    if text.y_axis:
        parts.append(f'<text transform="translate(14 {TOP + plot_h / 2}) rotate(-90)" '
                     f'text-anchor="middle" fill="#5b6573">{_e(text.y_axis)}</text>')
    if divider is not None:
        parts.append(f'<line x1="{x(divider) - step / 2:.1f}" x2="{x(divider) - step / 2:.1f}" '
                     f'y1="{TOP}" y2="{TOP + plot_h}" stroke="#1d2430" stroke-dasharray="2 3">'
                     f"<title>{_e(text.divider_label)}</title></line>")
    for index, line in enumerate(lines):
        color = line.color or COLORS[index % len(COLORS)]
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        segment: list[str] = []
        for i, value in enumerate(line.values + [None]):
            if value is None:
                if len(segment) > 1:
                    parts.append(f'<polyline class="series" fill="none" stroke="{color}" '
                                 f'stroke-width="1.8"{dash} points="{" ".join(segment)}">'
                                 f"<title>{_e(line.name)}</title></polyline>")
                elif segment:
                    px, py = segment[0].split(",")
                    parts.append(f'<circle cx="{px}" cy="{py}" r="2.5" fill="{color}"/>')
                segment = []
                continue
            segment.append(f"{x(i):.1f},{y(value):.1f}")
    for index, label in markers:
        mx, base = x(index), TOP + plot_h
        parts.append(f'<path class="marker" d="M{mx:.1f},{base - 9:.1f}l-5,9h10z" '
                     f'fill="#b3261e"><title>{_e(label)}</title></path>')
    label_step = max(1, math.ceil(count / 12))
    for i in range(0, count, label_step):
        anchor = "start" if i == 0 else "end" if i == count - 1 else "middle"
        parts.append(f'<text x="{x(i):.1f}" y="{TOP + plot_h + 14}" text-anchor="{anchor}" '
                     f'fill="#5b6573">{_e(x_labels[i])}</text>')
    _legend(parts, lines, bands, markers, text, height)
    parts.append("</svg>")
    return "".join(parts)


def _legend(parts, lines, bands, markers, text: ChartText, height: int) -> None:
    lx, ly = LEFT, height - 14
    for index, line in enumerate(lines):
        color = line.color or COLORS[index % len(COLORS)]
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        parts.append(f'<line x1="{lx}" x2="{lx + 18}" y1="{ly - 4}" y2="{ly - 4}" '
                     f'stroke="{color}" stroke-width="2"{dash}/>')
        parts.append(f'<text x="{lx + 22}" y="{ly}">{_e(line.name)}</text>')
        lx += 40 + _text_width(line.name)
    kinds = {}
    for band in bands:
        kinds.setdefault(band.legend, band.color)
    for name, color in kinds.items():
        if not name:
            continue
        parts.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="10" fill="{color}"/>')
        parts.append(f'<text x="{lx + 16}" y="{ly}">{_e(name)}</text>')
        lx += 36 + _text_width(name)
    if markers and text.marker_label:
        parts.append(f'<path d="M{lx + 6},{ly - 9}l-5,9h10z" fill="#b3261e"/>')
        parts.append(f'<text x="{lx + 16}" y="{ly}">{_e(text.marker_label)}</text>')


def _text_width(text: str) -> int:
    return 7 * len(text) + 5 * sum(1 for ch in text if ord(ch) > 0x2E80)
