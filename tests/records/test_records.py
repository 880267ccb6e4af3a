"""The learner record and gradebook: what the database holds, access, filters, exports."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from lms.auth.models import User
from lms.courses.models import Course
from lms.exams import grading
from lms.exams.models import Exam
from lms.extensions import db
from lms.records import service
from tests.factories import make_user
from tests.records.factories import CHINESE_NAME, learner_with_history


def _login_as(app, auth, user_id):
    with app.app_context():
        username = db.session.get(User, user_id).username
    assert auth.login(username).status_code == 302


def test_the_record_shows_what_the_database_holds(app_ctx):
    history = learner_with_history()
    record = service.learner_record(history.person_id)

    assert record["person"]["name"] == CHINESE_NAME
    course = next(c for c in record["courses"]
                  if c["title"]["en"] == "Shadowing and on-site practice")
    assert course["status"] == "completed" and course["completed_at"] is not None
    exam = next(e for e in record["exams"] if e["title"] == history.exam_title)
    # highest of 100 % and 0 %, as the exams feature itself computes it
    exam_row = db.session.get(Exam, history.exam_id)
    assert (exam["score"], exam["passed"]) == grading.exam_result(
        exam_row, history.person_id) == (1.0, True)
    assert exam["attempts_used"] == 2 and exam["attempts_allowed"] == 3
    assert record["hours"]["offline_done"] == 8.0
    assert [d["score"] for d in record["drills"]] == [0.9]
    assert len(record["surveys"]) == 1 and record["surveys"][0]["title"]["en"]
    assert [(c["code"], c["state"]) for c in record["certificates"]] == [
        (history.certificate_code, "valid")]
    # plain data only: no ORM object anywhere in the record
    def walk(value):
        assert not isinstance(value, db.Model), value
        for item in (value.values() if isinstance(value, dict) else
                     value if isinstance(value, list) else []):
            walk(item)
    walk(record)


def test_hours_count_completed_online_courses_and_attendance_against_the_path(app_ctx):
    from lms.courses.models import LearningPath, PathItem
    from lms.courses.models_progress import CourseCompletion
    from tests.courses.factories import assign_to, make_course
    from tests.courses.factories import make_exam as course_exam

    history = learner_with_history()
    onsite = db.session.get(Course, history.course_id)
    course_exam()
    online_course = make_course()
    path = LearningPath(slug="record-path", title={"zh": "入职路径", "en": "Onboarding path"},
                        summary={"zh": "", "en": ""}, planned_hours=0)
    path.items = [PathItem(course=onsite, position=0), PathItem(course=online_course,
                                                                position=1)]
    db.session.add(path)
    db.session.commit()
    person = db.session.get(User, history.person_id)
    assign_to(path, person)
    planned = [service.course_hours(c) for c in (onsite, online_course)]
    before = service.learner_record(person.id)["hours"]
    assert before["online_planned"] == round(sum(p[0] for p in planned), 2)
    assert before["offline_planned"] == round(sum(p[1] for p in planned), 2) > 0
    assert before["offline_done"] == 8.0
    assert before["online_done"] == planned[0][0]  # only the completed on-site course
    db.session.add(CourseCompletion(user_id=person.id, course_id=online_course.id))
    db.session.commit()
    after = service.learner_record(person.id)
    assert after["hours"]["online_done"] == round(planned[0][0] + planned[1][0], 2)
    assert after["hours"]["paths"] == [path.title]
    statuses = {c["title"]["en"]: c["status"] for c in after["courses"]}
    assert statuses[online_course.title["en"]] == "completed"


def test_a_trainee_sees_only_their_own_record(app, client, auth):
    with app.app_context():
        history = learner_with_history()
        other = make_user(roles=["trainee"]).id
    _login_as(app, auth, history.person_id)
    page = client.get("/records/me")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert CHINESE_NAME in text and "100.0 %" in text and history.certificate_code in text
    assert "onsite-practice" not in text  # titles, not slugs
    assert client.get(f"/records/people/{history.person_id}").status_code == 200
    for path in (f"/records/people/{other}", f"/records/people/{other}/pdf",
                 f"/records/people/{other}/xlsx", "/records/gradebook",
                 "/records/gradebook/xlsx"):
        assert client.get(path).status_code == 403, path


def test_a_trainer_opens_anyones_record_and_the_gradebook(app, client, auth):
    with app.app_context():
        history = learner_with_history()
    _login_as(app, auth, history.trainer_id)
    page = client.get(f"/records/people/{history.person_id}")
    assert page.status_code == 200 and CHINESE_NAME in page.get_data(as_text=True)
    assert client.get("/records/people/999999").status_code == 404
    assert CHINESE_NAME in client.get("/records/gradebook").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/records/gradebook"' in home and "成绩册" in home


def test_the_gradebook_filters_by_department_and_hire_month(app, client, auth):
    with app.app_context():
        learner_with_history()
        make_user(roles=["trainee"], name="李四", department="Hotline West",
                  hired_on=date(2026, 5, 11))
        east = db.session.scalar(db.select(User).where(User.name == CHINESE_NAME)).department_id
        west = db.session.scalar(db.select(User).where(User.name == "李四")).department_id
    auth.as_role("trainer")
    both = client.get("/records/gradebook").get_data(as_text=True)
    assert CHINESE_NAME in both and "李四" in both
    only_west = client.get(f"/records/gradebook?department={west}").get_data(as_text=True)
    assert "李四" in only_west and CHINESE_NAME not in only_west
    only_east = client.get(f"/records/gradebook?department={east}").get_data(as_text=True)
    assert CHINESE_NAME in only_east and "李四" not in only_east
    march = client.get("/records/gradebook?cohort=2026-03").get_data(as_text=True)
    assert CHINESE_NAME in march and "李四" not in march
    refused = client.get("/records/gradebook?cohort=March")
    assert refused.status_code == 400 and "March" in refused.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/records/people/{id}/xlsx", "/records/gradebook/xlsx"])
def test_xlsx_exports_open_and_hold_the_chinese_name(app, client, auth, path):
    with app.app_context():
        history = learner_with_history()
    _login_as(app, auth, history.trainer_id)
    response = client.get(path.format(id=history.person_id))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row]
    assert CHINESE_NAME in cells


def test_the_record_pdf_prints_the_chinese_name(app, client, auth):
    with app.app_context():
        history = learner_with_history()
    _login_as(app, auth, history.person_id)
    response = client.get(f"/records/people/{history.person_id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert CHINESE_NAME in text


def test_renewal_due_and_a_revoked_certificate_show_in_record_and_gradebook(app_ctx):
    from datetime import timedelta

    from lms.auth.models import utcnow
    from lms.courses.models_progress import CourseCompletion
    from lms.exams import certificates

    history = learner_with_history()
    row = db.session.get(CourseCompletion, (history.person_id, history.course_id))
    row.renewal_opens_at = utcnow() - timedelta(days=1)
    certificates.revoke(certificates.by_code(history.certificate_code), "manual")
    db.session.commit()
    record = service.learner_record(history.person_id)
    assert [c["status"] for c in record["courses"]] == ["renewal_due"]
    assert [c["state"] for c in record["certificates"]] == ["revoked"]
    row = service.summary(record)
    assert (row["courses_renewal_due"], row["certificates_valid"]) == (1, 0)


def test_pages_speak_the_persons_language_and_the_navigation_leads_there(app, client, auth):
    with app.app_context():
        history = learner_with_history()
        db.session.get(User, history.person_id).locale = "en"
        db.session.commit()
    _login_as(app, auth, history.person_id)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/records/me"' in home and "My record" in home
    text = client.get("/records/me").get_data(as_text=True)
    assert "Shadowing and on-site practice" in text and "Completed" in text
    assert "Highest attempt" in text and "Offline hours" in text


def test_the_gradebook_pages_through_trainees(app, client, auth, monkeypatch):
    monkeypatch.setattr(service, "PAGE_SIZE", 1)
    with app.app_context():
        make_user(roles=["trainee"], name="甲一")
        make_user(roles=["trainee"], name="乙二")
    auth.as_role("trainer", name="Trainer T")
    first = client.get("/records/gradebook").get_data(as_text=True)
    second = client.get("/records/gradebook?page=2").get_data(as_text=True)
    assert ("甲一" in first) != ("甲一" in second) and ("乙二" in first) != ("乙二" in second)
    assert "page=2" in first
