"""Notifications in two browsers: a trainer assigns a course with a due date; the trainee sees
the bell count and gets the e-mail in their language (a real SMTP server started here); the
due date passes; the sweep sends the overdue reminder once, however often it runs.
"""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from lms.courses.models_progress import Assignment
from lms.extensions import db
from lms.notify import jobs
from lms.notify.sweep import sweep
from tests.browser.conftest import sign_in
from tests.courses.factories import make_course
from tests.factories import make_user
from tests.notify.conftest import free_port, start_smtp
from tests.notify.helpers import parts

pytestmark = pytest.mark.browser


@pytest.fixture
def mailbox(app):
    """A real SMTP server the app sends to, for this test only."""
    port = free_port()
    keys = ("SMTP_HOST", "SMTP_PORT", "SMTP_TLS", "SMTP_FROM", "SITE_URL")
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_TLS="none",
                      SMTP_FROM="academy@example.cn", SITE_URL="https://academy.example.cn")
    controller, box = start_smtp(port)
    yield box
    controller.stop()
    with app.app_context():
        jobs.wait_idle(timeout=20)
    for key, value in saved.items():
        if value is None:
            app.config.pop(key, None)
        else:
            app.config[key] = value


def test_assignment_reaches_the_bell_and_the_mailbox_and_overdue_is_reminded_once(
        app, person, mailbox, tmp_path):
    with app.app_context():
        course = make_course()
        course_id = course.id
        make_user(username="coach-li", roles=["trainer"], name="李培训", department="Training")
        make_user(username="amy", roles=["trainee"], name="Amy Chen", locale="en",
                  email="amy@example.cn")

    trainee = person(locale="en-US")
    sign_in(trainee, "amy")
    bell = trainee.locator("#notify-bell")
    expect(bell).to_have_attribute("data-unread", "0")

    trainer = person()
    sign_in(trainer, "coach-li")
    trainer.goto(f"/courses/manage/assign?item=course:{course_id}")
    trainer.check("input[name=target][value=users]")
    options = trainer.locator("#users option")
    value = next(options.nth(i).get_attribute("value") for i in range(options.count())
                 if "Amy Chen" in options.nth(i).inner_text())
    trainer.select_option("#users", value=value)
    due = date.today() + timedelta(days=7)
    trainer.fill("#due_on", due.isoformat())
    trainer.get_by_role("button", name="指派", exact=True).click()
    expect(trainer.locator(".flash-success")).to_contain_text("已指派给 1 人")

    trainee.reload()
    expect(bell).to_have_attribute("data-unread", "1")
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    (first,) = mailbox.wait_for(1)
    assert first["to"] == ["amy@example.cn"]
    assert first["message"]["Content-Language"] == "en"
    assert first["message"]["Subject"] == "[After-sales Service Academy] Training assigned: " \
                                          "Callback basics"
    body = parts(first["message"])
    assert f"due on {due.isoformat()}" in body["text/plain"] and "Hello Amy Chen," in \
        body["text/html"]

    bell.click()
    expect(trainee.locator(".notice.unread")).to_have_count(1)
    expect(trainee.locator(".notice.unread")).to_contain_text(
        f"Callback basics has been assigned to you, due on {due.isoformat()}.")

    with app.app_context():  # the due date passes
        db.session.execute(update(Assignment).values(due_on=date.today() - timedelta(days=1)))
        db.session.commit()
        assert sweep().get("overdue") == 1
        assert sweep().get("overdue", 0) == 0
        jobs.wait_idle(timeout=20)
    second = mailbox.wait_for(2)[1]
    assert second["message"]["Subject"].endswith("Overdue: Callback basics")
    with app.app_context():
        assert sweep().get("overdue", 0) == 0
        jobs.wait_idle(timeout=20)
    assert len(mailbox.messages) == 2

    trainee.reload()
    expect(bell).to_have_attribute("data-unread", "2")
    expect(trainee.locator(".notice.unread").first).to_contain_text("is not complete yet")
    trainee.screenshot(path=str(tmp_path / "notify-inbox-en.png"), full_page=True)
    trainee.get_by_role("button", name="Mark all as read").click()
    expect(bell).to_have_attribute("data-unread", "0")

    trainee.goto("/calendar/")
    expect(trainee.locator("#month .cal-entry.due")).to_contain_text("Due: Callback basics")
    trainee.screenshot(path=str(tmp_path / "calendar-month-en.png"), full_page=True)

    # The team lead of Amy's department sees her on the overdue list and nudges her (once a
    # day, however often the button is pressed); the lead of another department does not
    # see her at all.
    from lms.auth.models import Department

    with app.app_context():
        for username, department in (("lead-east", "Hotline East"),
                                     ("lead-south", "Field Service South")):
            lead = make_user(username=username, roles=["lead"], department=department)
            lead.led_departments = [Department.get_or_create(department)]
        db.session.commit()
    east = person()
    sign_in(east, "lead-east")
    east.locator("#lead-widget").get_by_role("link", name="我的班组").click()
    overdue = east.locator("#overdue")
    expect(overdue).to_contain_text("Amy Chen")
    east.locator("#send-reminders").click()
    expect(east.locator(".flash-success")).to_contain_text("1")
    east.locator("#send-reminders").click()  # a second press the same day sends nothing
    expect(east.locator(".flash-info")).to_contain_text("1")
    mailbox.wait_for(3)
    with app.app_context():
        jobs.wait_idle(timeout=20)
    assert len(mailbox.messages) == 3
    east.screenshot(path=str(tmp_path / "lead-dashboard-zh.png"), full_page=True)
    south = person()
    sign_in(south, "lead-south")
    south.goto("/courses/manage/dashboard")
    expect(south.locator("main")).not_to_contain_text("Amy Chen")
