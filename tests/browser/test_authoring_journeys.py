"""Authoring journey (issue 16 proof): a trainer writes one question of every type with its
form (cloze, calculated and description included, point 5), answers each preview, builds an
exam by picking and by a rule with a mark per slot; a trainee takes it, flags a question and
submits from the summary page; the trainer reads the overview and downloads every response."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lms.auth.models import User
from lms.exams.models import Attempt, Exam
from lms.extensions import db
from question_bank.model import QuestionType
from tests.exams.authoring_payloads import payload
from tests.exams.test_new_types import new_type_payload

pytestmark = pytest.mark.browser
WRITTEN = "service-standards/written"
#: Issue 16 point 5: their forms come from tests/exams/test_new_types.py.
NEW_TYPES = ("cloze", "calculated", "description")


def _fill_form(page, data: dict) -> None:
    """Fill a question form from the values a post would carry (ids are the field names)."""
    for name, value in data.items():
        if name in ("csrf_token", "subtypes"):
            continue
        field = page.locator(f"[id='{name}']")
        kind = field.evaluate("e => e.tagName + ':' + (e.type || '')")
        if kind == "INPUT:checkbox":
            field.check()
        elif kind.startswith("SELECT"):
            field.select_option(value)
        elif kind != "INPUT:hidden":
            field.fill(value)


def _write(page, kind: str) -> None:
    key = f"jr-{kind.replace('_', '-')}"
    data = new_type_payload(kind, key, "") if kind in NEW_TYPES else payload(kind, key, "")
    if kind in ("essay", "case") or kind in NEW_TYPES:
        data["category"] = WRITTEN  # kept out of the drawn category (trainers grade essays)
    page.goto(f"/exams/manage/questions/new/{kind}")
    if kind == "case":
        for sub in data["subtypes"].split(","):
            page.select_option("#add_type", sub)
            page.get_by_role("button", name="Add", exact=True).click()
        expect(page.locator(".subquestion-editor")).to_have_count(2)
    _fill_form(page, data)
    page.get_by_role("button", name="Save and preview").click()
    expect(page.locator(".flash-success")).to_contain_text(key)


def _answer_preview(page, kind: str) -> None:
    form = page.locator("#preview-form")
    if kind in ("single_choice", "case"):
        form.get_by_label("24 hours").first.check()
    if kind == "multiple_choice":
        form.get_by_label("Phone").check()
        form.get_by_label("Email").check()
    if kind == "true_false":
        form.get_by_label("False").check()
    if kind == "short_answer":
        form.locator("#preview").fill("First Responder")
    if kind == "numerical":
        form.locator("#preview").fill("24 hours")
    if kind == "matching":
        for select in form.locator("select").all():
            label = select.evaluate("s => s.closest('tr').querySelector('th').textContent.trim()")
            select.select_option(label={"Urgent": "1 hour", "General": "2 hours"}[label])
    if kind == "ordering":
        form.locator(".move-up").last.click()
    if kind in ("essay", "case"):
        form.locator("textarea").first.fill("I listen first, then I apologise.")
    if kind == "cloze":
        expect(form.locator(".q-text").first).to_be_empty()  # the text sits in the body
        expect(form.locator(".cloze-text")).to_contain_text("calls back within")
        form.locator("#preview-g1").fill("24")
        form.locator("#preview-g2").select_option(label="phone")
        form.locator("#preview-g3").fill("Ticket Number")
    if kind == "calculated":
        rate, price = re.search(r"Refund (\d+) % of (\d+) yuan",
                                form.locator(".q-text").inner_text()).groups()
        form.locator("#preview").fill(f"{int(rate) * int(price) / 100:g}")
    form.get_by_role("button", name="Check the answer").click()
    result = page.locator("#preview-result")
    expect(result).to_be_visible()
    expect(result).to_contain_text("Because the policy says so.")
    if kind in ("single_choice", "multiple_choice", "true_false", "short_answer", "numerical",
                "matching", "cloze", "calculated"):
        expect(result.locator("p.mark").first).to_have_text("Correct")
    if kind == "cloze":
        expect(result.locator(".cloze-gap .mark-ok")).to_have_count(3)
    if kind == "description":
        expect(result.locator("p.mark, .q-score")).to_have_count(0)  # nothing to mark


def test_a_trainer_authors_every_type_builds_an_exam_and_reads_the_results(
        browser, base_url, app, tmp_path):
    from tests.factories import DEFAULT_PASSWORD, make_user

    with app.app_context():
        trainer = make_user(roles=["trainer"], locale="en")
        trainee = make_user(roles=["trainee"], name="Lin Xiao", employee_no="E-JR-16")
        accounts = {"trainer": trainer.username, "trainee": trainee.username}
    desk_context = browser.new_context(base_url=base_url, locale="en-GB")
    desk = desk_context.new_page()

    def sign_in(page, who):
        page.goto("/login")
        page.fill("#username", accounts[who])
        page.fill("#password", DEFAULT_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/")

    sign_in(desk, "trainer")
    for kind in [t.value for t in QuestionType]:
        _write(desk, kind)
        _answer_preview(desk, kind)
    desk.screenshot(path=str(tmp_path / "authoring-preview-en.png"), full_page=True)

    # Build the exam: three questions picked from a search, two drawn at 2 marks each.
    desk.goto("/exams/manage/new")
    desk.fill("#slug", "authoring-journey")
    desk.fill("#title_zh", "出题流程考试")
    desk.fill("#title_en", "Authoring journey exam")
    desk.fill("#time_limit_minutes", "30")
    desk.fill("#attempts_allowed", "0")
    desk.locator("#question-picker summary").click()
    desk.fill("[name='find-text']", "jr-")
    desk.get_by_role("button", name="Find").click()
    results = desk.locator("#picker-results")
    for key in ("jr-single-choice", "jr-true-false", "jr-numerical"):
        results.locator("tr", has_text=key).locator("input[name=pick]").check()
    desk.get_by_role("button", name="Add the ticked questions").click()
    picked = desk.locator("#picked-table tbody tr")
    expect(picked).to_have_count(3)
    picked.filter(has_text="jr-numerical").locator("input[type=number]").fill("3")
    desk.fill("#draw_rows-0-count", "2")
    desk.select_option("#draw_rows-0-category", "service-standards/forms")
    desk.fill("#draw_rows-0-mark", "2")
    desk.select_option("#user_ids", label="Lin Xiao (E-JR-16)")
    desk.get_by_role("button", name="Save exam").click()
    expect(desk.locator(".flash-success")).to_be_visible()
    with app.app_context():
        exam = db.session.scalar(db.select(Exam).where(Exam.slug == "authoring-journey"))
        marks = [(item.question_id is not None, item.mark) for item in exam.items]
        assert sorted(marks, key=str) == sorted([(True, None), (True, None), (True, 3),
                                                 (False, 2)], key=str)
        exam_id = exam.id

    # The trainee takes it, flags the first question and submits from the summary page.
    trainee_context = browser.new_context(base_url=base_url, locale="zh-CN",
                                          viewport={"width": 420, "height": 800})
    seat = trainee_context.new_page()
    sign_in(seat, "trainee")
    seat.goto("/exams/mine")
    seat.get_by_role("button", name="开始作答").click()
    expect(seat.locator("#exam-timer")).to_be_visible()
    seat.locator("#q1 .flag-toggle").click()
    expect(seat.locator("#q1 .flag-toggle")).to_have_attribute("aria-pressed", "true")
    expect(seat.locator(".question-map a.flagged")).to_have_count(1)
    seat.mouse.wheel(0, 2000)
    expect(seat.locator("#exam-timer")).to_be_in_viewport()
    first = seat.locator("#q1 .q-body input").first
    if first.get_attribute("type") in ("radio", "checkbox"):
        first.check()
    else:
        first.fill("24")
    expect(seat.locator("#q1 .q-saved")).to_contain_text("已保存", timeout=10000)
    seat.get_by_role("button", name="提交前概览").click()
    expect(seat.locator("#summary-flagged")).to_contain_text("1")
    expect(seat.locator("#summary-open")).to_contain_text("2")
    seat.screenshot(path=str(tmp_path / "authoring-summary-zh.png"), full_page=True)
    seat.get_by_role("button", name="全部提交并结束").click()
    expect(seat.locator(".summary")).to_contain_text("已提交")
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt).where(Attempt.exam_id == exam_id))
        assert attempt.max_points == 1 + 1 + 3 + 2 * 2  # the picked marks and 2 per draw
        assert db.session.get(User, attempt.user_id).employee_no == "E-JR-16"

    # The trainer reads the overview and downloads every response.
    desk.goto(f"/exams/manage/{exam_id}")
    expect(desk.locator("#ov-assigned")).to_have_text("1")
    expect(desk.locator("#ov-started")).to_have_text("1")
    expect(desk.locator("#ov-pass-rate")).not_to_have_text("—")
    with desk.expect_download() as download:
        desk.locator("#responses-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "employee_no" and len(rows) == 1 + 5
    assert all(row[0] == "E-JR-16" for row in rows[1:])
    desk_context.close()
    trainee_context.close()
