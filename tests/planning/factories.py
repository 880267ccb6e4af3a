"""Planner test objects: scenarios copied from the shipped library, small enough to run fast."""

import scenarios
from lms.extensions import db
from lms.planning import scenario_store

LIBRARY_ID = "stationary_single_queue"


def small_scenario_dict(hours: float = 4.0, agents: int = 50) -> dict:
    """The stationary library scenario cut to ``hours`` so tests simulate quickly."""
    data = scenarios.scenario_to_dict(scenarios.load_scenario(LIBRARY_ID))
    data["horizon_hours"] = hours
    data["warmup_hours"] = 0.5
    data["staffing"]["agents"]["agents"] = [agents]
    return data


def make_scenario(owner, name: str = "Weekday", hours: float = 4.0, agents: int = 50,
                  based_on=None):
    """A committed planner scenario owned by ``owner``."""
    stored = scenario_store.create(owner, name, small_scenario_dict(hours, agents), "en",
                                   based_on=based_on)
    db.session.commit()
    return stored
