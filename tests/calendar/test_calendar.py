"""The calendar page and the personal iCalendar feed (parsed with ``icalendar``)."""

import re
from datetime import datetime, timedelta

import icalendar
from sqlalchemy import select

from lms.auth.models import User, utcnow
from lms.calendar.models import CalendarFeed
from lms.extensions import db
from tests.conftest import Auth
from tests.courses.factories import assign_to, make_course, make_exam
from tests.factories import make_user

FEED = re.compile(r'id="feed-address"[^>]*value="([^"]+)"')


def _plan(app, user_id: int) -> dict:
    """A due course, an exam window and a practice session at 10:00 Shanghai in 3 days."""
    from lms.exams.models import ExamAssignment
    from lms.practice import service as practice
    from tests.practice.factories import make_session, onsite_course

    with app.app_context():
        person = db.session.get(User, user_id)
        assign_to(make_course(), person, due_in_days=3)
        exam = make_exam()
        day = (utcnow() + timedelta(days=3)).replace(hour=2, minute=0, second=0,
                                                     microsecond=0)  # 10:00 +08:00
        exam.opens_at, exam.closes_at = day, day + timedelta(days=2)
        db.session.add(ExamAssignment(exam_id=exam.id, user_id=person.id))
        trainer = make_user(roles=["trainer"])
        onsite = onsite_course()
        assign_to(onsite, person, due_in_days=40)
        session = make_session(onsite, trainer, starts_at=day + timedelta(hours=4))
        practice.enrol(session, person, trainer)
        db.session.commit()
        return {"day": day, "session_start": day + timedelta(hours=4)}


def _feed_address(auth) -> str:
    page = auth.post("/calendar/feed", form_page="/calendar/")
    assert page.status_code == 200
    match = FEED.search(page.get_data(as_text=True))
    assert match, "the new address is shown once"
    return match.group(1)


def test_week_page_lists_due_date_exam_and_session_in_local_time(app, client, auth):
    me = auth.as_role("trainee", locale="en")
    plan = _plan(app, me)
    body = client.get(f"/calendar/week?date={plan['day'].date().isoformat()}").get_data(
        as_text=True)
    assert "Due: Callback" in body
    assert "10:00</time> Exam opens: Callback final exam" in body
    assert "14:00</time> Practice session:" in body
    month = client.get(f"/calendar/?month={plan['day'].strftime('%Y-%m')}")
    assert month.status_code == 200 and "Exam closes" in month.get_data(as_text=True)
    assert client.get("/calendar/?month=2026-13").status_code == 200  # falls back to now


def test_feed_parses_and_shows_local_times(app, client, auth):
    me = auth.as_role("trainee", locale="zh")
    plan = _plan(app, me)
    address = _feed_address(auth)
    assert address.startswith("http://localhost/calendar/feed/") and address.endswith(".ics")
    path = address.removeprefix("http://localhost")
    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    feed = icalendar.Calendar.from_ical(response.data)
    events = {str(e["SUMMARY"]): e for e in feed.walk("VEVENT")}
    assert [tz["TZID"] for tz in feed.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    opens = events["考试开放：回访结业考试"]
    start = opens.decoded("DTSTART")
    assert str(start.tzinfo) == "Asia/Shanghai" and (start.hour, start.minute) == (10, 0)
    assert start.astimezone().utcoffset() is not None
    assert start.replace(tzinfo=None) - timedelta(hours=8) == plan["day"]
    session = next(e for s, e in events.items() if s.startswith("实操课："))
    assert session.decoded("DTSTART").hour == 14 and str(session["LOCATION"]) == \
        "Training room 3"
    due = next(e for s, e in events.items() if s.startswith("截止："))
    assert not isinstance(due.decoded("DTSTART"), datetime)  # an all-day date
    assert all(re.fullmatch(r"[0-9a-f]{32}@aftersales-academy", str(e["UID"]))
               for e in events.values())
    with app.app_context():
        assert db.session.get(CalendarFeed, me).last_fetched_at is not None


def test_revoked_or_replaced_address_answers_404(app, client, auth):
    me = auth.as_role("trainee")
    first = _feed_address(auth).removeprefix("http://localhost")
    second = _feed_address(auth).removeprefix("http://localhost")
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
    auth.post("/calendar/feed/revoke", form_page="/calendar/")
    assert app.test_client().get(second).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == me)) is None
    assert app.test_client().get("/calendar/feed/not-a-token.ics").status_code == 404


def test_a_feed_shows_only_its_owner_and_pages_need_sign_in(app, client, auth):
    owner = Auth(app.test_client(), app)
    owner_id = owner.as_role("trainee", locale="en")
    _plan(app, owner_id)
    owner_feed = _feed_address(owner).removeprefix("http://localhost")
    auth.as_role("trainee", locale="en")
    mine = _feed_address(auth).removeprefix("http://localhost")
    body = app.test_client().get(mine).get_data(as_text=True)
    assert "Callback" not in body  # nothing of the other person's plan
    assert "Callback" in app.test_client().get(owner_feed).get_data(as_text=True)
    assert "Exam opens" not in client.get("/calendar/week").get_data(as_text=True)
    anonymous = app.test_client().get("/calendar/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
