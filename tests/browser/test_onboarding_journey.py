"""The whole shipped 72 h onboarding for one new hire, played by the people who take part,
each in their own browser: a trainer who assigns, schedules and signs off, a second trainer
who scores the role-play too, and the new hire.

assignment by department → every lesson → an offline session with attendance and a signed
checklist → the four final exams → a role-play scored by two raters → two emergency drills →
path complete → the path certificate as a PDF, with the new hire's Chinese name → a key
correction and regrade drop a final below the pass mark: the completion and the certificates
are withdrawn → a retake, and they are issued again → a year later the certificate has
expired, the courses reopen, the new hire retakes the final and the path is renewed with a
new certificate, the old one superseded.

Time passes for real on the server (``time_machine`` moves the clock of this process, where
the live server runs); nothing is written to the database behind the people's backs except
the users and the shipped content, which an administrator loads.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from lms.exams.bank_service import definition_of
from lms.exams.models import Attempt, AttemptQuestion, Certificate
from lms.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENS = Path("/tmp/screens")
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_HIRE = "林晓雪"
FINALS = ("service-standards-final", "service-awareness-final", "technical-skills-final",
          "emergency-handling-final")


def _shot(page, name: str) -> None:
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"onboarding-{name}.png"), full_page=True)


@pytest.fixture
def person(browser, base_url):
    """A fresh browser context (own cookies) per person; closed at the end."""
    contexts = []

    def open_browser(username: str, locale: str = "zh-CN", width: int = 1280):
        context = browser.new_context(base_url=base_url, locale=locale,
                                      viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        _sign_in(page, username)
        return page

    yield open_browser
    for context in contexts:
        context.close()


def _sign_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.fixture
def cast(app):
    """The shipped content (as ``flask courses load`` and the role-play library store it),
    a new hire in Hotline East, two trainers of the training center."""
    from lms.courses.content_service import load_content
    from lms.courses.models import LearningPath
    from tests.roleplay.factories import load_content as load_roleplay

    with app.app_context():
        load_roleplay()
        load_content()
        make_user(roles=["trainee"], username="lin-xx", name=NEW_HIRE, employee_no="HE2026-031",
                  department="Hotline East", hired_on=date.today() - timedelta(days=1))
        make_user(roles=["trainer"], username="coach-wang", name="王带教",
                  department="Training Center", locale="en")
        make_user(roles=["trainer"], username="coach-zhou", name="周评分",
                  department="Training Center")
        return db.session.scalar(select(LearningPath.id).where(
            LearningPath.slug == "onboarding-72h"))


# --- the exam paper: what the new hire answers ---------------------------------------------

def _right_controls(question) -> list[tuple[str, str, object]]:
    """How to give the right answer to ``question`` on the page: (action, selector, value)."""
    kind = str(question.type)
    if kind in ("single_choice", "multiple_choice"):
        return [("check" if option.fraction > 0 else "uncheck",
                 f"input[value='{question.option_id(i)}']", None)
                for i, option in enumerate(question.options)]
    if kind == "true_false":
        return [("check", f"input[value='{'true' if question.answer else 'false'}']", None)]
    if kind == "matching":
        return [("select", f"select[data-prompt='{question.prompt_id(i)}']",
                 question.choice_id(pair.answer)) for i, pair in enumerate(question.pairs)]
    if kind == "ordering":
        return [("order", "", [question.item_id(i) for i in range(len(question.items))])]
    if kind == "numerical":
        best = max(question.answers, key=lambda a: a.fraction)
        value = best.value if best.value is not None else (best.minimum + best.maximum) / 2
        return [("fill", "input[type=text]", f"{value:g}")]
    if kind == "short_answer":
        best = max(question.answers, key=lambda a: a.fraction)
        return [("fill", "input[type=text]", (best.accept.zh or best.accept.en)[0])]
    raise AssertionError(f"no way to answer a {kind} question in this journey")


def _order(body, wanted: list[str]) -> None:
    for position, item_id in enumerate(wanted):
        while True:
            current = body.locator("li[data-item]").evaluate_all(
                "items => items.map(li => li.dataset.item)")
            if current.index(item_id) == position:
                break
            body.locator(f"li[data-item='{item_id}'] .move-up").click()


def _answer_page(page, app, wrong: set[int] | None = None) -> list[int]:
    """Answer every question shown on this page of the attempt rightly (those whose number is
    in ``wrong`` are left unanswered); returns the question numbers done."""
    done = []
    for fieldset in page.locator("fieldset.question").all():
        number = int(fieldset.get_attribute("id")[1:])
        if wrong and number in wrong:
            continue
        with app.app_context():
            slot = db.session.get(AttemptQuestion, int(fieldset.get_attribute("data-slot")))
            question = definition_of(slot.version)
        body = fieldset.locator(".q-body").first
        for action, selector, value in _right_controls(question):
            if action == "check":
                body.locator(selector).check()
            elif action == "uncheck":
                body.locator(selector).uncheck()
            elif action == "select":
                body.locator(selector).select_option(value)
            elif action == "fill":
                body.locator(selector).fill(value)
                body.locator(selector).blur()
            else:
                _order(body, value)
        expect(fieldset.locator(".q-saved")).to_contain_text("已保存")
        done.append(number)
    return done


def _sit(page, app, title: str, leave_out: frozenset[int] = frozenset()) -> str:
    """Take the exam called ``title`` from the trainee's exam list, leaving the questions
    numbered in ``leave_out`` unanswered; returns the review page's summary."""
    page.goto("/exams/mine")
    page.locator("tr", has_text=title).get_by_role("button", name="开始作答").click()
    expect(page.locator("#exam-timer")).to_be_visible()
    while True:
        _answer_page(page, app, set(leave_out))
        following = page.get_by_role("button", name="下一页")
        if not following.is_visible():
            break
        following.click()
    page.get_by_role("button", name="提交答卷").click()
    if leave_out:
        expect(page.locator("#submit-dialog")).to_contain_text("未作答")
    page.get_by_role("button", name="立即提交").click()
    expect(page.locator(".summary")).to_contain_text("已提交")
    return page.locator(".summary").inner_text()


