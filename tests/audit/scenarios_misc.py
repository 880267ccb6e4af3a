"""Audit scenarios for departments, user import, robots, drills and the evaluation imports.

Each scenario signs in, builds what the route needs, and returns ``(path, data, form_page)``
for a POST with valid data (see ``tests/audit/test_post_routes.py``). A route that starts a
job is run to the job's end by the test before the rows are read.
"""

from __future__ import annotations

import io

from sqlalchemy import select

from lms.auth.models import Department, User
from lms.extensions import db
from tests.factories import make_user

ROBOTS = "/notifications/webhooks"


def _departments(auth, app):
    auth.as_role("admin", department="Service Management")
    return "/admin/departments", {"name": "Hotline North", "parent": "0"}, "/admin/departments"


def _department(auth, app):
    auth.as_role("admin", department="Service Management")
    with app.app_context():
        east = Department.get_or_create("Hotline East")
        db.session.commit()
        east_id = east.id
    edit = f"/admin/departments/{east_id}"
    return edit, {"edit-name": "Hotline East Bay", "edit-parent": "0"}, edit


def _import_users(auth, app):
    auth.as_role("admin")
    csv_text = ("employee_no,name,department,roles,hired_on\n"
                "E3001,王芳,Hotline East,trainee,2026-11-02\n")
    return "/admin/users/import", {"file": (io.BytesIO(csv_text.encode()), "staff.csv")}, \
        "/admin/users/import"


def _robot(department_id: int, **changes) -> dict:
    return {"department_id": str(department_id), "provider": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=secret-token",
            "secret": "SECabc", "language": "zh", "kinds": ["assigned", "overdue"],
            "enabled": "y", **changes}


def _east(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Department.id).where(Department.name == "Hotline East"))


def _webhooks(auth, app):
    auth.as_role("admin")
    return ROBOTS, _robot(_east(app)), ROBOTS


def _robot_id(auth, app) -> tuple[int, int]:
    from lms.notify.models import DepartmentWebhook

    auth.as_role("admin")
    department_id = _east(app)
    assert auth.post(ROBOTS, _robot(department_id), form_page=ROBOTS).status_code == 302
    with app.app_context():
        return db.session.scalar(select(DepartmentWebhook.id)), department_id


def _edit_webhook(auth, app):
    robot_id, department_id = _robot_id(auth, app)
    return f"{ROBOTS}/{robot_id}/edit", _robot(department_id, secret="", language="en",
                                                kinds=["overdue"]), ROBOTS


def _delete_webhook(auth, app):
    robot_id, _department_id = _robot_id(auth, app)
    return f"{ROBOTS}/{robot_id}/delete", {}, ROBOTS


def _drills_manage(auth, app):
    auth.as_role("trainer")
    with app.app_context():
        trainee_id = make_user(roles=["trainee"]).id
    return "/drills/manage", {"scenario_id": "group_complaint_surge",
                              "trainee_id": str(trainee_id), "department_id": "0",
                              "compression": "60"}, "/drills/manage"


def _drills_control(auth, app):
    from tests.drills.factories import make_drill

    user_id = auth.as_role("trainee")
    with app.app_context():
        drill_id = make_drill(trainee=db.session.get(User, user_id)).id
    page = f"/drills/{drill_id}/play"
    return f"/drills/{drill_id}/control", {"command": "start"}, page


KPI_HEADER = "employee_no,month,response_on_time_rate,resolution_rate,satisfaction," \
             "complaint_rate\n"


def _import_kpis(auth, app):
    auth.as_role("trainer")
    with app.app_context():
        make_user(employee_no="E7001")
    body = (KPI_HEADER + "E7001,2026-10,98.5,96,92.5,0.3\n").encode()
    return "/evaluation/kpi/import", {"file": (io.BytesIO(body), "kpi.csv")}, \
        "/evaluation/kpi/import"


def _import_pairs(auth, app):
    auth.as_role("trainer")
    with app.app_context():
        make_user(employee_no="E7101")
    body = (b"employee_no,test,pre,post,max,completed_on\n"
            b"E7101,service-standards,40,85,100,2026-09-30\n")
    return "/evaluation/pairs/import", {"file": (io.BytesIO(body), "pairs.csv")}, \
        "/evaluation/pairs/import"


def _run_impact(auth, app):
    from tests.evaluation.factories import trained_cohort

    auth.as_role("planner")
    with app.app_context():
        trained_cohort()
    return "/evaluation/impact/run", {}, "/evaluation/impact"


MISC_SCENARIOS = {
    "admin.departments": _departments, "admin.department": _department,
    "admin.import_users": _import_users,
    "notify.webhooks": _webhooks, "notify.edit_webhook": _edit_webhook,
    "notify.delete_webhook": _delete_webhook,
    "drills.manage": _drills_manage, "drills.control": _drills_control,
    "evaluation.import_kpis": _import_kpis, "evaluation.import_pairs": _import_pairs,
    "evaluation.run_impact": _run_impact,
}
