"""Audit scenarios for the rostering pages about people and shifts, and for team drills.

Each returns ``(path, data, form_page)`` for a POST with valid data (see
``test_post_routes.py``).
"""

from __future__ import annotations

import datetime as dt

from lms.extensions import db
from tests.factories import make_user

CONTRACT = {"kind": "part_time", "min_hours": "16", "max_hours": "24", "max_days": "4",
            "max_consecutive_days": "4"}
TEMPLATE = {"name": "Evening", "start_earliest": "17:00", "start_latest": "18:00",
            "step": "60", "length_hours": "4", "lunch": "0", "lunch_after": "2",
            "weekdays": [str(d) for d in range(7)], "cost_per_hour": "1.2"}


def _contract(auth, app):
    auth.as_role("planner")
    with app.app_context():
        person_id = make_user(name="Ann Agent").id
    return f"/rostering/people/{person_id}", CONTRACT, f"/rostering/people/{person_id}"


def _day_off(app, status: str = "requested") -> int:
    from lms.rostering.models import DayOffRequest

    with app.app_context():
        person = make_user(name="Bo Agent")
        row = DayOffRequest(user_id=person.id, day=dt.date.today() + dt.timedelta(days=5),
                            status=status)
        db.session.add(row)
        db.session.commit()
        return row.id


def _decide(auth, app):
    auth.as_role("planner")
    return (f"/rostering/requests/{_day_off(app)}", {"decision": "approve"},
            "/rostering/requests")


def _ask(auth, app):
    auth.as_role("trainee")
    day = (dt.date.today() + dt.timedelta(days=4)).isoformat()
    return "/rostering/mine/days-off", {"day": day, "reason": "family"}, "/rostering/mine"


def _withdraw(auth, app):
    from lms.rostering.models import DayOffRequest

    user_id = auth.as_role("trainee")
    with app.app_context():
        row = DayOffRequest(user_id=user_id, day=dt.date.today() + dt.timedelta(days=6))
        db.session.add(row)
        db.session.commit()
        request_id = row.id
    return f"/rostering/mine/days-off/{request_id}/withdraw", {}, "/rostering/mine"


def _new_template(auth, app):
    auth.as_role("planner")
    return "/rostering/templates", TEMPLATE, "/rostering/templates"


def _delete_template(auth, app):
    path, data, form_page = _new_template(auth, app)
    assert auth.post(path, data, form_page=form_page).status_code == 302
    from lms.rostering.models import OwnShiftTemplate

    with app.app_context():
        template_id = db.session.query(OwnShiftTemplate).one().id
    return f"/rostering/templates/{template_id}/delete", {}, "/rostering/templates"


def _resolve(auth, app):
    """A plan solved on half the need, simulated: it misses, so there is a correction."""
    import json

    from lms import jobs
    from lms.auth.models import User
    from lms.rostering import service

    owner_id = auth.as_role("planner")
    with app.app_context():
        plan = service.create_plan(db.session.get(User, owner_id), "Thin", "default",
                                   ["early", "day", "late", "part"], None,
                                   dt.date(2030, 1, 7), "Asia/Shanghai", 3)
        req = plan.requirement
        req["need"] = {g: [v / 2 for v in values] for g, values in req["need"].items()}
        plan.requirement_json = json.dumps(req)
        db.session.commit()
        plan.job_id = jobs.submit("rostering.solve", service.solve_params(plan), owner_id,
                                  inline=True).id
        plan.verify_job_id = jobs.submit("rostering.verify", service.verify_params(plan),
                                         owner_id, inline=True).id
        db.session.commit()
        plan_id = plan.id
    return f"/rostering/{plan_id}/resolve", {}, f"/rostering/{plan_id}"


def _team_drill(auth, app):
    auth.as_role("trainer")
    with app.app_context():
        trainee_id = make_user(roles=["trainee"]).id
    return "/drills/team", {"scenario_id": "group_complaint_surge", "compression": "60",
                            "members-0-trainee_id": str(trainee_id),
                            "members-0-role": "duty_supervisor"}, "/drills/team"


def _add_participant(auth, app):
    from lms.auth.models import User
    from lms.drills import service

    trainer_id = auth.as_role("trainer")
    with app.app_context():
        supervisor = make_user(roles=["trainee"])
        officer_id = make_user(roles=["trainee"]).id
        drill = service.schedule_team(db.session.get(User, trainer_id), "group_complaint_surge",
                                      [(supervisor, "duty_supervisor", None)], 60)
        db.session.commit()
        drill_id = drill.id
    return (f"/drills/{drill_id}/room/participants",
            {"trainee_id": str(officer_id), "role": "communications_officer"},
            f"/drills/{drill_id}/room")


def _callback(auth, app):
    auth.as_role("trainee")
    with app.app_context():
        colleague_id = make_user(name="Zhou Colleague").id
    when = (dt.datetime.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return "/callbacks/", {"handler_id": str(colleague_id), "case_ref": "A-1",
                           "called_at": when, "solved": "yes", "professional": "5",
                           "satisfied": "4", "improve": ""}, "/callbacks/"


PEOPLE_SCENARIOS = {
    "callbacks.index": _callback,
    "rostering.contract": _contract, "rostering.decide": _decide,
    "rostering.ask_day_off": _ask, "rostering.withdraw_day_off": _withdraw,
    "rostering.shift_templates_page": _new_template,
    "rostering.delete_template": _delete_template, "rostering.resolve": _resolve,
    "drills.schedule_team": _team_drill, "drills.room_participants": _add_participant,
}
