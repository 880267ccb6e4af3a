"""Shift plans from a staffing requirement, rosters of a department's people, verification.

The requirement is the per-interval, per-group *scheduled* heads of a finished staffing run
(its job result) or, by default, Erlang C on the shipped normal weekday. The scenario starts
at its opening hour; the solver's horizon starts at 00:00, so the requirement is padded with
``offset`` empty intervals and the verification takes the same slice back out.

Named agents: the active trainees of the chosen department, skilled in every group of the
requirement (the first group first), on the default full-time contract. Their proficiency
is measured by the platform's own training records (:func:`proficiency_of`): the latest score
of each exam (the test part) and of each role-play and drill (the practice part), combined
with the evaluation's weights (40 % test, 60 % practice); the roster prefers proficient agents
and someone with no scored activity counts as 0.5.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import zoneinfo
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

import scenarios
from lms import signals
from lms.auth.models import User, UserRole, utcnow
from lms.courses.models_progress import ActivityResult
from lms.evaluation.statistics import combined_proficiency
from lms.extensions import db
from lms.jobs.models import Job
from lms.planning.models import PlanningRun
from lms.planning.staffing import erlang_c_plan
from lms.rostering import people as staff
from lms.rostering import shift_templates
from lms.rostering.models import RosterFeed, RosterShift, ShiftPlan

log = logging.getLogger("lms.rostering")

DEFAULT_SCENARIO = "normal_weekday"
#: The shipped shift templates (see :mod:`lms.rostering.shift_templates`).
TEMPLATES = shift_templates.SHIPPED


class SourceError(ValueError):
    """The chosen requirement cannot be used (a message for the person)."""


# --- the requirement ------------------------------------------------------------------------
def staffing_runs(owner: User) -> list[PlanningRun]:
    """The owner's finished staffing runs, newest first."""
    rows = db.session.scalars(select(PlanningRun).join(Job, PlanningRun.job_id == Job.id)
                              .where(PlanningRun.owner_id == owner.id,
                                     PlanningRun.kind == "staffing", Job.status == "done")
                              .order_by(PlanningRun.id.desc()))
    return list(rows)


def _requirement(s, heads: dict[str, list]) -> dict:
    if (s.start_hour * 60) % s.interval_minutes:
        raise SourceError(str(_l("The scenario must open on an interval boundary.")))
    offset = int(s.start_hour * 60 // s.interval_minutes)
    groups = [g for g in s.group_names if any(heads.get(g) or [])]
    if not groups:
        raise SourceError(str(_l("The requirement asks for nobody.")))
    labels = []
    for k in range(s.n_intervals):
        minute = offset * s.interval_minutes + k * s.interval_minutes
        day, clock = divmod(minute, 1440)
        labels.append((f"d{day + 1} " if s.horizon_hours > 24 else "")
                      + f"{clock // 60:02d}:{clock % 60:02d}")
    return {"groups": groups, "interval_minutes": s.interval_minutes, "offset": offset,
            "n_intervals": s.n_intervals, "labels": labels,
            "need": {g: [0.0] * offset + [float(h) for h in heads[g]] for g in groups}}


def requirement_from(owner: User, source: str) -> tuple[dict, str, str]:
    """(requirement, scenario YAML, label) for ``default`` or ``run:<id>`` of the owner."""
    if source == "default":
        s = scenarios.load_scenario(DEFAULT_SCENARIO)
        label = str(_l("Erlang C on the shipped normal weekday"))
        return _requirement(s, erlang_c_plan(s)), scenarios.scenario_to_yaml(s), label
    run_id = source.removeprefix("run:")
    run = db.session.get(PlanningRun, int(run_id)) if run_id.isdigit() else None
    if run is None or run.owner_id != owner.id or run.kind != "staffing" \
            or run.job.status != "done":
        raise SourceError(str(_l("Choose one of your finished staffing runs.")))
    text = run.job.params["yaml"]
    s = scenarios.validate(text)
    heads = {g["group"]: [row["required"] for row in g["rows"]] for g in run.job.result["groups"]}
    return _requirement(s, heads), text, run.label


# --- plans ----------------------------------------------------------------------------------
def agents_of(department_id: int | None) -> list[User]:
    """The active trainees of the department, by name."""
    if department_id is None:
        return []
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.department_id == department_id, User.active.is_(True),
               UserRole.role == "trainee").order_by(User.name, User.id)))


