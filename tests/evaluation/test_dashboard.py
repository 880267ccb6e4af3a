"""Dashboard, drill-down, staff assessment, survey, events, impact and the PDF report."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lms.auth.models import User
from lms.evaluation import kpis, report, service
from lms.evaluation.models import EvaluationEvent, SurveyResponse
from lms.evaluation.service import Filters
from lms.extensions import db
from lms.signals import activity_result
from tests.evaluation.factories import kpi_month, trained_cohort
from tests.factories import make_user


def test_signals_from_any_sender_are_kept(app_ctx):
    user = make_user()
    activity_result.send("emergency_drill", user_id=user.id, ref="drill:flood", score=0.7,
                         passed=True, at=datetime(2026, 10, 5, tzinfo=UTC))
    db.session.commit()
    event = db.session.scalar(select(EvaluationEvent))
    assert event.sender == "emergency_drill" and event.score == 0.7
    level3 = service.level3(Filters())
    assert level3["drills"] == {"2026-10": pytest.approx(0.7)}


def test_level2_gain_and_level4_comparisons(app_ctx):
    trained_cohort()
    level2 = service.level2(Filters())
    # per trainee g = (post - pre) / (100 - pre): 40/60, 38/55, 36/50, 34/45
    expected = (40 / 60 + 38 / 55 + 36 / 50 + 34 / 45) / 4
    assert level2["overall"].mean_gain == pytest.approx(expected)
    rows = kpis.kpi_rows(Filters())
    result = kpis.comparisons(rows)
    satisfaction = dict((t.key, c) for t, c in result["before_after"])["satisfaction"]
    assert satisfaction.difference == pytest.approx(5.0)
    assert "observational" in result["caution"]["en"]


def test_staff_assessment_names_who_meets_every_target(app_ctx):
    good, weak = make_user(employee_no="E1"), make_user(employee_no="E2")
    kpi_month(good, "2026-10")
    kpi_month(weak, "2026-10", complaints=0.9)
    result = kpis.staff_assessment(kpis.kpi_rows(Filters()), "2026-10")
    assert result["meets_all"] == 1
    assert [s.employee_no for s, _ in result["stars"]] == ["E1"]


def test_survey_is_answered_once_and_shows_in_results(client, auth, app):
    from tests.courses.factories import assign_to, make_course

    user_id = auth.as_role("trainee")
    with app.app_context():  # the survey is for people the course is assigned to
        assign_to(make_course("service-basics"), db.session.get(User, user_id))
    page = "/evaluation/survey/course:service-basics"
    assert client.get(page).status_code == 200
    incomplete = auth.post(page, {"relevance_daily_work": "5"}, form_page=page)
    assert incomplete.status_code == 400
    from lms.evaluation.content import load_survey

    answers = {key: "4" for key in load_survey().likert_keys}
    answers[load_survey().free_text[0].key] = "多一些真实录音案例"
    assert auth.post(page, answers, form_page=page).status_code == 302
    again = client.get(page).get_data(as_text=True)
    assert 'id="survey-done"' in again
    with app.app_context():
        assert db.session.query(SurveyResponse).count() == 1
        assert db.session.scalar(select(EvaluationEvent.sender)) == "survey"
        level1 = service.level1(Filters())
        assert level1["all"].overall == pytest.approx(4.0)
        assert level1["courses"][0].label == "course:service-basics"
        assert level1["all"].comments == ["多一些真实录音案例"]


def test_dashboard_person_staff_and_pdf(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        people = trained_cohort()
        person_id = people[0].id
    page = client.get("/evaluation/").get_data(as_text=True)
    assert "第二层" in page or "Level 2" in page
    assert "<svg" in page and "service-standards" in page
    person = client.get(f"/evaluation/people/{person_id}").get_data(as_text=True)
    assert "2026-09" in person and "2026-10" in person
    staff = client.get("/evaluation/staff?month=2026-10")
    assert staff.status_code == 200
    response = client.get("/evaluation/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "培训效果评估报告" in text and "人" in text


def test_every_chart_with_intervals_has_them_in_a_table_beside_it(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        people = trained_cohort()
        for user, score in zip(people, (0.6, 0.8, 0.7, 0.9), strict=False):
            activity_result.send("emergency_drill", user_id=user.id, ref="drill:flood",
                                 score=score, passed=True, at=datetime(2026, 10, 5, tzinfo=UTC))
        db.session.commit()
        level3 = report.dashboard(Filters())["level3_table"]
    page = client.get("/evaluation/").get_data(as_text=True)
    assert 'class="ci"' in page  # level-2 bars carry their interval whiskers
    assert 'id="gain-table"' in page and 'id="level3-table"' in page
    october = next(r for r in level3 if r["month"] == "2026-10" and r["n"] == 4)
    assert october["mean"] == pytest.approx(75.0)
    # t interval, 3 degrees of freedom: 75 ± 3.182 * sd(60, 80, 70, 90) / 2
    assert october["high"] - 75.0 == pytest.approx(3.1824 * 12.9099 / 2, rel=1e-3)
    assert f"{october['low']:.0f} – {october['high']:.0f}" in page
