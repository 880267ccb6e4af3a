"""Exam journeys in a real browser: a timed exam from start to finish, a server restart
(with the network cut while it is down) in the middle of an attempt without losing an answer,
and a trainer giving extra time to a running attempt (two browsers)."""

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from lms.auth.models import User
from lms.exams.models import Attempt, AttemptState
from lms.extensions import db
from tests.exams.factories import make_exam, single_choice, store

pytestmark = pytest.mark.browser
SCREENS = Path("/tmp/screens")


def _ordering(key):
    return {"key": key, "type": "ordering", "difficulty": "medium",
            "category": "service-awareness/complaint-handling", "curriculum": "service_awareness",
            "text": {"zh": "把投诉处理步骤排好顺序", "en": "Put the complaint steps in order"},
            "general_feedback": {"zh": "先倾听再处理。", "en": "Listen before acting."},
            "items": [{"zh": "倾听", "en": "Listen"}, {"zh": "道歉", "en": "Apologise"},
                      {"zh": "解决", "en": "Solve"}]}


def _exam_for(app, username, keys_and_data, **settings):
    with app.app_context():
        for data in keys_and_data:
            store(data)
        user = db.session.scalar(db.select(User).where(User.username == username))
        return make_exam([d["key"] for d in keys_and_data], user=user, **settings).slug


def _wait_saved(page, number):
    expect(page.locator(f"#q{number} .q-saved")).to_contain_text("已保存", timeout=10000)


def test_a_trainee_takes_a_timed_exam_start_to_finish(page, login, app):
    username = login("trainee")
    questions = [single_choice("jr-one", right="24 小时内回访", wrong=("不用回访",)),
                 single_choice("jr-two", right="首问负责", wrong=("谁有空谁处理",)),
                 _ordering("jr-order")]
    _exam_for(app, username, questions, time_limit_minutes=20, questions_per_page=2,
              slug="timed-journey")
    page.goto("/exams/mine")
    page.screenshot(path=str(SCREENS / "exams-my-exams-zh.png"), full_page=True)
    page.get_by_role("button", name="开始作答").click()
    expect(page.locator("#exam-timer")).to_contain_text("19:5")
    page.get_by_label("24 小时内回访").check()
    _wait_saved(page, 1)
    page.get_by_label("首问负责").check()
    _wait_saved(page, 2)
    page.screenshot(path=str(SCREENS / "exams-attempt-zh.png"), full_page=True)
    page.get_by_role("button", name="下一页").click()
    page.locator("#q3 .move-up").last.click()
    _wait_saved(page, 3)
    page.get_by_role("button", name="提交答卷").click()
    expect(page.locator("#submit-dialog")).to_contain_text("所有题目都已作答")
    page.get_by_role("button", name="立即提交").click()
    expect(page.locator(".summary")).to_contain_text("已提交")
    page.screenshot(path=str(SCREENS / "exams-review-zh.png"), full_page=True)
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        assert attempt.state == AttemptState.SUBMITTED
        assert attempt.questions[0].answer is not None and attempt.questions[2].answer is not None
        assert attempt.points >= 2


