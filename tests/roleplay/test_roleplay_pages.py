"""Role-play pages: builder refusals, blind scoring, trainee privacy, revisions, recordings."""

import io

from sqlalchemy import func, select

from lms.extensions import db
from lms.roleplay.models import Performance, Rubric, Score, ScoreRevision
from tests.factories import make_user
from tests.roleplay.factories import levels_at, load_content, make_performance, score

BUILDER = "/roleplay/rubrics/new"


def _rubric_fields(**extra) -> dict:
    fields = {"key": "phone_basics", "name_zh": "电话基础", "name_en": "Phone basics",
              "c0_key": "greeting", "c0_zh": "问候", "c0_en": "Greeting",
              "c0_l0_points": "0", "c0_l0_zh": "没有问候", "c0_l0_en": "No greeting",
              "c0_l1_points": "2", "c0_l1_zh": "标准问候", "c0_l1_en": "Standard greeting"}
    fields.update(extra)
    return fields


def _rubric_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Rubric.id)))


def test_trainer_builds_a_rubric(client, auth, app):
    auth.as_role("trainer")
    response = auth.post(BUILDER, _rubric_fields(), form_page=BUILDER)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "电话基础" in page and "标准问候" in page


def test_rubric_without_criteria_is_refused_beside_the_field(client, auth, app):
    auth.as_role("trainer")
    fields = {k: v for k, v in _rubric_fields().items() if not k.startswith("c0")}
    response = auth.post(BUILDER, fields, form_page=BUILDER)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="criteria-error"' in body and "评分表至少需要一个评分项" in body
    assert _rubric_count(app) == 0


def test_duplicate_level_points_are_refused_beside_the_level(client, auth, app):
    auth.as_role("trainer")
    response = auth.post(BUILDER, _rubric_fields(c0_l1_points="0"), form_page=BUILDER)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="c0_l1_points-error"' in body and "重复" in body
    assert _rubric_count(app) == 0


def test_trainee_sees_own_result_but_not_another_trainees(client, auth, app):
    trainee_id = auth.as_role("trainee")
    with app.app_context():
        from lms.auth.models import User

        me = db.session.get(User, trainee_id)
        mine = make_performance(trainee=me)
        other = make_performance()
        rater = make_user(roles=["trainer"], name="Rater Secret")
        score(mine, rater, levels_at(mine, 3), "clear apology")
        score(other, rater, levels_at(other, 0), "other trainee feedback")
        mine_id, other_id = mine.id, other.id
    page = client.get(f"/roleplay/performances/{mine_id}").get_data(as_text=True)
    assert "clear apology" in page and "100%" in page and "Rater Secret" not in page
    assert client.get(f"/roleplay/performances/{other_id}").status_code == 404
    listing = client.get("/roleplay/").get_data(as_text=True)
    assert "other trainee feedback" not in listing
    assert client.get(f"/roleplay/performances/{other_id}/score").status_code == 403
    assert client.get("/roleplay/rubrics/complaint_handling/agreement").status_code == 403


def test_scoring_is_blind_until_the_rater_submits(client, auth, app):
    trainer_id = auth.as_role("trainer")
    with app.app_context():
        performance = make_performance()
        score(performance, make_user(roles=["trainer"], name="First Rater"),
              levels_at(performance, 1), "first rater's note")
        performance_id = performance.id
        levels = levels_at(performance, 3)
    before = client.get(f"/roleplay/performances/{performance_id}").get_data(as_text=True)
    assert "First Rater" not in before and "first rater's note" not in before
    assert 'id="blind-note"' in before
    form_page = f"/roleplay/performances/{performance_id}/score"
    incomplete = auth.post(form_page, {"overall_comment": "x"}, form_page=form_page)
    assert incomplete.status_code == 400
    data = {f"level_{k}": f"{v:g}" for k, v in levels.items()}
    data["comment_calm_emotions"] = "very calm"
    response = auth.post(form_page, data, form_page=form_page)
    assert response.status_code == 302
    after = client.get(f"/roleplay/performances/{performance_id}").get_data(as_text=True)
    assert "First Rater" in after
    with app.app_context():
        mine = db.session.scalar(select(Score).where(Score.rater_id == trainer_id))
        assert mine.comments["calm_emotions"] == "very calm"


