"""Role-play journeys: two trainers score the same role-plays blind, and agreement appears."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_user
from tests.roleplay.factories import load_content, make_performance

pytestmark = pytest.mark.browser

RANKS = {"trainer-a": (0, 2, 3), "trainer-b": (1, 2, 3)}


def _score_all(page, performance_ids, ranks, screenshot=None):
    for performance_id, rank in zip(performance_ids, ranks, strict=True):
        page.goto(f"/roleplay/performances/{performance_id}/score")
        blocks = page.locator("fieldset.criterion")
        for index in range(blocks.count()):
            cards = blocks.nth(index).locator(".level-card")
            cards.nth(min(rank, cards.count() - 1)).click()
        page.locator("textarea[name=comment_calm_emotions]").fill("语气平稳，先道歉")
        if screenshot:
            page.screenshot(path=screenshot, full_page=False)
            screenshot = None
        page.get_by_role("button", name="提交评分").click()
        expect(page.locator("#all-scores")).to_be_visible()


def _sign_out(page):
    page.locator("form[action$='/logout'] button").click()


def test_two_trainers_score_the_same_roleplay_and_agreement_appears(page, login, app):
    with app.app_context():
        load_content()
        trainee = make_user(roles=["trainee"], name="演练学员")
        author = make_user(roles=["trainer"])
        performance_ids = [make_performance(trainee=trainee, author=author).id
                           for _ in range(3)]
    login("trainer", name="评分员甲")
    page.goto("/roleplay/")
    expect(page.get_by_role("heading", name="角色扮演评分")).to_be_visible()
    page.goto(f"/roleplay/performances/{performance_ids[0]}")
    expect(page.locator("#blind-note")).to_be_visible()
    _score_all(page, performance_ids, RANKS["trainer-a"], "/tmp/screens/roleplay-score-form.png")
    _sign_out(page)

    login("trainer", name="评分员乙")
    page.goto(f"/roleplay/performances/{performance_ids[0]}")
    expect(page.locator("#blind-note")).to_be_visible()
    expect(page.get_by_text("评分员甲")).to_have_count(0)
    _score_all(page, performance_ids, RANKS["trainer-b"])
    expect(page.locator("#all-scores")).to_contain_text("评分员甲")
    page.screenshot(path="/tmp/screens/roleplay-performance.png", full_page=True)

    page.goto("/roleplay/rubrics/complaint_handling/agreement")
    expect(page.locator("#shared-count")).to_have_text("3")
    total_row = page.locator("#agreement-table tbody tr").first
    expect(total_row.locator("td").first).not_to_have_text("—")
    expect(page.locator("#severity-table")).to_contain_text("评分员甲")
    expect(page.locator("#severity-table")).to_contain_text("评分员乙")
    expect(page.locator("#agreement-verdict")).to_be_visible()
    page.screenshot(path="/tmp/screens/roleplay-agreement.png", full_page=True)
    page.select_option("#lang", "en")
    expect(page.get_by_role("heading", name="Rater severity")).to_be_visible()
    page.screenshot(path="/tmp/screens/roleplay-agreement-en.png", full_page=True)


def test_trainer_sees_card_library_and_builder_errors(page, login, app):
    with app.app_context():
        load_content()
    login("trainer")
    page.goto("/roleplay/cards")
    expect(page.get_by_role("heading", name="空调修好后再次故障")).to_be_visible()
    page.screenshot(path="/tmp/screens/roleplay-cards.png")
    page.goto("/roleplay/rubrics/new")
    page.fill("#key", "phone_basics")
    page.fill("#name_zh", "电话基础")
    page.fill("#name_en", "Phone basics")
    page.get_by_role("button", name="保存评分表").click()
    expect(page.locator("#criteria-error")).to_contain_text("评分表至少需要一个评分项")
    page.screenshot(path="/tmp/screens/roleplay-builder-error.png", full_page=True)


def test_owner_edits_then_deletes_a_rubric_they_built(page, login, app):
    from sqlalchemy import select

    from lms.auth.models import User
    from lms.extensions import db
    from lms.roleplay import service
    from lms.roleplay.demo import DEMO_RUBRIC

    username = login("trainer", name="评分表作者")
    with app.app_context():
        author = db.session.scalar(select(User).where(User.username == username))
        service.create_rubric(DEMO_RUBRIC, author)
        db.session.commit()
    page.goto("/roleplay/rubrics/callback_promise")
    page.locator("#edit-rubric").click()
    expect(page.locator("#key")).to_have_attribute("readonly", "")
    page.fill("#name_zh", "回访承诺评分表（修订）")
    page.screenshot(path="/tmp/screens/roleplay-rubric-edit.png", full_page=False)
    page.get_by_role("button", name="保存评分表").click()
    expect(page.get_by_role("heading", name="回访承诺评分表（修订）")).to_be_visible()
    page.screenshot(path="/tmp/screens/roleplay-rubric-owned.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#delete-rubric").click()
    expect(page.locator(".flash-success")).to_contain_text("已删除")
    expect(page.locator("#rubrics")).not_to_contain_text("回访承诺")
