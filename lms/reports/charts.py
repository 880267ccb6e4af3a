"""Server-made SVG charts: the same markup on the page and in the PDF.

Every chart is an ``<svg role="img">`` with a ``<title>`` for screen readers, text in the
CJK font (so Chinese labels print), and no script. Labels arrive translated from the
caller. Values may be ``None`` (a gap). Confidence bands come from ``Series.lower`` and
``Series.upper``.
"""

import html
import math
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup

FONT = "Noto Sans CJK SC, DejaVu Sans, sans-serif"
PALETTE = ("#0b5cab", "#d9822b", "#1b7f3b", "#b3261e", "#6b4fbb", "#00838f", "#8d6e63")
MARGIN = {"left": 56, "right": 16, "top": 34, "bottom": 58}


@dataclass(frozen=True)
class Series:
    """One named row of values, with an optional confidence band."""

    name: str
    values: list = field(default_factory=list)
    color: str | None = None
    lower: list | None = None
    upper: list | None = None


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10 ** exponent
        if candidate >= value:
            return candidate
    return 10 ** (exponent + 1)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.2g}"


class _Frame:
    """Plot area geometry and the value → pixel mapping."""

    def __init__(self, width, height, y_max):
        self.width, self.height, self.y_max = width, height, y_max
        self.left, self.top = MARGIN["left"], MARGIN["top"]
        self.plot_w = width - MARGIN["left"] - MARGIN["right"]
        self.plot_h = height - MARGIN["top"] - MARGIN["bottom"]

    def y(self, value: float) -> float:
        return self.top + self.plot_h * (1 - min(max(value, 0), self.y_max) / self.y_max)


def _open(width, height, title) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{FONT}" font-size="11" class="chart">',
        f"<title>{_esc(title)}</title>",
        f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="13" '
        f'font-weight="bold">{_esc(title)}</text>',
    ]


def _axes(parts, frame: _Frame, y_label: str) -> None:
    for i in range(5):
        value = frame.y_max * i / 4
        y = frame.y(value)
        parts.append(f'<line x1="{frame.left}" x2="{frame.left + frame.plot_w}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="#e3e8ef"/>')
        parts.append(f'<text x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'fill="#5b6573">{_fmt(value)}</text>')
    if y_label:
        parts.append(f'<text transform="translate(14 {frame.top + frame.plot_h / 2}) rotate(-90)" '
                     f'text-anchor="middle" fill="#5b6573">{_esc(y_label)}</text>')


def _x_labels(parts, frame: _Frame, labels, centers) -> None:
    step = max(1, math.ceil(len(labels) / 16))
    base = frame.top + frame.plot_h
    last = len(labels) - 1
    for index in range(0, len(labels), step):
        # the outermost labels are anchored inwards so they are not cut at the edges
        anchor = "start" if index == 0 and last else "end" if index == last and last else "middle"
        parts.append(f'<text x="{centers[index]:.1f}" y="{base + 14}" text-anchor="{anchor}" '
                     f'fill="#5b6573">{_esc(labels[index])}</text>')


def _target(parts, frame: _Frame, target, label="target") -> None:
    if target is None:
        return
    y = frame.y(target)
    parts.append(f'<line x1="{frame.left}" x2="{frame.left + frame.plot_w}" y1="{y:.1f}" '
                 f'y2="{y:.1f}" stroke="#b3261e" stroke-dasharray="6 4" stroke-width="1.5">'
                 f"<title>{_esc(label)}: {_fmt(target)}</title></line>")


def _legend(parts, frame: _Frame, series) -> None:
    x = frame.left
    y = frame.height - 12
    for index, one in enumerate(series):
        color = one.color or PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}">{_esc(one.name)}</text>')
        x += 28 + 7 * len(one.name) + (7 * sum(1 for ch in one.name if ord(ch) > 0x2E80))


def _all_values(series) -> list[float]:
    values = []
    for one in series:
        for row in (one.values, one.upper or []):
            values.extend(v for v in row if v is not None)
    return values


def bar_chart(categories, series, *, title, y_label="", target=None, y_max=None,
              width=640, height=300) -> Markup:
    """Grouped vertical bars, one group per category and one bar per series."""
    top = y_max or _nice_max(max(_all_values(series) + [target or 0, 0]))
    frame = _Frame(width, height, top)
    parts = _open(width, height, title)
    _axes(parts, frame, y_label)
    group_w = frame.plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    centers = [frame.left + group_w * (i + 0.5) for i in range(len(categories))]
    for s_index, one in enumerate(series):
        color = one.color or PALETTE[s_index % len(PALETTE)]
        for c_index, value in enumerate(one.values):
            if value is None:
                continue
            x = frame.left + group_w * c_index + group_w * 0.1 + bar_w * s_index
            y = frame.y(value)
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                         f'height="{frame.top + frame.plot_h - y:.1f}" fill="{color}">'
                         f"<title>{_esc(categories[c_index])} · {_esc(one.name)}: "
                         f"{_fmt(value)}</title></rect>")
            parts.extend(_error_bar(frame, one, c_index, x + bar_w / 2))
    _x_labels(parts, frame, categories, centers)
    _target(parts, frame, target)
    if len(series) > 1:
        _legend(parts, frame, series)
    parts.append("</svg>")
    return Markup("".join(parts))


def _error_bar(frame: _Frame, one: Series, index: int, center: float) -> list[str]:
    """A whisker from ``lower`` to ``upper`` (a confidence interval) over one bar."""
    if not (one.lower and one.upper) or index >= min(len(one.lower), len(one.upper)):
        return []
    low, high = one.lower[index], one.upper[index]
    if low is None or high is None:
        return []
    y_low, y_high = frame.y(low), frame.y(high)
    return [f'<path d="M{center:.1f},{y_low:.1f}V{y_high:.1f}M{center - 4:.1f},{y_low:.1f}'
            f'h8M{center - 4:.1f},{y_high:.1f}h8" stroke="#1d2430" stroke-width="1.2" '
            f'fill="none" class="ci"><title>{_esc(_("95% confidence interval"))} '
            f"{_fmt(low)}–{_fmt(high)}</title></path>"]


