"""A manager on a phone answers the knowledge check of a leadership lesson and sees the result."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")


@pytest.fixture
def leadership(app):
    """The shipped leadership course, published and assigned to a new team lead."""
    from lms.courses import content_service
    from lms.courses.bundle import CONTENT_DIR, read_course_dir
    from lms.extensions import db
    from tests.courses.factories import assign_to
    from tests.factories import make_user

    with app.app_context():
        course = content_service.import_bundle(read_course_dir(CONTENT_DIR / "leadership"),
                                               status="published")
        db.session.commit()
        lead = make_user(roles=["trainee"], username="newlead", name="新组长 New Lead")
        assign_to(course, lead)
        return lead.username


def test_a_lead_answers_the_lesson_check_on_a_phone_and_sees_right_and_wrong(page, leadership):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, leadership)
    page.goto("/courses/c/leadership/leading-an-emergency")
    check = page.locator("#lesson-check")
    expect(check.get_by_role("heading", name="检查一下自己的理解")).to_be_visible()
    questions = check.locator(".check-question")
    count = questions.count()
    assert 2 <= count <= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Answer the first question with its first choice (every item of this lesson's check is a
    # choice item); leave the others blank.
    choice = questions.nth(0).locator("input[type=radio], input[type=checkbox]")
    choice.first.check()
    page.get_by_role("button", name="检查我的答案").click()
    page.wait_for_url("**/leading-an-emergency/check*")

    answered = page.locator("#lesson-check .check-question")
    expect(answered).to_have_count(count)
    # Each question now says right or wrong (or not answered) and gives its reason.
    for index in range(count):
        item = answered.nth(index)
        expect(item.locator("p.mark")).to_have_count(1)
        expect(item.locator(".feedback.general")).to_be_visible()
    expect(page.locator("#lesson-check .not-answered")).to_have_count(count - 1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / "lesson-check-390-zh.png"), full_page=True)

    page.locator("#check-again").click()
    expect(page.locator("#check-answers")).to_be_visible()
