"""Every state-changing route is accounted for by the audit log (like test_access for rules).

Each POST endpoint is in exactly one of three lists:

- ``EXERCISED``: a scenario below performs the POST with valid data and the test asserts
  that it wrote at least one audit row;
- ``NO_AUDIT_ROW``: an audit row makes no sense there (the reason is given); keep it short;
- ``NOT_EXERCISED``: changes tables the audit captures (``lms.audit.tracked``), but no
  scenario proves the row yet. It is empty and must stay so: a new route gets a scenario.

A new POST route fails ``test_every_post_route_is_accounted_for`` until it is put in one.
The scenarios of each feature live in ``tests/audit/scenarios_<feature>.py``; a job a route
starts is run to its end before the rows are read (``_finish_jobs``).
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import jobs
from lms.audit.models import AuditEvent
from lms.auth.models import LoginThrottle, User, utcnow
from lms.extensions import db
from tests.audit.scenarios_courses import COURSE_SCENARIOS
from tests.audit.scenarios_exams import EXAM_SCENARIOS
from tests.audit.scenarios_misc import MISC_SCENARIOS
from tests.audit.scenarios_people import PEOPLE_SCENARIOS
from tests.audit.scenarios_planning import PLANNING_SCENARIOS
from tests.audit.scenarios_practice import PRACTICE_SCENARIOS
from tests.audit.scenarios_roleplay import ROLEPLAY_SCENARIOS
from tests.conftest import csrf_token
from tests.factories import make_user

#: Why these POST routes write no audit row.
NO_AUDIT_ROW = {
    # Sign-in, sign-out and ended sessions are the sessions table itself (user_sessions:
    # created, revoked_at, revoked_reason, address, browser); failures are the throttles.
    "auth.login": "sessions table", "auth.logout": "sessions table",
    "auth.end_session": "sessions table",
    # An exam answer is saved on every change; exam_answer_events keeps each save already.
    "exams.my_save": "answer autosave", "exams.my_save_page": "answer autosave",
    # A trainee's own "come back to this question" mark on their open attempt.
    "exams.my_flag": "own review mark",
    # A trainee's move in a live drill: the drill is event-sourced (drill_actions).
    "drills.act": "drill action log",
    "drills.room": "drill action log",  # trainer's pause/resume/inject: clock and action rows
    "rostering.make_feed": "own calendar feed",
    # A person's own inbox and channel choices: nothing of anyone else changes.
    "notify.mark_read": "own inbox", "notify.mark_all_read": "own inbox",
    "notify.preferences": "own channel choices",
    # Sending a test or reminder message changes no data; notify records each delivery.
    "notify.test_webhook": "delivery log", "notify.remind_overdue": "delivery log",
    "settings.test_mail": "sends only", "settings.test_robot": "sends only",
    # Import previews are checked and parked; the confirm step writes (and is audited).
    "exams.manage_import": "preview only", "courses.import_course": "preview only",
    # A trainee's answers to the post-course survey are their own data, not an action on
    # anyone else's (and the survey says its answers are stored with the name).
    "evaluation.survey": "own survey answers",
    # A person's own calendar feed address (calendar_feeds keeps when it was made).
    "calendar.make_feed": "own feed secret", "calendar.revoke_feed": "own feed secret",
    # Renders a question as a trainee would see it; stores nothing.
    "exams.manage_question_preview": "preview only",
    # A lesson's knowledge check: right/wrong and feedback on the page, not graded or stored.
    "courses.check_lesson": "nothing stored",
}

#: Captured tables, but no scenario yet (see the module docstring): empty, and it stays so.
NOT_EXERCISED: set[str] = set()


def _admin_user(auth, app, **fields):
    auth.as_role("admin")
    with app.app_context():
        person = make_user(roles=["trainee"], **fields)
        return person.id, person.username, person.employee_no


def _new_user(auth, app):
    auth.as_role("admin")
    return "/admin/users/new", {"username": "newbie", "employee_no": "N1", "name": "New Person",
                                "department": "Hotline East", "roles": ["trainee"],
                                "active": "y", "locale": ""}, "/admin/users/new"


def _edit_user(auth, app):
    person_id, username, number = _admin_user(auth, app)
    return f"/admin/users/{person_id}/edit", {
        "username": username, "employee_no": number, "name": "Renamed", "department": "",
        "roles": ["trainee"], "active": "y", "locale": ""}, f"/admin/users/{person_id}/edit"


def _toggle_active(auth, app):
    return f"/admin/users/{_admin_user(auth, app)[0]}/active", {}, "/admin/users"


def _reset_password(auth, app):
    return f"/admin/users/{_admin_user(auth, app)[0]}/reset-password", {}, "/admin/users"


def _lock(username: str) -> str:
    key = f"pair:{username}|10.0.0.9"
    db.session.add(LoginThrottle(key=key, failures=7, locked_until=utcnow() + timedelta(hours=1),
                                 first_failure_at=utcnow(), last_failure_at=utcnow()))
    db.session.commit()
    return key


def _unlock_user(auth, app):
    person_id, username, _number = _admin_user(auth, app)
    with app.app_context():
        _lock(username)
    return f"/admin/users/{person_id}/unlock", {}, "/admin/users"


def _unlock_sign_in(auth, app):
    _person_id, username, _number = _admin_user(auth, app)
    with app.app_context():
        key = _lock(username)
    return "/admin/sign-in-locks/unlock", {"key": key}, "/admin/sign-in-locks"


def _password(auth, app):
    auth.as_role("trainee")
    return "/account/password", {"current_password": "correct-horse-1",
                                 "new_password": "a-much-better-pass-9",
                                 "confirm": "a-much-better-pass-9"}, "/account/password"


def _preferences(auth, app):
    auth.as_role("trainee")
    return "/account/preferences", {"time_zone": "Europe/Berlin"}, "/account/preferences"


def _language(auth, app):
    auth.as_role("trainee")
    return "/language", {"lang": "en", "next": "/"}, "/"


def _course_status(auth, app):
    from tests.courses.factories import make_course, make_exam

    auth.as_role("trainer")
    with app.app_context():
        make_exam()
        course_id = make_course(status="draft").id
    return f"/courses/manage/courses/{course_id}/status", {}, "/courses/manage"


def _certificate(app):
    from lms.exams import certificates

    with app.app_context():
        person = make_user(roles=["trainee"])
        certificate = certificates.issue(person.id, "course", 3, title={"zh": "课", "en": "C"})
        db.session.commit()
        return certificate.id


def _revoke_certificate(auth, app):
    auth.as_role("trainer")
    return (f"/exams/manage/certificates/{_certificate(app)}/revoke", {},
            "/exams/manage/certificates")


def _certificate_validity(auth, app):
    from tests.courses.factories import make_course, make_exam

    auth.as_role("trainer")
    with app.app_context():
        make_exam()
        course_id = make_course().id
    return "/exams/manage/certificates", {"subject": f"course:{course_id}",
                                          "validity_days": "365"}, "/exams/manage/certificates"


def _assigned_exam(auth, app):
    from tests.exams.factories import make_exam, single_choice, store

    user_id = auth.as_role("trainee")
    with app.app_context():
        store(single_choice("audit-q1"))
        return make_exam(["audit-q1"], user=db.session.get(User, user_id)).slug


def _exam_start(auth, app):
    return f"/exams/{_assigned_exam(auth, app)}/start", {}, "/exams/my"


def _exam_submit(auth, app):
    slug = _assigned_exam(auth, app)
    started = auth.post(f"/exams/{slug}/start", form_page="/exams/my")
    attempt_id = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    return f"/exams/attempts/{attempt_id}/submit", {}, "/exams/my"


def _settings(auth, app):
    auth.as_role("admin")
    return "/admin/settings", {"name_zh": "华东客服学院", "name_en": "", "default_language": "zh",
                               "time_zone": "Asia/Shanghai", "password_min_length": "8",
                               "due_soon_days": "3", "exam_window_hours": "24",
                               "session_days": "1", "certificate_days": "30",
                               "recording_retention_days": "0"}, "/admin/settings"


def _export_mine(auth, app):
    auth.as_role("trainee")
    return "/privacy/export", {}, "/privacy"


def _request_mine(auth, app):
    auth.as_role("trainee")
    return "/privacy/erasure", {"reason": "leaving", "understood": "y"}, "/privacy"


def _pending_request(app, user_id: int, by_id: int) -> int:
    from lms.privacy import service

    with app.app_context():
        erasure = service.request_erasure(db.session.get(User, user_id),
                                          db.session.get(User, by_id))
        db.session.commit()
        return erasure.id


def _withdraw_mine(auth, app):
    user_id = auth.as_role("trainee")
    return (f"/privacy/erasure/{_pending_request(app, user_id, user_id)}/withdraw", {},
            "/privacy")


def _export_person(auth, app):
    return f"/admin/privacy/people/{_admin_user(auth, app)[0]}/export", {}, "/admin/privacy"


def _request_for(auth, app):
    return (f"/admin/privacy/people/{_admin_user(auth, app)[0]}/erasure",
            {"understood": "y"}, "/admin/privacy")


def _decision(auth, app, verb: str):
    admin_id = auth.as_role("admin")
    with app.app_context():
        person_id = make_user(roles=["trainee"]).id
    return (f"/admin/privacy/requests/{_pending_request(app, person_id, admin_id)}/{verb}",
            {"note": "checked with HR"}, "/admin/privacy")


EXERCISED = {
    "admin.new_user": _new_user, "admin.edit_user": _edit_user,
    "admin.toggle_active": _toggle_active, "admin.reset_password": _reset_password,
    "admin.unlock_user": _unlock_user, "admin.unlock_sign_in": _unlock_sign_in,
    "auth.password": _password, "auth.preferences": _preferences, "auth.language": _language,
    "courses.course_status": _course_status,
    "exams.manage_revoke_certificate": _revoke_certificate,
    "exams.manage_certificates": _certificate_validity,
    "exams.my_start": _exam_start, "exams.my_submit": _exam_submit,
    "settings.edit": _settings,
    "privacy.export_mine": _export_mine, "privacy.request_mine": _request_mine,
    "privacy.withdraw_mine": _withdraw_mine, "privacy.export_person": _export_person,
    "privacy.request_for": _request_for,
    "privacy.approve": lambda auth, app: _decision(auth, app, "approve"),
    "privacy.reject": lambda auth, app: _decision(auth, app, "reject"),
    **COURSE_SCENARIOS, **EXAM_SCENARIOS, **PRACTICE_SCENARIOS, **ROLEPLAY_SCENARIOS,
    **PLANNING_SCENARIOS, **MISC_SCENARIOS, **PEOPLE_SCENARIOS,
}


def _post_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}}


def test_every_post_route_is_accounted_for(app):
    assert NOT_EXERCISED == set(), "write a scenario instead (tests/audit/scenarios_*.py)"
    lists = (set(EXERCISED), set(NO_AUDIT_ROW), NOT_EXERCISED)
    assert not (lists[0] & lists[1]) and not (lists[0] & lists[2]) and not (lists[1] & lists[2])
    unaccounted = sorted(_post_endpoints(app) - set().union(*lists))
    assert unaccounted == [], "put each new POST route in EXERCISED, NO_AUDIT_ROW or " \
                              "NOT_EXERCISED (tests/audit/test_post_routes.py)"


def _last_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def _finish_jobs(app) -> None:
    """Run every job the POST started to its end (in-process runner of the tests)."""
    with app.app_context():
        for job_id in db.session.scalars(select(jobs.Job.id).where(
                jobs.Job.status.in_(("queued", "running")))).all():
            jobs.wait(job_id, timeout=120)


@pytest.mark.parametrize("endpoint", sorted(EXERCISED))
def test_the_route_writes_an_audit_row(client, auth, app, endpoint):
    path, data, form_page = EXERCISED[endpoint](auth, app)
    payload = {**(data or {}), "csrf_token": csrf_token(client, form_page)}
    _finish_jobs(app)
    before = _last_id(app)  # after the form page: rows its GET writes do not count
    response = client.post(path, data=payload)
    assert response.status_code < 400, response.get_data(as_text=True)[:300]
    _finish_jobs(app)
    with app.app_context():
        written = db.session.scalars(select(AuditEvent).where(AuditEvent.id > before)).all()
        sources = {row.source for row in written}
        failed = [row.object_id for row in written if row.action == "job.failed"]
    assert endpoint in sources, (endpoint, sources)
    assert not failed, f"the job(s) {failed} the route started failed: fix the scenario"
