"""Drill rules: scheduling, who may see and act on which drill, the clock, storing actions.

A trainer schedules a drill for one trainee or for every trainee of a department (one drill
each), or a **team drill** for chosen trainees with roles (:mod:`lms.drills.roles`): one drill,
one clock, one center for all of them. Only its trainee or participants play a drill; each
action is stored with who took it and in which role, and an action the role does not take is
refused (403). The trainer may add a participant while the drill runs (they join mid-drill).
Actions on a finished drill or on someone else's drill are refused. Every
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
from datetime import datetime
from functools import lru_cache

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

import scenarios
from lms import signals
from lms.auth.models import Department, User, UserRole, utcnow
from lms.drills import clock, injects, replay, roles, steps
from lms.drills.models import Drill, DrillAction, DrillParticipant
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


def scenario_by_id(scenario_id: str):
    """The library scenario ``scenario_id`` (parsed)."""
    return _library()[scenario_id][1]


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
             seed: int | None = None, starts_at: datetime | None = None) -> list[Drill]:
    """One drill per trainee of the library scenario ``scenario_id`` (not committed);
    ``starts_at`` (naive UTC) is the appointment, if any."""
    if scenario_id not in _library():
        raise ValueError(f"unknown scenario {scenario_id!r}")
    scenario = _library()[scenario_id][1]
    text = scenarios.scenario_to_yaml(scenario)
    seed = seed or random.SystemRandom().randint(1, 2**31 - 1)
    drills = []
    for trainee in trainees:
        drill = Drill(scenario_key=scenario.id, scenario_yaml=text, title_zh=scenario.title.zh,
                      title_en=scenario.title.en, trainee_id=trainee.id, trainer_id=trainer.id,
                      compression=float(compression), seed=seed, status="scheduled",
                      starts_at=starts_at)
        db.session.add(drill)
        drills.append(drill)
    db.session.flush()
    for drill in drills:
        signals.drill_scheduled.send("drill", drill_id=drill.id, user_id=drill.trainee_id,
                                     trainer_id=trainer.id,
                                     title={"zh": drill.title_zh, "en": drill.title_en},
                                     starts_at=drill.starts_at)
    return drills


class TeamRefused(ValueError):
    """A team that cannot be formed; the message says why (in the reader's language)."""


def check_team(scenario, members: list[tuple[User, str, str | None]],
               existing: list[DrillParticipant] = ()) -> None:
    """Refuse a team without exactly one duty supervisor, with a role twice, a person twice,
    or a shift lead of a queue the scenario does not have (:class:`TeamRefused`)."""
    seen_users = {p.user_id for p in existing}
    seen_roles = [p.role_code for p in existing]
    for user, role, queue in members:
        if role not in roles.LABELS:
            raise TeamRefused(_("Unknown role %(role)s.", role=shown(role)))
        if role == roles.SHIFT_LEAD and queue not in scenario.queue_names:
            raise TeamRefused(_("A shift lead leads one of the scenario's queues: %(queues)s.",
                                queues=", ".join(scenario.queue_names)))
        if user.id in seen_users:
            raise TeamRefused(_("%(name)s has a role in this drill already.", name=user.name))
        code = f"{role}:{queue}" if role == roles.SHIFT_LEAD else role
        if code in seen_roles:
            raise TeamRefused(_("Each role is held by one person; %(role)s is given twice.",
                                role=roles.label(code)["en" if _lang() == "en" else "zh"]))
        seen_users.add(user.id)
        seen_roles.append(code)
    if seen_roles.count(roles.SUPERVISOR) != 1:
        raise TeamRefused(_("A team drill has exactly one duty supervisor."))


def _lang() -> str:
    from flask_babel import get_locale

    return "zh" if str(get_locale() or "zh").startswith("zh") else "en"


def schedule_team(trainer: User, scenario_id: str, members: list[tuple[User, str, str | None]],
                  compression: float, seed: int | None = None,
                  starts_at: datetime | None = None) -> Drill:
    """One team drill for ``members`` — ``(trainee, role, queue or None)`` — (not committed).

    The duty supervisor is the drill's ``trainee_id``; everyone is told it is scheduled.
    """
    if scenario_id not in _library():
        raise ValueError(f"unknown scenario {scenario_id!r}")
    check_team(_library()[scenario_id][1], members)
    supervisor = next(user for user, role, _q in members if role == roles.SUPERVISOR)
    drill = schedule(trainer, scenario_id, [supervisor], compression, seed, starts_at)[0]
    for user, role, queue in members:
        drill.participants.append(DrillParticipant(
            user_id=user.id, role=role, queue=queue if role == roles.SHIFT_LEAD else None))
        if user.id != supervisor.id:
            signals.drill_scheduled.send("drill", drill_id=drill.id, user_id=user.id,
                                         trainer_id=trainer.id,
                                         title={"zh": drill.title_zh, "en": drill.title_en},
                                         starts_at=drill.starts_at)
    db.session.flush()
    logger.info("drill %s: team drill of %d scheduled by %s", drill.id, len(members),
                trainer.id)
    return drill


def add_participant(drill: Drill, trainer: User, user: User, role: str,
                    queue: str | None = None) -> DrillParticipant:
    """The trainer adds a trainee to a team drill, also while it runs (not committed)."""
    if drill.trainer_id != trainer.id and not trainer.has_role("admin"):
        raise ActionRefused(_("This is not a drill you scheduled."), 403)
    if drill.status == "finished":
        raise ActionRefused(_("This drill is finished."))
    if not drill.is_team:
        raise ActionRefused(_("Only a team drill takes more participants."))
    if role == roles.SUPERVISOR:
        raise ActionRefused(_("The team has its duty supervisor already."))
    if not user.has_role("trainee"):
        raise ActionRefused(_("Only trainees take part in a drill."), 400)
    try:
        check_team(replay.scenario_of(drill), [(user, role, queue)], drill.participants)
    except TeamRefused as refused:
        raise ActionRefused(str(refused), 400) from None
    member = DrillParticipant(user_id=user.id, role=role,
                              queue=queue if role == roles.SHIFT_LEAD else None)
    drill.participants.append(member)
    db.session.flush()
    signals.drill_scheduled.send("drill", drill_id=drill.id, user_id=user.id,
                                 trainer_id=trainer.id,
                                 title={"zh": drill.title_zh, "en": drill.title_en},
                                 starts_at=drill.starts_at)
    logger.info("drill %s: %s joins as %s", drill.id, user.id, member.role_code)
    return member


def participant_of(drill: Drill, user: User) -> DrillParticipant | None:
    """``user``'s place in a team drill (None in an individual drill or when not in it)."""
    return next((p for p in drill.participants if p.user_id == user.id), None)


def role_of(drill: Drill, user: User) -> str | None:
    """``user``'s role code in the drill; None for an individual drill's trainee."""
    member = participant_of(drill, user)
    return member.role_code if member else None


def takes_part(drill: Drill, user: User) -> bool:
    """Whether ``user`` plays the drill (its trainee or a participant)."""
    return drill.trainee_id == user.id or participant_of(drill, user) is not None


def staffed_roles(drill: Drill) -> set[str]:
    """The roles somebody holds in the drill (every role in an individual drill)."""
    if not drill.is_team:
        return set(roles.LABELS)
    return {p.role for p in drill.participants}


def may_take(drill: Drill, user: User, kind: str) -> bool:
    """Whether ``user``'s role takes ``kind`` (the trainee of an individual drill: all)."""
    member = participant_of(drill, user)
    return roles.may_take(kind, member.role if member else None, staffed_roles(drill))


def may_control_clock(drill: Drill, user: User) -> bool:
    """Whether ``user`` starts, pauses, resumes and ends the drill on the live page."""
    member = participant_of(drill, user)
    return member is None or member.role in roles.CLOCK_ROLES


def get_drill(drill_id: int) -> Drill:
    """The drill ``drill_id``, or 404 (also for ids beyond the column's range)."""
    drill = db.session.get(Drill, drill_id) if 0 < drill_id <= MAX_ID else None
    if drill is None:
        abort(404)
    return drill


def drill_for_trainee(drill_id: int, user: User) -> Drill:
    """The drill if ``user`` is its trainee or a participant; 404/403 otherwise."""
    drill = get_drill(drill_id)
    if not takes_part(drill, user):
        abort(403)
    return drill


def drill_for_trainer(drill_id: int, user: User) -> Drill:
    """The drill if ``user`` scheduled it (admins may see any); 404/403 otherwise."""
    drill = get_drill(drill_id)
    if drill.trainer_id != user.id and not user.has_role("admin"):
        abort(403)
    return drill


def my_drills(user: User) -> list[Drill]:
    """The trainee's drills (their own and the team drills they have a role in), newest
    first."""
    team = select(DrillParticipant.drill_id).where(DrillParticipant.user_id == user.id)
    return list(db.session.scalars(select(Drill).where(
        (Drill.trainee_id == user.id) | Drill.id.in_(team)).order_by(Drill.id.desc())))


def scheduled_by(user: User) -> list[Drill]:
    """Drills the trainer scheduled (everyone's for an administrator), newest first."""
    query = select(Drill).order_by(Drill.id.desc())
    if not user.has_role("admin"):
        query = query.where(Drill.trainer_id == user.id)
    return list(db.session.scalars(query))


def heartbeat(drill: Drill, now=None) -> None:
    """A participant's live page was heard from: store it; an absence of *every* page (no
    heartbeat from anyone for the grace period) becomes a stored pause.

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
    """The trainee's drill, this request counted as its page's heartbeat, clock settled.

    In a team drill the request is also the participant's own heartbeat (who is connected)
    and their first one is when they joined.
    """
    drill = drill_for_trainee(drill_id, user)
    heartbeat(drill)
    member = participant_of(drill, user)
    if member is not None:
        now = utcnow()
        if member.joined_at is None:
            member.joined_at = now
            logger.info("drill %s: participant %s joined as %s", drill.id, user.id,
                        member.role_code)
        member.last_seen_at = now
    settle_clock(drill)
    return drill


def connected(member: DrillParticipant, now=None) -> bool:
    """Whether the participant's page was heard from within the grace period."""
    now = now or utcnow()
    return member.last_seen_at is not None and \
        (now - member.last_seen_at).total_seconds() <= clock.grace_seconds()


def settle_clock(drill: Drill) -> None:
    """Finish a drill whose clock ran to the horizon (and score it)."""
    horizon = replay.scenario_of(drill).horizon_seconds
    if clock.reached_end(drill, horizon):
        finish(drill)


def control(drill: Drill, command: str, user: User | None = None) -> None:
    """``start``, ``pause``, ``resume`` or ``finish`` the drill clock (not committed).

    ``user``: the participant giving the command on the live page. Only the duty supervisor
    (or an individual drill's trainee) controls the clock, and a pause the trainer made from
    the control room is not theirs to resume (403).
    """
    if drill.status == "finished":
        raise ActionRefused(_("This drill is finished."))
    if user is not None and not may_control_clock(drill, user):
        raise ActionRefused(_("Only the duty supervisor starts, pauses, resumes and ends the "
                              "drill."), 403)
    horizon = replay.scenario_of(drill).horizon_seconds
    by = user.id if user is not None else None
    if command == "start":
        clock.start(drill, by=by)
    elif command == "pause":
        clock.pause(drill, by=by)
    elif command == "resume":
        paused = clock.last_pause(drill)
        if user is not None and paused is not None and paused.by_trainer:
            raise ActionRefused(_("The trainer paused the drill; only the trainer resumes "
                                  "it."), 403)
        clock.resume(drill, by=by)
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
    if not takes_part(drill, user):
        raise ActionRefused(_("This is not your drill."), 403)
    kind, params, key = _checked_request(kind, params, key)
    stored = action_by_key(drill, key)
    if stored is not None:
        if stored.kind != kind or stored.user_id != user.id:
            raise ActionRefused(_("key: already used for another action (%(kind)s).",
                                  kind=stored.kind), 409)
        return stored, True
    member = participant_of(drill, user)
    _check_role(drill, member, kind, params)
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
                         drill_seconds=at, user_id=user.id, client_key=key,
                         role=member.role_code if member else None)
    drill.actions.append(action)
    return action, False