# --- the drills ------------------------------------------------------------------------------

def _schedule_drill(trainer, scenario: str, compression: int) -> None:
    trainer.goto("/drills/manage")
    trainer.select_option("#scenario_id", scenario)
    option = trainer.locator("#trainee_id option", has_text=NEW_HIRE)
    trainer.select_option("#trainee_id", option.get_attribute("value"))
    trainer.fill("#compression", str(compression))
    trainer.get_by_role("button", name="Schedule").click()
    expect(trainer.locator(".flash-success")).to_be_visible()


def _act(page, kind: str) -> None:
    page.locator(f"form.drill-action[data-kind={kind}] button").click()


def _play_drill(page, alert: str, wait_for_resolution: bool) -> str:
    """Play the scheduled drill that is open on ``page``: act on the first alert as the
    procedure says, call back after the resolution, end, return the debrief's score."""
    page.get_by_role("button", name="开始演练").click()
    expect(page.locator("#drill-status")).to_have_text("运行中")
    expect(page.locator("#alerts")).to_contain_text(alert, timeout=40_000)
    page.locator("#step-report_manager").click()
    for kind in ("activate_emergency_plan", "enable_callbacks", "ivr_announcement",
                 "publish_unified_reply", "escalate_to_emergency_team"):
        _act(page, kind)
    page.locator("#step-notify_customers").click()
    expect(page.locator("#action-log li.confirmed")).to_have_count(7, timeout=20_000)
    if wait_for_resolution:
        expect(page.locator("#alerts")).to_contain_text("已结束", timeout=70_000)
        page.locator("#step-callbacks_after_resolution").click()
        page.locator("#step-review").click()
        expect(page.locator("#action-log li.confirmed")).to_have_count(9)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束演练").click()
    page.wait_for_url("**/debrief")
    return page.locator(".score-big").first.inner_text()


