"""Plain-text tables for the command line: aligned columns, numbers right-aligned."""

from __future__ import annotations

import math
from collections.abc import Sequence


def fmt(value, digits: int = 1, percent: bool = False, ci: float | None = None) -> str:
    """A number for a table cell (``-`` for missing), optionally as % and with ``± ci``."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    scale = 100.0 if percent else 1.0
    text = f"{value * scale:,.{digits}f}"
    if ci is not None and math.isfinite(ci) and ci > 0:
        text += f" ±{ci * scale:.{digits}f}"
    return text


def table(headers: Sequence[str], rows: Sequence[Sequence], title: str = "") -> str:
    """Render rows under headers; the first column is left-aligned, the others right."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]

    def line(values):
        parts = [values[0].ljust(widths[0])]
        parts += [v.rjust(w) for v, w in zip(values[1:], widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    out = [title] if title else []
    out.append(line(list(headers)))
    out.append("  ".join("-" * w for w in widths))
    out.extend(line(row) for row in cells)
    return "\n".join(out)
