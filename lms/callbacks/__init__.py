"""Callback surveys: what customers say when a case is called back (回访), and the satisfaction
KPI made from it by a stated rule."""