PRACTICE_KINDS = ("roleplay", "emergency_drill")


def proficiency_of(user_ids: list[int]) -> dict[int, float]:
    """Measured proficiency 0..1 per person with any scored exam, role-play or drill."""
    if not user_ids:
        return {}
    latest: dict[tuple[int, str], tuple[str, float]] = {}
    rows = db.session.execute(
        select(ActivityResult.user_id, ActivityResult.kind, ActivityResult.ref,
               ActivityResult.score)
        .where(ActivityResult.user_id.in_(user_ids), ActivityResult.score.is_not(None),
               ActivityResult.kind.in_(("exam", *PRACTICE_KINDS)))
        .order_by(ActivityResult.at, ActivityResult.id))
    for user_id, kind, ref, score in rows:
        latest[user_id, ref] = (kind, max(0.0, min(1.0, float(score))))
    tests: dict[int, list[float]] = {}
    practice: dict[int, list[float]] = {}
    for (user_id, _ref), (kind, score) in latest.items():
        (practice if kind in PRACTICE_KINDS else tests).setdefault(user_id, []).append(score)
    out = {}
    for user_id in set(tests) | set(practice):
        test = tests.get(user_id)
        done = practice.get(user_id)
        out[user_id] = combined_proficiency(sum(test) / len(test) if test else None,
                                            sum(done) / len(done) if done else None)
    return out


def group_titles(plan: ShiftPlan, lang: str) -> dict[str, str]:
    """{group or queue key: its title in ``lang``} from the plan's scenario."""
    if not plan.scenario_yaml:
        return {}
    s = scenarios.validate(plan.scenario_yaml)
    titles = {g.name: g.title.get(lang) for g in s.groups if g.title is not None}
    titles.update({q.name: q.title.get(lang) for q in s.queues
                   if getattr(q, "title", None) is not None})
    return titles


