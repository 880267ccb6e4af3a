"""Concrete shifts from templates, and the minutes each one works in each interval.

A variant is a template placed on a day at an allowed start with its breaks placed inside
their windows; breaks never overlap. Working minutes exclude every break (paid or not): an
agent on a break is not on the phones.
"""

from __future__ import annotations

import itertools

from .model import BreakRule, ShiftTemplate, ShiftVariant


def _placements(rule: BreakRule, interval_minutes: int) -> list[int]:
    step = rule.step or interval_minutes
    return list(range(rule.earliest_offset, rule.latest_offset + 1, max(1, step)))


def break_layouts(template: ShiftTemplate, interval_minutes: int) -> list[tuple]:
    """Every way to place the template's breaks: tuples of (offset, minutes), no overlaps."""
    options = [[(offset, rule.minutes) for offset in _placements(rule, interval_minutes)
                if 0 <= offset and offset + rule.minutes <= template.length_minutes]
               for rule in template.breaks]
    layouts = []
    for combo in itertools.product(*options):
        ordered = tuple(sorted(combo))
        if all(a[0] + a[1] <= b[0] for a, b in zip(ordered, ordered[1:], strict=False)):
            layouts.append(ordered)
    return layouts


def variants_of(template: ShiftTemplate, n_days: int, interval_minutes: int,
                weekday_of) -> list[ShiftVariant]:
    """Every variant of ``template`` over ``n_days`` days (``weekday_of(day)`` → 0..6)."""
    layouts = break_layouts(template, interval_minutes)
    cost = template.cost_per_hour * template.paid_minutes / 60.0
    out = []
    for day in range(n_days):
        if weekday_of(day) not in template.weekdays:
            continue
        for start in template.starts():
            for layout in layouts:
                out.append(ShiftVariant(template.name, day, start, template.length_minutes,
                                        layout, template.paid_minutes, cost))
    return out


def working_minutes(variant: ShiftVariant, interval_minutes: int,
                    n_intervals: int) -> dict[int, int]:
    """{interval: minutes on the phones} of one variant inside the horizon."""
    spans = [(variant.begin, variant.end)]
    for offset, minutes in variant.breaks:
        cut_from, cut_to = variant.begin + offset, variant.begin + offset + minutes
        spans = [piece for a, b in spans for piece in ((a, min(b, cut_from)),
                                                       (max(a, cut_to), b)) if piece[0] < piece[1]]
    covered: dict[int, int] = {}
    horizon = n_intervals * interval_minutes
    for a, b in spans:
        a, b = max(a, 0), min(b, horizon)
        while a < b:
            k = a // interval_minutes
            edge = min(b, (k + 1) * interval_minutes)
            covered[k] = covered.get(k, 0) + edge - a
            a = edge
    return covered