class RestartableServer:
    """The test app served on a fixed local port by a thread that can be stopped and restarted
    on the same database (what a deploy or crash does to a real server)."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.thread = None

    @property
    def url(self) -> str:
        """The base URL (the same across restarts)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Serve in a background thread."""
        if self.server is None:
            self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket, as a crashed server would."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        self.server = None
        with self.app.app_context():
            db.engine.dispose()  # a new process would open new connections


@pytest.fixture
def restartable_server(app):
    """A server of the test app that the test can stop and start again."""
    server = RestartableServer(app)
    server.start()
    yield server
    if server.server is not None:
        server.stop()


def test_a_server_restart_mid_attempt_loses_no_answer(page, app, restartable_server):
    from tests.factories import DEFAULT_PASSWORD, make_user

    base = restartable_server.url
    with app.app_context():
        username = make_user(roles=["trainee"]).username
    questions = [single_choice(f"rs-{n}", right=f"对的 {n}", wrong=(f"错的 {n}",))
                 for n in range(3)]
    _exam_for(app, username, questions, time_limit_minutes=10, questions_per_page=3,
              slug="restart-journey")
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/exams/mine")
    page.get_by_role("button", name="开始作答").click()
    page.get_by_label("对的 0").check()
    _wait_saved(page, 1)

    restartable_server.stop()  # the server goes down mid-attempt
    page.get_by_label("对的 1").check()
    expect(page.locator("#save-state")).to_contain_text("网络中断", timeout=10000)
    page.screenshot(path=str(SCREENS / "exams-offline-zh.png"), full_page=True)

    restartable_server.start()  # back on the same database; the queued answer is resent
    _wait_saved(page, 2)
    page.get_by_label("对的 2").check()
    _wait_saved(page, 3)
    page.reload()
    for n in range(3):
        expect(page.get_by_label(f"对的 {n}")).to_be_checked()
    remaining = int(page.locator("#exam-timer").get_attribute("data-remaining"))
    assert 0 < remaining <= 600
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        assert sum(1 for slot in attempt.questions if slot.answer is not None) == 3


def test_trainer_pages_in_both_languages(page, login, app):
    """Screenshots of the main trainer pages in Chinese and English."""
    from lms.exams import attempts
    from tests.factories import make_user

    with app.app_context():
        store(single_choice("sc-one", right="电话", wrong=("传真",)))
        trainee = make_user(roles=["trainee"])
        exam = make_exam(["sc-one"], user=trainee, slug="screens")
        attempt = attempts.start_attempt(exam, trainee)
        attempts.submit(attempt.id, trainee.id)
        exam_id, question_id = exam.id, exam.items[0].question_id
    for language in ("zh", "en"):
        login("trainer", locale=language)
        for name, path in (("manage", "/exams/manage"), ("bank", "/exams/manage/questions"),
                           ("question", f"/exams/manage/questions/{question_id}"),
                           ("results", f"/exams/manage/{exam_id}"),
                           ("items", f"/exams/manage/{exam_id}/items"),
                           ("exam-form", f"/exams/manage/{exam_id}/edit"),
                           ("import", "/exams/manage/import"),
                           ("certificates", "/exams/manage/certificates")):
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            page.screenshot(path=str(SCREENS / f"exams-{name}-{language}.png"), full_page=True)
        page.context.clear_cookies()


TYPE_SAMPLES = ("em-drill-008", "em-res-004", "em-drill-006", "em-essay-001", "em-drill-010",
                "em-res-005", "em-case-001")


def test_every_question_type_renders_and_saves(page, login, app):
    """One shipped question of each type on one page: answer each, each is confirmed saved."""
    from lms.exams.bank_service import load_shipped

    username = login("trainee", locale="en")
    with app.app_context():
        load_shipped()
        user = db.session.scalar(db.select(User).where(User.username == username))
        make_exam(list(TYPE_SAMPLES), user=user, questions_per_page=10, slug="all-types")
    page.goto("/exams/mine")
    page.get_by_role("button", name="Start attempt").click()
    for number in range(1, len(TYPE_SAMPLES) + 1):
        body = page.locator(f"#q{number} > .q-body")
        kind = body.get_attribute("data-kind")
        if kind == "case":
            body.locator("input[type=radio], input[type=checkbox]").first.check()
        elif kind in ("single_choice", "multiple_choice", "true_false"):
            body.locator("input").first.check()
        elif kind == "matching":
            for select in body.locator("select").all():
                select.select_option(index=1)
        elif kind == "ordering":
            body.locator(".move-down").first.click()
        elif kind == "essay":
            body.locator("textarea").fill("Listen, apologise, and call back within 24 hours.")
        else:  # short answer, numerical
            body.locator("input[type=text]").fill("24")
        expect(page.locator(f"#q{number} .q-saved")).to_contain_text("Saved", timeout=10000)
    page.screenshot(path=str(SCREENS / "exams-all-types-en.png"), full_page=True)
    page.get_by_role("button", name="Submit attempt").click()
    page.get_by_role("button", name="Submit now").click()
    expect(page.locator(".summary")).to_be_visible()
    page.screenshot(path=str(SCREENS / "exams-all-types-review-en.png"), full_page=True)


def test_answers_kept_on_the_device_are_sent_after_a_browser_crash(page, login, app):
    """An answer queued in localStorage (the page died before sending it) is sent on reopen."""
    username = login("trainee")
    _exam_for(app, username, [single_choice("cr-one", right="对的", wrong=("错的",))],
              time_limit_minutes=10, slug="crash-journey")
    page.goto("/exams/mine")
    page.get_by_role("button", name="开始作答").click()
    slot = page.locator("fieldset.question").first.get_attribute("data-slot")
    option = page.get_by_label("对的").get_attribute("value")
    attempt_id = page.locator("#attempt-form").get_attribute("data-attempt")
    page.evaluate("([key, slot, option]) => localStorage.setItem(key, JSON.stringify("
                  "{[slot]: {response: option, seq: 1}}))",
                  [f"exam-unsent-{attempt_id}", slot, option])
    page.reload()  # the trainee reopens the exam after the crash
    expect(page.get_by_label("对的")).to_be_checked(timeout=10000)
    expect(page.locator("#q1 .q-saved")).to_contain_text("已保存")
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        assert attempt.questions[0].answer.response == option


def test_a_trainer_imports_a_gift_file_after_fixing_it(page, login, app, tmp_path):
    """A broken file shows its file and line and imports nothing; the fixed one imports."""
    login("trainer")
    broken = tmp_path / "standards.gift"
    broken.write_text("::ok::回访时限？ {=24 小时 ~一周}\n\n::bad::谁负责？ {=首问 ~别人\n",
                      encoding="utf-8")
    page.goto("/exams/manage/import")
    page.set_input_files("#file", str(broken))
    page.select_option("#language", "zh")
    page.get_by_role("button", name="检查文件").click()
    errors = page.locator(".import-errors")
    expect(errors).to_contain_text("standards.gift")
    expect(errors.locator("tbody tr").first).to_contain_text("3")
    page.screenshot(path=str(SCREENS / "exams-import-errors-zh.png"), full_page=True)
    broken.write_text("::ok::回访时限？ {=24 小时 ~一周}\n\n::good::谁负责？ {=首问 ~别人}\n",
                      encoding="utf-8")
    page.set_input_files("#file", str(broken))
    page.get_by_role("button", name="检查文件").click()
    page.screenshot(path=str(SCREENS / "exams-import-preview-zh.png"), full_page=True)
    page.get_by_role("button", name="导入这些题目（2 道）").click()
    expect(page.locator("table.data")).to_contain_text("good")


def test_the_page_follows_the_server_clock_to_the_deadline(page, login, app):
    """When time runs out the page goes to the review, with the saved answer graded."""
    from datetime import timedelta

    from lms.auth.models import utcnow

    username = login("trainee")
    _exam_for(app, username, [single_choice("to-one", right="对的", wrong=("错的",))],
              time_limit_minutes=1, slug="timeout-journey")
    page.goto("/exams/mine")
    page.get_by_role("button", name="开始作答").click()
    page.get_by_label("对的").check()
    _wait_saved(page, 1)
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        attempt.deadline = utcnow() + timedelta(seconds=3)
        db.session.commit()
    page.reload()  # the page takes the server's remaining seconds
    page.wait_for_url("**/review", timeout=15000)
    expect(page.locator(".summary")).to_contain_text("到时自动交卷")
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        assert attempt.state == AttemptState.CLOSED_BY_TIMER and attempt.score == 1.0


def test_a_trainer_extends_a_running_attempt_and_the_timer_follows(page, login, app, browser,
                                                                    live_server):
    """An outage: the trainer gives extra time from the results page (second browser); the
    trainee's timer shows the new time without a reload, and the reason is on record."""
    from tests.factories import DEFAULT_PASSWORD, make_user

    username = login("trainee")
    _exam_for(app, username, [single_choice("ext-one", right="对的", wrong=("错的",))],
              time_limit_minutes=10, slug="extend-journey")
    page.goto("/exams/mine")
    page.get_by_role("button", name="开始作答").click()
    expect(page.locator("#exam-timer")).to_contain_text("9:5")
    attempt_id = page.locator("#attempt-form").get_attribute("data-attempt")
    with app.app_context():
        trainer_name = make_user(roles=["trainer"]).username
        exam_id = db.session.scalar(db.select(Attempt.exam_id))

    trainer = browser.new_context(base_url=live_server, locale="zh-CN",
                                  viewport={"width": 1280, "height": 860})
    desk = trainer.new_page()
    desk.goto("/login")
    desk.fill("#username", trainer_name)
    desk.fill("#password", DEFAULT_PASSWORD)
    desk.click("button[type=submit]")
    desk.wait_for_url("**/")
    desk.goto(f"/exams/manage/{exam_id}")
    desk.locator(f"#extend-{attempt_id} summary").click()
    desk.fill(f"#extend-minutes-{attempt_id}", "30")
    desk.fill(f"#extend-reason-{attempt_id}", "网络中断 10:05-10:35")
    desk.locator(f"#extend-{attempt_id} button[type=submit]").click()
    expect(desk.locator(".flash-success")).to_contain_text("30")
    expect(desk.locator("#extension-log")).to_contain_text("网络中断 10:05-10:35")
    desk.screenshot(path=str(SCREENS / "exams-extend-trainer-zh.png"), full_page=True)
    trainer.close()

    # No reload: the page's next status poll (every 15 s) brings the server's new deadline.
    expect(page.locator("#exam-timer .timer-value")).to_contain_text("39:", timeout=25000)
    expect(page.locator("#timer-note")).to_contain_text("延长")
    page.get_by_label("对的").check()
    _wait_saved(page, 1)
    page.screenshot(path=str(SCREENS / "exams-extend-trainee-zh.png"), full_page=True)
    with app.app_context():
        attempt = db.session.get(Attempt, int(attempt_id))
        assert attempt.is_open and attempt.extensions[0].minutes == 30
        assert attempt.deadline - attempt.started_at == timedelta(minutes=40)


