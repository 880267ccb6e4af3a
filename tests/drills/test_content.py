"""Procedure steps that carry content: grade, report upward, unified reply, restoration."""

import pytest
from flask_babel import force_locale

from lms.drills import service
from lms.drills.service import ActionRefused
from lms.extensions import db
from tests.drills.factories import let_time_pass, make_drill


@pytest.fixture
def drill(app):
    with app.test_request_context(), force_locale("en"):
        found = make_drill()
        service.control(found, "start")
        db.session.commit()
        yield found


def test_the_written_procedure_is_stored_and_shown_in_the_debrief(app, drill, client, auth):
    let_time_pass(drill, 12.5)
    service.take_action(drill, drill.trainee, "report_manager",
                        {"grade": "L2", "report": "  40 complaints on model X since 10:00  "})
    service.take_action(drill, drill.trainee, "publish_unified_reply",
                        {"queue": "complaint", "text": "We are inspecting model X for free."})
    service.take_action(drill, drill.trainee, "notify_customers",
                        {"restoration": "Technicians visit from tomorrow 09:00"})
    db.session.commit()
    assert drill.actions[0].params == {"grade": "L2",
                                       "report": "40 complaints on model X since 10:00"}
    assert drill.actions[1].params["text"] == "We are inspecting model X for free."
    service.control(drill, "finish")
    db.session.commit()
    content = drill.debrief["content"]
    assert content["grade"]["value"] == "L2"
    assert content["text"]["value"].startswith("We are inspecting")
    assert content["restoration"]["value"] == "Technicians visit from tomorrow 09:00"
    auth.login(drill.trainee.username)
    page = client.get(f"/drills/{drill.id}/debrief").get_data(as_text=True)
    assert "40 complaints on model X since 10:00" in page
    assert "Technicians visit from tomorrow 09:00" in page


@pytest.mark.parametrize("kind, params, named", [
    ("report_manager", {"grade": "L9"}, "params.grade"),
    ("report_manager", {"report": "x" * 2001}, "params.report"),
    ("report_manager", {"report": 5}, "params.report"),
    ("notify_customers", {"grade": "L1"}, "params.grade"),
    ("publish_unified_reply", {"queue": "complaint", "text": "y" * 2001}, "params.text"),
])
def test_bad_content_is_refused_naming_the_field(drill, kind, params, named):
    with pytest.raises(ActionRefused) as refused:
        service.take_action(drill, drill.trainee, kind, params)
    assert refused.value.status == 400 and named in str(refused.value)
    assert not drill.actions


def test_a_step_without_content_is_still_a_step(drill):
    action, _ = service.take_action(drill, drill.trainee, "report_manager", {"grade": ""})
    assert action.params == {}
