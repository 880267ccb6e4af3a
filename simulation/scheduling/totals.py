"""Totals of a shift plan or roster against its requirement: hours, FTE, cost, differences."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Requirement

#: Paid hours of one full-time equivalent per week.
FTE_HOURS_PER_WEEK = 40.0


@dataclass(frozen=True)
class Totals:
    """What a plan costs and how far it is from the requirement."""

    shifts: int
    agent_hours: float          # paid hours
    cost: float
    fte: float
    required_hours: float       # requirement in agent-hours on the phones
    scheduled_hours: float      # hours on the phones (breaks excluded)
    under_hours: float          # under-staffed agent-hours (sum over intervals)
    weighted_under: float
    over_hours: float
    intervals_under: int        # intervals × groups with fewer heads than required

    def as_dict(self) -> dict:
        """Plain data (rounded) for JSON."""
        return {k: (round(v, 3) if isinstance(v, float) else v)
                for k, v in self.__dict__.items()}


def interval_rows(req: Requirement, coverage: dict[str, list[int]]) -> dict[str, list[dict]]:
    """Per group and interval: required heads, scheduled heads (on the phones), difference."""
    im = req.interval_minutes
    rows = {}
    for g in req.groups:
        rows[g] = [{"interval": k, "required": round(float(req.need[g][k]), 3),
                    "scheduled": round(coverage[g][k] / im, 3),
                    "difference": round(coverage[g][k] / im - float(req.need[g][k]), 3)}
                   for k in range(req.n_intervals)]
    return rows


def compute_totals(req: Requirement, coverage: dict[str, list[int]],
                   shifts: list[tuple[int, float, int]]) -> Totals:
    """Totals from coverage minutes per group/interval and (paid minutes, cost, count) shifts."""
    im = req.interval_minutes
    under = over = weighted = required = scheduled = 0.0
    short = 0
    for g in req.groups:
        for k in range(req.n_intervals):
            need = float(req.need[g][k]) * im
            have = coverage[g][k]
            required += need
            scheduled += have
            if have < need - 1e-9:
                under += need - have
                weighted += (need - have) * req.weight(g, k)
                short += 1
            else:
                over += have - need
    count = sum(c for _, _, c in shifts)
    paid = sum(m * c for m, _, c in shifts) / 60.0
    cost = sum(v * c for _, v, c in shifts)
    weeks = max(req.n_intervals * im / (7 * 1440.0), 1e-9)
    return Totals(shifts=count, agent_hours=paid, cost=cost,
                  fte=paid / (FTE_HOURS_PER_WEEK * weeks), required_hours=required / 60.0,
                  scheduled_hours=scheduled / 60.0, under_hours=under / 60.0,
                  weighted_under=weighted / 60.0, over_hours=over / 60.0,
                  intervals_under=short)