def _numerical(key):
    return {"key": key, "type": "numerical", "difficulty": "easy",
            "category": "service-standards/targets", "curriculum": "service_standards",
            "text": {"zh": "回访时限是多少小时？", "en": "How many hours to call back?"},
            "unit": {"zh": "小时", "en": "hours"}, "answers": [{"value": 24, "fraction": 1}]}


def test_a_trainer_gives_one_trainee_a_window_and_an_attempt_who_then_starts(
        page, login, app, browser, live_server, tmp_path):
    """Overrides in two browsers: the trainer (on a phone) gives one trainee an own window
    and one more attempt on a closed exam; the trainee reads why on their exam page and
    starts. In the attempt a non-number is refused in the page, and the submit dialog names
    the question left unanswered."""
    from lms.auth.models import utcnow
    from lms.exams import attempts
    from lms.exams.models import Exam
    from tests.factories import DEFAULT_PASSWORD, make_user

    username = login("trainee")
    questions = [single_choice("ov-j-one", right="首问负责", wrong=("谁有空谁处理",)),
                 single_choice("ov-j-two", right="24 小时内回访", wrong=("不用回访",)),
                 _numerical("ov-j-num")]
    closed = utcnow() - timedelta(days=1)
    slug = _exam_for(app, username, questions, attempts_allowed=1, questions_per_page=3,
                     opens_at=closed - timedelta(days=7), closes_at=closed,
                     slug="override-journey")
    with app.app_context():
        trainee = db.session.scalar(db.select(User).where(User.username == username))
        exam = db.session.scalar(db.select(Exam).where(Exam.slug == slug))
        exam.closes_at = None  # the trainee sat the exam while it was open ...
        db.session.commit()
        attempts.submit(attempts.start_attempt(exam, trainee).id, trainee.id)
        exam.closes_at = closed  # ... and it closed yesterday
        db.session.commit()
        exam_id, option = exam.id, f"{trainee.name} ({trainee.employee_no})"
        trainer_name = make_user(roles=["trainer"], name="王老师").username
    page.goto(f"/exams/mine/{slug}")
    expect(page.get_by_role("button", name="开始作答")).to_have_count(0)

    trainer = browser.new_context(base_url=live_server, locale="zh-CN",
                                  viewport={"width": 390, "height": 844}, is_mobile=True)
    desk = trainer.new_page()
    desk.goto("/login")
    desk.fill("#username", trainer_name)
    desk.fill("#password", DEFAULT_PASSWORD)
    desk.click("button[type=submit]")
    desk.wait_for_url("**/")
    desk.goto(f"/exams/manage/{exam_id}")
    desk.locator("#overrides-link").click()
    desk.select_option("#target", label=option)
    desk.fill("#extra_attempts", "1")
    local = utcnow() + timedelta(hours=8)  # the site's zone, Asia/Shanghai
    desk.fill("#opens_at", (local - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    desk.fill("#closes_at", (local + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    desk.fill("#reason", "病假补考，已见医院证明")
    desk.get_by_role("button", name="保存特别设置").click()
    expect(desk.locator(".flash-success")).to_contain_text("特别设置已保存")
    expect(desk.locator("#override-list")).to_contain_text("病假补考")
    expect(desk.locator("#override-audit")).to_contain_text("王老师")
    desk.screenshot(path=str(tmp_path / "exams-overrides-phone-zh.png"), full_page=True)
    trainer.close()

    page.goto("/")
    expect(page.locator("#exam-widget")).to_contain_text("有 1 场考试等你参加")
    page.goto(f"/exams/mine/{slug}")
    expect(page.locator("#override-notices")).to_contain_text("你的培训师（王老师）给了你")
    expect(page.locator("#override-notices")).to_contain_text("病假补考，已见医院证明")
    page.screenshot(path=str(tmp_path / "exams-my-exam-zh.png"), full_page=True)
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_url("**/exams/attempts/*")
    page.get_by_label("首问负责").check()
    _wait_saved(page, 1)

    box = page.locator("#q3 input[data-number]")
    box.fill("二十四")
    box.blur()
    expect(page.locator("#q3 .error")).to_contain_text("请在这里填写数字")
    expect(box).to_have_attribute("aria-invalid", "true")
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt).where(Attempt.number == 2))
        assert attempt is not None and attempt.questions[2].answer is None  # never sent
    box.fill("24 小时")
    box.blur()
    _wait_saved(page, 3)
    expect(page.locator("#q3 .error")).to_be_hidden()

    page.locator("#finish-attempt").click()
    dialog = page.locator("#submit-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("尚未作答：第 2 题。")
    page.screenshot(path=str(tmp_path / "exams-submit-dialog-zh.png"))
    page.get_by_role("button", name="继续作答").click()
    expect(dialog).to_be_hidden()
    page.locator("#finish-attempt").click()
    page.get_by_role("button", name="立即提交").click()
    page.wait_for_url("**/review")
    expect(page.locator("#not-answered")).to_contain_text("2")
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt).where(Attempt.number == 2))
        assert attempt.state == AttemptState.SUBMITTED
        assert attempt.questions[2].answer.response == "24 小时"
        assert attempt.deadline is not None  # capped by the trainee's own close time
