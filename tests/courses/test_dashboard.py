"""The trainer dashboard counts enrolments per course, path and department, and exports them."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from openpyxl import load_workbook

from lms.auth.models import User
from lms.courses import dashboard, progress
from lms.courses.models import LearningPath, PathItem
from lms.extensions import db
from tests.courses.factories import assign_to, make_course
from tests.factories import make_user


def _scene():
    """Course A assigned to three people in two departments: one done, one started, one late."""
    course = make_course(**{"exam_passed: true": "exam_passed: false"})
    done = make_user(department="Hotline East", name="Done")
    started = make_user(department="Hotline East", name="Started")
    late = make_user(department="Field Service South", name="Late")
    assign_to(course, done, started)
    assign_to(course, late, due_in_days=-2)
    for lesson in course.lessons:
        progress.record_view(done.id, lesson)
    progress.record_view(started.id, course.lessons[0])
    db.session.commit()
    return course, done, started, late


def test_figures_per_course_and_department(app_ctx):
    course, *_ = _scene()
    rows = dashboard.enrolments()
    (figures,) = dashboard.by_course(rows)
    assert (figures.enrolled, figures.completed, figures.in_progress, figures.overdue) == (
        3, 1, 1, 1)
    assert figures.average == round((100 + 50 + 0) / 3)
    departments = {f.key: f for f in dashboard.by_department(rows)}
    assert departments["Hotline East"].enrolled == 2
    assert departments["Field Service South"].overdue == 1
    assert [row.user.name for row in dashboard.overdue(rows)] == ["Late"]


def test_figures_per_path(app_ctx):
    course = make_course(**{"exam_passed: true": "exam_passed: false"})
    path = LearningPath(slug="p", kind="onboarding", title={"zh": "路径", "en": "Path"},
                        summary={"zh": "", "en": ""}, planned_hours=1,
                        items=[PathItem(course=course, position=0)])
    db.session.add(path)
    a, b = make_user(), make_user()
    assign_to(path, a, b)
    progress.record_view(a.id, course.lessons[0])
    (figures,) = dashboard.by_path()
    assert (figures.enrolled, figures.in_progress, figures.completed) == (2, 1, 0)
    assert figures.average == 25


def test_dashboard_page_and_person_drill_down(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        _scene()
        late_id = db.session.scalar(db.select(User.id).where(User.name == "Late"))
    body = client.get("/courses/manage/dashboard").get_data(as_text=True)
    assert "回访基础" in body and 'id="overdue"' in body and "Late" in body
    assert "<svg" in body
    person = client.get(f"/courses/manage/dashboard/people/{late_id}").get_data(as_text=True)
    assert "回访基础" in person and "已逾期" in person


def test_csv_and_xlsx_exports_hold_every_enrolment(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        _scene()
    response = client.get("/courses/manage/dashboard/export.csv")
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table[0][:3] in (["工号", "姓名", "部门"], ["Employee number", "Name", "Department"])
    assert not {"completed", "in_progress", "not_started", "yes", "no"} & {
        cell for row in table[1:] for cell in row}
    assert sorted(row[1] for row in table[1:]) == ["Done", "Late", "Started"]
    assert {row[1]: row[5] for row in table[1:]} == {"Done": "100", "Started": "50", "Late": "0"}
    xlsx = client.get("/courses/manage/dashboard/export.xlsx?only=overdue")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "Late"
    assert rows[1][4] == (date.today() - timedelta(days=2)).isoformat()
