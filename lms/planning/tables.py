"""Arrival profile and staffing plan as interval tables of inputs.

The arrival profile is each queue's calls per day and its relative volume per hour, half or
quarter hour (the scenario's arrival shape); the staffing plan is scheduled agents per interval
and group. Posted cells go into the scenario dict as they are (numbers when they parse), the
loader judges them, and each problem is mapped back to the cell it came from.
"""

from lms.planning.forms import number


def _shape_of(data: dict, queue: str) -> list:
    name = data["queues"][queue]["arrival_shape"]
    return list(data["arrival_shapes"].get(name, [1.0] * 24))


def _plan_rows(data: dict) -> int:
    """Rows of the staffing table: the longest plan, or one day of intervals for a flat one.

    The loader repeats a plan over the horizon, so its length must divide the number of
    intervals; a flat plan is spread over a day when a day divides the horizon.
    """
    longest = max([len(p["agents"]) for p in data["staffing"].values()] or [1])
    if longest > 1:
        return longest
    minutes = number(data["interval_minutes"])
    hours = number(data["horizon_hours"])
    if not isinstance(minutes, int | float) or not isinstance(hours, int | float) or \
            minutes <= 0:
        return 1
    intervals = max(1, int(round(hours * 60 / minutes)))
    per_day = int(24 * 60 // minutes)
    return per_day if intervals % per_day == 0 else intervals


def title_of(block: dict, name: str) -> str:
    """A queue's or group's display title in the page language, else its name."""
    from lms.i18n import localized

    title = block.get("title") if isinstance(block, dict) else None
    return localized(title) if isinstance(title, dict) and any(title.values()) else name


def _title(block: dict, name: str, lang: str) -> str:
    title = block.get("title") if isinstance(block, dict) else None
    if isinstance(title, dict) and title.get(lang):
        return str(title[lang])
    return name


def table_view(data: dict, posted=None, lang: str = "en") -> dict:
    """Rows and columns for the template; ``posted`` re-shows what the planner typed.

    Columns carry the queue's or group's display title, so every cell can be labelled
    "title, time" for screen readers and the fill/copy helpers can name the columns.
    """
    def cell(name, value):
        return posted.get(name, "") if posted is not None else _text(value)

    queues = list(data["queues"])
    shapes = {q: _shape_of(data, q) for q in queues}
    shape_rows = max(len(s) for s in shapes.values()) if shapes else 0
    arrival = {"queues": queues,
               "titles": {q: _title(data["queues"][q], q, lang) for q in queues},
               "calls": {q: cell(f"calls-{q}", data["queues"][q]["calls_per_day"])
                         for q in queues},
               "rows": [{"label": _clock(k, 24 * 60 // shape_rows),
                         "cells": [(f"shape-{q}-{k}", cell(f"shape-{q}-{k}", shapes[q][k]
                                                           if k < len(shapes[q]) else ""))
                                   for q in queues]} for k in range(shape_rows)]}
    groups = list(data["staffing"])
    rows = _plan_rows(data)
    plans = {g: data["staffing"][g]["agents"] for g in groups}
    per_day = int(24 * 60 // number(data["interval_minutes"])) if isinstance(
        number(data["interval_minutes"]), int | float) and number(data["interval_minutes"]) > 0 \
        else 0
    staffing = {"groups": groups, "rows_per_day": per_day if rows > per_day > 0 else 0,
                "titles": {g: _title(data["groups"].get(g, {}), g, lang) for g in groups},
                "rows": [{"label": _day_clock(k, data["interval_minutes"],
                                              int(number(data["start_hour"]) * 60), rows),
                          "cells": [(f"staff-{g}-{k}",
                                     cell(f"staff-{g}-{k}", plans[g][k % len(plans[g])]))
                                    for g in groups]} for k in range(rows)]}
    return {"arrival": arrival, "staffing": staffing}


def read_tables(data: dict, posted) -> tuple[dict, dict]:
    """The scenario dict with the posted cells written in, and ``{key_path: cell name}``."""
    cells: dict[str, str] = {}
    for queue in list(data["queues"]):
        cells[f"queues.{queue}.calls_per_day"] = f"calls-{queue}"
        data["queues"][queue]["calls_per_day"] = number(posted.get(f"calls-{queue}"))
        current = _shape_of(data, queue)
        values = [number(posted.get(f"shape-{queue}-{k}")) for k in range(len(current))]
        if values != current:
            name = f"{queue}_profile"
            data["arrival_shapes"][name] = values
            data["queues"][queue]["arrival_shape"] = name
        name = data["queues"][queue]["arrival_shape"]
        for k in range(len(current)):
            cells[f"arrival_shapes.{name}[{k}]"] = f"shape-{queue}-{k}"
    rows = _plan_rows(data)
    for group in list(data["staffing"]):
        data["staffing"][group]["agents"] = [number(posted.get(f"staff-{group}-{k}"))
                                             for k in range(rows)]
        for k in range(rows):
            cells[f"staffing.{group}.agents[{k}]"] = f"staff-{group}-{k}"
    return data, cells


def cell_errors(errors: dict[str, str], cells: dict[str, str]) -> dict[str, str]:
    """``{cell name: message}``; problems without a cell go under ``"_"``."""
    placed: dict[str, str] = {}
    for key_path, message in errors.items():
        target = cells.get(key_path)
        if target is None:
            prefix = [k for k in cells if key_path.startswith(k)]
            target = cells[max(prefix, key=len)] if prefix else "_"
        text = message if target != "_" else f"{key_path}: {message}"
        placed[target] = f"{placed[target]} {text}" if target in placed else text
    return placed


def _clock(k: int, minutes: int, offset: int = 0) -> str:
    start = offset + k * minutes
    return f"{start // 60 % 24:02d}:{start % 60:02d}"


def _day_clock(k: int, minutes: int, offset: int, rows: int) -> str:
    """``08:30``, or ``d2 08:30`` when the table spans more than one day."""
    clock = _clock(k, minutes, offset)
    if rows * minutes <= 24 * 60:
        return clock
    return f"d{(offset + k * minutes) // (24 * 60) + 1} {clock}"


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)
