"""Practice pages through HTTP: scheduling in local time, enrolment, taps, sign-off, access."""

import re
import threading
from datetime import timedelta

import requests
from sqlalchemy import func, select

from lms.auth.models import User, utcnow
from lms.extensions import db
from lms.practice import checklists, overview, service
from lms.practice.models import ChecklistMark, Enrolment, PracticeSession
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.practice.factories import make_session, observe_all, onsite_course, trainees

NEW = "/practice/sessions/new"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _form(course_id, trainer_id, **changes) -> dict:
    fields = {"course_id": str(course_id), "lesson_id": "0", "trainer_id": str(trainer_id),
              "day": "2026-12-14", "start_time": "09:00", "end_time": "17:00",
              "place": "热线东区服务台", "capacity": "6"}
    fields.update(changes)
    return fields


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_trainer_schedules_a_session_in_local_time(client, auth, app):
    trainer_id = auth.as_role("trainer")
    with app.app_context():
        course_id = onsite_course().id
    response = auth.post(NEW, _form(course_id, trainer_id), form_page=NEW)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    with app.app_context():
        stored = db.session.scalar(select(PracticeSession))
        assert (stored.starts_at.hour, stored.ends_at.hour) == (1, 9)  # 09:00 / 17:00 UTC+8
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2026-12-14 09:00" in page and "17:00" in page and "热线东区服务台" in page
    edit = client.get(f"/practice/sessions/{stored.id}/edit").get_data(as_text=True)
    assert 'value="09:00"' in edit and 'value="2026-12-14"' in edit


def test_bad_session_input_is_refused_beside_the_field_and_nothing_is_stored(client, auth, app):
    trainer_id = auth.as_role("trainer")
    with app.app_context():
        course_id = onsite_course().id
        from tests.courses.factories import make_course

        foreign_lesson = make_course("callback-basics").lessons[0].id
    cases = [({"end_time": "08:00"}, "end_time", "结束时间必须晚于开始时间"),
             ({"capacity": "lots"}, "capacity", "名额"),
             ({"capacity": "0"}, "capacity", "名额"),
             ({"day": "2026-13-40"}, "day", "日期"),
             ({"lesson_id": str(foreign_lesson)}, "lesson_id", "课时必须属于所选的课程"),
             ({"place": ""}, "place", "地点")]
    for changes, field, words in cases:
        response = auth.post(NEW, _form(course_id, trainer_id, **changes), form_page=NEW)
        body = response.get_data(as_text=True)
        assert response.status_code == 400, changes
        assert f'id="{field}-error"' in body and words in body, (changes, body[-3000:])
    assert _count(app, PracticeSession) == 0


