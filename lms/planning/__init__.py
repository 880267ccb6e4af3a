"""Planner workspace: scenarios, simulation runs, comparisons, staffing and reports."""
