"""Scenario schema, loader and the shipped scenario library for the call-center simulation.

Public API::

    parse_scenario(yaml_text) -> Scenario         # text only: never reads a file
    validate(dict_or_text) -> Scenario            # raises ScenarioError with ALL problems
    issues_of(dict_or_text) -> list[Issue]
    library_scenario(library_id) -> Scenario      # a shipped scenario by id
    load_scenario_file(path) -> Scenario          # command line / library only
    load_scenario(path_or_library_id) -> Scenario # command line convenience
    scenario_from_dict(dict) -> Scenario          # raises ScenarioError with every problem
    scenario_to_dict(Scenario) -> dict            # canonical, exact round trip
    scenario_to_yaml(Scenario) -> str
    library() -> list[LibraryEntry]               # bilingual titles and descriptions
"""

from .dump import scenario_to_dict, scenario_to_yaml
from .errors import Issue, ScenarioError, render_message
from .library import LibraryEntry, library
from .loader import (
    LIBRARY_DIR,
    issues_of,
    library_scenario,
    load_scenario,
    load_scenario_file,
    parse_scenario,
    scenario_from_dict,
    validate,
)
from .schema import (
    CALLBACK_RULES,
    DISTRIBUTIONS,
    EVENT_GRADES,
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
    OpeningHours,
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
    "CALLBACK_RULES", "DISTRIBUTIONS", "EVENT_GRADES", "EVENT_TYPES", "INTERVAL_MINUTES",
    "LIBRARY_DIR", "MAX_HORIZON_HOURS", "PRIORITIES", "QUEUE_KINDS", "AgentGroup",
    "ArrivalShape", "Callback",
    "Disaster", "Distribution", "Event", "GroupComplaintSurge", "GroupStaffing", "Issue",
    "LibraryEntry", "OpeningHours", "PriorityMix", "PriorityTarget", "PriorityTargets",
    "QualityRecall", "QueueSpec", "Redial", "Repeat", "Scenario", "ScenarioError",
    "ServiceLevelTarget", "TechnicianPool", "Text", "issues_of", "library", "library_scenario",
    "load_scenario", "load_scenario_file", "parse_scenario", "render_message",
    "scenario_from_dict", "scenario_to_dict", "scenario_to_yaml", "validate",
]
