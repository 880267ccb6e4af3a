"""E-mail notices reach a real SMTP server, in the recipient's language, text and HTML."""

import time
from datetime import date, timedelta

from sqlalchemy import select

from lms.extensions import db
from lms.notify import service
from lms.notify.models import Delivery
from tests.courses.factories import assign_to, make_course
from tests.factories import make_user
from tests.notify.conftest import start_smtp
from tests.notify.helpers import deliveries, notices, parts, settle


def test_assignment_mails_each_person_in_their_language(app_ctx, smtp):
    course = make_course()
    chinese = make_user(email="zhang@example.cn", locale="zh", name="张新")
    english = make_user(email="li@example.cn", locale="en", name="Li Ming")
    assign_to(course, chinese, english, due_in_days=10)
    settle()
    received = {m["to"][0]: m["message"] for m in smtp.wait_for(2)}
    due = (date.today() + timedelta(days=10)).isoformat()

    zh = received["zhang@example.cn"]
    assert zh["Content-Language"] == "zh-CN"
    assert zh["Subject"].startswith("[售后服务学院]") and "培训已指派" in zh["Subject"]
    zh_parts = parts(zh)
    assert set(zh_parts) == {"text/plain", "text/html"}
    assert "张新，您好" in zh_parts["text/plain"] and due in zh_parts["text/plain"]
    assert "https://academy.example.cn/courses/c/callback-basics" in zh_parts["text/plain"]
    assert 'href="https://academy.example.cn/courses/c/callback-basics"' in zh_parts["text/html"]
    assert "<html lang=\"zh-CN\">" in zh_parts["text/html"]

    en = received["li@example.cn"]
    assert en["Content-Language"] == "en"
    assert "Training assigned" in en["Subject"]
    en_parts = parts(en)
    assert "Hello Li Ming," in en_parts["text/plain"]
    assert f"has been assigned to you, due on {due}" in en_parts["text/plain"]
    assert "Hello Li Ming," in en_parts["text/html"]
    assert all(d.status == "sent" and d.attempts == 1 for d in deliveries("email"))


def test_in_app_notice_is_stored_even_without_mail_address(app_ctx, smtp):
    course = make_course()
    person = make_user(email=None)
    assign_to(course, person)
    settle()
    (notice,) = notices(person.id, "assigned")
    channels = {d.channel: d for d in notice.deliveries}
    assert channels["in_app"].status == "sent"
    assert channels["email"].status == "failed" and channels["email"].error_code == "no_address"
    assert service.unread_count(person.id) == 1
    assert smtp.messages == []


def test_without_a_mail_server_the_delivery_fails_with_its_reason(app, app_ctx):
    app.config["SMTP_HOST"] = ""
    person = make_user(email="x@example.cn")
    assign_to(make_course(), person)
    (delivery,) = deliveries("email")
    assert delivery.status == "failed" and delivery.error_code == "smtp_unset"


def _first_attempt_failed(timeout: float = 10.0) -> Delivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        found = deliveries("email")
        if found and found[0].status == "retrying":
            return found[0]
        time.sleep(0.02)
    raise AssertionError("the first attempt did not fail in time")


def test_a_refused_connection_is_retried_and_then_delivered(app, app_ctx, mail_settings):
    app.config["NOTIFY_RETRY_SECONDS"] = 1.0
    person = make_user(email="late@example.cn", locale="en")
    assign_to(make_course(), person)  # nothing listens yet: the first attempt fails
    failed = _first_attempt_failed()
    assert failed.attempts == 1 and failed.error_code == "transient"
    controller, box = start_smtp(mail_settings)
    try:
        settle()
        box.wait_for(1)
        (delivery,) = deliveries("email")
        assert delivery.status == "sent"
        assert delivery.attempts >= 2 and delivery.error is None
    finally:
        controller.stop()


def test_a_mail_server_that_never_answers_is_given_up_with_the_reason(app_ctx, mail_settings):
    person = make_user(email="nobody@example.cn")
    assign_to(make_course(), person)
    settle()
    (delivery,) = deliveries("email")
    assert delivery.status == "failed" and delivery.attempts == 3
    assert delivery.error_code == "transient" and "ConnectionRefusedError" in delivery.error


def test_daily_digest_collects_notices_in_one_mail(app, app_ctx, smtp):
    person = make_user(email="digest@example.cn", locale="en")
    service.save_preferences(person.id, {"assigned": {"email": False, "digest": True}})
    db.session.commit()
    assign_to(make_course("first-course"), person)
    assign_to(make_course("second-course"), person)
    settle()
    assert smtp.messages == []
    waiting = db.session.scalars(select(Delivery).where(Delivery.channel == "digest")).all()
    assert [d.status for d in waiting] == ["waiting", "waiting"]

    result = app.test_cli_runner().invoke(args=["notify", "digest"])
    assert result.exit_code == 0, result.output
    settle()
    (mail,) = smtp.wait_for(1)
    text = parts(mail["message"])["text/plain"]
    assert "Your daily digest: 2 notices" in mail["message"]["Subject"]
    assert text.count("Training assigned:") == 2
    assert all(d.status == "sent" for d in deliveries("digest"))
    again = app.test_cli_runner().invoke(args=["notify", "digest"])
    assert "nobody has notices waiting" in again.output


def test_email_off_sends_no_mail_but_keeps_the_bell(app_ctx, smtp):
    person = make_user(email="quiet@example.cn")
    service.save_preferences(person.id, {"assigned": {"email": False, "digest": False}})
    db.session.commit()
    assign_to(make_course(), person)
    settle()
    assert deliveries("email") == [] and smtp.messages == []
    assert service.unread_count(person.id) == 1
