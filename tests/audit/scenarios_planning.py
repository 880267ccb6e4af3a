"""Audit scenarios for the planner's routes: scenarios, runs, forecasts and rosters.

Each scenario signs in as a planner, builds what the route needs, and returns
``(path, data, form_page)`` for a POST with valid data (see ``test_post_routes.py``). A route
that starts a job is run to the job's end by the test before the rows are read.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

from sqlalchemy import select

from lms import jobs
from lms.auth.models import User
from lms.extensions import db
from tests.forecast.synth import rows, weekly
from tests.planning.factories import make_scenario

MONDAY = dt.date(2026, 7, 6)


def _scenario(auth, app, **fields) -> tuple[int, int]:
    """(planner id, scenario id) of a small scenario of the signed-in planner."""
    user_id = auth.as_role("planner")
    with app.app_context():
        return user_id, make_scenario(db.session.get(User, user_id), **fields).id


def _form_data(client, path: str) -> dict:
    """The form as the page shows it (every field with its current value)."""
    html = client.get(path).get_data(as_text=True)
    fields = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', html))
    fields.update((name, value) for value, name in
                  re.findall(r'value="([^"]*)"[^>]*name="([^"]+)"', html) if name not in fields)
    fields.pop("csrf_token", None)
    return fields


def _yaml_of(app, scenario_id: int) -> str:
    from lms.planning.models import PlanningScenario

    with app.app_context():
        return db.session.get(PlanningScenario, scenario_id).yaml_text


def _copy_library(auth, app):
    auth.as_role("planner")
    return "/planning/library/stationary_single_queue/copy", {"name": "x"}, "/planning/"


def _edit(auth, app):
    _user, scenario_id = _scenario(auth, app)
    path = f"/planning/scenarios/{scenario_id}/edit"
    return path, {**_form_data(auth.client, path), "queues-0-calls_per_day": "9000"}, path


def _edit_tables(auth, app):
    _user, scenario_id = _scenario(auth, app)
    path = f"/planning/scenarios/{scenario_id}/tables"
    return path, {**_form_data(auth.client, path), "staff-agents-0": "60"}, path


def _edit_yaml(auth, app):
    _user, scenario_id = _scenario(auth, app)
    path = f"/planning/scenarios/{scenario_id}/yaml"
    text = _yaml_of(app, scenario_id).replace("warmup_hours: 0.5", "warmup_hours: 1.0")
    return path, {"name": "Weekday", "yaml_text": text}, path


def _new_yaml(auth, app):
    _user, scenario_id = _scenario(auth, app)
    return "/planning/scenarios/new", {"name": "From YAML",
                                       "yaml_text": _yaml_of(app, scenario_id)}, \
        "/planning/scenarios/new"


def _make_variant(auth, app):
    _user, scenario_id = _scenario(auth, app)
    page = f"/planning/scenarios/{scenario_id}"
    return f"{page}/variant", {"name": "More staff"}, page


def _delete(auth, app):
    _user, scenario_id = _scenario(auth, app)
    page = f"/planning/scenarios/{scenario_id}"
    return f"{page}/delete", {"name": "x"}, page


def _import_history(auth, app):
    auth.as_role("planner")
    lines = "".join(f"2026-11-0{d},{h:02d}:00,{100 + h},{90 + h},240\n"
                    for d in (2, 9) for h in range(8, 20))
    body = ("date,interval_start,offered,handled,aht\n" + lines).encode()
    return "/planning/import", {"file": (io.BytesIO(body), "history.csv"),
                                "base": "lib:stationary_single_queue", "queue": "consultation",
                                "weekday": "0", "scale": "1.2", "name": "Mondays"}, \
        "/planning/import"


def _run(auth, app):
    _user, scenario_id = _scenario(auth, app)
    page = f"/planning/scenarios/{scenario_id}"
    return f"{page}/run", {"replications": "2", "seed": "4"}, page


def _staffing(auth, app):
    _user, scenario_id = _scenario(auth, app)
    page = f"/planning/scenarios/{scenario_id}"
    return f"{page}/staffing", {"replications": "2", "seed": "3"}, page


def _compare(auth, app):
    user_id, scenario_id = _scenario(auth, app)
    with app.app_context():
        other = make_scenario(db.session.get(User, user_id), "More staff", agents=60).id
    return "/planning/compare", {"scenario_ids": [str(scenario_id), str(other)],
                                 "replications": "2", "seed": "1"}, "/planning/compare"


def _run_cancel(auth, app):
    from lms.jobs.models import Job
    from lms.planning import control
    from lms.planning.models import PlanningRun

    user_id, scenario_id = _scenario(auth, app)
    with app.app_context():
        token = control.new_token()
        job = Job(kind="planning.simulate", owner_id=user_id, status="queued", progress=0.0,
                  params_json=json.dumps({"yaml": _yaml_of(app, scenario_id), "seed": 1,
                                          "replications": 4, "control": token}))
        db.session.add(job)
        db.session.commit()
        run = PlanningRun(kind="simulate", owner_id=user_id, job_id=job.id, seed=1,
                          replications=4, scenario_ids_json="[]", label="Slow",
                          control_token=token)
        db.session.add(run)
        db.session.commit()
        run_id = run.id
    return f"/planning/runs/{run_id}/cancel", {}, f"/planning/runs/{run_id}"


# --- workforce ------------------------------------------------------------------------------

def _csv(data: list[dict]) -> bytes:
    head = "date,interval_start,queue,offered,handled,aht\n"
    return (head + "".join(f"{r['date']},{r['interval_start']},{r['queue']},{r['offered']},"
                           f"{r['handled']},{r['aht']}\n" for r in data)).encode()


def _history(auth, app) -> tuple[int, int]:
    """(planner id, history id) of five weeks of half-hourly calls."""
    from lms.workforce import service

    user_id = auth.as_role("planner")
    with app.app_context():
        stored = service.import_history(db.session.get(User, user_id), "July",
                                        rows(MONDAY, 35, weekly(600.0), seed=2))
        db.session.commit()
        return user_id, stored.id


def _forecast(auth, app) -> int:
    from lms.workforce import service
    from lms.workforce.models import WorkforceHistory

    user_id, history_id = _history(auth, app)
    with app.app_context():
        found = service.start_forecast(db.session.get(User, user_id),
                                       db.session.get(WorkforceHistory, history_id),
                                       method="holt_winters", horizon_days=14, holdout_days=7,
                                       inline=True)
        assert found.job.status == "done", found.job.error
        return found.id


def _upload(auth, app):
    auth.as_role("planner")
    return "/workforce/history/upload", {
        "file": (io.BytesIO(_csv(rows(MONDAY, 35, weekly(600.0), seed=2))), "history.csv"),
        "name": "July"}, "/workforce/history/upload"


def _load_sample(auth, app):
    auth.as_role("planner")
    return "/workforce/history/sample", {}, "/workforce/"


def _delete_history(auth, app):
    _user, history_id = _history(auth, app)
    page = f"/workforce/history/{history_id}"
    return f"{page}/delete", {}, page


def _start(auth, app):
    _user, history_id = _history(auth, app)
    page = f"/workforce/history/{history_id}"
    return f"{page}/forecast", {"horizon_days": "14", "method": "holt_winters",
                                "holdout_days": "7"}, page


def _make_scenario(auth, app):
    path = f"/workforce/forecasts/{_forecast(auth, app)}/scenario"
    return path, {"name": "From the forecast", "base": "lib:full_week",
                  "first_day": "2026-08-10", "days": "7"}, path


def _intraday(auth, app):
    from lms.workforce.models import WorkforceForecast

    forecast_id = _forecast(auth, app)
    with app.app_context():
        result = db.session.get(WorkforceForecast, forecast_id).job.result
        planned = result["forecast"]["queues"]["consultation"]["offered"][0]
    path = f"/workforce/forecasts/{forecast_id}/intraday?queue=consultation&day=2026-08-10"
    lines = "\n".join(f"{8 + s // 2:02d}:{30 * (s % 2):02d}, {round(planned[16 + s] * 1.5)}"
                      for s in range(10))
    return path, {"queue": "consultation", "day": "2026-08-10", "actuals": lines}, path


EVENT = {"name": "Double 11", "kind": "sales", "first_day": "2026-11-10",
         "last_day": "2026-11-12", "volume_factor": "1.5", "aht_factor": "1"}


def _event(auth, app) -> int:
    from lms.workforce.models import WorkforceEvent

    auth.as_role("planner")
    assert auth.post("/workforce/events", EVENT, form_page="/workforce/events").status_code \
        == 302
    with app.app_context():
        return db.session.scalar(select(WorkforceEvent.id))


def _events(auth, app):
    auth.as_role("planner")
    return "/workforce/events", {**EVENT, "queues": ["consultation"]}, "/workforce/events"


def _edit_event(auth, app):
    edit = f"/workforce/events/{_event(auth, app)}/edit"
    return edit, {**EVENT, "name": "Double 11 peak", "volume_factor": "1.6"}, edit


def _delete_event(auth, app):
    return f"/workforce/events/{_event(auth, app)}/delete", {}, "/workforce/events"


# --- rostering ------------------------------------------------------------------------------

def _tiny_plan(app, owner_id: int) -> int:
    """A solved plan of one group needing 2 heads 09:00-13:00, for agents of Hotline East."""
    from lms.auth.models import Department
    from lms.rostering import service
    from lms.rostering.models import ShiftPlan
    from tests.factories import make_user

    with app.app_context():
        make_user(name="Ann Agent")
        make_user(name="Bo Agent")
        department = db.session.scalar(select(Department).where(
            Department.name == "Hotline East"))
        need = [0.0] * 9 + [2.0] * 4 + [0.0] * 4
        requirement = {"groups": ["frontline"], "interval_minutes": 60, "offset": 8,
                       "n_intervals": 9, "labels": [f"{h:02d}:00" for h in range(8, 17)],
                       "need": {"frontline": need}}
        plan = ShiftPlan(name="Tiny", owner_id=owner_id, source_label="test",
                         department_id=department.id, starts_on=dt.date(2030, 1, 7),
                         zone="Asia/Shanghai", requirement_json=json.dumps(requirement),
                         scenario_yaml="", templates_json=json.dumps(["part"]), time_limit=3)
        db.session.add(plan)
        db.session.commit()
        plan.job_id = jobs.submit("rostering.solve", service.solve_params(plan), owner_id,
                                  inline=True).id
        db.session.commit()
        return plan.id


def _rostering_index(auth, app):
    auth.as_role("planner")
    return "/rostering/", {"name": "Weekday", "source": "default",
                           "templates": ["early", "day", "late", "part"], "department": "0",
                           "starts_on": "2030-01-07", "time_limit": "3"}, "/rostering/"


def _publish(auth, app):
    plan_id = _tiny_plan(app, auth.as_role("planner"))
    return f"/rostering/{plan_id}/publish", {}, f"/rostering/{plan_id}"


def _verify(auth, app):
    from lms.rostering.models import ShiftPlan

    path, data, form_page = _rostering_index(auth, app)
    response = auth.post(path, data, form_page=form_page)
    plan_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        jobs.wait(db.session.get(ShiftPlan, plan_id).job_id, timeout=60)
    return f"/rostering/{plan_id}/verify", {}, f"/rostering/{plan_id}"


PLANNING_SCENARIOS = {
    "planning.copy_library": _copy_library, "planning.edit": _edit,
    "planning.edit_tables": _edit_tables, "planning.edit_yaml": _edit_yaml,
    "planning.new_yaml": _new_yaml, "planning.make_variant": _make_variant,
    "planning.delete": _delete, "planning.import_history": _import_history,
    "planning.run": _run, "planning.staffing": _staffing, "planning.compare": _compare,
    "planning.run_cancel": _run_cancel,
    "workforce.upload": _upload, "workforce.load_sample": _load_sample,
    "workforce.delete_history": _delete_history, "workforce.start": _start,
    "workforce.make_scenario": _make_scenario, "workforce.intraday": _intraday,
    "workforce.events": _events, "workforce.edit_event": _edit_event,
    "workforce.delete_event": _delete_event,
    "rostering.index": _rostering_index, "rostering.publish": _publish,
    "rostering.verify": _verify,
}