def _role_text(code: str) -> str:
    return roles.label(code)[_lang()]


def _check_role(drill: Drill, member: DrillParticipant | None, kind: str, params: dict) -> None:
    """Refuse (403) an action the participant's role does not take (:mod:`lms.drills.roles`)."""
    if member is None or kind not in set(roles.ACTION_ROLES) | set(replay.action_kinds()) | \
            set(steps.STEP_KINDS):
        return  # an individual drill, or an unknown kind (refused as such further on)
    staffed = staffed_roles(drill)
    if not roles.may_take(kind, member.role, staffed):
        raise ActionRefused(_("Your role (%(role)s) does not take this action; it is for: "
                              "%(who)s.", role=_role_text(member.role_code),
                              who=", ".join(_role_text(r)
                                            for r in roles.takers(kind, staffed))), 403)
    if member.role == roles.SHIFT_LEAD and kind in roles.QUEUE_BOUND and \
            params.get("queue", "all") != member.queue:
        raise ActionRefused(_("params.queue: as shift lead you act on your own queue "
                              "(%(queue)s) only.", queue=member.queue), 403)


def room_control(drill: Drill, user: User, command: str) -> None:
    """The trainer pauses or resumes the drill from the control room (not committed)."""
    if drill.trainer_id != user.id and not user.has_role("admin"):
        raise ActionRefused(_("This is not a drill you scheduled."), 403)
    settle_clock(drill)
    if drill.status == "finished":
        raise ActionRefused(_("This drill is finished."))
    if command == "pause":
        clock.pause(drill, by=user.id, by_trainer=True)
    elif command == "resume":
        clock.resume(drill, by=user.id, by_trainer=True)
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


def own_actions(drill: Drill, user: User | None = None) -> list[DrillAction]:
    """The trainees' actions (the trainer's injects left out); only ``user``'s if given."""
    return [a for a in drill.actions if a.kind != injects.INJECT and
            (user is None or a.user_id == user.id)]


def injected(drill: Drill) -> list[DrillAction]:
    """The trainer's injects, in the order sent."""
    return [a for a in drill.actions if a.kind == injects.INJECT]
