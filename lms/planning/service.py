"""Planner runs: start simulations, comparisons and staffing searches as jobs; read them back.

Routes stay thin: they call these functions, which check ownership (a planner sees their own
runs; an administrator may look at everyone's) and commit nothing themselves except through
:func:`lms.jobs.submit`, which must commit the job row before a worker can pick it up.
"""

import json

from flask import abort
from sqlalchemy import select

from lms import jobs
from lms.auth.models import User
from lms.extensions import db
from lms.planning import scenario_store
from lms.planning.control import new_token
from lms.planning.models import PlanningRun, PlanningScenario


def _start(kind: str, owner: User, stored: list[PlanningScenario], params: dict, seed: int,
           replications: int, inline: bool = False) -> PlanningRun:
    token = new_token()
    job = jobs.submit(f"planning.{kind}", {**params, "seed": seed, "control": token,
                                           "replications": replications}, owner.id,
                      inline=inline)
    run = PlanningRun(kind=kind, owner_id=owner.id, job_id=job.id, seed=seed,
                      replications=replications, control_token=token,
                      scenario_ids_json=json.dumps([s.id for s in stored]),
                      label=" · ".join(s.name for s in stored)[:400])
    db.session.add(run)
    db.session.commit()
    return run


def start_simulation(owner: User, stored: PlanningScenario, seed: int, replications: int,
                     inline: bool = False) -> PlanningRun:
    """Simulate one scenario as a job."""
    return _start("simulate", owner, [stored], {"yaml": stored.yaml_text}, seed, replications,
                  inline)


def start_comparison(owner: User, stored: list[PlanningScenario], seed: int,
                     replications: int, inline: bool = False,
                     baseline: int | None = None) -> PlanningRun:
    """Compare 2-4 scenarios on the same seed as a job, against the ``baseline`` one.

    ``baseline`` is the id of the scenario the others are compared with (default: the first
    of ``stored``); it goes first, the others keep their order.
    """
    if not 2 <= len(stored) <= 4:
        raise ValueError("choose 2 to 4 scenarios")
    if baseline is not None:
        chosen = [s for s in stored if s.id == baseline]
        if not chosen:
            raise ValueError("the baseline must be one of the scenarios compared")
        stored = chosen + [s for s in stored if s.id != baseline]
    params = {"yamls": [s.yaml_text for s in stored], "names": [s.name for s in stored]}
    return _start("compare", owner, stored, params, seed, replications, inline)


def start_staffing(owner: User, stored: PlanningScenario, seed: int, replications: int,
                   inline: bool = False) -> PlanningRun:
    """Search the required staff of one scenario as a job."""
    return _start("staffing", owner, [stored], {"yaml": stored.yaml_text}, seed, replications,
                  inline)


def run_for(run_id: int, user: User) -> PlanningRun:
    """The run if ``user`` started it (admins may see any); 404/403 otherwise."""
    run = db.session.get(PlanningRun, run_id)
    if run is None:
        abort(404)
    if run.owner_id != user.id and not user.has_role("admin"):
        abort(403)
    return run


def history(user: User, limit: int = 100) -> list[PlanningRun]:
    """Runs newest first: the user's own, or everyone's for an administrator."""
    query = select(PlanningRun).order_by(PlanningRun.id.desc()).limit(limit)
    if not user.has_role("admin"):
        query = query.where(PlanningRun.owner_id == user.id)
    return list(db.session.scalars(query))


def scenarios_for_compare(ids: list[int], user: User) -> list[PlanningScenario]:
    """The chosen scenarios, each owner-checked, in the order chosen."""
    return [scenario_store.owned(i, user, write=True) for i in ids]
