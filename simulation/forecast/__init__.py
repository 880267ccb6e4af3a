"""Call-volume and handle-time forecasts per queue and interval (pure Python, no web).

From interval history (rows of date, interval, queue, offered, handled, AHT) to a forecast
of up to eight weeks: weekly and intraday seasonality, trend, Chinese public holidays and
调休 working days (``chinesecalendar``), declared special events as uplift factors, outlier
cleaning; statsmodels Holt-Winters or STL + ETS on the daily totals, intraday shapes by the
kind of day. A backtest scores it against the seasonal naive forecast (WAPE, MAPE); a
forecast window becomes a scenario's arrival profile; the day's actuals re-forecast the
rest of the day. Typical use::

    from simulation.forecast import read_history, forecast, backtest, ForecastOptions
    history = read_history(rows)                  # HistoryError names every bad row
    result = forecast(history, events, ForecastOptions(horizon_days=28))
    scores = backtest(history, events, holdout_days=28)
"""

from .backtest import DEFAULT_HOLDOUT_DAYS, backtest, backtest_queue, seasonal_naive
from .chart import Band, ChartText, Line, series_chart
from .events import EVENT_KINDS, SpecialEvent
from .history import COLUMN_ALIASES, QUEUES, ROW_KEY, History, HistoryError, read_history
from .holidays import DayInfo, calendar_covers, day_info, holiday_blocks, last_covered_year
from .intraday import Reforecast, reforecast_day
from .model import MAX_HORIZON_DAYS, METHODS, Forecast, ForecastOptions, forecast
from .scenario import scenario_from_forecast

__all__ = [
    "COLUMN_ALIASES", "DEFAULT_HOLDOUT_DAYS", "EVENT_KINDS", "MAX_HORIZON_DAYS", "METHODS",
    "QUEUES", "ROW_KEY", "Band", "ChartText", "DayInfo", "Forecast", "ForecastOptions",
    "History", "HistoryError", "Line", "Reforecast", "SpecialEvent", "backtest",
    "backtest_queue", "calendar_covers", "day_info", "forecast", "holiday_blocks",
    "last_covered_year", "read_history", "reforecast_day", "scenario_from_forecast",
    "seasonal_naive", "series_chart",
]
