"""Add and remove events, queues and agent groups in a scenario dict (the form editor).

Each operation changes the loader's canonical dict and keeps the references consistent
(skills, staffing plans, event queue lists); what would leave the scenario unusable (the last
queue, a queue nobody answers, an event on a removed queue) is refused with a message saying
what to do first. The result is validated by the loader when the planner saves.
"""

import copy
import re

from flask_babel import gettext as _

from scenarios import EVENT_TYPES, QUEUE_KINDS


class StructureError(ValueError):
    """The change cannot be made; the message says why, in the planner's language."""


#: Display names of the queue kinds for a new queue's title.
QUEUE_TITLES = {"consultation": {"zh": "产品与政策咨询", "en": "Product and policy questions"},
                "complaint": {"zh": "投诉", "en": "Complaints"},
                "technical": {"zh": "故障报修与技术支持", "en": "Repairs and technical support"},
                "enterprise": {"zh": "企业客户专线", "en": "Enterprise hotline"}}
_SLUG = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _hours(data: dict) -> float:
    try:
        return max(0.5, float(data.get("horizon_hours") or 1.0))
    except (TypeError, ValueError):
        return 1.0


def add_event(data: dict, kind: str) -> dict:
    """Append an event of ``kind`` with moderate defaults at the start of the horizon."""
    if kind not in EVENT_TYPES:
        raise StructureError(_("Choose the kind of event to add."))
    end = min(_hours(data), 2.0)
    queues = list(data["queues"])
    event = {"type": kind, "title": None, "start_hour": 0.0, "end_hour": end}
    if kind == "group_complaint_surge":
        event.update(queue="complaint" if "complaint" in queues else queues[0],
                     peak_multiplier=2.0, ramp_hours=end / 4, decay_hours=end / 4)
    elif kind == "quality_recall":
        event.update(queues=queues, volume_multiplier=1.5, handle_time_multiplier=1.2,
                     escalation_increase=0.1 if data.get("technicians") else 0.0)
    else:
        most = max((float(p.get("shrinkage") or 0) for p in data["staffing"].values()),
                   default=0.0)
        event.update(queues=queues, staff_availability=0.7,
                     absenteeism=round(min(0.1, max(0.0, 0.95 - most)), 3),
                     callback_shift=0.2, volume_multiplier=1.0)
    data["events"].append(event)
    return data


def remove_event(data: dict, index: int) -> dict:
    """Remove event number ``index`` (0-based)."""
    if not 0 <= index < len(data["events"]):
        raise StructureError(_("That event is not in the scenario any more."))
    del data["events"][index]
    return data


def add_queue(data: dict, kind: str, group: str) -> dict:
    """Add a queue of ``kind`` answered by ``group`` (copied from the first queue's figures)."""
    if kind not in QUEUE_KINDS:
        raise StructureError(_("Choose the kind of queue to add."))
    if kind in data["queues"]:
        raise StructureError(_("The scenario already has this queue."))
    if group not in data["groups"]:
        raise StructureError(_("Choose the agent group that answers the new queue."))
    template = copy.deepcopy(next(iter(data["queues"].values())))
    template.update(title=dict(QUEUE_TITLES[kind]), calls_per_day=200.0)
    data["queues"][kind] = template
    data["groups"][group]["skills"] = list(data["groups"][group]["skills"]) + [kind]
    return data


def remove_queue(data: dict, name: str) -> dict:
    """Remove queue ``name`` from the queues, the skills and the events' queue lists."""
    if name not in data["queues"]:
        raise StructureError(_("That queue is not in the scenario any more."))
    if len(data["queues"]) == 1:
        raise StructureError(_("A scenario needs at least one queue."))
    for event in data["events"]:
        if event.get("queue") == name:
            raise StructureError(_("An event surges this queue: remove that event first."))
        if event.get("queues") and list(event["queues"]) == [name]:
            raise StructureError(_("An event affects only this queue: remove that event "
                                   "first."))
    for group_name, group in data["groups"].items():
        skills = [q for q in group["skills"] if q != name]
        if not skills:
            raise StructureError(_("Agent group “%(group)s” answers only this queue: remove "
                                   "the group or give it another queue first.",
                                   group=_title(group, group_name)))
        group["skills"] = skills
    for event in data["events"]:
        if event.get("queues"):
            event["queues"] = [q for q in event["queues"] if q != name]
    del data["queues"][name]
    return data


def add_group(data: dict, name: str, title: str, skills: list[str], agents) -> dict:
    """Add an agent group ``name`` answering ``skills`` with a flat plan of ``agents``."""
    name = (name or "").strip()
    if not _SLUG.match(name):
        raise StructureError(_("Short name of the group: lower-case letters, digits and "
                               "underscores, starting with a letter."))
    if name in data["groups"]:
        raise StructureError(_("There is already a group with this short name."))
    chosen = [q for q in skills if q in data["queues"]]
    if not chosen:
        raise StructureError(_("Choose at least one queue the new group answers."))
    try:
        count = int(str(agents).strip())
    except ValueError as error:
        raise StructureError(_("Scheduled agents of the new group must be a whole number.")) \
            from error
    if not 1 <= count <= 5000:
        raise StructureError(_("Scheduled agents of the new group: between 1 and 5000."))
    label = (title or "").strip()[:80] or name
    data["groups"][name] = {"title": {"zh": label, "en": label}, "skills": chosen,
                            "handle_time_factor": 1.0, "first_contact_resolution": 0.85,
                            "back_office_staff": 0, "reserve_staff": 0}
    data["staffing"][name] = {"agents": [count], "shrinkage": 0.3}
    return data


def remove_group(data: dict, name: str) -> dict:
    """Remove agent group ``name`` and its staffing plan."""
    if name not in data["groups"]:
        raise StructureError(_("That group is not in the scenario any more."))
    if len(data["groups"]) == 1:
        raise StructureError(_("A scenario needs at least one agent group."))
    others = {q for g, group in data["groups"].items() if g != name for q in group["skills"]}
    alone = [q for q in data["groups"][name]["skills"] if q not in others]
    if alone:
        raise StructureError(_("Nobody else answers “%(queue)s”: give that queue to another "
                               "group or remove it first.",
                               queue=_title(data["queues"][alone[0]], alone[0])))
    del data["groups"][name]
    data["staffing"].pop(name, None)
    return data


def _title(block: dict, fallback: str) -> str:
    from lms.i18n import localized

    title = block.get("title")
    return localized(title) if isinstance(title, dict) else fallback


def apply(data: dict, action: str, form) -> dict:
    """Apply the editor button ``action`` (``add_event``, ``remove_queue:complaint``, …)."""
    verb, _sep, target = action.partition(":")
    if verb == "add_event":
        return add_event(data, form.add_event_type.data)
    if verb == "remove_event":
        return remove_event(data, int(target) if target.isdigit() else -1)
    if verb == "add_queue":
        return add_queue(data, form.add_queue_kind.data, form.add_queue_group.data)
    if verb == "remove_queue":
        return remove_queue(data, target)
    if verb == "add_group":
        return add_group(data, form.add_group_name.data, form.add_group_title.data,
                         list(form.add_group_skills.data or []), form.add_group_agents.data)
    if verb == "remove_group":
        return remove_group(data, target)
    raise StructureError(_("Unknown change."))
