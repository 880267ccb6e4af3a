"""Scoring rules without HTTP: first-score signal, revisions, trainee result, agreement data."""

import pytest

from lms.extensions import db
from lms.roleplay import service
from lms.roleplay.agreement import agreement_view
from lms.roleplay.models import Rubric, ScoreRevision
from lms.roleplay.service import ScoreInput
from lms.signals import activity_result
from tests.factories import make_user
from tests.roleplay.factories import levels_at, load_content, make_performance, score


def test_shipped_content_loads_once(app_ctx):
    first = service.load_shipped_content()
    assert "rubric:complaint_handling" in first
    assert sum(1 for item in first if item.startswith("card:")) >= 12
    assert service.load_shipped_content() == []


def test_first_submitted_score_sends_one_activity_result(app_ctx):
    received = []

    def listener(sender, **kw):
        received.append((sender, kw))

    performance = make_performance()
    rater_a, rater_b = make_user(roles=["trainer"]), make_user(roles=["trainer"])
    with activity_result.connected_to(listener):
        score(performance, rater_a, levels_at(performance, 3))
        score(performance, rater_b, levels_at(performance, 0))
    assert len(received) == 1
    sender, kw = received[0]
    assert sender == "roleplay" and kw["ref"] == "roleplay:ac_failed_again_after_repair"
    assert kw["user_id"] == performance.trainee_id
    assert kw["score"] == pytest.approx(1.0) and kw["passed"] is True


def test_a_rater_cannot_score_twice_and_a_change_keeps_the_old_score(app_ctx):
    performance = make_performance()
    rater = make_user(roles=["trainer"])
    first = score(performance, rater, levels_at(performance, 3))
    with pytest.raises(ValueError):
        service.submit_score(performance, rater, ScoreInput(levels_at(performance, 3), {}, ""))
    entry = ScoreInput(levels_at(performance, 1), {}, "re-scored")
    with pytest.raises(ValueError, match="reason"):
        service.revise_score(first, rater, entry, "  ")
    service.revise_score(first, rater, entry, "listened to the recording again")
    db.session.commit()
    revision = db.session.query(ScoreRevision).one()
    assert revision.old_fraction == pytest.approx(1.0) and first.fraction < 1.0
    assert revision.changed_by_id == rater.id and "recording" in revision.reason


def test_trainee_result_is_the_mean_of_raters_with_comments(app_ctx):
    performance = make_performance()
    score(performance, make_user(roles=["trainer"]), levels_at(performance, 3), "great")
    score(performance, make_user(roles=["trainer"]), levels_at(performance, 0), "weak")
    result = service.trainee_result(performance)
    assert result.n_scores == 2 and result.mean_fraction == pytest.approx(0.5)
    assert result.passed is False
    assert result.criteria[0]["comments"] == ["great", "weak"]


def test_blind_rule(app_ctx):
    performance = make_performance()
    first, second = make_user(roles=["trainer"]), make_user(roles=["trainer"])
    admin = make_user(roles=["admin"])
    score(performance, first, levels_at(performance, 2))
    assert service.may_see_all_scores(performance, first)
    assert not service.may_see_all_scores(performance, second)
    assert service.may_see_all_scores(performance, admin)


def test_agreement_view_flags_disagreeing_raters(app_ctx):
    load_content()
    strict, lenient = make_user(roles=["trainer"]), make_user(roles=["trainer"])
    trainee = make_user(roles=["trainee"])
    for rank_a, rank_b in ((0, 3), (3, 0), (1, 3), (2, 0)):
        performance = make_performance(trainee=trainee, author=strict)
        score(performance, strict, levels_at(performance, rank_a))
        score(performance, lenient, levels_at(performance, rank_b))
    rubric = db.session.query(Rubric).filter_by(key="complaint_handling").one()
    view = agreement_view(rubric, service.scorings_for(rubric))
    assert view.n_performances == 4 and view.n_shared == 4
    assert view.calibrate
    assert view.total.icc.value is not None and view.total.icc.value < 0.5
    assert {s.rater for s in view.severity} == {strict.name, lenient.name}
