"""Intraday shape and handle time per interval, by the kind of day.

The share of the day's calls in each interval is the volume-weighted mean over the recent
complete ordinary days of the same kind: workdays (Monday–Friday, 调休 working days and the
first day after a holiday follow the workday shape), Saturdays, Sundays; holidays use every
complete holiday in the history (they are rare), else the Sunday shape.

Handle time per interval is the mean over the last weeks' ordinary days of the same kind,
weighted by the calls handled (offered when the file has no ``handled``), times the handle-
time factor of any special event on the day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from . import events as event_rules
from .holidays import DayInfo, profile_kind

KINDS = ("workday", "saturday", "sunday", "holiday")
FALLBACK = {"saturday": "sunday", "sunday": "saturday", "holiday": "sunday",
            "workday": "saturday"}


def _complete(offered: np.ndarray) -> np.ndarray:
    return ~np.isnan(offered).any(axis=1) & (np.nansum(offered, axis=1) > 0)


def shares(offered: np.ndarray, infos: list[DayInfo], usable: np.ndarray,
           weeks: int) -> dict[str, np.ndarray]:
    """{kind: share per slot} from the usable complete days (the last ``weeks`` weeks)."""
    complete = _complete(offered) & usable
    recent = np.arange(len(infos)) >= len(infos) - 7 * weeks
    found: dict[str, np.ndarray] = {}
    for kind in KINDS:
        mask = complete & np.array([profile_kind(i) == kind for i in infos])
        if kind != "holiday":
            if (mask & recent).sum() >= 2:
                mask = mask & recent
        if mask.any():
            total = offered[mask].sum(axis=0)
            found[kind] = total / total.sum()
    if not found:
        raise ValueError("no complete day with calls in the history")
    for kind in KINDS:
        if kind not in found:
            found[kind] = found.get(FALLBACK[kind], next(iter(found.values())))
    return found


def share_for(profiles: dict[str, np.ndarray], info: DayInfo) -> np.ndarray:
    """The intraday shares of a day."""
    return profiles[profile_kind(info)]


def handle_times(offered, handled, aht, infos, usable, weeks: int) -> dict[str, np.ndarray]:
    """{kind: AHT per slot} (NaN when the history never shows one)."""
    weights = np.where(np.isnan(handled), offered, handled)
    weights = np.where(np.isnan(aht) | np.isnan(weights), 0.0, weights)
    values = np.nan_to_num(aht)
    recent = np.arange(len(infos)) >= len(infos) - 7 * weeks
    overall = _weighted(values[usable], weights[usable])
    found: dict[str, np.ndarray] = {}
    for kind in KINDS:
        mask = usable & np.array([profile_kind(i) == kind for i in infos])
        if (mask & recent).any():
            mask = mask & recent
        per_slot = _weighted(values[mask], weights[mask]) if mask.any() else overall
        day_mean = _scalar(values[mask], weights[mask]) if mask.any() else np.nan
        per_slot = np.where(np.isnan(per_slot), day_mean, per_slot)
        found[kind] = np.where(np.isnan(per_slot), overall, per_slot)
    return found


def _weighted(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    if values.ndim == 1:
        values, weights = values[None, :], weights[None, :]
    total = weights.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (values * weights).sum(axis=0) / np.where(total > 0, total,
                                                                           1), np.nan)


def _scalar(values: np.ndarray, weights: np.ndarray) -> float:
    total = weights.sum()
    return float((values * weights).sum() / total) if total > 0 else float("nan")


def aht_for(ahts: dict[str, np.ndarray], info: DayInfo, events, day: dt.date,
            queue: str) -> np.ndarray:
    """Handle time per slot of a future day."""
    return ahts[profile_kind(info)] * event_rules.aht_factor(events, day, queue)
