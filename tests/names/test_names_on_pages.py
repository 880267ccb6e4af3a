"""Evaluation and planning pages name courses, tests, scenarios and exports by their titles.

A reference ("course:callback-basics", an exam slug) is shown as the title of what it names in
the reader's language; a title missing in that language is shown in the other one with a
marker; a shipped scenario copied in Chinese is called by its English title in English.
"""

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from lms.auth.models import User
from lms.evaluation.models import SurveyResponse
from lms.extensions import db
from tests.courses.factories import make_course, make_exam
from tests.evaluation.factories import pair
from tests.factories import make_user
from tests.names.crawl import read_page


def _visible(response) -> str:
    parts, _links = read_page(response.get_data(as_text=True))
    return " | ".join(parts)


def _set_language(app, username: str, lang: str) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        user.locale = lang
        db.session.commit()


def _evaluation_data(app) -> dict:
    with app.app_context():
        course = make_course("callback-basics")
        make_exam("complaint-basics", title={"zh": "投诉处理基础测验", "en": ""})
        for i in range(3):
            person = make_user(roles=["trainee"])
            pair(person, 40 + i, 80 + i, test="complaint-basics")
            db.session.add(SurveyResponse(user_id=person.id, course_ref="course:callback-basics",
                                          answers={"q1": 4}, free_text={}))
        db.session.commit()
        return {"zh": course.title["zh"], "en": course.title["en"]}


def test_evaluation_pages_and_pdf_show_titles_not_references(app, client, auth):
    course = _evaluation_data(app)
    auth.as_role("trainer", username="evaluator")
    _set_language(app, "evaluator", "zh")
    page = _visible(client.get("/evaluation/"))
    assert course["zh"] in page and "投诉处理基础测验" in page
    assert "callback-basics" not in page and "complaint-basics" not in page
    assert "target:" not in page
    pdf = client.get("/evaluation/report.pdf?course=complaint-basics")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "投诉处理基础测验" in text and "complaint-basics" not in text
    assert "course=" not in text


def test_a_title_only_in_chinese_is_marked_in_the_english_ui(app, client, auth):
    course = _evaluation_data(app)
    auth.as_role("trainer", username="reader")
    _set_language(app, "reader", "en")
    page = _visible(client.get("/evaluation/"))
    assert course["en"] in page
    assert "投诉处理基础测验 (中文)" in page


def test_proficiency_help_names_no_setting_variable(app, client, auth):
    _evaluation_data(app)
    auth.as_role("planner")
    page = _visible(client.get("/evaluation/impact"))
    assert "EVALUATION_PROFICIENCY_ANCHORS" not in page and "服务器配置" in page


def _planner_with_run(app, lang: str):
    from lms.demo import load_users
    from lms.planning import demo

    with app.app_context():
        load_users()
        demo.load()
    _set_language(app, "planner", lang)


def test_run_page_export_buttons_are_named_in_words(app, client, auth):
    _planner_with_run(app, "zh")
    auth.login("planner", app.config["DEMO_PASSWORD"])
    page = _visible(client.get("/planning/runs/1"))
    assert "KPI 汇总（CSV）" in page and "按坐席组（Excel）" in page
    assert not re.search(r"\b(kpis|intervals|groups)\.(csv|xlsx)\b", page)
    assert "target:" not in page


def test_scenario_names_follow_the_reader_language(app, client, auth):
    _planner_with_run(app, "en")
    auth.login("planner", app.config["DEMO_PASSWORD"])
    index = _visible(client.get("/planning/"))
    assert "Group-complaint surge" in index and "群体投诉激增" not in index
    run = _visible(client.get("/planning/runs/1"))
    assert "群体投诉激增" not in run


def test_history_import_offers_queues_by_title(app, client, auth):
    _planner_with_run(app, "zh")
    auth.login("planner", app.config["DEMO_PASSWORD"])
    body = client.get("/planning/import").get_data(as_text=True)
    start = body.index('name="queue"')
    select_html = body[start:body.index("</select>", start)]
    assert 'value="consultation"' in select_html and "产品与政策咨询" in select_html
    assert ">consultation<" not in select_html
