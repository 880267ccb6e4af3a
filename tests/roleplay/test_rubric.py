"""Rubric validation, loading and scoring."""

import copy

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.roleplay.content import RUBRICS_PATH, load_shipped_rubrics
from lms.roleplay.rubric import (
    RubricError,
    load_rubrics,
    rubric_from_dict,
    score_total,
    validate_rubric,
)


def level(points, en="level"):
    return {"points": points, "definition": {"zh": f"等级{points}", "en": f"{en} {points}"}}


VALID = {
    "key": "phone_basics",
    "name": {"zh": "电话基本功", "en": "Phone basics"},
    "criteria": [
        {"key": "greeting", "description": {"zh": "问候", "en": "Greeting"},
         "levels": [level(0), level(1), level(2)]},
        {"key": "closing", "description": {"zh": "结束语", "en": "Closing"},
         "levels": [level(1), level(3), level(5)]},
    ],
}


def where(problems):
    return [problem.where for problem in problems]


def test_a_valid_rubric_has_no_problems():
    assert validate_rubric(VALID) == []
    rubric = rubric_from_dict(VALID)
    assert (rubric.min_points, rubric.max_points) == (1, 7)


def test_a_rubric_without_criteria_is_refused():
    for criteria in ([], None):
        data = {**VALID, "criteria": criteria}
        problems = validate_rubric(data)
        assert where(problems) == ["criteria"]
        assert "at least one criterion" in problems[0].message["en"]
        assert problems[0].message["zh"]
        with pytest.raises(RubricError, match="at least one criterion"):
            rubric_from_dict(data)


def test_duplicate_level_points_name_the_criterion_and_level():
    data = copy.deepcopy(VALID)
    data["criteria"][1]["levels"][2]["points"] = 3
    problems = validate_rubric(data)
    assert where(problems) == ["criteria[2].levels[3].points"]
    assert "repeat those of level 2" in problems[0].message["en"]


def test_every_problem_is_collected_in_one_pass():
    data = copy.deepcopy(VALID)
    data["key"] = "Phone Basics"
    data["name"] = {"en": "Phone basics"}
    data["criteria"][0]["levels"] = []
    data["criteria"][1]["key"] = "greeting"
    data["criteria"][1]["levels"][0]["points"] = -1
    data["criteria"][1]["levels"][1]["definition"]["zh"] = " "
    data["colour"] = "blue"
    assert sorted(where(validate_rubric(data))) == sorted([
        "colour", "key", "name", "criteria[1].levels", "criteria[2].key",
        "criteria[2].levels[1].points", "criteria[2].levels[2].definition.zh"])


def test_a_single_level_cannot_discriminate():
    data = copy.deepcopy(VALID)
    data["criteria"][0]["levels"] = [level(2)]
    assert "at least 2 levels" in validate_rubric(data)[0].message["en"]


def test_score_total_uses_moodles_fraction():
    rubric = rubric_from_dict(VALID)
    score = score_total(rubric, {"greeting": 1, "closing": 5})
    # total 6; minimum 0 + 1 = 1, maximum 2 + 5 = 7 -> (6 - 1) / (7 - 1) = 5/6.
    assert score.points == 6 and score.fraction == pytest.approx(5 / 6)
    assert score.by_criterion == {"greeting": 1, "closing": 5}


def test_score_total_refuses_incomplete_or_invalid_selections():
    rubric = rubric_from_dict(VALID)
    with pytest.raises(ValueError) as error:
        score_total(rubric, {"greeting": 4, "tone": 1})
    message = str(error.value)
    assert "unknown criterion 'tone'" in message
    assert "criterion 'closing' is not scored" in message
    assert "no level worth 4 points; allowed: 0, 1, 2" in message


def test_shipped_complaint_rubric_covers_the_standards():
    rubrics = load_shipped_rubrics()
    complaint = rubrics["complaint_handling"]
    keys = [criterion.key for criterion in complaint.criteria]
    for required in ("calm_emotions", "clarify_problem", "negotiate_solution", "confirm_result",
                     "active_listening", "standard_phrases", "first_responder_ownership",
                     "no_buck_passing", "time_commitments"):
        assert required in keys
    assert len(rubrics) >= 2
    for rubric in rubrics.values():
        for criterion in rubric.criteria:
            assert 3 <= len(criterion.levels) <= 5, criterion.key
            points = [lvl.points for lvl in criterion.levels]
            assert len(set(points)) == len(points)


def test_a_broken_rubric_file_names_file_line_and_place_and_loads_nothing(tmp_path):
    data = yaml.safe_load(RUBRICS_PATH.read_text(encoding="utf-8"))
    data["rubrics"][0]["criteria"][2]["levels"][1]["points"] = 0  # duplicates level 1
    data["rubrics"][1]["criteria"] = []
    path = tmp_path / "rubrics.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(RubricError) as error:
        load_rubrics(path)
    lines = str(error.value).splitlines()[1:]
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:") and "rubrics[1].criteria[3].levels[2].points" in lines[0]
    assert "rubrics[2].criteria" in lines[1]
    # The line number points at the offending points in the written file.
    line_number = int(lines[0].split(":")[1])
    assert "points: 0" in path.read_text(encoding="utf-8").splitlines()[line_number - 1]


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["key", "name", "criteria", "levels", "points",
                                       "definition", "description", "zh", "en"]),
                      children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(json_like)
def test_validation_reports_problems_instead_of_crashing(data):
    problems = validate_rubric(data)
    assert all(problem.message["zh"] and problem.message["en"] for problem in problems)
    if not problems:  # anything accepted must also build and score
        rubric = rubric_from_dict(data)
        best = {c.key: c.max_points for c in rubric.criteria}
        assert score_total(rubric, best).fraction == 1.0