def line_chart(x_labels, series, *, title, y_label="", target=None, y_max=None,
               width=640, height=300) -> Markup:
    """Lines over a shared x axis, with shaded confidence bands where given."""
    top = y_max or _nice_max(max(_all_values(series) + [target or 0, 0]))
    frame = _Frame(width, height, top)
    parts = _open(width, height, title)
    _axes(parts, frame, y_label)
    count = max(len(x_labels), 1)
    step = frame.plot_w / max(count - 1, 1)
    xs = [frame.left + step * i for i in range(count)]
    for s_index, one in enumerate(series):
        color = one.color or PALETTE[s_index % len(PALETTE)]
        if one.lower and one.upper:
            upper = [(xs[i], frame.y(v)) for i, v in enumerate(one.upper) if v is not None]
            lower = [(xs[i], frame.y(v)) for i, v in enumerate(one.lower) if v is not None]
            if upper and lower:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in upper + lower[::-1])
                parts.append(f'<polygon points="{points}" fill="{color}" opacity="0.15"/>')
        segment: list[str] = []
        for index, value in enumerate(one.values):
            if value is None:
                parts.extend(_segment(segment, color))
                segment = []
                continue
            segment.append(f"{xs[index]:.1f},{frame.y(value):.1f}")
        parts.extend(_segment(segment, color))
    _x_labels(parts, frame, x_labels, xs)
    _target(parts, frame, target)
    _legend(parts, frame, series)
    parts.append("</svg>")
    return Markup("".join(parts))


def _segment(points: list[str], color: str) -> list[str]:
    """A run of values without gaps: a line, or a dot when it is a single value."""
    if len(points) > 1:
        return [f'<polyline points="{" ".join(points)}" fill="none" stroke="{color}" '
                f'stroke-width="2" stroke-linejoin="round"/>']
    if points:
        x, y = points[0].split(",")
        return [f'<circle cx="{x}" cy="{y}" r="3" fill="{color}"/>']
    return []


def histogram(values, bins, *, title, x_label="", y_label="", width=640,
              height=300) -> Markup:
    """Counts of ``values`` in ``bins`` (a list of edges, or a number of equal bins)."""
    data = [v for v in values if v is not None]
    if isinstance(bins, int):
        low, high = (min(data), max(data)) if data else (0.0, 1.0)
        if high == low:
            high = low + 1
        edges = [low + (high - low) * i / bins for i in range(bins + 1)]
    else:
        edges = list(bins)
    counts = [0] * (len(edges) - 1)
    for value in data:
        for index in range(len(counts)):
            last = index == len(counts) - 1
            if edges[index] <= value < edges[index + 1] or (last and value == edges[-1]):
                counts[index] += 1
                break
    labels = [f"{_fmt(edges[i])}–{_fmt(edges[i + 1])}" for i in range(len(counts))]
    chart = bar_chart(labels, [Series(y_label or x_label or title, counts)], title=title,
                      y_label=y_label, width=width, height=height)
    return chart


def _heat_color(fraction: float, low_is_good: bool) -> str:
    fraction = min(max(fraction, 0.0), 1.0)
    if low_is_good:
        fraction = 1 - fraction
    # red (bad) → amber → green (good)
    red = int(200 - 150 * fraction)
    green = int(60 + 120 * fraction)
    return f"rgb({red},{green},70)"


def heatmap(row_labels, col_labels, values, *, title, fmt="{:.0f}", low_is_good=False,
            cell_w=None, cell_h=22) -> Markup:
    """A grid of coloured cells, green for good and red for bad, with the value inside."""
    flat = [v for row in values for v in row if v is not None]
    low, high = (min(flat), max(flat)) if flat else (0, 1)
    span = (high - low) or 1
    label_w = 8 + 8 * max((len(str(r)) for r in row_labels), default=4)
    cell_w = cell_w or max(28, min(60, int(560 / max(len(col_labels), 1))))
    width = label_w + cell_w * len(col_labels) + 10
    height = 40 + cell_h * len(row_labels) + 30
    parts = _open(width, height, title)
    for r_index, label in enumerate(row_labels):
        y = 30 + cell_h * r_index
        parts.append(f'<text x="{label_w - 6}" y="{y + cell_h * 0.65:.1f}" '
                     f'text-anchor="end">{_esc(label)}</text>')
        for c_index, value in enumerate(values[r_index]):
            x = label_w + cell_w * c_index
            fill = "#eef2f7" if value is None else _heat_color((value - low) / span, low_is_good)
            shown = "" if value is None else fmt.format(value)
            parts.append(f'<rect x="{x}" y="{y}" width="{cell_w - 1}" height="{cell_h - 1}" '
                         f'fill="{fill}"><title>{_esc(label)} · {_esc(col_labels[c_index])}: '
                         f"{_esc(shown or '—')}</title></rect>")
            if shown:
                parts.append(f'<text x="{x + cell_w / 2:.1f}" y="{y + cell_h * 0.68:.1f}" '
                             f'text-anchor="middle" fill="#fff" font-size="10">{shown}</text>')
    step = max(1, math.ceil(len(col_labels) / 16))
    base = 30 + cell_h * len(row_labels) + 14
    for c_index in range(0, len(col_labels), step):
        x = label_w + cell_w * (c_index + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{base}" text-anchor="middle" '
                     f'fill="#5b6573">{_esc(col_labels[c_index])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
