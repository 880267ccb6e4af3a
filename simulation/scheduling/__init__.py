"""Shift scheduling and rostering with OR-Tools CP-SAT, verified by the simulation engine.

Pure Python (OR-Tools, numpy); imports neither Flask nor the web app. Typical use::

    from simulation.scheduling import (Requirement, ShiftTemplate, BreakRule, Agent,
                                       schedule_shifts, roster_agents)

    plan = schedule_shifts(requirement, templates)            # anonymous shifts per group
    roster = roster_agents(plan, agents, templates)           # named agents on those shifts

:func:`schedule_shifts` minimises weighted under-staffing, then cost with a smoothness term;
:func:`roster_agents` assigns named agents under their contracts (weekly hours, days, rest,
consecutive days, days off, fair weekends); :mod:`.verify` feeds either into the simulation.
"""

from .model import (
    Agent,
    BreakRule,
    Contract,
    InfeasibleError,
    Problem,
    Requirement,
    ShiftTemplate,
    ShiftVariant,
)
from .roster import Assignment, Roster, RosterOptions, roster_agents
from .shifts import (
    PlannedShift,
    ScheduleOptions,
    ShiftLimits,
    ShiftPlan,
    limits_from_agents,
    schedule_shifts,
)
from .totals import Totals

__all__ = ["Agent", "Assignment", "BreakRule", "Contract", "InfeasibleError", "PlannedShift",
           "Problem", "Requirement", "Roster", "RosterOptions", "ScheduleOptions", "ShiftLimits",
           "ShiftPlan", "ShiftTemplate", "ShiftVariant", "Totals", "limits_from_agents",
           "roster_agents", "schedule_shifts"]
