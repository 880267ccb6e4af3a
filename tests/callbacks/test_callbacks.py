"""Callback surveys: recorded as the customer answered, the satisfaction KPI by its stated
rule (4 or 5 out of 5 is satisfied; ≥ 90 % of a month's callbacks meets the target), seen by
whom it concerns."""

from datetime import datetime, timedelta

from lms.auth.models import utcnow
from lms.callbacks import service
from lms.callbacks.models import CallbackSurvey
from lms.extensions import db
from tests.conftest import Auth
from tests.factories import make_user


def _form(handler_id: int, satisfied: int = 5, when: datetime | None = None, case="A-1"):
    when = when or (datetime.now() - timedelta(hours=1))
    return {"handler_id": str(handler_id), "case_ref": case,
            "called_at": when.strftime("%Y-%m-%dT%H:%M"), "solved": "yes",
            "professional": "5", "satisfied": str(satisfied), "improve": "Faster parts"}


def _as(app, username: str):
    client = app.test_client()
    auth = Auth(client, app)
    auth.login(username)
    return client, auth


def test_an_agent_records_a_colleague_s_callback_and_mistakes_change_nothing(app):
    with app.app_context():
        me = make_user(username="li", name="Li Agent", department="Hotline East")
        colleague_id = make_user(name="Zhou Colleague", department="Hotline East").id
        stranger_id = make_user(name="Far Away", department="Field Service South").id
        me_id = me.id
    client, auth = _as(app, "li")
    page = client.get("/callbacks/").get_data(as_text=True)
    assert "Zhou Colleague" in page and "Far Away" not in page and 'id="kpi-rule"' in page
    for bad in (_form(stranger_id), _form(colleague_id, when=datetime.now() + timedelta(days=2)),
                {**_form(colleague_id), "satisfied": "9"}, {**_form(colleague_id), "case_ref": ""}):
        refused = auth.post("/callbacks/", bad, form_page="/callbacks/")
        assert refused.status_code == 400
        assert "field-error" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(CallbackSurvey).count() == 0
    assert auth.post("/callbacks/", _form(colleague_id), form_page="/callbacks/").status_code == 302
    with app.app_context():
        row = db.session.query(CallbackSurvey).one()
        assert (row.handler_id, row.recorded_by_id, row.satisfied, row.solved) == \
            (colleague_id, me_id, 5, True)
    mine = client.get("/callbacks/").get_data(as_text=True)
    assert 'id="my-callbacks"' in mine and "Faster parts" in mine


def test_the_monthly_kpi_follows_the_stated_rule(app_ctx):
    agent = make_user(name="Wu Agent")
    base = utcnow().replace(day=10, hour=4)
    for n, score in enumerate((5, 4, 4, 3, 5, 5, 4, 5, 5, 4)):  # 9 of 10 at 4 or 5
        db.session.add(CallbackSurvey(handler_id=agent.id, case_ref=f"C{n}", called_at=base,
                                      solved=True, professional=4, satisfied=score))
    db.session.commit()
    (month,) = service.monthly([agent], lambda moment: moment.strftime("%Y-%m"))
    assert month.callbacks == 10 and month.satisfaction == 0.9 and month.meets_target is True
    db.session.add(CallbackSurvey(handler_id=agent.id, case_ref="C10", called_at=base,
                                  solved=False, professional=2, satisfied=3))
    db.session.commit()
    (month,) = service.monthly([agent], lambda moment: moment.strftime("%Y-%m"))
    assert round(month.satisfaction, 3) == round(9 / 11, 3) and month.meets_target is False
    few = make_user(name="New Agent")
    db.session.add(CallbackSurvey(handler_id=few.id, case_ref="N1", called_at=base,
                                  solved=True, professional=5, satisfied=5))
    db.session.commit()
    (month,) = service.monthly([few], lambda moment: moment.strftime("%Y-%m"))
    assert month.judged is False and month.meets_target is None


def test_a_lead_sees_the_kpi_of_their_departments_only(app):
    with app.app_context():
        from lms.auth.models import Department, LeadDepartment

        lead = make_user(username="lead-east", roles=["lead"], department="Hotline East")
        east = make_user(name="East Agent", department="Hotline East")
        west = make_user(name="West Agent", department="Hotline West")
        east_dept = db.session.query(Department).filter_by(name="Hotline East").one()
        db.session.add(LeadDepartment(user_id=lead.id, department_id=east_dept.id))
        for person in (east, west):
            db.session.add(CallbackSurvey(handler_id=person.id, case_ref="X",
                                          called_at=utcnow() - timedelta(hours=2),
                                          solved=True, professional=4, satisfied=4))
        db.session.commit()
    client, _auth = _as(app, "lead-east")
    page = client.get("/callbacks/").get_data(as_text=True)
    table = page[page.index('id="kpi-table"'):]
    assert "East Agent" in table and "West Agent" not in table
    planner, _planner_auth = _as_planner(app)
    assert planner.get("/callbacks/").status_code == 403


def _as_planner(app):
    with app.app_context():
        make_user(username="plan-x", roles=["planner"])
    return _as(app, "plan-x")
