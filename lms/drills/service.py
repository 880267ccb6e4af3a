"""Drill rules: scheduling, who may see and act on which drill, the clock, storing actions.

A trainer schedules a drill for one trainee or for every trainee of a department. Only the
trainee plays it; actions on a finished drill or on someone else's drill are refused. Every
action is committed with its drill time before the response, so the record is never behind
what the trainee saw.
"""

import json
import random
from functools import lru_cache

from flask import abort
from sqlalchemy import select

import scenarios
from lms.auth.models import Department, User, UserRole
from lms.drills import clock, replay, steps
from lms.drills.models import Drill, DrillAction
from lms.extensions import db


class ActionRefused(ValueError):
    """An action that cannot be taken; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 409):
        self.status = status
        super().__init__(message)


@lru_cache(maxsize=1)
def _library() -> dict:
    # The shipped files do not change while the app runs; validating them costs ~0.3 s.
    return {entry.id: (entry, entry.load()) for entry in scenarios.library()}


def drill_scenarios() -> list:
    """Library scenarios with at least one emergency event (what can be drilled)."""
    return [entry for entry, scenario in _library().values() if scenario.events]


def trainees_of(department_id: int | None = None) -> list[User]:
    """Active trainees, optionally only of one department."""
    query = (select(User).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == "trainee", User.active.is_(True)).order_by(User.name))
    if department_id:
        query = query.where(User.department_id == department_id)
    return list(db.session.scalars(query))


def departments() -> list[Department]:
    """Every department, by name."""
    return list(db.session.scalars(select(Department).order_by(Department.name)))


def schedule(trainer: User, scenario_id: str, trainees: list[User], compression: float,
             seed: int | None = None) -> list[Drill]:
    """One drill per trainee of the library scenario ``scenario_id`` (not committed)."""
    if scenario_id not in _library():
        raise ValueError(f"unknown scenario {scenario_id!r}")
    scenario = _library()[scenario_id][1]
    text = scenarios.scenario_to_yaml(scenario)
    seed = seed or random.SystemRandom().randint(1, 2**31 - 1)
    drills = []
    for trainee in trainees:
        drill = Drill(scenario_key=scenario.id, scenario_yaml=text, title_zh=scenario.title.zh,
                      title_en=scenario.title.en, trainee_id=trainee.id, trainer_id=trainer.id,
                      compression=float(compression), seed=seed, status="scheduled")
        db.session.add(drill)
        drills.append(drill)
    return drills


def drill_for_trainee(drill_id: int, user: User) -> Drill:
    """The drill if ``user`` is its trainee; 404/403 otherwise."""
    drill = db.session.get(Drill, drill_id)
    if drill is None:
        abort(404)
    if drill.trainee_id != user.id:
        abort(403)
    return drill


def drill_for_trainer(drill_id: int, user: User) -> Drill:
    """The drill if ``user`` scheduled it (admins may see any); 404/403 otherwise."""
    drill = db.session.get(Drill, drill_id)
    if drill is None:
        abort(404)
    if drill.trainer_id != user.id and not user.has_role("admin"):
        abort(403)
    return drill


def my_drills(user: User) -> list[Drill]:
    """The trainee's drills, newest first."""
    return list(db.session.scalars(select(Drill).where(Drill.trainee_id == user.id)
                                   .order_by(Drill.id.desc())))


def scheduled_by(user: User) -> list[Drill]:
    """Drills the trainer scheduled (everyone's for an administrator), newest first."""
    query = select(Drill).order_by(Drill.id.desc())
    if not user.has_role("admin"):
        query = query.where(Drill.trainer_id == user.id)
    return list(db.session.scalars(query))


def settle_clock(drill: Drill) -> None:
    """Finish a drill whose clock ran to the horizon (and score it)."""
    horizon = replay.scenario_of(drill).horizon_seconds
    if clock.reached_end(drill, horizon):
        finish(drill)


def control(drill: Drill, command: str) -> None:
    """``start``, ``pause``, ``resume`` or ``finish`` the drill clock (not committed)."""
    if drill.status == "finished":
        raise ActionRefused("This drill is finished.")
    horizon = replay.scenario_of(drill).horizon_seconds
    if command == "start":
        clock.start(drill)
    elif command == "pause":
        clock.pause(drill)
    elif command == "resume":
        clock.resume(drill)
    elif command == "finish":
        finish(drill)
    else:
        raise ActionRefused(f"unknown command {command!r}; allowed: start, pause, resume, "
                            f"finish", 400)
    if clock.reached_end(drill, horizon):
        finish(drill)


def finish(drill: Drill) -> None:
    """End the drill and store its debrief (not committed)."""
    from lms.drills import scoring

    clock.finish(drill, replay.scenario_of(drill).horizon_seconds)
    scoring.score(drill)


def take_action(drill: Drill, user: User, kind: str, params: dict) -> DrillAction:
    """Store one action at the current drill time after checking it (not committed)."""
    if drill.trainee_id != user.id:
        raise ActionRefused("This is not your drill.", 403)
    settle_clock(drill)
    if drill.status == "finished":
        raise ActionRefused("This drill is finished; no more actions are taken.")
    if drill.status == "scheduled":
        raise ActionRefused("Start the drill first.")
    scenario = replay.scenario_of(drill)
    at = clock.drill_seconds(drill, scenario.horizon_seconds)
    if kind in steps.STEP_KINDS:
        params = {}
    else:
        params = replay.check_action(scenario, drill, kind, params, at)
    action = DrillAction(kind=kind, params_json=json.dumps(params, ensure_ascii=False),
                         drill_seconds=at, user_id=user.id)
    drill.actions.append(action)
    return action