def _lessons(page, slug: str, final: str | None) -> None:
    """Open every lesson of the course from its page; the last one names the final exam and
    its link leads to the exam's page."""
    page.goto("/courses/my")
    page.locator(f"article[data-course={slug}]").get_by_role("link").first.click()
    page.get_by_role("link", name=re.compile(r"^(开始|继续)")).first.click()
    expect(page.locator(".lesson-nav")).to_be_visible()
    while page.locator(".lesson-nav a[rel=next]").count():
        following = page.locator(".lesson-nav a[rel=next]")
        href = following.get_attribute("href")
        following.click()
        page.wait_for_url(f"**{href}")  # the next lesson has loaded before looking again
        expect(page.locator(".lesson-nav")).to_be_visible()
    if final is not None:
        step = page.locator("#next-steps a", has_text=final)
        expect(step).to_be_visible()
        step.click()
        expect(page.locator("h1")).to_contain_text(final)


# --- the journey -----------------------------------------------------------------------------

def test_a_new_hire_completes_the_shipped_onboarding_and_the_certificate_stays_true(
        app, cast, person):
    path_id = cast
    trainer = person("coach-wang", locale="en-US")

    # 1. The trainer makes the service-standards certificate valid for a year, then assigns
    #    the 72 h onboarding to the new hire's department.
    trainer.goto("/exams/manage/certificates")
    trainer.select_option("#subject", label="Course · Service standards and business knowledge")
    trainer.fill("#validity_days", "365")
    trainer.get_by_role("button", name="Save").click()
    expect(trainer.locator("#validity-periods")).to_contain_text("365")
    trainer.goto(f"/courses/manage/assign?item=path:{path_id}")
    trainer.select_option("#department", label="Hotline East")
    due = date.today() + timedelta(days=10)
    trainer.fill("#due_on", due.isoformat())
    trainer.get_by_role("button", name="Assign", exact=True).click()
    expect(trainer.locator(".flash-success")).to_contain_text("1")

    # 2. The new hire takes the courses in the order the path unlocks them: every lesson,
    #    then from the last lesson to what the course still asks (its final exam first).
    trainee = person("lin-xx")
    trainee.goto("/courses/my")
    expect(trainee.locator("body")).to_contain_text("入职培训（72 小时）")
    expect(trainee.locator("article[data-course=technical-skills] .lock-reason")).to_be_visible()

    _lessons(trainee, "service-standards", "服务规范结业考试")
    _shot(trainee, "last-lesson-next-steps-zh")
    # The service-standards final: exactly the pass mark (7 of 10 answered).
    summary = _sit(trainee, app, "服务规范结业考试", leave_out=frozenset({8, 9, 10}))
    assert "70" in summary, summary

    _lessons(trainee, "service-awareness", "服务意识结业考试")
    assert "100" in _sit(trainee, app, "服务意识结业考试")

    # 3. Role-play: coach Wang records and scores it, coach Zhou scores it blind as well.
    trainer.goto("/roleplay/performances/new")
    trainer.select_option("#card", "ac_failed_again_after_repair")
    option = trainer.locator("#trainee option", has_text=NEW_HIRE)
    trainer.select_option("#trainee", option.get_attribute("value"))
    trainer.get_by_role("button", name="Save").click()
    performance_url = trainer.url
    for rater in (trainer, person("coach-zhou")):
        rater.goto(performance_url.rstrip("/") + "/score")
        blocks = rater.locator("fieldset.criterion")
        for index in range(blocks.count()):
            blocks.nth(index).locator(".level-card").last.click()
        rater.locator("button[type=submit]").last.click()
        expect(rater.locator("#all-scores")).to_be_visible()

    for slug, final in (("technical-skills", "技术技能结业考试"),
                        ("emergency-handling", "应急处理结业考试")):
        _lessons(trainee, slug, final)
        assert "100" in _sit(trainee, app, final)
    _shot(trainee, "exam-review-zh")

    # 4. Two emergency drills, scheduled by the trainer and played by the new hire.
    _schedule_drill(trainer, "group_complaint_surge", 600)
    _schedule_drill(trainer, "quality_recall", 600)
    for title, alert, resolution in (("群体投诉激增", "同一型号", True),
                                     ("重大质量问题召回", "同一型号", False)):
        trainee.goto("/drills/")
        trainee.locator("tr", has_text=title).get_by_role("link", name="进入演练").click()
        score = _play_drill(trainee, alert, resolution)
        assert int(re.search(r"\d+", score).group()) >= 60, score
    _shot(trainee, "drill-debrief-zh")


    _lessons(trainee, "onsite-practice", None)
    # 5. Offline: the trainer schedules an on-site session, the new hire enrols, the trainer
    #    takes attendance and signs the practical checklist off on a tablet.
    start_at = (datetime.now(SHANGHAI) + timedelta(minutes=15)).replace(second=0,
                                                                         microsecond=0)
    start_at += timedelta(minutes=(5 - start_at.minute % 5) % 5)
    if start_at.hour >= 22:  # keep the session inside one day
        start_at = start_at.replace(hour=22, minute=0)
    trainer.goto("/practice/")
    trainer.get_by_role("link", name="Schedule a session").click()
    trainer.select_option("#course_id", label="Shadowing and on-site practice")
    trainer.locator("#lesson_id").select_option(index=1)
    trainer.fill("#day", start_at.strftime("%Y-%m-%d"))
    trainer.fill("#start_time", start_at.strftime("%H:%M"))
    trainer.fill("#end_time", (start_at + timedelta(hours=1)).strftime("%H:%M"))
    trainer.fill("#place", "热线东区服务台")
    trainer.fill("#capacity", "6")
    trainer.get_by_role("button", name="Save session").click()
    expect(trainer.locator(".flash-success")).to_be_visible()
    session_url = trainer.url

    trainee.goto("/practice/my")
    trainee.get_by_role("link", name="实践安排与检查清单").first.click()
    trainee.locator(".offer").first.get_by_role("button", name="报名").click()
    expect(trainee.locator(".flash-success")).to_contain_text("已报名")

    trainer.set_viewport_size({"width": 768, "height": 1024})
    trainer.goto(session_url)
    trainer.get_by_role("link", name="Take attendance").click()
    row = trainer.locator(".att-row", has_text=NEW_HIRE)
    row.get_by_role("button", name="Present").click()
    expect(row.locator("[data-tap-state]")).to_contain_text("Saved")
    trainer.goto(session_url)
    trainer.locator("table.roster").get_by_role("link", name=re.compile("observed")).click()
    rows = trainer.locator(".mark-row")
    for index in range(rows.count()):
        rows.nth(index).get_by_role("button", name="Observed").click()
        expect(rows.nth(index).locator("[data-tap-state]")).to_contain_text("Saved")
    trainer.get_by_role("button", name="Sign off the checklist").click()
    expect(trainer.locator("#signoff-state")).to_contain_text("王带教")
    _shot(trainer, "checklist-signed-768-en")
    trainer.set_viewport_size({"width": 1280, "height": 900})

    # 6. The path is complete; the certificate carries the new hire's Chinese name.
    trainee.goto("/courses/my")
    expect(trainee.locator("body")).to_contain_text("已完成")
    trainee.goto("/exams/mine")
    path_cert = trainee.locator("#my-certificates li", has_text="入职培训（72 小时）")
    expect(path_cert).to_have_attribute("data-state", "valid")
    code = path_cert.get_attribute("data-code")
    href = path_cert.get_by_role("link", name="PDF").get_attribute("href")
    reply = trainee.context.request.get(href)  # what the link opens, with the trainee's cookie
    assert reply.ok and reply.headers["content-type"].startswith("application/pdf")
    pdf = PdfReader(io.BytesIO(reply.body()))
    assert NEW_HIRE in "".join(page.extract_text() for page in pdf.pages)
    _shot(trainee, "certificates-zh")
    trainee.set_viewport_size({"width": 390, "height": 844})  # the same pages on a phone
    for url in ("/courses/my", "/exams/mine", "/records/me"):
        trainee.goto(url)
        assert trainee.evaluate("document.documentElement.scrollWidth") <= 390, url
        _shot(trainee, "phone-" + url.strip("/").replace("/", "-"))
    trainee.set_viewport_size({"width": 1280, "height": 900})

    # 7. A trainer corrects the key of a question the new hire answered right in the
    #    service-standards final and regrades: 60 % is below the pass mark.
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).join(Attempt.exam).where(
            Attempt.exam.has(slug="service-standards-final")))
        slot = next(s for s in attempt.questions if s.answer is not None
                    and str(s.version.question.type) == "single_choice" and s.fraction == 1)
        question_id = slot.version.question_id
        right = [i for i, o in enumerate(definition_of(slot.version).options) if o.fraction > 0]
    trainer.goto(f"/exams/manage/questions/{question_id}/choice")
    for index in range(trainer.locator(".option-row").count()):
        field = trainer.locator(f"#options-{index}-percent")
        if field.input_value() != "" and trainer.locator(f"#options-{index}-text_zh").input_value():
            field.fill("0" if index in right else ("100" if index == (right[0] + 1) % 2 else "0"))
    trainer.get_by_role("button", name="Save").click()
    expect(trainer.locator(".flash-success")).to_be_visible()
    trainer.goto(f"/exams/manage/questions/{question_id}/regrade")
    trainer.get_by_role("button", name="Dry run").click()
    expect(trainer.locator("table.data")).to_contain_text(NEW_HIRE)
    trainer.get_by_role("button", name="Apply this regrade").click()
    expect(trainer.locator(".flash-success")).to_contain_text("1")

    trainee.goto("/exams/mine")
    path_cert = trainee.locator(f"#my-certificates li[data-code='{code}']")
    expect(path_cert).to_have_attribute("data-state", "revoked")
    trainee.goto(f"/verify/{code}")
    expect(trainee.locator("#verdict")).to_have_attribute("data-state", "revoked")
    trainee.goto("/courses/my")
    expect(trainee.locator("article[data-course=service-standards]")).not_to_contain_text(
        "已完成")
    _shot(trainee, "after-regrade-zh")

    # 8. The new hire retakes the final (second of two attempts): issued again.
    assert "100" in _sit(trainee, app, "服务规范结业考试")
    trainee.goto("/exams/mine")
    reissued = trainee.locator("#my-certificates li[data-state=valid]",
                               has_text="入职培训（72 小时）")
    expect(reissued).to_have_count(1)
    second = reissued.get_attribute("data-code")
    assert second != code

    # 9. A year and a day later the service-standards certificate has expired: the course
    #     reopens for renewal, the new hire sits the final again (the attempt limit starts
    #     afresh in a renewal cycle), and a new certificate supersedes the old one.
    course_cert = trainee.locator("#my-certificates li[data-state=valid]",
                                  has_text="服务规范与业务知识")
    old_code = course_cert.get_attribute("data-code")
    with time_machine.travel(datetime.now(SHANGHAI) + timedelta(days=366), tick=True):
        trainee.context.clear_cookies()
        _sign_in(trainee, "lin-xx")
        trainee.goto("/exams/mine")
        expect(trainee.locator(f"#my-certificates li[data-code='{old_code}']")
               ).to_have_attribute("data-state", "expired")
        expect(trainee.locator("main")).to_contain_text("需要重新认证")
        trainee.goto("/courses/my")
        reopened = trainee.locator("article[data-course=service-standards]")
        expect(reopened).to_contain_text("需要续期")
        expect(reopened).to_contain_text("证书已于")
        expect(reopened.locator(".renewal-steps")).to_contain_text("服务规范结业考试")
        _shot(trainee, "renewal-due-zh")
        reopened.get_by_role("link", name="续期本课程").click()
        expect(trainee.locator("[data-ref='exam:service-standards-final'] a")).to_be_visible()
        assert "100" in _sit(trainee, app, "服务规范结业考试")
        trainee.goto("/exams/mine")
        renewed = trainee.locator("#my-certificates li[data-state=valid]",
                                  has_text="服务规范与业务知识")
        expect(renewed).to_have_count(1)
        new_code = renewed.get_attribute("data-code")
        expect(trainee.locator(f"#my-certificates li[data-code='{old_code}']")
               ).to_have_attribute("data-state", "superseded")
        trainee.goto(f"/verify/{old_code}")
        expect(trainee.locator("#verdict")).to_have_attribute("data-state", "superseded")
        expect(trainee.locator(".certificate-chain, #certificate-chain").first
               ).to_contain_text(new_code)
        _shot(trainee, "verify-chain-zh")
        trainee.goto("/courses/my")
        expect(trainee.locator("article[data-course=service-standards]")).not_to_contain_text(
            "续期")
    with app.app_context():
        old = db.session.scalar(select(Certificate).where(Certificate.code == old_code))
        new = db.session.scalar(select(Certificate).where(Certificate.code == new_code))
        assert old.superseded_by_id == new.id and new.expires_at > old.expires_at
