"""Reading interval history: all-or-nothing, repeated rows, conflicts, gaps, aliases."""

import datetime as dt

import numpy as np
import pytest

from simulation.forecast import HistoryError, read_history
from tests.forecast.synth import rows, weekly

MONDAY = dt.date(2026, 7, 6)


def numbered(items):
    return [{**row, "#row": n} for n, row in enumerate(items, start=2)]


def test_reads_a_clean_history_into_a_day_by_interval_grid():
    history = read_history(numbered(rows(MONDAY, 14, weekly(), noise=False)))
    queue = history.queues["consultation"]
    assert history.interval_minutes == 30
    assert queue.offered.shape == (14, 48)
    assert queue.open_slots == (16, 43)  # 08:00 to 21:30
    assert np.nansum(queue.offered[0]) == pytest.approx(1200, abs=15)
    assert queue.offered[0, :16].sum() == 0  # closed hours are zero, not missing
    assert history.report["queues"]["consultation"]["gap_intervals"] == 0


def test_an_identical_repeated_row_is_counted_once_and_reported():
    data = numbered(rows(MONDAY, 7, weekly(), noise=False))
    data.append({**data[5], "#row": len(data) + 2})
    history = read_history(data)
    repeated = history.report["repeated_rows"]
    assert repeated == [{"rows": [7, len(data) + 1], "queue": "consultation",
                         "day": "2026-07-06", "slot": "10:30"}]
    single = read_history(numbered(rows(MONDAY, 7, weekly(), noise=False)))
    assert np.nansum(history.queues["consultation"].offered) == \
        np.nansum(single.queues["consultation"].offered)


def test_the_same_interval_with_different_numbers_refuses_the_file_naming_both_rows():
    data = numbered(rows(MONDAY, 7, weekly(), noise=False))
    data.append({**data[5], "offered": "999", "#row": 400})
    with pytest.raises(HistoryError) as refused:
        read_history(data)
    assert any("rows 7 and 400" in p and "different numbers" in p
               for p in refused.value.problems)


def test_every_bad_row_is_named_with_its_column():
    data = numbered(rows(MONDAY, 7, weekly(), noise=False))
    data[3]["offered"] = "-4"
    data[10]["date"] = "2026-13-01"
    data[12]["queue"] = "sales"
    data[20]["interval_start"] = "25:00"
    with pytest.raises(HistoryError) as refused:
        read_history(data)
    problems = refused.value.problems
    assert "row 5, column offered: '-4' is not a number of calls ≥ 0" in problems
    assert any(p.startswith("row 12, column date:") for p in problems)
    assert any(p.startswith("row 14, column queue: 'sales' is not a queue") for p in problems)
    assert any(p.startswith("row 22, column interval_start:") for p in problems)


def test_gaps_and_days_without_rows_are_reported_and_left_missing():
    data = rows(MONDAY, 14, weekly(), noise=False)
    day3 = (MONDAY + dt.timedelta(days=2)).isoformat()
    day5 = (MONDAY + dt.timedelta(days=4)).isoformat()
    data = [r for r in data if not (r["date"] == day3 and r["interval_start"] in
                                    ("10:00", "10:30", "11:00"))
            and r["date"] != day5]
    history = read_history(numbered(data))
    report = history.report["queues"]["consultation"]
    assert report["gaps"] == [{"day": day3, "from": "10:00", "to": "11:30", "intervals": 3}]
    assert report["missing_days"] == [day5]
    assert report["gap_intervals"] == 3 + 28
    assert np.isnan(history.queues["consultation"].offered[2, 20])


def test_chinese_headers_queue_names_and_a_default_queue():
    history = read_history([{"日期": "2026-07-06", "时段": "08:00", "队列": "投诉", "来电量": "5"},
                            {"日期": "2026-07-06", "时段": "08:15", "队列": "投诉", "来电量": "7"}])
    assert history.interval_minutes == 15
    assert list(history.queues) == ["complaint"]
    no_queue = read_history([{"date": "2026-07-06", "interval_start": "09:00", "offered": "3"}],
                            default_queue="technical")
    assert list(no_queue.queues) == ["technical"]


def test_an_empty_file_is_refused():
    with pytest.raises(HistoryError, match="no data rows"):
        read_history([])
