"""Bad drill input (issue 10, item 11): a 400 naming the parameter, never a 500, nothing
stored — for action parameters, the other drill endpoints and ids, and for the engine's own
parser. (The schedule form's compression already refuses NaN through WTForms' NumberRange.)
"""

import json
import math

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.drills.models import Drill, DrillAction, DrillClockEvent
from lms.extensions import db
from scenarios import library
from simulation.drill import parse_action, parse_actions
from tests.conftest import csrf_token
from tests.drills.factories import make_drill

HUGE = 10**400  # JSON allows it; float() overflows on it


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (DrillAction, DrillClockEvent, Drill))


@pytest.fixture
def playing(app, client, auth):
    user_id = auth.as_role("trainee")
    with app.app_context():
        drill_id = make_drill(trainee=db.session.get(User, user_id)).id
    token = csrf_token(client, f"/drills/{drill_id}/play")
    response = client.post(f"/drills/{drill_id}/control", json={"command": "start"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    return drill_id, token


def _post_raw(client, path, token, data, content_type="application/json"):
    return client.post(path, data=data, content_type=content_type,
                       headers={"X-CSRFToken": token})


def _add(**params):
    return {"kind": "add_agents", "params": {"group": "frontline", "count": 1, **params}}


# (body as JSON text, the name the message must carry). A NUL byte is refused with a message
# saying NUL: by the drill's own check, or earlier by the app-wide guard of every request.
BAD_ACTIONS = [
    (json.dumps({"kind": "add_agents", "params": ["group", "frontline"]}), "params"),
    (json.dumps({"kind": "add_agents", "params": "ab"}), "params"),
    (json.dumps({"kind": "add_agents", "params": 3}), "params"),
    (json.dumps({"kind": "add_agents", "params": True}), "params"),
    (json.dumps(_add(count=float("nan"))), "params.count"),  # NaN literal
    (json.dumps(_add(count=float("inf"))), "params.count"),  # Infinity literal
    (json.dumps(_add(count=float("-inf"))), "params.count"),
    ('{"kind": "add_agents", "params": {"group": "frontline", "count": 1e999}}',
     "params.count"),
    (json.dumps(_add(count="nan")), "params.count"),
    (json.dumps(_add(count="Infinity")), "params.count"),
    (json.dumps(_add(count="1e999")), "params.count"),
    (json.dumps(_add(count=True)), "params.count"),
    (json.dumps(_add(count=HUGE)), "params.count"),
    (json.dumps(_add(count=1e308)), "params.count"),
    (json.dumps(_add(count=2.5)), "params.count"),
    (json.dumps(_add(count="9" * 5000)), "params.count"),
    (json.dumps({"kind": "enable_callbacks", "params": {"accept_probability": float("nan")}}),
     "params.accept_probability"),
    (json.dumps({"kind": "enable_callbacks", "params": {"queue": True}}), "params.queue"),
    (json.dumps({"kind": "publish_unified_reply", "params": {"queue": ["complaint"]}}),
     "params.queue"),
    (json.dumps(_add(group="front\x00line")), "NUL"),
    (json.dumps(_add(group={"a": 1})), "params.group"),
    (json.dumps({"kind": "add_agents", "params": {"group": "frontline", "c\x00": 1}}), "NUL"),
    (json.dumps({"kind": "move_staff", "params": {"from_group": ["a"], "to_group": ["a"]}}),
     "params.from_group"),
    (json.dumps({"kind": "move_staff", "params": {"from_group": "frontline",
                                                  "to_group": "frontline"}}),
     "params.to_group"),
    (json.dumps({"kind": "move_staff", "params": {"from_group": "frontline",
                                                  "to_group": "complaints_desk",
                                                  "count": float("nan")}}), "params.count"),
    (json.dumps({"kind": "add_agents", "params": {f"p{i}": 1 for i in range(500)}}), "params"),
    (json.dumps({"kind": "report\x00_manager"}), "NUL"),
    (json.dumps({"kind": ["report_manager"]}), "kind"),
    (json.dumps({"kind": 7}), "kind"),
    (json.dumps({"params": {}}), "kind"),
    (json.dumps({"kind": "report_manager", "key": ["k"]}), "key"),
    (json.dumps({"kind": "report_manager", "key": "short"}), "key"),
    (json.dumps({"kind": "report_manager", "key": "k" * 65}), "key"),
    (json.dumps({"kind": "report_manager", "key": "key-with-\x00-nul"}), "NUL"),
    (json.dumps([{"kind": "report_manager"}]), "JSON"),
    (json.dumps("report_manager"), "JSON"),
    ("null", "JSON"),
    ("42", "JSON"),
    ("{not json", "JSON"),
    ("[" * 100_000 + "]" * 100_000, "JSON"),
]


@pytest.mark.parametrize("body, named", BAD_ACTIONS,
                         ids=[f"action{i}" for i in range(len(BAD_ACTIONS))])
def test_bad_action_input_is_a_400_naming_the_parameter_and_stores_nothing(
        app, client, playing, body, named):
    drill_id, token = playing
    before = _counts(app)
    response = _post_raw(client, f"/drills/{drill_id}/actions", token, body)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert named in error
    assert len(error) < 400  # an excerpt of the input at most
    assert _counts(app) == before


def test_messages_repeat_at_most_a_short_excerpt_of_the_input(app, client, playing):
    drill_id, token = playing
    for body in (_add(group="x" * 10_000), {"kind": "y" * 10_000},
                 {"kind": "add_agents", "params": {"z" * 10_000: 1}}):
        response = _post_raw(client, f"/drills/{drill_id}/actions", token, json.dumps(body))
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert not any(letter * 61 in error for letter in "xyz")


def test_a_form_post_without_json_is_a_400(app, client, playing):
    drill_id, token = playing
    response = _post_raw(client, f"/drills/{drill_id}/actions", token, "kind=report_manager",
                         "application/x-www-form-urlencoded")
    assert response.status_code == 400 and "kind" in response.get_json()["error"]


BAD_COMMANDS = [
    (json.dumps([1]), "JSON"),
    (json.dumps({"command": ["start"]}), "command"),
    (json.dumps({"command": 1}), "command"),
    (json.dumps({"command": "pause\x00"}), "NUL"),
    (json.dumps({}), "command"),
    ("[" * 100_000, "JSON"),
]


@pytest.mark.parametrize("body, named", BAD_COMMANDS,
                         ids=[f"command{i}" for i in range(len(BAD_COMMANDS))])
def test_bad_clock_commands_are_a_400_and_change_nothing(app, client, playing, body, named):
    drill_id, token = playing
    before = _counts(app)
    response = _post_raw(client, f"/drills/{drill_id}/control", token, body)
    assert response.status_code == 400
    assert named in response.get_json()["error"]
    assert _counts(app) == before
    with app.app_context():
        assert db.session.get(Drill, drill_id).status == "running"


@pytest.mark.parametrize("path", [
    "/drills/{huge}/play", "/drills/{huge}/state", "/drills/{huge}/debrief",
    "/drills/{huge}/debrief.pdf", "/drills/abc/state", "/drills/-1/state", "/drills/0/state"])
def test_drill_ids_out_of_range_or_not_numbers_are_404(client, auth, path):
    auth.as_role("trainee", "trainer")
    assert client.get(path.format(huge=10**20)).status_code == 404


def test_drill_ids_out_of_range_on_posts_are_404(client, auth):
    auth.as_role("trainee")
    token = csrf_token(client, "/account/password")
    for path in ("/drills/99999999999999999999/actions", "/drills/2147483648/control"):
        response = client.post(path, json={"kind": "report_manager", "command": "start"},
                               headers={"X-CSRFToken": token})
        assert response.status_code == 404


# --- the engine's parser (no Flask) -----------------------------------------------------


@pytest.fixture(scope="module")
def scenario():
    return next(entry for entry in library() if entry.id == "group_complaint_surge").load()


@pytest.mark.parametrize("count", [math.nan, math.inf, -math.inf, True, HUGE, 1e308, "3",
                                   [1], None, 2.5])
def test_the_engine_refuses_bad_numbers_with_an_issue_not_an_exception(scenario, count):
    issues: list = []
    raw = {"type": "add_agents", "time": 0, "params": {"group": "frontline", "count": count}}
    assert parse_action(raw, scenario, "a", issues, {}) is None
    assert issues[0][0] == "a.params.count"


@pytest.mark.parametrize("time", [HUGE, math.nan, math.inf, True, "0"])
def test_the_engine_refuses_bad_times_with_an_issue_not_an_exception(scenario, time):
    from simulation.drill import DrillError

    with pytest.raises(DrillError) as refused:
        parse_actions([{"type": "activate_emergency_plan", "time": time}], scenario)
    assert refused.value.issues[0][0] == "actions[0].time"


def test_the_engine_refuses_unhashable_types_and_long_names_briefly(scenario):
    issues: list = []
    assert parse_action({"type": ["add_agents"], "time": 0}, scenario, "a", issues, {}) is None
    assert parse_action({"type": "add_agents", "time": 0,
                         "params": {"n" * 5000: 1, "group": "frontline"}},
                        scenario, "b", issues, {}) is None
    assert all(len(path) < 80 and len(text["en"]) < 400 for path, text in issues)
