"""Shared helpers for scenario tests: a valid scenario dict to break in one place."""

import copy

import pytest

import scenarios


@pytest.fixture
def weekday_dict() -> dict:
    """The canonical dict of the shipped normal weekday (a fresh deep copy per test)."""
    return copy.deepcopy(scenarios.scenario_to_dict(scenarios.load_scenario("normal_weekday")))
