"""Drill rules: scheduling, who may see and act on which drill, the clock, storing actions.

A trainer schedules a drill for one trainee or for every trainee of a department. Only the
trainee plays it; actions on a finished drill or on someone else's drill are refused. Every
action is committed with its drill time before the response, so the record is never behind
what the trainee saw.

Outages. The live page keeps every action it could not send on the device and resends it, in
the order clicked, when the server answers again (or when the page is opened again). Each
action carries a key the page made up when it was clicked; the key is stored with the action,
so a resend of an action that did arrive (its answer was lost) gets the stored action back
and is never applied twice. A queued action is applied at the drill time *of its arrival*,
not of its click: the clock stops when no page has been heard from for the grace period
(:mod:`lms.drills.clock`), so after an outage the drill stands at the last contact and an
action taken "during" the outage is taken at that paused moment, which is the time it
arrives at. (Short gaps under the grace run on, so such an action lands at most the grace
period later than it was clicked.) The page shows the drill time the server confirmed.

Parameters arrive from the page as JSON; anything but an object of short names to values, a
NUL byte, a non-finite or out-of-range number or a boolean where a number belongs is refused
with a 400 naming the parameter, before anything is stored.
"""

import json
import logging
import random
import re
from functools import lru_cache

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

import scenarios
from lms import signals
from lms.auth.models import Department, User, UserRole, utcnow
from lms.drills import clock, injects, replay, steps
from lms.drills.models import Drill, DrillAction
from lms.extensions import db

logger = logging.getLogger("lms.drills")
#: The page's idempotency key of an action: 8 to 64 letters, digits, ``-`` or ``_``.
ACTION_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
#: No action has more parameters than this; more is a malformed request.
MAX_PARAMS = 20
#: Largest id a drill can have (the column is a 32-bit integer on PostgreSQL).
MAX_ID = 2**31 - 1


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
    db.session.flush()
    for drill in drills:
        signals.drill_scheduled.send("drill", drill_id=drill.id, user_id=drill.trainee_id,
                                     trainer_id=trainer.id,
                                     title={"zh": drill.title_zh, "en": drill.title_en})
    return drills


def get_drill(drill_id: int) -> Drill:
    """The drill ``drill_id``, or 404 (also for ids beyond the column's range)."""
    drill = db.session.get(Drill, drill_id) if 0 < drill_id <= MAX_ID else None
    if drill is None:
        abort(404)
    return drill


def drill_for_trainee(drill_id: int, user: User) -> Drill:
    """The drill if ``user`` is its trainee; 404/403 otherwise."""
    drill = get_drill(drill_id)
    if drill.trainee_id != user.id:
        abort(403)
    return drill


def drill_for_trainer(drill_id: int, user: User) -> Drill:
    """The drill if ``user`` scheduled it (admins may see any); 404/403 otherwise."""
    drill = get_drill(drill_id)
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


