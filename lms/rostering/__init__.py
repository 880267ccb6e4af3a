"""Rostering: shift plans and rosters of named agents from the scheduling solver."""
