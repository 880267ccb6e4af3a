"""Helpers for scenario tests."""

import scenarios


def issue_paths(error: scenarios.ScenarioError) -> list[str]:
    """Key paths of every issue of an error."""
    return [issue.key_path for issue in error.issues]
