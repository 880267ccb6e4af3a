"""Scenario schema, loader and the shipped scenario library for the call-center simulation.

Public API::

    load_scenario(path_or_text_or_library_id) -> Scenario
    scenario_from_dict(dict) -> Scenario          # raises ScenarioError with every problem
    scenario_to_dict(Scenario) -> dict            # canonical, exact round trip
    scenario_to_yaml(Scenario) -> str
    validate(dict_or_text_or_path) -> Scenario    # raises ScenarioError with ALL problems
    issues_of(dict_or_text_or_path) -> list[Issue]
    library() -> list[LibraryEntry]               # bilingual titles and descriptions
"""

from .dump import scenario_to_dict, scenario_to_yaml
from .errors import Issue, ScenarioError, render_message
from .library import LibraryEntry, library
from .loader import LIBRARY_DIR, issues_of, load_scenario, scenario_from_dict, validate
from .schema import (
    DISTRIBUTIONS,
    EVENT_TYPES,
    INTERVAL_MINUTES,
    MAX_HORIZON_HOURS,
    PRIORITIES,
    QUEUE_KINDS,
    AgentGroup,
    ArrivalShape,
    Callback,
    Disaster,
    Distribution,
    Event,
    GroupComplaintSurge,
    GroupStaffing,
    PriorityMix,
    PriorityTarget,
    PriorityTargets,
    QualityRecall,
    QueueSpec,
    Redial,
    Repeat,
    Scenario,
    ServiceLevelTarget,
    TechnicianPool,
    Text,
)

__all__ = [
    "DISTRIBUTIONS", "EVENT_TYPES", "INTERVAL_MINUTES", "LIBRARY_DIR", "MAX_HORIZON_HOURS",
    "PRIORITIES", "QUEUE_KINDS", "AgentGroup", "ArrivalShape", "Callback", "Disaster",
    "Distribution", "Event", "GroupComplaintSurge", "GroupStaffing", "Issue", "LibraryEntry",
    "PriorityMix", "PriorityTarget", "PriorityTargets", "QualityRecall", "QueueSpec", "Redial",
    "Repeat", "Scenario", "ScenarioError", "ServiceLevelTarget", "TechnicianPool", "Text",
    "issues_of", "library", "load_scenario", "render_message", "scenario_from_dict",
    "scenario_to_dict", "scenario_to_yaml", "validate",
]
