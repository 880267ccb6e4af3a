"""Evaluation job kinds: the simulated level-4 impact, run off the request.

Parameters carry the two proficiencies and the mapping anchors themselves, so any worker can
run the job without reading evaluation tables or configuration, and the stored result always
matches the mapping it was computed with.
"""

from lms.evaluation.impact import impact_to_dict, simulated_impact
from lms.evaluation.statistics import ProficiencyAnchor
from lms.jobs import register


@register("evaluation.impact")
def impact_job(params: dict, progress) -> dict:
    """Simulate the peak hour before vs after training; the result is ``impact_to_dict``."""
    mapping = tuple(ProficiencyAnchor(*anchor) for anchor in params["anchors"])
    impact = simulated_impact(params["before"], params["after"], mapping, progress)
    return impact_to_dict(impact)
