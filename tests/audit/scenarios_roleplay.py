"""Audit scenarios for the role-play routes: rubrics, performances and scores.

Each scenario signs in, builds what the route needs, and returns ``(path, data, form_page)``
for a POST with valid data (see ``tests/audit/test_post_routes.py``).
"""

from __future__ import annotations

from lms.extensions import db
from tests.factories import make_user
from tests.roleplay.factories import CARD, levels_at, load_content, make_performance

BUILDER = "/roleplay/rubrics/new"
EDIT = "/roleplay/rubrics/phone_basics/edit"


def _fields(**extra) -> dict:
    return {"key": "phone_basics", "name_zh": "电话基础", "name_en": "Phone basics",
            "c0_key": "greeting", "c0_zh": "问候", "c0_en": "Greeting",
            "c0_l0_points": "0", "c0_l0_zh": "没有问候", "c0_l0_en": "No greeting",
            "c0_l1_points": "2", "c0_l1_zh": "标准问候", "c0_l1_en": "Standard greeting",
            **extra}


def _built_by_me(auth) -> None:
    auth.as_role("trainer")
    assert auth.post(BUILDER, _fields(), form_page=BUILDER).status_code == 302


def _new_rubric(auth, app):
    auth.as_role("trainer")
    return BUILDER, _fields(), BUILDER


def _edit_rubric(auth, app):
    _built_by_me(auth)
    return EDIT, _fields(name_zh="电话礼仪", c0_l1_points="3"), EDIT


def _delete_rubric(auth, app):
    _built_by_me(auth)
    return "/roleplay/rubrics/phone_basics/delete", {}, "/roleplay/rubrics/phone_basics"


def _new_performance(auth, app):
    auth.as_role("trainer")
    with app.app_context():
        load_content()
        trainee_id = make_user(roles=["trainee"]).id
    page = "/roleplay/performances/new"
    return page, {"card": CARD, "trainee": str(trainee_id), "performed_on": "2026-11-20",
                  "rubric": ""}, page


def _score(auth, app):
    auth.as_role("trainer")
    with app.app_context():
        performance = make_performance()
        data = {f"level_{k}": f"{v:g}" for k, v in levels_at(performance, 3).items()}
        page = f"/roleplay/performances/{performance.id}/score"
        db.session.commit()
    return page, {**data, "overall_comment": "calm and clear"}, page


ROLEPLAY_SCENARIOS = {
    "roleplay.new_rubric": _new_rubric, "roleplay.edit_rubric": _edit_rubric,
    "roleplay.delete_rubric": _delete_rubric, "roleplay.new_performance": _new_performance,
    "roleplay.score": _score,
}
