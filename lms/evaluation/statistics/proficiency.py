"""From measured proficiency to the simulation's agent parameters (Kirkpatrick level 4, simulated).

What is modelled: a trainee's measured proficiency, a score fraction in 0..1, is turned into the
two agent parameters the call-center simulation takes:
- handle_time_factor: multiplies the scenario's mean handle time (1.0 = the scenario's average
  agent; above 1 slower, below 1 faster);
- first_contact_resolution: probability a contact is resolved without a callback or
  escalation.

The mapping is piecewise-linear interpolation between anchor points, clamped outside the first
and last anchor (a score below the novice anchor is treated as a novice, not extrapolated into
ever slower agents; above the expert anchor, as an expert). Defaults, which a planner may replace:
- novice, score 0.5 -> handle-time factor 1.3, FCR 0.65 (a new hire who just passes: slower,
  more repeat contacts);
- expert, score 1.0 -> handle-time factor 0.9, FCR 0.85 (an experienced agent).
These defaults are assumptions for planning, not measurements; the report shows them.

Measured proficiency combines the post-test (level 2) and role-play/drill scores (level 3). The
default weights 0.4 test / 0.6 practice follow the training mode split in the service documents
(about 40 % online theory, 60 % offline practice).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class ProficiencyAnchor:
    """One anchor of the mapping: at this score fraction, these agent parameters."""

    score_fraction: float
    handle_time_factor: float
    first_contact_resolution: float


class AgentProficiency(NamedTuple):
    """The simulation's agent parameters for one proficiency (unpacks as a 2-tuple)."""

    handle_time_factor: float
    first_contact_resolution: float


DEFAULT_ANCHORS: tuple[ProficiencyAnchor, ...] = (
    ProficiencyAnchor(0.5, 1.3, 0.65),
    ProficiencyAnchor(1.0, 0.9, 0.85),
)
DEFAULT_TEST_WEIGHT = 0.4


def validate_anchors(anchors: Sequence[ProficiencyAnchor]) -> None:
    """Raise ValueError unless anchors are increasing in score and have sane parameters."""
    if not anchors:
        raise ValueError("the proficiency mapping needs at least one anchor")
    for index, anchor in enumerate(anchors, start=1):
        if not 0.0 <= anchor.score_fraction <= 1.0:
            raise ValueError(f"anchor {index}: score_fraction must lie in 0..1, "
                             f"got {anchor.score_fraction}")
        if not anchor.handle_time_factor > 0:
            raise ValueError(f"anchor {index}: handle_time_factor must be positive, "
                             f"got {anchor.handle_time_factor}")
        if not 0.0 <= anchor.first_contact_resolution <= 1.0:
            raise ValueError(f"anchor {index}: first_contact_resolution must lie in 0..1, "
                             f"got {anchor.first_contact_resolution}")
    scores = [anchor.score_fraction for anchor in anchors]
    if any(b <= a for a, b in zip(scores, scores[1:], strict=False)):
        raise ValueError(f"anchor score fractions must be strictly increasing, got {scores}")


def proficiency_mapping(score_fraction: float,
                        anchors: Sequence[ProficiencyAnchor] = DEFAULT_ANCHORS
                        ) -> AgentProficiency:
    """Agent parameters for a score fraction, by linear interpolation between anchors."""
    if not 0.0 <= score_fraction <= 1.0:
        raise ValueError(f"score_fraction must lie in 0..1, got {score_fraction}")
    validate_anchors(anchors)
    first, last = anchors[0], anchors[-1]
    if score_fraction <= first.score_fraction:
        return AgentProficiency(first.handle_time_factor, first.first_contact_resolution)
    if score_fraction >= last.score_fraction:
        return AgentProficiency(last.handle_time_factor, last.first_contact_resolution)
    for low, high in zip(anchors, anchors[1:], strict=False):
        if score_fraction <= high.score_fraction:
            share = (score_fraction - low.score_fraction) / (high.score_fraction
                                                             - low.score_fraction)
            return AgentProficiency(
                low.handle_time_factor + share * (high.handle_time_factor
                                                  - low.handle_time_factor),
                low.first_contact_resolution + share * (high.first_contact_resolution
                                                        - low.first_contact_resolution),
            )
    raise AssertionError("unreachable: the score lies between the first and last anchor")


def combined_proficiency(test_fraction: float | None, practice_fraction: float | None,
                         test_weight: float = DEFAULT_TEST_WEIGHT) -> float | None:
    """Weighted mean of a post-test fraction and a role-play/drill fraction (either may be None).

    With only one of the two measured, that one is used alone; with neither, None.
    """
    if not 0.0 <= test_weight <= 1.0:
        raise ValueError(f"test_weight must lie in 0..1, got {test_weight}")
    for name, value in (("test_fraction", test_fraction), ("practice_fraction",
                                                           practice_fraction)):
        if value is not None and not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must lie in 0..1, got {value}")
    if test_fraction is None:
        return practice_fraction
    if practice_fraction is None:
        return test_fraction
    return test_weight * test_fraction + (1.0 - test_weight) * practice_fraction
