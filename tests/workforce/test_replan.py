"""Intraday re-planning: the re-forecast against a solved shift plan's heads, the actions it
recommends, and the rest of the day re-simulated with them."""

import datetime as dt
import re

import pytest

from lms import jobs
from lms.auth.models import User
from lms.extensions import db
from lms.rostering import service as rostering
from lms.rostering.models import ShiftPlan
from lms.workforce import service
from lms.workforce.models import WorkforceForecast
from lms.workforce.replan import CALL_IN_SLOTS, MAX_OVERTIME_SLOTS, _actions
from tests.factories import make_user
from tests.forecast.synth import rows, weekly

MONDAY = dt.date(2026, 7, 6)
DAY = dt.date(2026, 8, 10)


def test_a_short_run_gets_overtime_where_shifts_end_and_call_ins_for_the_rest():
    gaps = [0] * 20 + [2, 3, 3, 3, 3, 3, 1] + [0] * 5
    heads = [10] * 32
    ends = {22: 2}  # two shifts end at slot 22
    found = _actions("frontline", gaps, heads, ends, now=18)
    overtime = next(a for a in found if a.kind == "overtime")
    assert (overtime.start, overtime.heads) == (22, 2)
    assert overtime.end == 22 + MAX_OVERTIME_SLOTS
    call_in = next(a for a in found if a.kind == "call_in")
    # the call-in covers what overtime leaves: the whole gap before 22 (3 at 21), 1 after
    assert (call_in.start, call_in.end, call_in.heads) == (20, 27, 3)
    assert call_in.note == ""


def test_a_call_in_cannot_start_before_the_reserve_arrives():
    gaps = [0] * 10 + [2, 2, 2] + [0] * 5
    found = _actions("frontline", gaps, [5] * 18, {}, now=10)
    (call_in,) = found
    assert call_in.kind == "call_in" and call_in.start == 10 + CALL_IN_SLOTS
    assert call_in.note == "delay"


def test_surplus_until_the_shifts_end_is_released_and_mid_day_surplus_goes_off_phone():
    heads = [6] * 20 + [0] * 4
    gaps = [0] * 4 + [-2, -3, -2] + [0] * 9 + [-1, -2, -2, -1] + [0] * 4
    found = _actions("frontline", gaps, heads, {}, now=0)
    kinds = {(a.kind, a.start, a.end, a.heads) for a in found}
    assert ("off_phone", 4, 7, 2) in kinds
    assert ("release", 16, 20, 1) in kinds


@pytest.fixture
def forecast_and_plan(app, auth):
    user_id = auth.as_role("planner")
    with app.app_context():
        owner = db.session.get(User, user_id)
        history = service.import_history(owner, "Weekday volume",
                                         rows(MONDAY, 35, weekly(2400.0), seed=3))
        db.session.commit()
        found = service.start_forecast(owner, history, method="holt_winters", horizon_days=14,
                                       holdout_days=7, inline=True)
        assert found.job.status == "done", found.job.error
        plan = rostering.create_plan(owner, "Monday plan", "default",
                                     ["early", "day", "late", "part"], None, DAY,
                                     "Asia/Shanghai", 3)
        db.session.commit()
        plan.job_id = jobs.submit("rostering.solve", rostering.solve_params(plan), user_id,
                                  inline=True).id
        db.session.commit()
        assert "plan" in rostering.result_of(plan)
        return found.id, plan.id


def test_a_busy_morning_turns_into_actions_that_the_re_simulation_confirms(
        client, auth, app, forecast_and_plan):
    forecast_id, plan_id = forecast_and_plan
    path = f"/workforce/forecasts/{forecast_id}/intraday?queue=consultation&day={DAY}"
    page = client.get(path).get_data(as_text=True)
    assert 'id="floor-plan"' in page and "Monday plan" in page
    with app.app_context():
        result = db.session.get(WorkforceForecast, forecast_id).job.result
        planned = result["forecast"]["queues"]["consultation"]["offered"][0]
    # 08:00-12:00 ran 60 % above the forecast
    lines = "\n".join(f"{8 + s // 2:02d}:{30 * (s % 2):02d}, {round(planned[16 + s] * 1.6)}"
                      for s in range(8))
    saved = auth.post(path, {"queue": "consultation", "day": DAY.isoformat(), "actuals": lines},
                      form_page=path)
    assert saved.status_code == 302
    page = client.get(f"{path}&plan={plan_id}").get_data(as_text=True)
    actions = re.search(r'<ul class="action-list" id="replan-actions">(.*?)</ul>', page, re.S)
    assert actions, "a morning 60 % over the forecast must call for more people"
    kinds = set(re.findall(r'data-kind="([a-z_]+)"', actions.group(1)))
    assert kinds & {"overtime", "call_in"}
    assert "12:00" in page  # the table starts at the first interval not yet reported
    words = re.sub(r"<[^>]+>", " ", actions.group(1))
    assert "frontline" not in words and "名专员" in words  # names, not keys; in Chinese
    simulated = client.get(f"{path}&plan={plan_id}&simulate=1").get_data(as_text=True)
    before = float(re.search(r'id="share-before">([0-9]+) %', simulated).group(1))
    after = float(re.search(r'id="share-after">([0-9]+) %', simulated).group(1))
    assert after > before


def test_without_a_plan_for_the_day_the_page_says_how_to_get_one(client, auth, app,
                                                                   forecast_and_plan):
    forecast_id, plan_id = forecast_and_plan
    later = DAY + dt.timedelta(days=3)
    page = client.get(f"/workforce/forecasts/{forecast_id}/intraday?queue=consultation"
                      f"&day={later}").get_data(as_text=True)
    assert 'id="no-plan"' in page


def test_another_planners_plan_is_not_offered(client, auth, app, forecast_and_plan):
    forecast_id, plan_id = forecast_and_plan
    with app.app_context():
        stranger = make_user(roles=["planner"])
        db.session.get(ShiftPlan, plan_id).owner_id = stranger.id
        db.session.commit()
    page = client.get(f"/workforce/forecasts/{forecast_id}/intraday?queue=consultation"
                      f"&day={DAY}&plan={plan_id}").get_data(as_text=True)
    assert "Monday plan" not in page and 'id="no-plan"' in page
