"""Small WTForms helpers shared by every feature's forms."""

from wtforms import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """``SelectChoice`` options from ``(value, label)`` pairs (tuples are deprecated)."""
    return [SelectChoice(value, label) for value, label in pairs]
