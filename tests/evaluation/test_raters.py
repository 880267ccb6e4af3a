"""Rater severity, agreement verdicts and per-rubric agreement."""

import pytest

from lms.evaluation.statistics import (
    agreement_flag,
    icc_2_1,
    krippendorff_alpha,
    rater_severity,
    rubric_agreement,
    subjects_by_raters,
)
from lms.roleplay.rubric import rubric_from_dict


def test_severity_is_mean_deviation_from_the_other_raters():
    scores = {"p1": {"A": 8, "B": 6, "C": 7}, "p2": {"A": 5, "B": 3}, "p3": {"A": 9}}
    # p1: A 8 - (6+7)/2 = +1.5, B 6 - 7.5 = -1.5, C 7 - 7 = 0; p2: A +2, B -2; p3 rated once.
    # A: (1.5 + 2) / 2 = +1.75 over 2; B: -1.75 over 2; C: 0 over 1. Strictest first.
    severity = rater_severity(scores, tolerance=0.5)
    assert [(s.rater, s.mean_deviation, s.n_subjects, s.direction) for s in severity] == [
        ("B", -1.75, 2, "stricter"), ("C", 0.0, 1, "in_line"), ("A", 1.75, 2, "more_lenient")]


def test_subjects_by_raters_fills_gaps_with_none():
    subjects, raters, rows = subjects_by_raters({"p1": {"A": 1}, "p2": {"B": 2, "A": 3}})
    assert (subjects, raters, rows) == (["p1", "p2"], ["A", "B"], [[1, None], [3, 2]])


@pytest.mark.parametrize(
    ("value", "statistic", "level", "calibrate"),
    [(0.29, "icc", "poor", True), (0.6, "icc", "moderate", True), (0.8, "icc", "good", False),
     (0.95, "icc", "excellent", False), (0.5, "alpha", "unreliable", True),
     (0.667, "alpha", "tentative", True), (0.8, "alpha", "reliable", False)],
)
def test_agreement_verdicts_follow_the_documented_thresholds(value, statistic, level, calibrate):
    flag = agreement_flag(value, statistic)
    assert (flag.level, flag.calibrate, flag.trustworthy) == (level, calibrate, not calibrate)
    assert ("calibration" in flag.advice["en"]) == calibrate
    assert ("校准" in flag.advice["zh"]) == calibrate


def test_agreement_flag_reads_result_objects_and_undefined_values():
    assert agreement_flag(icc_2_1([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8]])).level == "poor"
    assert agreement_flag(krippendorff_alpha([[1, 2], [1, 2]])).level == "reliable"
    undefined = agreement_flag(icc_2_1([[3, 3], [3, 3]]))
    assert undefined.level == "undefined" and "two raters" in undefined.advice["en"]
    with pytest.raises(ValueError, match="'icc' or 'alpha'"):
        agreement_flag(0.5)


RUBRIC = rubric_from_dict({
    "key": "mini",
    "name": {"zh": "小评分表", "en": "Mini rubric"},
    "criteria": [
        {"key": "listening", "description": {"zh": "倾听", "en": "Listening"},
         "levels": [{"points": p, "definition": {"zh": f"{p} 分", "en": f"{p} points"}}
                    for p in (0, 1, 2)]},
        {"key": "phrases", "description": {"zh": "用语", "en": "Phrases"},
         "levels": [{"points": p, "definition": {"zh": f"{p} 分", "en": f"{p} points"}}
                    for p in (0, 2, 4)]},
    ],
})


def test_rubric_agreement_per_criterion_total_and_severity():
    scorings = {
        "perf1": {"T1": {"listening": 2, "phrases": 4}, "T2": {"listening": 2, "phrases": 0}},
        "perf2": {"T1": {"listening": 0, "phrases": 4}, "T2": {"listening": 0, "phrases": 2}},
        "perf3": {"T1": {"listening": 1, "phrases": 2}, "T2": {"listening": 1, "phrases": 4}},
        "perf4": {"T1": {"listening": 2}},  # incomplete: counts for listening only
    }
    result = rubric_agreement(RUBRIC, scorings)
    listening, phrases = result.criteria
    # Listening: both trainers chose the same level every time -> alpha 1, ICC 1, no calibration.
    assert listening.alpha.value == pytest.approx(1.0) and not listening.calibrate
    assert listening.icc.value == pytest.approx(1.0)
    # Phrases: ranks (T1, T2) = (2, 0), (2, 1), (1, 2): the trainers disagree -> calibrate.
    assert phrases.calibrate and phrases.alpha.value < 0.667
    assert result.calibrate
    # Totals T1 = 6, 4, 3; T2 = 2, 2, 5 -> the same ICC as computed directly on that table.
    assert result.total.icc.value == pytest.approx(icc_2_1([[6, 2], [4, 2], [3, 5]]).value)
    # T2 totals sit (2 - 6 + 2 - 4 + 5 - 3) / 3 = -4/3 below T1 on average.
    assert [(s.rater, round(s.mean_deviation, 4)) for s in result.severity] == [
        ("T2", round(-4 / 3, 4)), ("T1", round(4 / 3, 4))]


def test_rubric_agreement_refuses_points_that_are_not_a_level():
    with pytest.raises(ValueError, match="no level worth 3 points"):
        rubric_agreement(RUBRIC, {"p": {"T1": {"listening": 3}}})
