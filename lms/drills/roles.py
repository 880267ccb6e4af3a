"""Roles in a team drill and which actions each may take.

A team drill has one **duty supervisor** (值班主管, the drill's ``trainee_id``) and, as the
trainer chooses, a **shift lead** (班组长) for any queue, a **technician dispatcher** (技术调度)
and a **communications officer** (对外沟通专员). Everyone sees the same live center; each
decision is stored with the person and the role it was taken in.

==============================  ==================================================  =========
Action                          Taken by                                            Note
==============================  ==================================================  =========
report_manager (grade, report)  duty supervisor                                     declares
                                                                                    the grade
start_emergency_mechanism       duty supervisor
activate_emergency_plan         duty supervisor
add_agents (call in reserve)    duty supervisor
pull_back_office                duty supervisor
remove_agents                   duty supervisor
move_staff                      duty supervisor, shift lead
enable_callbacks                duty supervisor, shift lead (own queue only)
ivr_announcement                duty supervisor, shift lead (own queue only),
                                communications officer
escalate_to_emergency_team      technician dispatcher
publish_unified_reply           communications officer                              the only
                                                                                    voice
notify_customers (restoration)  communications officer
callbacks_after_resolution      shift lead, duty supervisor
review                          duty supervisor
clock: start, pause, resume,    duty supervisor (a pause the trainer made only the
finish                          trainer resumes)
==============================  ==================================================  =========

A role nobody holds falls to the duty supervisor: in a drill without a communications
officer the supervisor sends the unified reply. In an individual drill the one trainee holds
every role. A shift lead who names a queue names their own (``all`` is the supervisor's).
"""

from lms.drills.models import PARTICIPANT_ROLES

SUPERVISOR = "duty_supervisor"
SHIFT_LEAD = "shift_lead"
DISPATCHER = "technician_dispatcher"
COMMUNICATIONS = "communications_officer"

#: action kind → roles that take it (see the table above).
ACTION_ROLES = {
    "report_manager": (SUPERVISOR,),
    "start_emergency_mechanism": (SUPERVISOR,),
    "activate_emergency_plan": (SUPERVISOR,),
    "add_agents": (SUPERVISOR,),
    "pull_back_office": (SUPERVISOR,),
    "remove_agents": (SUPERVISOR,),
    "move_staff": (SUPERVISOR, SHIFT_LEAD),
    "enable_callbacks": (SUPERVISOR, SHIFT_LEAD),
    "ivr_announcement": (SUPERVISOR, SHIFT_LEAD, COMMUNICATIONS),
    "escalate_to_emergency_team": (DISPATCHER,),
    "publish_unified_reply": (COMMUNICATIONS,),
    "notify_customers": (COMMUNICATIONS,),
    "callbacks_after_resolution": (SHIFT_LEAD, SUPERVISOR),
    "review": (SUPERVISOR,),
}
#: Clock commands on the live page.
CLOCK_ROLES = (SUPERVISOR,)
#: Actions whose ``queue`` a shift lead may set only to their own queue.
QUEUE_BOUND = ("enable_callbacks", "ivr_announcement")

LABELS = {
    SUPERVISOR: {"zh": "值班主管", "en": "Duty supervisor"},
    SHIFT_LEAD: {"zh": "班组长", "en": "Shift lead"},
    DISPATCHER: {"zh": "技术调度", "en": "Technician dispatcher"},
    COMMUNICATIONS: {"zh": "对外沟通专员", "en": "Communications officer"},
}
assert set(LABELS) == set(PARTICIPANT_ROLES)


def held_roles(roles_present: set[str]) -> set[str]:
    """The roles that exist in a drill whose participants hold ``roles_present``."""
    return set(roles_present) & set(PARTICIPANT_ROLES)


def may_take(kind: str, role: str | None, staffed: set[str]) -> bool:
    """Whether ``role`` takes ``kind`` in a drill where the roles ``staffed`` are held.

    ``role`` None is an individual drill's trainee (every role). A kind none of whose roles
    is staffed falls to the duty supervisor.
    """
    if role is None:
        return True
    allowed = ACTION_ROLES.get(kind)
    if allowed is None:
        return role == SUPERVISOR
    if role in allowed:
        return True
    return role == SUPERVISOR and not (set(allowed) & staffed)


def takers(kind: str, staffed: set[str]) -> tuple[str, ...]:
    """The roles that take ``kind`` in a drill where ``staffed`` are held."""
    allowed = ACTION_ROLES.get(kind, (SUPERVISOR,))
    present = tuple(r for r in allowed if r in staffed)
    return present or (SUPERVISOR,)


def label(role_code: str | None, queue_titles: dict | None = None) -> dict:
    """``{zh, en}`` of a stored role code (``shift_lead:complaint`` names the queue)."""
    if not role_code:
        return {"zh": "", "en": ""}
    role, _, queue = role_code.partition(":")
    base = LABELS.get(role, {"zh": role, "en": role})
    if not queue:
        return dict(base)
    title = (queue_titles or {}).get(queue, {"zh": queue, "en": queue})
    return {"zh": f"{base['zh']}({title['zh']})", "en": f"{base['en']} ({title['en']})"}


def queue_titles(scenario) -> dict:
    """``{queue name: {zh, en}}`` of the scenario's queues."""
    return {q.name: {"zh": q.title.zh, "en": q.title.en} if q.title else
            {"zh": q.name, "en": q.name} for q in scenario.queues}
