"""Planner demo data: the demo planners' scenarios, a variant, and one finished run.

Idempotent: a planner who already has scenarios gets nothing new. The run is simulated at
once (three replications of a 14-hour day, a few seconds) so the results page has numbers.
"""

from sqlalchemy import select

from lms.auth.models import User
from lms.extensions import db
from lms.planning import scenario_store, service
from lms.planning.models import PlanningScenario

LIBRARY_COPIES = ("normal_weekday", "group_complaint_surge", "quality_recall")


def _variant_with_more_staff(owner: User, source: PlanningScenario) -> PlanningScenario:
    data = scenario_store.as_dict(source)
    for plan in data["staffing"].values():
        plan["agents"] = [agents + 2 if agents else 0 for agents in plan["agents"]]
    return scenario_store.create(owner, f"{source.name}(每组加 2 人)", data, "zh",
                                 based_on=source, library_id=source.library_id)


def load() -> list:
    """Scenarios for ``planner`` and ``lead`` and one finished simulation run."""
    created = []
    known = {entry.id for entry in scenario_store.library()}
    for username in ("planner", "lead"):
        owner = db.session.scalar(select(User).where(User.username == username))
        if owner is None or db.session.scalar(select(PlanningScenario.id).where(
                PlanningScenario.owner_id == owner.id)):
            continue
        copies = [scenario_store.copy_from_library(owner, key, "zh")
                  for key in LIBRARY_COPIES if key in known]
        db.session.flush()
        surge = next((c for c in copies if c.library_id == "group_complaint_surge"), None)
        if surge is not None:
            _variant_with_more_staff(owner, surge)
        db.session.commit()
        created.append(f"{username}: {len(copies) + (surge is not None)} scenarios")
        if username == "planner" and surge is not None:
            service.start_simulation(owner, surge, seed=1, replications=3, inline=True)
            created.append("planner: one finished run")
    return created

