"""Workforce planning: call history, forecasts with Chinese holidays, intraday re-forecast."""
