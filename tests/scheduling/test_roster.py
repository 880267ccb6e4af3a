"""Rosters of a handful of named agents: contract rules hold, conflicts are explained."""

import pytest

from simulation.scheduling import (
    Agent,
    Contract,
    InfeasibleError,
    Requirement,
    RosterOptions,
    ScheduleOptions,
    ShiftTemplate,
    limits_from_agents,
    roster_agents,
    schedule_shifts,
)

FAST_PLAN = ScheduleOptions(time_limit=5, smooth_time_limit=1)
FAST = RosterOptions(time_limit=5)
EARLY = ShiftTemplate("early", 480, 6 * 60, 6 * 60, 60)
LATE = ShiftTemplate("late", 480, 14 * 60, 14 * 60, 60)
DAY = ShiftTemplate("day", 480, 9 * 60, 9 * 60, 60)


def week(per_day: dict[int, float], days: int = 7, group: str = "desk") -> Requirement:
    """``days`` days of one-hour intervals with the same daily need."""
    one = [0.0] * 24
    for hour, heads in per_day.items():
        one[hour] = heads
    return Requirement((group,), 60, {group: tuple(one * days)})


def solve(req, templates, agents):
    plan = schedule_shifts(req, templates, FAST_PLAN, limits_from_agents(agents, templates))
    return roster_agents(req, plan, agents, templates, FAST)


def test_rest_between_shifts_is_kept():
    # A late shift ends 22:00; an early one starts 06:00 the next day: 8 h of rest only.
    req = week({**{h: 1 for h in range(6, 14)}, **{h: 1 for h in range(14, 22)}}, days=2)
    contract = Contract(max_minutes=16 * 60, max_days=2, max_consecutive_days=2)
    agents = [Agent("a", "Ann", ("desk",), contract), Agent("b", "Bo", ("desk",), contract)]
    roster = solve(req, [EARLY, LATE], agents)
    assert roster.totals.under_hours == 0
    for agent in agents:
        shifts = roster.of_agent(agent.id)
        for first, second in zip(shifts, shifts[1:], strict=False):
            assert second.variant.begin - first.variant.end >= 11 * 60
    # so one person works the early shifts and the other the late ones
    kinds = {tuple(x.variant.template for x in roster.of_agent(a.id)) for a in agents}
    assert kinds == {("early", "early"), ("late", "late")}


def test_max_consecutive_days_and_days_off_hold():
    req = week({h: 1 for h in range(9, 17)})
    contract = Contract(max_minutes=48 * 60, max_days=6, max_consecutive_days=3)
    agents = [Agent("a", "Ann", ("desk",), contract, days_off=frozenset({0})),
              Agent("b", "Bo", ("desk",), contract)]
    roster = solve(req, [DAY], agents)
    assert roster.totals.under_hours == 0
    ann_days = [x.variant.day for x in roster.of_agent("a")]
    assert 0 not in ann_days
    for agent in agents:
        days = sorted(x.variant.day for x in roster.of_agent(agent.id))
        run = longest = 0
        for d in range(7):
            run = run + 1 if d in days else 0
            longest = max(longest, run)
        assert longest <= 3


def test_days_off_asked_for_are_given_when_the_requirement_allows():
    req = week({h: 1 for h in range(9, 17)}, days=2)
    contract = Contract(max_minutes=16 * 60, max_days=2)
    agents = [Agent("a", "Ann", ("desk",), contract, days_off_wanted=frozenset({1})),
              Agent("b", "Bo", ("desk",), contract, days_off_wanted=frozenset({0}))]
    roster = solve(req, [DAY], agents)
    assert [x.variant.day for x in roster.of_agent("a")] == [0]
    assert [x.variant.day for x in roster.of_agent("b")] == [1]
    assert roster.agents["a"]["days_off_wanted_given"] == 1


def test_weekends_are_shared_fairly():
    req = Requirement(("desk",), 60, {"desk": tuple(([0.0] * 9 + [1.0] * 8 + [0.0] * 7) * 7)},
                      start_weekday=0)
    contract = Contract(max_minutes=40 * 60, max_days=5)
    agents = [Agent(x, x, ("desk",), contract) for x in ("a", "b")]
    roster = solve(req, [DAY], agents)
    weekend = sorted(roster.agents[a.id]["weekend_days"] for a in agents)
    assert weekend == [1, 1]


def test_agents_work_only_in_their_skill_groups():
    req = Requirement(("desk", "tech"), 60, {g: tuple([0.0] * 9 + [1.0] * 8 + [0.0] * 7)
                                             for g in ("desk", "tech")})
    agents = [Agent("a", "Ann", ("desk",)), Agent("b", "Bo", ("tech", "desk"))]
    roster = solve(req, [DAY], agents)
    assert {(x.agent_id, x.group) for x in roster.assignments} == {("a", "desk"), ("b", "tech")}


def test_unreachable_minimum_hours_are_explained_before_solving():
    req = week({h: 1 for h in range(9, 17)})
    contract = Contract(min_minutes=40 * 60, max_minutes=40 * 60, max_days=5)
    agents = [Agent("a", "Ann", ("desk",), contract, days_off=frozenset({0, 1, 2}))]
    with pytest.raises(InfeasibleError) as caught:
        solve(req, [DAY], agents)
    problem = caught.value.problems[0]
    assert problem.code == "agent_hours_unreachable"
    assert problem.params["agent"] == "Ann"
    assert problem.params["reachable"] == "32"


def test_rules_that_clash_only_together_are_named_by_the_solver():
    # Ann must work 28 h = two 14-hour shifts 08:00-22:00; 10 h of rest between them is
    # less than the 11 h her contract demands. Counting alone cannot see it; the solver can.
    long_day = ShiftTemplate("long", 14 * 60, 8 * 60, 8 * 60, 60)
    req = week({h: 1 for h in range(8, 22)}, days=2)
    contract = Contract(min_minutes=28 * 60, max_minutes=28 * 60, max_days=2)
    agents = [Agent("a", "Ann", ("desk",), contract)]
    with pytest.raises(InfeasibleError) as caught:
        solve(req, [long_day], agents)
    problem = caught.value.problems[0]
    assert problem.code == "agent_rules_conflict"
    assert problem.params["agent"] == "Ann"
    assert "at least 28 h of work" in problem.params["rules"]
    assert "11 h of rest between shifts" in problem.params["rules"]