def solve_params(plan: ShiftPlan) -> dict:
    """Job parameters: plain data only, so any worker can solve."""
    req = plan.requirement
    groups = req["groups"]
    people = agents_of(plan.department_id)
    days = max(1, -(-req["n_intervals"] * req["interval_minutes"] // 1440))
    offered = shift_templates.available(plan.owner)
    specs = {k: shift_templates.spec_of(offered[k][1]) for k in plan.template_keys
             if k in offered}
    agents = staff.agent_params(people, groups, plan.starts_on, days,
                                proficiency_of([u.id for u in people]), specs)
    return {"plan_id": plan.id, "requirement": plan.requirement,
            "templates": [k for k in plan.template_keys if k in specs],
            "template_specs": specs, "time_limit": plan.time_limit, "agents": agents}


def create_plan(owner: User, name: str, source: str, template_keys: list[str],
                department_id: int | None, starts_on: date, zone: str,
                time_limit: int) -> ShiftPlan:
    """Store a new plan (not committed); raises :class:`SourceError`."""
    requirement, text, label = requirement_from(owner, source)
    unknown = [k for k in template_keys if k not in shift_templates.available(owner)]
    if unknown or not template_keys:
        raise SourceError(str(_l("Choose at least one shift template.")))
    plan = ShiftPlan(name=name, owner_id=owner.id, source_label=label[:400],
                     department_id=department_id, starts_on=starts_on, zone=zone,
                     requirement_json=json.dumps(requirement), scenario_yaml=text,
                     templates_json=json.dumps(template_keys), time_limit=time_limit)
    db.session.add(plan)
    db.session.flush()
    return plan


def plans_of(owner: User) -> list[ShiftPlan]:
    """The owner's plans, newest first."""
    return list(db.session.scalars(select(ShiftPlan).where(ShiftPlan.owner_id == owner.id)
                                   .order_by(ShiftPlan.id.desc())))


def plan_of(owner: User, plan_id: int) -> ShiftPlan | None:
    """The plan if ``owner`` owns it, else None."""
    plan = db.session.get(ShiftPlan, plan_id)
    return plan if plan is not None and plan.owner_id == owner.id else None


def result_of(plan: ShiftPlan) -> dict | None:
    """The solve job's result once done."""
    return plan.job.result if plan.job is not None and plan.job.status == "done" else None


def verify_params(plan: ShiftPlan, replications: int = 3, seed: int = 1) -> dict:
    """Job parameters of a verification: the scenario and the plan's heads on its intervals."""
    result = result_of(plan)
    req = plan.requirement
    solved = result.get("roster") or result["plan"]
    im, offset, n = req["interval_minutes"], req["offset"], req["n_intervals"]
    heads = {g: [int(m // im) for m in minutes[offset:offset + n]]
             for g, minutes in solved["coverage"].items()}
    return {"plan_id": plan.id, "yaml": plan.scenario_yaml, "heads": heads,
            "replications": replications, "seed": seed}


def corrected_plan(plan: ShiftPlan, name: str) -> ShiftPlan:
    """A new plan like ``plan`` whose requirement is raised where its verification missed.

    In a missed cell the need becomes at least the heads the plan had there plus the
    correction (the Erlang A staffing on the contacts the simulation really offered, at least
    one more agent); other cells keep their need. Not committed; raises :class:`SourceError`
    when the plan has no finished verification with a correction.
    """
    job = plan.verify_job
    checked = job.result if job is not None and job.status == "done" else None
    if not checked or not any(any(v) for v in (checked.get("correction") or {}).values()):
        raise SourceError(str(_l("Simulate the plan first: there is no correction to apply.")))
    req = dict(plan.requirement)
    offset = req["offset"]
    heads = job.params["heads"]
    need = {}
    for g, values in req["need"].items():
        extra = checked["correction"].get(g) or []
        had = heads.get(g) or []
        raised = list(values)
        for k, more in enumerate(extra):
            if more and offset + k < len(raised):
                raised[offset + k] = max(float(raised[offset + k]), float(had[k] + more))
        need[g] = raised
    req["need"] = need
    copy = ShiftPlan(name=name[:160], owner_id=plan.owner_id,
                     source_label=str(_l("%(label)s, corrected by simulation",
                                         label=plan.source_label))[:400],
                     department_id=plan.department_id, starts_on=plan.starts_on, zone=plan.zone,
                     requirement_json=json.dumps(req), scenario_yaml=plan.scenario_yaml,
                     templates_json=plan.templates_json, time_limit=plan.time_limit)
    db.session.add(copy)
    db.session.flush()
    return copy


# --- publishing and the agent's view --------------------------------------------------------
def _clock_to_utc(plan: ShiftPlan, day: int, minute: int) -> datetime:
    local = datetime.combine(plan.starts_on, datetime.min.time()) + timedelta(days=day,
                                                                               minutes=minute)
    zone = zoneinfo.ZoneInfo(plan.zone)
    return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def publish(plan: ShiftPlan) -> int:
    """Replace the plan's published shifts with its roster; returns how many (not committed)."""
    roster = (result_of(plan) or {}).get("roster")
    if not roster:
        raise SourceError(str(_l("This plan has no roster of named agents to publish.")))
    allowed = {str(u.id) for u in agents_of(plan.department_id)}
    db.session.execute(RosterShift.__table__.delete().where(RosterShift.plan_id == plan.id))
    count = 0
    for x in roster["assignments"]:
        if x["agent_id"] not in allowed:
            continue  # left the department since the solve
        begin = _clock_to_utc(plan, x["day"], x["start"])
        db.session.add(RosterShift(plan_id=plan.id, user_id=int(x["agent_id"]),
                                   skill_group=x["group"], template=x["template"],
                                   starts_at=begin, ends_at=begin + timedelta(minutes=x["length"]),
                                   paid_minutes=x["paid_minutes"],
                                   breaks_json=json.dumps(x["breaks"])))
        count += 1
    plan.published_at = utcnow()
    rostered = sorted({int(x["agent_id"]) for x in roster["assignments"]
                       if x["agent_id"] in allowed})
    signals.roster_published.send("rostering", plan_id=plan.id, user_ids=rostered,
                                  first_day=plan.starts_on, published_at=plan.published_at)
    log.info("plan %s published: %d shifts", plan.id, count)
    return count


def shifts_of(user: User, since: datetime | None = None) -> list[RosterShift]:
    """The person's published shifts in time order (from ``since`` when given)."""
    query = select(RosterShift).where(RosterShift.user_id == user.id)
    if since is not None:
        query = query.where(RosterShift.ends_at >= since)
    return list(db.session.scalars(query.order_by(RosterShift.starts_at)))


def roster_rows(plan: ShiftPlan, lang: str = "zh") -> list[list]:
    """One row per rostered shift: name, group, template, date, start, end, paid hours, and
    the agent's measured proficiency (percent, "" when none) the solver used."""
    roster = (result_of(plan) or {}).get("roster") or {}
    names = {k: v["name"] for k, v in roster.get("agents", {}).items()}
    measured = {a["id"]: a.get("proficiency")
                for a in ((plan.job.params or {}).get("agents") or [] if plan.job else [])}
    titles = group_titles(plan, lang)
    rows = []
    for x in sorted(roster.get("assignments", []),
                    key=lambda x: (names.get(x["agent_id"], ""), x["day"], x["start"])):
        day = plan.starts_on + timedelta(days=x["day"] + (x["start"] // 1440))
        end = (x["start"] + x["length"]) % 1440
        score = measured.get(x["agent_id"])
        rows.append([names.get(x["agent_id"], ""), titles.get(x["group"], x["group"]),
                     shift_templates.label_of(x["template"]), day.isoformat(),
                     f"{x['start'] // 60 % 24:02d}:{x['start'] % 60:02d}",
                     f"{end // 60:02d}:{end % 60:02d}", round(x["paid_minutes"] / 60, 2),
                     f"{round(score * 100)} %" if score is not None else ""])
    return rows


# --- the feed address (the pattern of lms.calendar) -----------------------------------------
def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(user: User) -> str:
    """A new shift-feed address for the person (the old one stops); returns its token."""
    token = secrets.token_urlsafe(32)
    feed = db.session.get(RosterFeed, user.id)
    if feed is None:
        db.session.add(RosterFeed(user_id=user.id, token_hash=_hash(token)))
    else:
        feed.token_hash, feed.created_at = _hash(token), utcnow()
    return token


def user_for_token(token: str) -> User | None:
    """The active person whose live shift feed has ``token``, else None."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(select(RosterFeed).where(RosterFeed.token_hash == _hash(token)))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.active else None


def feed_of(user: User) -> RosterFeed | None:
    """The person's live shift feed, if any."""
    return db.session.get(RosterFeed, user.id)


def build_ics(user: User, shifts: list[RosterShift], site: str) -> bytes:
    """The person's shifts as an iCalendar feed (times in UTC)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//lms//rostering//")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", str(_l("My shifts")))
    for shift in shifts:
        event = Event()
        event.add("uid", f"shift-{shift.id}@{site}")
        event.add("dtstamp", datetime.now(UTC))
        event.add("dtstart", shift.starts_at.replace(tzinfo=UTC))
        event.add("dtend", shift.ends_at.replace(tzinfo=UTC))
        event.add("summary", str(_l("Shift: %(template)s",
                                    template=shift_templates.label_of(shift.template))))
        calendar.add_component(event)
    return calendar.to_ical()

