"""Editing and deleting trainer-built rubrics: owner or admin only, refused when in use."""

from sqlalchemy import select

from lms.extensions import db
from lms.roleplay.models import Rubric
from tests.conftest import Auth
from tests.factories import make_user
from tests.roleplay.factories import levels_at, load_content, make_performance, score

BUILDER = "/roleplay/rubrics/new"
EDIT = "/roleplay/rubrics/phone_basics/edit"
DELETE = "/roleplay/rubrics/phone_basics/delete"


def _fields(**extra) -> dict:
    fields = {"key": "phone_basics", "name_zh": "电话基础", "name_en": "Phone basics",
              "c0_key": "greeting", "c0_zh": "问候", "c0_en": "Greeting",
              "c0_l0_points": "0", "c0_l0_zh": "没有问候", "c0_l0_en": "No greeting",
              "c0_l1_points": "2", "c0_l1_zh": "标准问候", "c0_l1_en": "Standard greeting"}
    fields.update(extra)
    return fields


def _built_by_trainer(auth) -> int:
    trainer_id = auth.as_role("trainer")
    assert auth.post(BUILDER, _fields(), form_page=BUILDER).status_code == 302
    return trainer_id


def _rubric(app) -> Rubric | None:
    with app.app_context():
        found = db.session.scalar(select(Rubric).where(Rubric.key == "phone_basics"))
        if found is not None:
            db.session.expunge(found)
        return found


def test_owner_edits_the_rubric_and_the_key_stays(client, auth, app):
    _built_by_trainer(auth)
    form = client.get(EDIT).get_data(as_text=True)
    assert 'value="标准问候"' in form and "readonly" in form
    changed = _fields(key="renamed", name_zh="电话礼仪", c0_l1_points="3")
    response = auth.post(EDIT, changed, form_page=EDIT)
    assert response.status_code == 302
    rubric = _rubric(app)
    assert rubric.name["zh"] == "电话礼仪"
    assert rubric.criteria[0]["levels"][1]["points"] == 3


def test_edit_uses_the_builder_validation(client, auth, app):
    _built_by_trainer(auth)
    response = auth.post(EDIT, _fields(c0_l1_points="0"), form_page=EDIT)
    assert response.status_code == 400
    assert 'id="c0_l1_points-error"' in response.get_data(as_text=True)
    assert _rubric(app).criteria[0]["levels"][1]["points"] == 2


def test_another_trainer_may_not_edit_or_delete_but_an_admin_may(client, auth, app):
    _built_by_trainer(auth)
    other = app.test_client()
    Auth(other, app).as_role("trainer")
    assert other.get(EDIT).status_code == 403
    assert Auth(other, app).post(DELETE, {}, form_page=BUILDER).status_code == 403
    page = other.get("/roleplay/rubrics/phone_basics").get_data(as_text=True)
    assert 'id="edit-rubric"' not in page and 'id="delete-rubric"' not in page
    admin = app.test_client()
    Auth(admin, app).as_role("admin")
    assert admin.get(EDIT).status_code == 200
    response = Auth(admin, app).post(DELETE, {}, form_page="/roleplay/rubrics/phone_basics")
    assert response.status_code == 302
    assert _rubric(app) is None


def test_shipped_rubrics_cannot_be_changed_even_by_an_admin(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        load_content()
    assert client.get("/roleplay/rubrics/complaint_handling/edit").status_code == 403
    page = "/roleplay/rubrics/complaint_handling"
    assert auth.post(page + "/delete", {}, form_page=page).status_code == 403


def _performance_on_phone_basics(app, scored: bool) -> None:
    with app.app_context():
        rubric = db.session.scalar(select(Rubric).where(Rubric.key == "phone_basics"))
        performance = make_performance()
        performance.chosen_rubric = rubric
        db.session.commit()
        if scored:
            score(performance, make_user(roles=["trainer"]), levels_at(performance, 1))


def test_editing_a_rubric_with_submitted_scores_is_refused_with_a_message(client, auth, app):
    _built_by_trainer(auth)
    _performance_on_phone_basics(app, scored=True)
    form = client.get(EDIT)
    assert form.status_code == 200 and 'id="edit-refused"' in form.get_data(as_text=True)
    response = auth.post(EDIT, _fields(name_zh="改名"), form_page=EDIT)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "已有 1 份已提交的评分" in body and "copy=phone_basics" in body
    assert _rubric(app).name["zh"] == "电话基础"


def test_unscored_performance_allows_edit_but_blocks_delete(client, auth, app):
    _built_by_trainer(auth)
    _performance_on_phone_basics(app, scored=False)
    assert auth.post(EDIT, _fields(name_zh="新名"), form_page=EDIT).status_code == 302
    response = auth.post(DELETE, {}, form_page="/roleplay/rubrics/phone_basics")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "正在使用中" in page
    assert _rubric(app) is not None


def test_owner_deletes_an_unused_rubric(client, auth, app):
    _built_by_trainer(auth)
    response = auth.post(DELETE, {}, form_page="/roleplay/rubrics/phone_basics")
    assert response.status_code == 302 and response.headers["Location"].endswith("/roleplay/")
    assert _rubric(app) is None
    assert client.get("/roleplay/rubrics/phone_basics").status_code == 404
