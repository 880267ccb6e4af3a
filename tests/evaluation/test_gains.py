"""Normalised gain (Hake) for trainees and cohorts, with intervals."""

import pytest

from lms.evaluation.statistics import cohort_gain, normalised_gain

PAIRS = [(4, 8), (6, 9), (10, 10), (2, 4)]  # (pre, post) out of 10


def test_normalised_gain_by_hand():
    assert normalised_gain(4, 8, 10) == pytest.approx(4 / 6)  # learned 4 of the 6 missing
    assert normalised_gain(6, 3, 10) == pytest.approx(-3 / 4)  # fell back: negative gain
    assert normalised_gain(0, 10, 10) == 1.0


def test_pre_at_maximum_has_no_gain():
    assert normalised_gain(10, 10, 10) is None
    assert normalised_gain(10, 7, 10) is None


@pytest.mark.parametrize(("pre", "post", "maximum"), [(-1, 5, 10), (3, 11, 10), (1, 2, 0)])
def test_scores_outside_the_range_are_refused(pre, post, maximum):
    with pytest.raises(ValueError, match="max_score|outside the allowed"):
        normalised_gain(pre, post, maximum)


def test_cohort_gain_by_hand():
    result = cohort_gain(PAIRS, 10)
    # g = 4/6, 3/4, undefined (pre = max), 2/8 -> mean of the three = 1.6667 / 3 = 0.5556.
    assert result.gains[2] is None
    assert (result.n_pairs, result.n_used, result.n_excluded) == (4, 3, 1)
    assert result.mean_gain == pytest.approx((4 / 6 + 3 / 4 + 2 / 8) / 3)
    # Class average: mean pre 22/4 = 5.5, mean post 31/4 = 7.75 -> (7.75 - 5.5) / 4.5 = 0.5.
    assert (result.mean_pre, result.mean_post) == (5.5, 7.75)
    assert result.class_average_gain == pytest.approx(0.5)
    # sd of (0.6667, 0.75, 0.25) = 0.26788; se = 0.15466; t(0.975, 2) = 4.30265
    # half-width 0.66546 -> (-0.1099, 1.2210).
    assert result.ci_low == pytest.approx(-0.1099, abs=1e-4)
    assert result.ci_high == pytest.approx(1.2210, abs=1e-4)


def test_bootstrap_interval_is_reproducible_and_inside_the_data():
    first = cohort_gain(PAIRS, 10, ci_method="bootstrap", seed=7)
    again = cohort_gain(PAIRS, 10, ci_method="bootstrap", seed=7)
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)
    assert 0.25 <= first.ci_low <= first.mean_gain <= first.ci_high <= 0.75


def test_degenerate_cohorts():
    assert cohort_gain([], 10).mean_gain is None
    everyone_perfect = cohort_gain([(10, 10), (10, 9)], 10)
    assert everyone_perfect.mean_gain is None and everyone_perfect.class_average_gain is None
    single = cohort_gain([(5, 10)], 10)
    assert single.mean_gain == 1.0 and single.ci_low is None
    with pytest.raises(ValueError, match="ci_method"):
        cohort_gain(PAIRS, 10, ci_method="jackknife")
