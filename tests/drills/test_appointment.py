"""A drill's appointment: set by the trainer in local time, shown on the trainee's list and
calendar, named in the notice, and reminded the day before, once."""

import zoneinfo
from datetime import UTC, datetime, timedelta

from lms.auth.models import User
from lms.calendar import service as calendar
from lms.drills.models import Drill
from lms.extensions import db
from lms.notify import sweep
from tests.conftest import Auth
from tests.factories import make_user
from tests.notify.helpers import notices

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _tomorrow_ten() -> datetime:
    """Tomorrow 10:00 in Shanghai, as the local naive time a form sends."""
    today = datetime.now(UTC).astimezone(SHANGHAI).date()
    return datetime.combine(today + timedelta(days=2), datetime.min.time()).replace(hour=10)


def test_the_appointment_is_stored_in_utc_shown_local_and_told(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        trainee = make_user(roles=["trainee"], username="wang")
        trainee_id = trainee.id
    local = _tomorrow_ten()
    response = auth.post("/drills/manage", {
        "scenario_id": "group_complaint_surge", "trainee_id": str(trainee_id),
        "department_id": "0", "compression": "60",
        "starts_at": local.strftime("%Y-%m-%dT%H:%M")}, form_page="/drills/manage")
    assert response.status_code == 302
    with app.app_context():
        drill = db.session.scalar(db.select(Drill))
        assert drill.starts_at == local.replace(tzinfo=SHANGHAI).astimezone(UTC).replace(
            tzinfo=None)
        (notice,) = notices(trainee_id, "drill_scheduled")
        assert notice.params["at"] == drill.starts_at.isoformat(timespec="seconds")
        entries = calendar.entries_for(db.session.get(User, trainee_id), SHANGHAI,
                                       local.date(), local.date())
        (entry,) = [e for e in entries if e.kind == "drill"]
        assert entry.starts_at == drill.starts_at and entry.day == local.date()
    trainee_client = app.test_client()
    Auth(trainee_client, app).login("wang")
    page = trainee_client.get("/drills/").get_data(as_text=True)
    assert local.strftime("%Y-%m-%d 10:00") in page


def test_a_time_in_the_past_is_refused_on_its_field(app, client, auth):
    auth.as_role("trainer")
    with app.app_context():
        trainee_id = make_user(roles=["trainee"]).id
    response = auth.post("/drills/manage", {
        "scenario_id": "group_complaint_surge", "trainee_id": str(trainee_id),
        "department_id": "0", "compression": "60", "starts_at": "2020-01-01T09:00"},
        form_page="/drills/manage")
    assert response.status_code == 400
    assert 'id="starts_at-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Drill.id))) == 0


def test_the_day_before_each_participant_is_reminded_once(app_ctx):
    from lms.drills import service

    trainer = make_user(roles=["trainer"])
    supervisor = make_user(roles=["trainee"])
    officer = make_user(roles=["trainee"])
    loose = make_user(roles=["trainee"])
    starts = datetime(2030, 3, 5, 2, 0)  # 10:00 in Shanghai
    service.schedule_team(trainer, "group_complaint_surge",
                          [(supervisor, "duty_supervisor", None),
                           (officer, "communications_officer", None)], 60, starts_at=starts)
    service.schedule(trainer, "group_complaint_surge", [loose], 60)  # no appointment
    db.session.commit()
    two_days_before = starts - timedelta(days=2)
    assert "drill_tomorrow" not in sweep.sweep(two_days_before)
    day_before = datetime(2030, 3, 4, 1, 0)  # 09:00 in Shanghai, the day before
    assert sweep.sweep(day_before)["drill_tomorrow"] == 2
    assert "drill_tomorrow" not in sweep.sweep(day_before + timedelta(hours=3))
    assert len(notices(supervisor.id, "drill_tomorrow")) == 1
    assert len(notices(officer.id, "drill_tomorrow")) == 1
    assert notices(loose.id, "drill_tomorrow") == []
