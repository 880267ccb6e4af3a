"""The bell, my notices, my settings, and the administrator's pages, through HTTP."""

import re
from datetime import date, timedelta

from sqlalchemy import select, update

from lms.auth.models import Department, User
from lms.courses.models_progress import Assignment
from lms.extensions import db
from lms.notify import service
from lms.notify.models import DepartmentWebhook, Notification
from tests.conftest import Auth
from tests.courses.factories import assign_to, make_course
from tests.factories import make_user
from tests.notify.helpers import notices, settle

BELL = re.compile(r'id="notify-bell"[^>]*data-unread="(\d+)"')


def _bell(body: str) -> int:
    match = BELL.search(body)
    assert match, "no bell on the page"
    return int(match.group(1))


def _assigned(app, user_id: int, slug: str = "callback-basics") -> None:
    with app.app_context():
        assign_to(make_course(slug), db.session.get(User, user_id))


def test_bell_counts_unread_and_the_list_marks_read(app, client, auth):
    me = auth.as_role("trainee")
    assert _bell(client.get("/").get_data(as_text=True)) == 0
    _assigned(app, me)
    _assigned(app, me, "second-course")
    body = client.get("/").get_data(as_text=True)
    assert _bell(body) == 2
    inbox = client.get("/notifications/").get_data(as_text=True)
    assert "培训已指派" in inbox
    with app.app_context():
        first, second = notices(me)
    opened = client.get(f"/notifications/{first.id}/open")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(
        "/courses/c/callback-basics")
    assert _bell(client.get("/").get_data(as_text=True)) == 1
    auth.post("/notifications/read-all", form_page="/notifications/")
    assert _bell(client.get("/").get_data(as_text=True)) == 0
    assert "没有未读通知" in client.get("/notifications/?unread=1").get_data(as_text=True)


def test_notices_show_no_internal_keys(app, client, auth):
    me = auth.as_role("trainee", locale="en")
    _assigned(app, me)
    body = client.get("/notifications/").get_data(as_text=True)
    main = body.split('<main id="main"', 1)[1]
    visible = re.sub(r"<[^>]+>", " ", main)
    assert "Training assigned: Callback" in visible
    assert not re.search(r"(assigned|course|user):\d", visible)
    with app.app_context():
        (notice,) = notices(me)
        assert notice.dedupe_key not in body


def test_nobody_reads_or_marks_another_persons_notice(app, client, auth):
    owner = Auth(app.test_client(), app)
    owner_id = owner.as_role("trainee")
    _assigned(app, owner_id)
    with app.app_context():
        (notice,) = notices(owner_id)
        notice_id = notice.id
    auth.as_role("trainee")
    assert client.get(f"/notifications/{notice_id}/open").status_code == 404
    assert auth.post(f"/notifications/{notice_id}/read",
                     form_page="/notifications/").status_code == 404
    assert notice_id and f"/notifications/{notice_id}/" not in client.get(
        "/notifications/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Notification, notice_id).read_at is None
    for admin_page in ("/notifications/deliveries", "/notifications/webhooks"):
        assert client.get(admin_page).status_code == 403


def test_preferences_are_saved_per_kind_and_channel(app, client, auth):
    me = auth.as_role("trainee", email="me@example.cn", locale="en")
    page = client.get("/notifications/preferences")
    assert page.status_code == 200 and "Overdue" in page.get_data(as_text=True)
    response = auth.post("/notifications/preferences", {
        "in_app__assigned": "y", "email__assigned": "digest", "email__overdue": "off",
        "in_app__overdue": "y"}, form_page="/notifications/preferences")
    assert response.status_code == 302
    with app.app_context():
        chosen = service.preferences(me)
    assert chosen["assigned"] == {"in_app": True, "email": False, "digest": True,
                                  "webhook": True}
    assert chosen["overdue"]["email"] is False and chosen["overdue"]["digest"] is False
    assert chosen["due_soon"]["in_app"] is False  # unchecked box on the page
    bad = auth.post("/notifications/preferences", {"email__assigned": "sometimes"},
                    form_page="/notifications/preferences")
    assert bad.status_code == 400 and "Not a valid choice" in bad.get_data(as_text=True)


def test_admin_sees_deliveries_and_configures_a_robot(app, client, auth):
    auth.as_role("admin", locale="en")
    with app.app_context():
        person = make_user(email=None, name="Wang Fang")
        assign_to(make_course(), person)
        department_id = db.session.scalar(select(Department.id).where(
            Department.name == "Hotline East"))
    page = client.get("/notifications/deliveries?channel=email").get_data(as_text=True)
    assert "Wang Fang" in page and "The person has no e-mail address." in page
    bad = auth.post("/notifications/webhooks", {
        "department_id": department_id, "provider": "dingtalk", "url": "not a url",
        "language": "zh", "enabled": "y"}, form_page="/notifications/webhooks")
    assert bad.status_code == 400 and "starting with https://" in bad.get_data(as_text=True)
    good = auth.post("/notifications/webhooks", {
        "department_id": department_id, "provider": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=secret-token",
        "secret": "SECabc", "language": "zh", "kinds": ["assigned", "overdue"],
        "enabled": "y"}, form_page="/notifications/webhooks")
    assert good.status_code == 302
    listing = client.get("/notifications/webhooks").get_data(as_text=True)
    assert "secret-token" not in listing and "SECabc" not in listing
    with app.app_context():
        robot = db.session.scalar(select(DepartmentWebhook))
        assert robot.secret == "SECabc" and robot.kinds == ["assigned", "overdue"]
        robot_id = robot.id
    edit = auth.post(f"/notifications/webhooks/{robot_id}/edit", {
        "department_id": department_id, "provider": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=other", "secret": "",
        "language": "en", "kinds": ["overdue"], "enabled": "y"},
        form_page="/notifications/webhooks")
    assert edit.status_code == 302
    with app.app_context():
        robot = db.session.get(DepartmentWebhook, robot_id)
        assert robot.secret == "SECabc" and robot.language == "en"  # secret kept
    twice = auth.post("/notifications/webhooks", {
        "department_id": department_id, "provider": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=x", "language": "zh"},
        form_page="/notifications/webhooks")
    assert twice.status_code == 400 and "has a robot of this service" in twice.get_data(
        as_text=True)


def test_dashboard_button_sends_overdue_reminders_once_a_day(app, client, auth):
    auth.as_role("trainer", locale="en")
    with app.app_context():
        late = make_user(email=None)
        assign_to(make_course(), late)
        db.session.execute(update(Assignment).values(due_on=date.today() - timedelta(days=3)))
        db.session.commit()
        late_id = late.id
    dashboard = client.get("/courses/manage/dashboard").get_data(as_text=True)
    assert 'id="send-reminders"' in dashboard
    sent = auth.post("/notifications/remind-overdue", form_page="/courses/manage/dashboard")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("#overdue")
    again = auth.post("/notifications/remind-overdue", form_page="/courses/manage/dashboard",
                      follow_redirects=True)
    assert "reminded today already" in again.get_data(as_text=True)
    with app.app_context():
        settle()
        assert len(notices(late_id, "overdue")) == 1