def test_changing_a_submitted_score_needs_a_reason_and_keeps_history(client, auth, app):
    trainer_id = auth.as_role("trainer")
    with app.app_context():
        from lms.auth.models import User

        performance = make_performance()
        score(performance, db.session.get(User, trainer_id), levels_at(performance, 3))
        performance_id = performance.id
        data = {f"level_{k}": f"{v:g}" for k, v in levels_at(performance, 1).items()}
    form_page = f"/roleplay/performances/{performance_id}/score"
    refused = auth.post(form_page, data, form_page=form_page)
    assert refused.status_code == 400
    assert auth.post(form_page, {**data, "reason": "misheard the close"},
                     form_page=form_page).status_code == 302
    with app.app_context():
        revision = db.session.scalar(select(ScoreRevision))
        assert revision.reason == "misheard the close" and revision.old_fraction == 1.0
    page = client.get(f"/roleplay/performances/{performance_id}").get_data(as_text=True)
    assert "misheard the close" in page


def test_recording_upload_accepts_audio_only_and_serves_only_to_allowed(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        load_content()
        trainee = make_user(roles=["trainee"], username="rec-trainee")
        trainee_id = trainee.id
    page = "/roleplay/performances/new"
    base = {"card": "ac_failed_again_after_repair", "trainee": str(trainee_id),
            "performed_on": "2026-11-20"}
    bad = auth.post(page, {**base, "recording": (io.BytesIO(b"MZ"), "tool.exe")},
                    form_page=page, content_type="multipart/form-data")
    assert bad.status_code == 400 and "mp3" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Performance.id))) == 0
    good = auth.post(page, {**base, "recording": (io.BytesIO(b"ID3audio"), "call.mp3",
                                                  "audio/mpeg")},
                     form_page=page, content_type="multipart/form-data")
    assert good.status_code == 302
    with app.app_context():
        performance = db.session.scalar(select(Performance))
        assert performance.recording_file.endswith(".mp3")
        assert performance.recording_file != "call.mp3"
        performance_id = performance.id
    served = client.get(f"/roleplay/performances/{performance_id}/recording")
    status, body = served.status_code, served.data
    served.close()
    assert status == 200 and body == b"ID3audio"
    other = app.test_client()
    from tests.conftest import Auth

    Auth(other, app).as_role("trainee")
    assert other.get(f"/roleplay/performances/{performance_id}/recording").status_code == 404


def test_card_library_and_agreement_pages_render(client, auth, app):
    auth.as_role("trainer")
    with app.app_context():
        load_content()
    cards = client.get("/roleplay/cards").get_data(as_text=True)
    assert "空调修好后再次故障" in cards
    agreement = client.get("/roleplay/rubrics/complaint_handling/agreement")
    assert agreement.status_code == 200
    assert "数据不足" in agreement.get_data(as_text=True)


def test_a_trainer_built_rubric_can_score_a_performance(client, auth, app):
    auth.as_role("trainer")
    assert auth.post(BUILDER, _rubric_fields(), form_page=BUILDER).status_code == 302
    with app.app_context():
        load_content()
        trainee_id = make_user(roles=["trainee"]).id
    page = "/roleplay/performances/new"
    response = auth.post(page, {"card": "ac_failed_again_after_repair", "trainee": str(trainee_id),
                                "performed_on": "2026-11-20", "rubric": "phone_basics"},
                         form_page=page)
    assert response.status_code == 302
    form = client.get(response.headers["Location"] + "/score").get_data(as_text=True)
    assert "标准问候" in form and "情绪安抚" not in form
    score_page = response.headers["Location"] + "/score"
    assert auth.post(score_page, {"level_greeting": "2"}, form_page=score_page).status_code == 302
    agreement = client.get("/roleplay/rubrics/phone_basics/agreement").get_data(as_text=True)
    assert 'id="shared-count">0<' in agreement


def test_low_agreement_shows_the_calibration_advice(client, auth, app):
    auth.as_role("admin")
    with app.app_context():
        strict, lenient = make_user(roles=["trainer"]), make_user(roles=["trainer"])
        trainee = make_user(roles=["trainee"])
        for rank_a, rank_b in ((0, 3), (3, 0), (1, 3), (2, 0)):
            performance = make_performance(trainee=trainee, author=strict)
            score(performance, strict, levels_at(performance, rank_a))
            score(performance, lenient, levels_at(performance, rank_b))
    body = client.get("/roleplay/rubrics/complaint_handling/agreement").get_data(as_text=True)
    assert 'class="flash flash-warning agreement-alert"' in body
    assert "校准会" in body and "偏严" in body
