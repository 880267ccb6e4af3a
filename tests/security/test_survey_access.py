"""Issue 10 item 10: the post-course survey is answered only by people the course is assigned
to, only for a course that exists and is published, under one reference, and only once."""

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.evaluation import service
from lms.evaluation.content import load_survey
from lms.evaluation.models import SurveyResponse
from lms.extensions import db
from tests.courses.factories import assign_to, make_course

PAGE = "/evaluation/survey/course:callback-basics"


def _answers() -> dict:
    survey = load_survey()
    answers = {key: "4" for key in survey.likert_keys}
    answers[survey.free_text[0].key] = "多一些真实录音案例"
    return answers


def _rows(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(SurveyResponse.course_ref)))


@pytest.fixture
def assigned(app, auth):
    """A signed-in trainee with the published course ``callback-basics`` assigned."""
    user_id = auth.as_role("trainee")
    with app.app_context():
        assign_to(make_course(), db.session.get(User, user_id))
    return user_id


def test_a_trainee_the_course_is_not_assigned_to_is_refused(app, client, auth):
    auth.as_role("trainee")
    with app.app_context():
        make_course()
    assert client.get(PAGE).status_code == 403
    assert auth.post(PAGE, _answers(), form_page="/account/password").status_code == 403
    assert _rows(app) == []


@pytest.mark.parametrize("role", ["trainer", "planner", "admin"])
def test_other_roles_without_the_course_are_refused_too(app, client, auth, role):
    auth.as_role(role)
    with app.app_context():
        make_course()
    assert client.get(PAGE).status_code == 403


@pytest.mark.parametrize("ref", ["course:does-not-exist", "course:", "nothing",
                                 "course:callback-basics/extra", "course:a..b", "x" * 500])
def test_a_made_up_course_is_not_found(app, client, assigned, ref):
    assert client.get(f"/evaluation/survey/{ref}").status_code == 404
    assert auth_post(client, f"/evaluation/survey/{ref}").status_code == 404
    assert _rows(app) == []


def auth_post(client, path):
    from tests.conftest import csrf_token

    return client.post(path, data={**_answers(),
                                   "csrf_token": csrf_token(client, "/account/password")})


def test_a_draft_course_has_no_survey(app, client, auth):
    user_id = auth.as_role("trainee")
    with app.app_context():
        assign_to(make_course(status="draft"), db.session.get(User, user_id))
    assert client.get(PAGE).status_code == 404


VARIANTS = ["COURSE:Callback-Basics", "course:callback-basics/", "course:/callback-basics",
            "course:callback-basics//", "Course:CALLBACK-BASICS", "callback-basics",
            "course:%20callback-basics%20"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_variant_spelling_leads_to_the_one_survey_of_the_course(client, assigned, variant):
    reply = client.get(f"/evaluation/survey/{variant}")
    assert reply.status_code == 302
    assert reply.headers["Location"].endswith(PAGE)


def test_answers_through_variants_make_one_row_and_the_second_is_refused(app, client,
                                                                          assigned):
    first = auth_post(client, "/evaluation/survey/COURSE:Callback-Basics/")
    assert first.status_code == 302
    assert _rows(app) == ["course:callback-basics"]
    for variant in [PAGE, *(f"/evaluation/survey/{v}" for v in VARIANTS)]:
        again = auth_post(client, variant)
        assert again.status_code == 409, variant
        assert 'id="survey-done"' in again.get_data(as_text=True)
    assert _rows(app) == ["course:callback-basics"]
    assert 'id="survey-done"' in client.get(PAGE).get_data(as_text=True)


def test_the_database_keeps_answers_once_even_if_the_check_is_raced(app, assigned,
                                                                    monkeypatch):
    with app.app_context(), app.test_request_context():
        user = db.session.get(User, assigned)
        course = service.survey_for(user, "course:callback-basics")
        service.submit_survey(user, course, {"a": 4}, {}, None)
        db.session.commit()
        monkeypatch.setattr(service, "survey_response", lambda *args: None)  # both saw "none"
        with pytest.raises(service.SurveyRefused) as refused:
            service.submit_survey(user, course, {"a": 5}, {}, None)
        assert refused.value.status == 409
        assert db.session.scalar(select(func.count(SurveyResponse.id))) == 1
