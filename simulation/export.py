"""Export a :class:`~simulation.summary.Summary` as JSON or CSV.

JSON keeps every level as rows of ``{labels…, metric: {mean, low, high}}``. CSV is "tidy":
one row per level, label set and metric, with the mean and the 95 % confidence bounds, which a
spreadsheet pivots into any table.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .summary import Summary, records

LEVELS = ("total", "interval", "queue", "cell", "group")
CSV_COLUMNS = ("level", "interval", "start", "queue", "priority", "group", "metric", "mean",
               "ci95_low", "ci95_high", "replications")


def summary_to_dict(summary: Summary) -> dict:
    """Plain JSON-safe dict of a summary (all levels)."""
    return {
        "scenario": summary.scenario_id,
        "seed": summary.seed,
        "replications": summary.replications,
        "interval_minutes": summary.interval_minutes,
        "start_hour": summary.start_hour,
        "warmup_intervals": summary.warmup_intervals,
        "queues": list(summary.queues),
        "groups": list(summary.groups),
        "priorities": list(summary.priorities),
        "warnings": summary.warnings,
        "levels": {level: records(summary, level) for level in LEVELS},
    }


def write_json(summary: Summary, path: str | Path) -> None:
    """Write :func:`summary_to_dict` to ``path`` (UTF-8, indented)."""
    Path(path).write_text(json.dumps(summary_to_dict(summary), ensure_ascii=False, indent=1),
                          encoding="utf-8")


def csv_rows(summary: Summary):
    """Tidy rows (dicts keyed by :data:`CSV_COLUMNS`) of every level and metric."""
    label_keys = ("interval", "start", "queue", "priority", "group")
    for level in LEVELS:
        for row in records(summary, level):
            labels = {key: row.get(key, "") for key in label_keys}
            for metric, value in row.items():
                if metric in label_keys:
                    continue
                yield {"level": level, **labels, "metric": metric,
                       "mean": _number(value["mean"]), "ci95_low": _number(value["low"]),
                       "ci95_high": _number(value["high"]),
                       "replications": summary.replications}


def _number(value) -> str:
    return "" if value is None else f"{value:.6g}"


def to_csv(summary: Summary) -> str:
    """The tidy CSV as text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(summary))
    return buffer.getvalue()


def write_csv(summary: Summary, path: str | Path) -> None:
    """Write :func:`to_csv` to ``path``."""
    Path(path).write_text(to_csv(summary), encoding="utf-8")
