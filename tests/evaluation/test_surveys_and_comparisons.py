"""Likert summaries (level 1) and Welch comparisons of KPI groups (level 4)."""

import pytest

from lms.evaluation.statistics import (
    OBSERVATIONAL_CAUTION,
    compare_groups,
    likert_summary,
    t_critical,
    trained_vs_untrained,
)


def test_likert_summary_by_hand():
    responses = [{"clear": 5, "pace": 3}, {"clear": 4}, {"clear": 2, "pace": None}]
    summary = likert_summary(responses)
    clear = summary["clear"]
    # Answers 5, 4, 2: mean 11/3; two of three in the top two boxes (4, 5).
    assert clear.n == 3 and clear.mean == pytest.approx(11 / 3)
    assert clear.distribution == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert clear.top_two_box_percent == pytest.approx(200 / 3)
    # sd = sqrt((1.778 + 0.111 + 2.778) / 2) = 1.5275; half-width 4.3027 * 1.5275 / sqrt(3)
    # = 3.79 reaches past the scale, so the interval is clipped to 1..5.
    assert clear.sd == pytest.approx(1.527525, abs=1e-6)
    assert (clear.ci_low, clear.ci_high) == (1.0, 5.0)
    pace = summary["pace"]  # the unanswered item is left out, not counted as neutral
    assert pace.n == 1 and pace.mean == 3.0 and pace.ci_low is None


def test_likert_interval_inside_the_scale():
    summary = likert_summary([{"q": 4}, {"q": 4}, {"q": 5}, {"q": 3}], items=["q", "never"])
    # mean 4, sd sqrt(2/3) = 0.8165, se 0.40825, t(3) = 3.18245 -> 4 +- 1.2992
    assert summary["q"].ci_low == pytest.approx(4 - 1.2992, abs=1e-4)
    assert summary["never"].n == 0 and summary["never"].mean is None


@pytest.mark.parametrize("bad", [6, 0, 3.5, "4", True])
def test_answers_off_the_scale_are_refused_with_their_place(bad):
    with pytest.raises(ValueError, match=r"response 2, item 'clear'.*1\.\.5"):
        likert_summary([{"clear": 4}, {"clear": bad}])


def test_welch_comparison_by_hand():
    result = compare_groups([90, 92, 94], [93, 95, 97, 99])
    # means 92 and 96 -> difference 4; variances 4 and 6.667; se^2 = 4/3 + 6.667/4 = 3.
    # Welch df = 3^2 / ((4/3)^2 / 2 + (5/3)^2 / 3) = 9 / 1.8148 = 4.959.
    assert result.difference == pytest.approx(4.0)
    assert result.degrees_of_freedom == pytest.approx(4.9592, abs=1e-4)
    half = t_critical(result.degrees_of_freedom) * 3**0.5
    assert (result.ci_low, result.ci_high) == pytest.approx((4 - half, 4 + half))
    assert result.ci_low < 0 < result.ci_high  # this small sample cannot exclude no difference
    assert result.caution == OBSERVATIONAL_CAUTION
    assert "observational" in result.caution["en"] and "观察性" in result.caution["zh"]


def test_trained_minus_untrained_and_degenerate_groups():
    result = trained_vs_untrained([88.0, 90.0], [93.0, 95.0])
    assert (result.label_first, result.label_second, result.difference) == (
        "untrained", "trained", 5.0)
    no_spread = compare_groups([90, 90], [95, 95])
    assert no_spread.difference == 5 and no_spread.ci_low is None
    assert "varies" in no_spread.reason["en"]
    too_few = compare_groups([90], [95, 96])
    assert too_few.ci_low is None and "two values" in too_few.reason["en"]
    assert compare_groups([], [1, 2]).difference is None
