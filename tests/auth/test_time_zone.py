"""Times are stored in UTC and shown in the site's or the person's own time zone (issue 11/8)."""

from datetime import datetime

from lms.auth.models import User, UserSession
from lms.extensions import db
from lms.i18n import to_local, to_utc


def _session_shown(client) -> str:
    return client.get("/account/sessions").get_data(as_text=True)


def _pin_session_time(app, user_id: int, when: datetime) -> None:
    with app.app_context():
        for row in db.session.scalars(db.select(UserSession).where(UserSession.user_id == user_id)):
            row.created_at = row.last_seen_at = when
        db.session.commit()


def test_times_are_shown_in_the_site_zone_by_default(client, auth, app):
    user_id = auth.as_role("trainee")
    _pin_session_time(app, user_id, datetime(2026, 12, 1, 23, 30))  # UTC
    assert "2026-12-02 07:30" in _session_shown(client)  # Asia/Shanghai, UTC+8


def test_a_person_chooses_their_own_zone(client, auth, app):
    user_id = auth.as_role("trainee")
    _pin_session_time(app, user_id, datetime(2026, 12, 1, 23, 30))
    response = auth.post("/account/preferences", {"time_zone": "Europe/London"},
                         form_page="/account/preferences")
    assert response.status_code == 302
    assert "2026-12-01 23:30" in _session_shown(client)
    with app.app_context():
        assert db.session.get(User, user_id).time_zone == "Europe/London"


def test_an_unknown_zone_is_refused_and_changes_nothing(client, auth, app):
    user_id = auth.as_role("trainee")
    response = auth.post("/account/preferences", {"time_zone": "Mars/Olympus"},
                         form_page="/account/preferences")
    assert response.status_code == 400
    assert 'id="time_zone-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).time_zone is None


def test_times_typed_in_local_time_are_stored_in_utc(app):
    with app.test_request_context():
        typed = datetime(2026, 12, 2, 9, 0)  # 09:00 in Shanghai
        stored = to_utc(typed)
        assert stored == datetime(2026, 12, 2, 1, 0)
        assert to_local(stored) == typed
