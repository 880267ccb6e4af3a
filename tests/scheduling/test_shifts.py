"""Shift plans on tiny instances whose optimum is known by hand."""

import pytest

from simulation.scheduling import (
    BreakRule,
    InfeasibleError,
    Requirement,
    ScheduleOptions,
    ShiftLimits,
    ShiftTemplate,
    schedule_shifts,
)
from simulation.scheduling.variants import working_minutes

FAST = ScheduleOptions(time_limit=5, smooth_time_limit=2)


def day(need_by_hour: dict[int, float], groups=("desk",)) -> Requirement:
    """One day of 24 one-hour intervals per group."""
    need = [0.0] * 24
    for hour, heads in need_by_hour.items():
        need[hour] = heads
    return Requirement(tuple(groups), 60, {g: tuple(need) for g in groups})


def test_flat_requirement_takes_exactly_the_heads_needed():
    req = day({h: 3 for h in range(8, 16)})
    template = ShiftTemplate("eight", 480, 8 * 60, 8 * 60, 60)
    plan = schedule_shifts(req, [template], FAST)
    assert plan.status == "optimal"
    assert [s.count for s in plan.shifts] == [3]
    assert plan.totals.under_hours == 0
    assert plan.totals.agent_hours == 24
    assert plan.totals.over_hours == 0


def test_two_peaks_use_the_cheapest_cover():
    # 08-12 needs 2, 12-16 needs 2: two 4-hour shifts each cost 4 h, one 8-hour shift 8 h.
    req = day({**{h: 2 for h in range(8, 12)}, **{h: 2 for h in range(12, 16)}})
    short = ShiftTemplate("four", 240, 8 * 60, 12 * 60, 60, cost_per_hour=1.5)
    long = ShiftTemplate("eight", 480, 8 * 60, 8 * 60, 60, cost_per_hour=1.0)
    plan = schedule_shifts(req, [short, long], FAST)
    assert plan.totals.under_hours == 0
    assert plan.totals.cost == pytest.approx(16.0)  # two 8-hour shifts (4 × 4 h × 1.5 = 24)
    assert {s.variant.template for s in plan.shifts} == {"eight"}


def test_breaks_are_off_the_phones_and_placed_inside_their_window():
    template = ShiftTemplate("day", 540, 8 * 60, 8 * 60, 60,
                             (BreakRule(60, 180, 300, paid=False),))
    req = day({h: 2 for h in range(8, 17)})
    plan = schedule_shifts(req, [template], FAST)
    for shift in plan.shifts:
        (offset, minutes), = shift.variant.breaks
        assert 180 <= offset <= 300 and minutes == 60
        cover = working_minutes(shift.variant, 60, 24)
        assert sum(cover.values()) == 480
    # 2 heads 08-17 with a lunch hour each: three agents with lunches at 11, 12 and 13
    # keep two on the phones every hour; two agents cannot (both lunch inside 08-17)
    assert plan.totals.under_hours == 0
    assert sum(s.count for s in plan.shifts) == 3
    assert sorted(s.variant.breaks[0][0] for s in plan.shifts for _ in range(s.count)) == \
        [180, 240, 300]
    assert plan.totals.agent_hours == 3 * 8  # paid hours exclude the unpaid lunch


def test_under_staffing_is_weighted_and_reported_per_interval():
    req = Requirement(("a", "b"), 60, {"a": tuple([0] * 8 + [1] * 8 + [0] * 8),
                                        "b": tuple([0] * 8 + [1] * 8 + [0] * 8)},
                      weights={"a": (5.0,), "b": (1.0,)})
    template = ShiftTemplate("eight", 480, 8 * 60, 8 * 60, 60)
    limits = ShiftLimits(per_horizon={"eight": 1}, per_day={}, per_group_day={
        ("a", "eight"): 1, ("b", "eight"): 1})
    plan = schedule_shifts(req, [template], FAST, limits)
    assert [s.group for s in plan.shifts] == ["a"]  # the one agent goes where misses cost more
    rows = plan.rows()
    assert rows["b"][9] == {"interval": 9, "required": 1.0, "scheduled": 0.0,
                            "difference": -1.0}
    assert plan.totals.under_hours == 8
    assert plan.totals.intervals_under == 8


def test_min_heads_kept_even_without_requirement():
    req = Requirement(("desk",), 60, {"desk": tuple([0.0] * 24)},
                      min_heads={"desk": tuple([0] * 9 + [1] * 4 + [0] * 11)})
    template = ShiftTemplate("four", 240, 9 * 60, 9 * 60, 60)
    plan = schedule_shifts(req, [template], FAST)
    assert sum(s.count for s in plan.shifts) == 1


def test_a_group_without_any_template_is_explained():
    req = day({10: 1}, groups=("desk", "tech"))
    template = ShiftTemplate("eight", 480, 8 * 60, 8 * 60, 60, groups=("desk",))
    with pytest.raises(InfeasibleError) as caught:
        schedule_shifts(req, [template], FAST)
    assert [p.code for p in caught.value.problems] == ["no_template_for_group"]
    assert "tech" in str(caught.value)


def test_min_heads_above_max_heads_is_explained():
    req = Requirement(("desk",), 60, {"desk": tuple([1.0] * 24)},
                      min_heads={"desk": (3,)}, max_heads={"desk": (2,)})
    template = ShiftTemplate("eight", 480, 0, 16 * 60, 60)
    with pytest.raises(InfeasibleError) as caught:
        schedule_shifts(req, [template], FAST)
    problem, = caught.value.problems
    assert problem.code == "min_above_max"
    assert problem.params["low"] == 3 and problem.params["high"] == 2


def test_min_heads_where_no_shift_reaches_is_explained():
    req = Requirement(("desk",), 60, {"desk": tuple([0.0] * 24)},
                      min_heads={"desk": tuple([0] * 22 + [1, 1])})
    template = ShiftTemplate("eight", 480, 8 * 60, 8 * 60, 60)
    with pytest.raises(InfeasibleError) as caught:
        schedule_shifts(req, [template], FAST)
    assert caught.value.problems[0].code == "min_heads_uncoverable"
    assert "22:00" in str(caught.value)