def heartbeat(drill: Drill, now=None) -> None:
    """The trainee's live page was heard from: store it; an absence becomes a stored pause.

    The heartbeat is a compare-and-set on ``last_seen_at``: of two requests of the same
    page arriving together after an outage, only the one that moves the heartbeat on stores
    the pause/resume pair (the other waits for its row lock and then finds it moved).
    """
    now = now or utcnow()
    seen = drill.last_seen_at
    if seen is not None and now <= seen:
        return
    same = Drill.last_seen_at.is_(None) if seen is None else Drill.last_seen_at == seen
    claimed = db.session.execute(
        update(Drill).where(Drill.id == drill.id, same).values(last_seen_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.expire(drill)  # another request stored this heartbeat; read its record
        return
    set_committed_value(drill, "last_seen_at", now)
    if clock.record_absence(drill, seen, now):
        logger.info("drill %s: nobody connected from %s to %s; clock paused meanwhile",
                    drill.id, seen.isoformat(), now.isoformat())


def drill_in_play(drill_id: int, user: User) -> Drill:
    """The trainee's drill, this request counted as its page's heartbeat, clock settled."""
    drill = drill_for_trainee(drill_id, user)
    heartbeat(drill)
    settle_clock(drill)
    return drill


def settle_clock(drill: Drill) -> None:
    """Finish a drill whose clock ran to the horizon (and score it)."""
    horizon = replay.scenario_of(drill).horizon_seconds
    if clock.reached_end(drill, horizon):
        finish(drill)


def control(drill: Drill, command: str) -> None:
    """``start``, ``pause``, ``resume`` or ``finish`` the drill clock (not committed)."""
    if drill.status == "finished":
        raise ActionRefused(_("This drill is finished."))
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
        raise ActionRefused(_("command: %(got)s is not a clock command; allowed: start, pause, "
                              "resume, finish.", got=shown(command)), 400)
    if clock.reached_end(drill, horizon):
        finish(drill)


def finish(drill: Drill) -> None:
    """End the drill and store its debrief (not committed)."""
    from lms.drills import scoring

    clock.finish(drill, replay.scenario_of(drill).horizon_seconds)
    scoring.score(drill)


def shown(value) -> str:
    """A short excerpt (at most 60 characters) of a submitted value for messages."""
    try:
        text = repr(value)
    except ValueError:  # an integer beyond Python's int-to-text limit
        text = "<number too large>"
    return text if len(text) <= 60 else text[:57] + "..."


def _checked_request(kind, params, key) -> tuple[str, dict, str | None]:
    """The action request's parts, or :class:`ActionRefused` (400) naming the bad one."""
    if not isinstance(kind, str) or not kind.strip():
        raise ActionRefused(_("kind: name the action to take (text), got %(got)s.",
                              got=shown(kind)), 400)
    if "\x00" in kind:
        raise ActionRefused(_("kind: contains a NUL byte."), 400)
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise ActionRefused(_("params: must be an object of parameter names and values, "
                              "got %(got)s.", got=shown(params)), 400)
    if len(params) > MAX_PARAMS:
        raise ActionRefused(_("params: %(n)d parameters; an action has at most %(max)d.",
                              n=len(params), max=MAX_PARAMS), 400)
    for name, value in params.items():
        if "\x00" in name or (isinstance(value, str) and "\x00" in value):
            raise ActionRefused(_("params.%(name)s: contains a NUL byte.",
                                  name=shown(name).strip("'")), 400)
    if key is not None and (not isinstance(key, str) or not ACTION_KEY.fullmatch(key)):
        raise ActionRefused(_("key: must be 8 to 64 letters, digits, '-' or '_', got %(got)s.",
                              got=shown(key)), 400)
    return kind, params, key


def content_message(refused) -> str:
    """The reader's-language message of a step's refused content."""
    texts = {
        "unknown": _("%(path)s: this step records no such field.", path=refused.path),
        "grade": _("%(path)s: choose L1, L2 or L3.", path=refused.path),
        "text": _("%(path)s: must be text.", path=refused.path),
        "too_long": _("%(path)s: at most %(n)d characters.", path=refused.path,
                      n=steps.MAX_TEXT),
    }
    return texts[refused.reason]


def action_by_key(drill: Drill, key: str | None) -> DrillAction | None:
    """The drill's action stored with the page's key ``key``, if any."""
    if key is None:
        return None
    return db.session.scalar(select(DrillAction).where(DrillAction.drill_id == drill.id,
                                                       DrillAction.client_key == key))


def take_action(drill: Drill, user: User, kind, params, key=None) -> tuple[DrillAction, bool]:
    """Store one action at the current drill time after checking it (not committed).

    Returns the action and whether it is a resend: an action whose ``key`` is stored
    already is answered with the stored action, whatever the drill's state now.
    """
    if drill.trainee_id != user.id:
        raise ActionRefused(_("This is not your drill."), 403)
    kind, params, key = _checked_request(kind, params, key)
    stored = action_by_key(drill, key)
    if stored is not None:
        if stored.kind != kind:
            raise ActionRefused(_("key: already used for another action (%(kind)s).",
                                  kind=stored.kind), 409)
        return stored, True
    settle_clock(drill)
    if drill.status == "finished":
        raise ActionRefused(_("This drill is finished; no more actions are taken."))
    if drill.status == "scheduled":
        raise ActionRefused(_("Start the drill first."))
    scenario = replay.scenario_of(drill)
    at = clock.drill_seconds(drill, scenario.horizon_seconds)
    if kind in steps.STEP_KINDS:
        try:
            params = steps.check_content(kind, params)
        except steps.ContentRefused as refused:
            raise ActionRefused(content_message(refused), 400) from None
    else:
        params = replay.check_action(scenario, drill, kind, params, at)
    action = DrillAction(kind=kind, params_json=json.dumps(params, ensure_ascii=False),
                         drill_seconds=at, user_id=user.id, client_key=key)
    drill.actions.append(action)
    return action, False


def room_control(drill: Drill, user: User, command: str) -> None:
    """The trainer pauses or resumes the drill from the control room (not committed)."""
    if drill.trainer_id != user.id and not user.has_role("admin"):
        raise ActionRefused(_("This is not a drill you scheduled."), 403)
    settle_clock(drill)
    if drill.status == "finished":
        raise ActionRefused(_("This drill is finished."))
    if command == "pause":
        clock.pause(drill)
    elif command == "resume":
        clock.resume(drill)
    else:
        raise ActionRefused(_("command: %(got)s is not a control-room command; allowed: pause, "
                              "resume.", got=shown(command)), 400)
    logger.info("drill %s: %s by trainer %s", drill.id, command, user.id)


def inject(drill: Drill, user: User, code: str) -> DrillAction:
    """Store the trainer's inject ``code`` at the current drill time (not committed)."""
    if drill.trainer_id != user.id and not user.has_role("admin"):
        raise ActionRefused(_("This is not a drill you scheduled."), 403)
    settle_clock(drill)
    if drill.status in ("finished", "scheduled"):
        raise ActionRefused(_("Events can be injected only while the drill is under way."))
    scenario = replay.scenario_of(drill)
    if code not in {i.code for i in injects.allowed(scenario)}:
        raise ActionRefused(_("code: %(got)s is not an event this drill allows.",
                              got=shown(code)), 400)
    at = clock.drill_seconds(drill, scenario.horizon_seconds)
    params = injects.params_for(code, scenario, replay.state_at(drill, at))
    action = DrillAction(kind=injects.INJECT, params_json=json.dumps(params), drill_seconds=at,
                         user_id=user.id)
    drill.actions.append(action)
    logger.info("drill %s: trainer %s injected %s at %.0f s", drill.id, user.id, code, at)
    return action


def own_actions(drill: Drill) -> list[DrillAction]:
    """The trainee's actions (the trainer's injects left out)."""
    return [a for a in drill.actions if a.kind != injects.INJECT]


def injected(drill: Drill) -> list[DrillAction]:
    """The trainer's injects, in the order sent."""
    return [a for a in drill.actions if a.kind == injects.INJECT]