def test_a_trainer_cannot_schedule_for_another_trainer(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        course_id = onsite_course().id
        colleague = make_user(roles=["trainer"]).id
    response = auth.post(NEW, _form(course_id, colleague), form_page=NEW)
    assert response.status_code == 400 and 'id="trainer_id-error"' in response.get_data(
        as_text=True)
    assert _count(app, PracticeSession) == 0


def _setup(app, capacity=8, trainee_fields=None, starts_in=timedelta(days=2)):
    with app.app_context():
        course = onsite_course()
        trainer = make_user(roles=["trainer"], name="Coach Li")
        practice = make_session(course, trainer, capacity=capacity, starts_in=starts_in)
        return course.id, trainer.username, practice.id


def test_trainee_sees_the_session_enrols_and_withdraws(client, auth, app):
    _, _, session_id = _setup(app)
    me = auth.as_role("trainee")
    with app.app_context():
        from tests.courses.factories import assign_to

        assign_to(onsite_course(), db.session.get(User, me))
    page = client.get("/practice/my").get_data(as_text=True)
    assert "跟岗实践与现场实习" in page
    assert "已参加 0.0 / 31.0 计划学时" in page
    course_page = client.get("/practice/my/onsite-practice").get_data(as_text=True)
    assert "Training room 3" in course_page and "剩余名额 8 / 8" in course_page
    assert "跟听至少 30 通电话或在线会话" in course_page  # the checklist, read-only
    response = auth.post(f"/practice/sessions/{session_id}/enrol")
    assert response.status_code == 302
    after = client.get("/practice/my/onsite-practice").get_data(as_text=True)
    assert "已报名" in after and "剩余名额 7 / 8" in after and "取消报名" in after
    home = client.get("/").get_data(as_text=True)
    assert "下一场实践" in home and "Training room 3" in home
    assert auth.post(f"/practice/sessions/{session_id}/withdraw").status_code == 302
    with app.app_context():
        assert service.seats_taken(session_id) == 0


def test_a_full_session_refuses_with_a_message(client, auth, app):
    course_id, _, session_id = _setup(app, capacity=1)
    with app.app_context():
        from lms.courses.models import Course

        course = db.session.get(Course, course_id)
        other = trainees(course, 1)[0]
        service.enrol(db.session.get(PracticeSession, session_id), other, other)
        db.session.commit()
    me = auth.as_role("trainee")
    with app.app_context():
        from tests.courses.factories import assign_to

        assign_to(db.session.get(Course, course_id), db.session.get(User, me))
    response = auth.post(f"/practice/sessions/{session_id}/enrol")
    assert response.status_code == 400
    assert "这一场实践已满员（1 个名额）" in response.get_data(as_text=True)
    with app.app_context():
        assert service.seats_taken(session_id) == 1


def test_a_session_of_a_course_not_assigned_is_not_found_for_the_trainee(client, auth, app):
    _, _, session_id = _setup(app)
    auth.as_role("trainee")
    assert auth.post(f"/practice/sessions/{session_id}/enrol").status_code == 404
    assert client.get("/practice/my/onsite-practice").status_code == 404
    assert client.get("/practice/my/no-such-course").status_code == 404
    assert auth.post("/practice/sessions/999999/enrol").status_code == 404


def test_trainee_pages_and_trainer_pages_are_apart(client, auth, app):
    _, _, session_id = _setup(app)
    auth.as_role("trainee")
    for path in ("/practice/", NEW, f"/practice/sessions/{session_id}",
                 f"/practice/sessions/{session_id}/attendance",
                 "/practice/checklists/onsite-practice/1"):
        assert client.get(path).status_code == 403, path


def test_trainers_see_and_act_only_on_their_own_sessions(client, auth, app):
    _, owner, session_id = _setup(app)
    with app.app_context():
        course = onsite_course()
        person = trainees(course, 1, name="Roster Person")[0]
        enrolment = service.enrol(db.session.get(PracticeSession, session_id), person, person)
        db.session.commit()
        enrolment_id, person_id = enrolment.id, person.id
    auth.as_role("trainer")
    assert "Training room 3" not in client.get("/practice/").get_data(as_text=True)
    assert client.get(f"/practice/sessions/{session_id}").status_code == 403
    assert client.get(f"/practice/sessions/{session_id}/attendance").status_code == 403
    assert auth.post(f"/practice/enrolments/{enrolment_id}/attendance",
                     {"status": "present"}).status_code == 403
    assert auth.post(f"/practice/sessions/{session_id}/cancel").status_code == 403
    assert client.get(f"/practice/checklists/onsite-practice/{person_id}").status_code == 403
    assert client.get("/practice/sessions/999999").status_code == 404
    assert client.get(f"/practice/checklists/nothing/{person_id}").status_code == 404
    from tests.conftest import Auth

    owner_client = app.test_client()
    Auth(owner_client, app).login(owner)
    page = owner_client.get(f"/practice/sessions/{session_id}").get_data(as_text=True)
    assert "Roster Person" in page
    admin_client = app.test_client()
    Auth(admin_client, app).as_role("admin")
    assert admin_client.get(f"/practice/sessions/{session_id}").status_code == 200


def _tap(client, path, payload):
    token = TOKEN.search(client.get("/account/password").get_data(as_text=True)).group(1)
    return client.post(path, json=payload, headers={"X-CSRFToken": token,
                                                    "Accept": "application/json"})


def test_each_attendance_tap_is_saved_and_answered_with_its_time(client, auth, app):
    _, owner, session_id = _setup(app, starts_in=timedelta(minutes=10))
    with app.app_context():
        person = trainees(onsite_course(), 1)[0]
        enrolment_id = service.enrol(db.session.get(PracticeSession, session_id), person,
                                     person).id
        db.session.commit()
    auth.login(owner)
    page = client.get(f"/practice/sessions/{session_id}/attendance").get_data(as_text=True)
    assert 'value="present"' in page and "尚未记录" in page
    reply = _tap(client, f"/practice/enrolments/{enrolment_id}/attendance",
                 {"status": "late"})
    assert reply.status_code == 200 and reply.json["status"] == "late"
    assert reply.json["saved"].startswith("已保存")
    with app.app_context():
        stored = db.session.get(Enrolment, enrolment_id)
        assert stored.attendance == "late" and stored.attendance_at is not None
    bad = _tap(client, f"/practice/enrolments/{enrolment_id}/attendance", {"status": "asleep"})
    assert bad.status_code == 400 and bad.json["field"] == "status" and bad.json["message"]
    with app.app_context():
        assert db.session.get(Enrolment, enrolment_id).attendance == "late"
    plain = auth.post(f"/practice/enrolments/{enrolment_id}/attendance", {"status": "present"})
    assert plain.status_code == 302
    page = client.get(f"/practice/sessions/{session_id}/attendance").get_data(as_text=True)
    assert 'value="present" class="tap tap-present" aria-pressed="true"' in page
    missing = _tap(client, "/practice/enrolments/999999/attendance", {"status": "present"})
    assert missing.status_code == 404


def test_checklist_sign_off_needs_all_items_then_shows_to_the_trainee(client, auth, app):
    _, owner, session_id = _setup(app, starts_in=timedelta(minutes=-30))
    trainee_client = app.test_client()
    from tests.conftest import Auth

    trainee_auth = Auth(trainee_client, app)
    trainee_id = trainee_auth.as_role("trainee")
    with app.app_context():
        course = onsite_course()
        person = db.session.get(User, trainee_id)
        from tests.courses.factories import assign_to

        assign_to(course, person)
        practice = db.session.get(PracticeSession, session_id)
        trainer = practice.trainer
        enrolment = service.enrol(practice, person, trainer)
        service.mark_attendance(enrolment, "present", trainer)
        db.session.commit()
        observe_all(course, person, trainer, but=1)
        last = checklists.items_of(course)[-1]
    auth.login(owner)
    base = f"/practice/checklists/onsite-practice/{trainee_id}"
    refused = auth.post(f"{base}/sign-off")
    assert refused.status_code == 400 and "还有 1 项尚未观察到" in refused.get_data(as_text=True)
    bad_item = _tap(client, f"{base}/items", {"lesson_id": last.lesson.id, "index": 42,
                                              "observed": "observed"})
    assert bad_item.status_code == 400 and bad_item.json["field"] == "item"
    long_comment = _tap(client, f"{base}/items", {"lesson_id": last.lesson.id,
                                                  "index": last.index, "observed": "observed",
                                                  "comment": "x" * 1001})
    assert long_comment.status_code == 400 and long_comment.json["field"] == "comment"
    reply = _tap(client, f"{base}/items", {"lesson_id": last.lesson.id, "index": last.index,
                                           "observed": "observed", "comment": "good plan"})
    assert reply.status_code == 200 and reply.json["ready"] is True
    assert auth.post(f"{base}/sign-off").status_code == 302
    mine = trainee_client.get("/practice/my/onsite-practice").get_data(as_text=True)
    assert "已签认" in mine and "good plan" in mine and "已参加 8.0 / 31.0 计划学时" in mine
    no_reason = auth.post(f"{base}/withdraw", {"reason": ""})
    assert no_reason.status_code == 400 and "撤销签认的原因" in no_reason.get_data(as_text=True)
    assert auth.post(f"{base}/withdraw", {"reason": "wrong person"}).status_code == 302
    mine = trainee_client.get("/practice/my/onsite-practice").get_data(as_text=True)
    assert "签认已撤销" in mine and "wrong person" in mine
    with app.app_context():
        assert db.session.scalar(select(func.count(ChecklistMark.id))) == 22


def test_home_widgets_count_what_the_database_holds(client, auth, app):
    trainer_id = auth.as_role("trainer")
    with app.app_context():
        course, trainer = onsite_course(), db.session.get(User, trainer_id)
        people = trainees(course, 3)
        now = utcnow()
        today_start, _ = service.local_day_bounds()
        soon = make_session(course, trainer, starts_at=max(now + timedelta(minutes=5),
                                                           today_start))
        done = make_session(course, trainer, starts_at=now - timedelta(days=2))
        make_session(course, make_user(roles=["trainer"]), starts_at=now - timedelta(days=1))
        for person in people:
            service.enrol(done, person, trainer)
        service.enrol(soon, people[0], trainer)
        service.mark_attendance(service.enrolment_of(done, people[0].id), "present", trainer)
        service.mark_attendance(service.enrolment_of(done, people[1].id), "late", trainer)
        db.session.commit()
        observe_all(course, people[1], trainer)
        today = len(overview.sessions_today(trainer))
    home = client.get("/").get_data(as_text=True)
    widget = home[home.index('id="practice-trainer-widget"'):]
    assert f'data-count="today">{today}<' in widget
    assert 'data-count="attendance">2<' in widget  # soon: 1 unmarked, done: 1 unmarked
    assert 'data-count="waiting">2<' in widget  # two attended, none signed off
    assert "有 1 份检查清单的各项都已观察到" in widget


def test_navigation_offers_practice_by_role(client, auth, app):
    auth.as_role("trainee")
    assert 'href="/practice/my"' in client.get("/").get_data(as_text=True)
    staff = app.test_client()
    from tests.conftest import Auth

    Auth(staff, app).as_role("trainer")
    page = staff.get("/").get_data(as_text=True)
    assert 'href="/practice/"' in page and 'href="/practice/my"' not in page


def _browser_like_session(base_url: str, username: str) -> tuple[requests.Session, str]:
    http = requests.Session()
    token = TOKEN.search(http.get(f"{base_url}/login").text).group(1)
    response = http.post(f"{base_url}/login", data={"username": username,
                                                    "password": DEFAULT_PASSWORD,
                                                    "csrf_token": token},
                         allow_redirects=False)
    assert response.status_code == 302
    token = TOKEN.search(http.get(f"{base_url}/practice/my").text).group(1)
    return http, token


def test_parallel_enrolment_over_http_cannot_overbook(app, live_server, monkeypatch):
    """Six trainees press "enrol" at once for three places over real HTTP: three get in."""
    with app.app_context():
        course = onsite_course()
        names = [p.username for p in trainees(course, 6)]
        session_id = make_session(course, make_user(roles=["trainer"]), capacity=3).id
    counted = service.seats_taken

    def slow_count(session):
        taken = counted(session)
        __import__("time").sleep(0.15)
        return taken

    monkeypatch.setattr(service, "seats_taken", slow_count)
    browsers = [_browser_like_session(live_server, name) for name in names]
    start, codes = threading.Barrier(len(browsers)), []

    def press(http, token):
        start.wait()
        codes.append(http.post(f"{live_server}/practice/sessions/{session_id}/enrol",
                               data={"csrf_token": token}, allow_redirects=False).status_code)

    threads = [threading.Thread(target=press, args=pair) for pair in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == [302] * 3 + [400] * 3
    with app.app_context():
        assert service.seats_taken(session_id) == 3


def test_trainer_edits_and_cancels_with_messages_for_bad_input(client, auth, app):
    course_id, owner, session_id = _setup(app)
    with app.app_context():
        from lms.courses.models import Course

        people = trainees(db.session.get(Course, course_id), 2)
        practice = db.session.get(PracticeSession, session_id)
        for person in people:
            service.enrol(practice, person, person)
        db.session.commit()
        trainer_id, local_day = practice.trainer_id, service.to_local(practice.starts_at)
    auth.login(owner)
    edit = f"/practice/sessions/{session_id}/edit"
    fields = _form(course_id, trainer_id, day=local_day.strftime("%Y-%m-%d"),
                   start_time="09:00", end_time="10:00", capacity="1")
    response = auth.post(edit, fields, form_page=edit)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="capacity-error"' in body
    assert "已有 2 人报名" in body
    too_long = auth.post(f"/practice/sessions/{session_id}/cancel", {"reason": "x" * 501})
    assert too_long.status_code == 400 and "原因" in too_long.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PracticeSession, session_id).status == "scheduled"
    assert auth.post(f"/practice/sessions/{session_id}/cancel",
                     {"reason": "培训师生病"}).status_code == 302
    page = client.get(f"/practice/sessions/{session_id}").get_data(as_text=True)
    assert "已取消" in page and "培训师生病" in page
