"""The drill clock from stored events, and the timeliness of procedural steps."""

from datetime import datetime, timedelta
from types import SimpleNamespace

from lms.drills import clock, steps

T0 = datetime(2026, 11, 23, 9, 0, 0)


def _drill(events, compression=60.0, status="running"):
    return SimpleNamespace(clock_events=[SimpleNamespace(kind=k, at=T0 + timedelta(seconds=s))
                                         for k, s in events],
                           compression=compression, status=status)


def test_running_time_excludes_pauses_and_is_compressed():
    drill = _drill([("start", 0), ("pause", 30), ("resume", 100), ("pause", 110)], status="paused")
    now = T0 + timedelta(seconds=5000)  # however long the trainee is away while paused
    assert clock.running_wall_seconds(drill.clock_events, now) == 40
    assert clock.drill_seconds(drill, 10**6, now) == 40 * 60


def test_a_running_drill_counts_up_to_now_and_stops_at_the_horizon():
    drill = _drill([("start", 0), ("pause", 10), ("resume", 20)])
    assert clock.drill_seconds(drill, 10**6, T0 + timedelta(seconds=50)) == 40 * 60
    assert clock.drill_seconds(drill, 1200, T0 + timedelta(seconds=50)) == 1200
    assert clock.reached_end(drill, 1200, T0 + timedelta(seconds=50))


def test_finish_after_the_horizon_is_dated_when_the_horizon_was_reached():
    drill = _drill([("start", 0)])
    drill.finished_at = None
    clock.finish(drill, 600, T0 + timedelta(seconds=100))  # horizon reached after 10 s
    assert drill.status == "finished"
    assert drill.finished_at == T0 + timedelta(seconds=10)


def test_steps_before_the_standard_are_on_time_and_later_ones_late():
    onset, resolved = 7200.0, 25200.0
    assert steps.timeliness("report_manager", 7200 + 600, onset, resolved)["verdict"] == "on_time"
    assert steps.timeliness("report_manager", 7200 + 1200, onset, resolved)["verdict"] == "late"
    assert steps.timeliness("start_emergency_mechanism", None, onset, resolved)["verdict"] == \
        "missing"


def test_callbacks_count_only_after_resolution():
    onset, resolved = 7200.0, 25200.0
    early = steps.timeliness("callbacks_after_resolution", 9000, onset, resolved)
    assert early["verdict"] == "too_early"
    assert steps.timeliness("callbacks_after_resolution", 26000, onset,
                            resolved)["verdict"] == "on_time"
