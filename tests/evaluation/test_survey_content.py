"""The shipped post-course survey and the survey loader's refusals."""

import pytest
import yaml

from lms.evaluation.content import SURVEY_PATH, SurveyError, load_survey
from lms.evaluation.statistics import likert_summary


def test_shipped_survey_covers_the_training_dimensions():
    survey = load_survey()
    keys = [d.key for d in survey.dimensions]
    for dimension in ("relevance", "trainer_competence", "materials", "practice", "support"):
        assert dimension in keys
    assert survey.scale_points == 5 and len(survey.free_text) >= 2
    assert len(set(survey.likert_keys)) == len(survey.likert_keys) >= 10


def test_every_survey_text_is_bilingual():
    survey = load_survey()
    texts = [survey.title, survey.intro, *survey.scale_labels.values()]
    texts += [d.title for d in survey.dimensions]
    texts += [i.text for d in survey.dimensions for i in d.items]
    texts += [i.text for i in survey.free_text]
    for text in texts:
        assert set(text) == {"zh", "en"} and text["zh"].strip() and text["en"].strip()


def test_survey_answers_summarise_with_the_shipped_keys():
    survey = load_survey()
    responses = [{key: 4 for key in survey.likert_keys}, {key: 5 for key in survey.likert_keys}]
    summary = likert_summary(responses, items=survey.likert_keys)
    assert summary["overall_satisfied"].top_two_box_percent == 100.0


def _write(tmp_path, data):
    path = tmp_path / "survey.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_broken_survey_is_refused_with_file_line_and_field(tmp_path):
    data = yaml.safe_load(SURVEY_PATH.read_text(encoding="utf-8"))
    data["dimensions"][1]["items"][0]["key"] = data["dimensions"][0]["items"][0]["key"]
    data["dimensions"][2]["items"][1]["text"] = {"zh": "只有中文"}
    data["scale"]["points"] = 6
    path = _write(tmp_path, data)
    with pytest.raises(SurveyError) as error:
        load_survey(path)
    text = str(error.value)
    assert str(path) in text
    assert "dimensions[2].items[1].key" in text and "repeated" in text
    assert "dimensions[3].items[2].text" in text and "zh and en" in text
    assert "scale.points" in text and "4, 5, 7" in text
    assert len(error.value.problems) == 3
    assert all(f"{path}:" in line for line in text.splitlines()[1:])  # each names a line
