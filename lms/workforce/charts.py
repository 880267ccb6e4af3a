"""The workforce pages' charts: history + forecast with holidays, intraday, backtest."""

import datetime as dt

from flask_babel import gettext as _
from markupsafe import Markup

from lms.workforce.texts import holiday_name, queue_name
from simulation.forecast import Band, ChartText, Line, day_info, series_chart

EVENT_COLOR = "#c9dcf3"


def _label(day: dt.date) -> str:
    return day.strftime("%m-%d")


def history_forecast(result: dict, queue: str, weeks_back: int = 8) -> Markup:
    """Calls per day: the last weeks of history, then the forecast; holidays shaded."""
    found = result["forecast"]["queues"][queue]
    history_days = [dt.date.fromisoformat(d) for d in found["history_days"]][-7 * weeks_back:]
    history = found["history_daily"][-7 * weeks_back:]
    future = [dt.date.fromisoformat(d) for d in result["forecast"]["days"]]
    days = history_days + future
    index = {day: i for i, day in enumerate(days)}
    bands = []
    for first, last, name in result.get("holidays", []):
        a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        inside = [index[d] for d in days if a <= d <= b]
        if inside:
            bands.append(Band(min(inside), max(inside),
                              f"{holiday_name(name)} {first} – {last}",
                              legend=_("public holiday")))
    for event in result.get("events", []):
        if event["queues"] and queue not in event["queues"]:
            continue
        a, b = dt.date.fromisoformat(event["first_day"]), dt.date.fromisoformat(event["last_day"])
        inside = [index[d] for d in days if a <= d <= b]
        if inside:
            bands.append(Band(min(inside), max(inside),
                              _("Special event %(name)s ×%(factor)s", name=event["name"],
                                factor=event["volume_factor"]), EVENT_COLOR,
                              legend=_("special event")))
    markers = tuple((i, _("Adjusted working day (调休) %(day)s", day=day.isoformat()))
                    for i, day in enumerate(days) if day_info(day).kind == "makeup")
    lines = [Line(_("History"), list(history) + [None] * len(future)),
             Line(_("Forecast"), [None] * len(history) + list(found["daily"]), dashed=True)]
    text = ChartText(_("%(queue)s: calls per day", queue=queue_name(queue)),
                     y_axis=_("Calls per day"),
                     description=_("History of the last %(n)d weeks and the forecast; public "
                                   "holidays shaded red, special events blue.", n=weeks_back),
                     marker_label=_("adjusted working day (调休)"),
                     divider_label=_("Forecast starts"))
    holidays_first = sorted(bands, key=lambda b: b.color == EVENT_COLOR)
    return Markup(series_chart([_label(d) for d in days], lines, text,
                               bands=tuple(holidays_first), markers=markers,
                               divider=len(history)))


def _open_range(*rows) -> tuple[int, int]:
    busy = [i for i in range(len(rows[0])) if any((row[i] or 0) > 0 for row in rows)]
    return (busy[0], busy[-1]) if busy else (0, len(rows[0]) - 1)


def intraday(reforecast: dict, minutes: int, queue: str) -> Markup:
    """The day's forecast, actuals so far and re-forecast per interval."""
    planned, actual, new = reforecast["forecast"], reforecast["actual"], reforecast["reforecast"]
    low, high = _open_range(planned, [a or 0 for a in actual])
    now = reforecast["now_slot"]
    labels = [f"{s * minutes // 60:02d}:{s * minutes % 60:02d}" for s in range(low, high + 1)]
    rest = [new[s] if s >= now else None for s in range(low, high + 1)]
    lines = [Line(_("Forecast"), planned[low:high + 1], dashed=True, color="#8a94a3"),
             Line(_("Actual"), actual[low:high + 1], color="#0b5cab"),
             Line(_("Re-forecast"), rest, color="#d9822b")]
    text = ChartText(_("%(queue)s: calls per interval today", queue=queue_name(queue)),
                     y_axis=_("Calls per interval"), divider_label=_("Now"))
    return Markup(series_chart(labels, lines, text,
                               divider=max(0, min(now, high + 1) - low) if now else None))


def backtest_days(scores: dict, queue: str) -> Markup:
    """Day totals of the holdout: actual, the model and the seasonal naive forecast."""
    first = dt.date.fromisoformat(scores["first_day"])
    labels = [_label(first + dt.timedelta(days=i)) for i in range(scores["days"])]
    lines = [Line(_("Actual"), scores["actual_daily"], color="#1d2430"),
             Line(_("Forecast"), scores["model_daily"], color="#0b5cab"),
             Line(_("Seasonal naive"), scores["naive_daily"], dashed=True, color="#d9822b")]
    text = ChartText(_("%(queue)s: backtest, calls per day", queue=queue_name(queue)),
                     y_axis=_("Calls per day"))
    return Markup(series_chart(labels, lines, text, height=260))
