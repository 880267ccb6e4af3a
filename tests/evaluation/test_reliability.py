"""ICC(2,1) and Krippendorff's alpha against published examples and hand computations."""

import pytest

from lms.evaluation.statistics import icc_2_1, krippendorff_alpha

# Shrout & Fleiss (1979), Table 2: 6 targets (rows) rated by 4 judges (columns).
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", reliability data:
# 4 observers (rows) x 12 units (columns), None = missing. Unit 12 has one value only.
N = None
KRIPPENDORFF = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


def test_icc_2_1_reproduces_shrout_and_fleiss():
    # Row means 6, 3, 6.5, 4, 7.5, 4.75; column means 7.667, 2.5, 4.333, 6.667; grand 5.292.
    # Two-way ANOVA: MS targets = 11.24, MS judges = 32.49, MS error = 1.02 (n = 6, k = 4).
    # ICC(2,1) = (11.24 - 1.02) / (11.24 + 3 * 1.02 + 4 * (32.49 - 1.02) / 6) = 10.22 / 35.28
    #          = 0.29, the value in the paper.
    result = icc_2_1(SHROUT_FLEISS)
    assert result.value == pytest.approx(0.29, abs=0.005)
    assert (result.n_subjects, result.n_raters, result.n_dropped) == (6, 4, 0)
    # McGraw & Wong's interval for ICC(A,1); R's psych::ICC prints 0.019 .. 0.76 for this table.
    assert result.ci_low == pytest.approx(0.019, abs=0.001)
    assert result.ci_high == pytest.approx(0.76, abs=0.005)


def test_icc_on_a_tiny_table_by_hand():
    # Subjects x raters [[1, 2], [3, 4], [5, 5]]: grand mean 20/6 = 3.333.
    # Row means 1.5, 3.5, 5 -> SS rows = 2 * (1.833^2 + 0.167^2 + 1.667^2) = 12.333, MSR = 6.167.
    # Column means 3, 3.667 -> SS cols = 3 * 2 * 0.333^2 = 0.667, MSC = 0.667.
    # SS total = 5.444 + 1.778 + 0.111 + 0.444 + 2.778 * 2 = 13.333, SS error = 0.333, MSE = 0.167.
    # ICC = (6.167 - 0.167) / (6.167 + 0.167 + 2 * (0.667 - 0.167) / 3) = 6 / 6.667 = 0.9.
    assert icc_2_1([[1, 2], [3, 4], [5, 5]]).value == pytest.approx(0.9)


def test_icc_drops_subjects_with_a_missing_rating_and_says_so():
    rows = [*SHROUT_FLEISS, [7, None, 5, 6], [8, 3, float("nan"), 7]]
    result = icc_2_1(rows)
    assert result.n_dropped == 2 and result.n_subjects == 6
    assert result.value == pytest.approx(icc_2_1(SHROUT_FLEISS).value)


def test_icc_perfect_agreement_is_one_without_an_interval():
    result = icc_2_1([[1, 1], [2, 2], [3, 3]])
    assert result.value == pytest.approx(1.0)
    assert result.ci_low is None and "agree perfectly" in result.ci_reason["en"]


def test_icc_undefined_cases_give_reasons_not_warnings():
    constant = icc_2_1([[3, 3], [3, 3], [3, 3]])
    assert constant.value is None and "identical" in constant.reason["en"]
    assert constant.reason["zh"]
    assert icc_2_1([[1, 2]]).reason["en"].startswith("At least two performances")
    assert icc_2_1([[1], [2]]).reason["en"] == "At least two raters are needed."
    assert icc_2_1([]).value is None
    with pytest.raises(ValueError, match="one entry per rater"):
        icc_2_1([[1, 2], [3]])


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_alpha_reproduces_the_published_example(level, published):
    result = krippendorff_alpha(KRIPPENDORFF, level)
    assert result.value == pytest.approx(published, abs=0.0005)
    # 11 pairable units (unit 12 was rated once) holding 40 values.
    assert (result.n_units, result.n_values) == (11, 40)


def test_nominal_alpha_on_a_tiny_table_by_hand():
    # Raters x units [[a, a, b], [a, b, b]]: pairs per unit (m = 2, weight 1):
    # unit1 a-a twice, unit2 a-b and b-a, unit3 b-b twice.
    # o_aa = 2, o_bb = 2, o_ab = o_ba = 1; n_a = n_b = 3; n = 6.
    # alpha = 1 - (n - 1) * (o_ab + o_ba) / (n_a n_b + n_b n_a) = 1 - 5 * 2 / 18 = 0.444.
    assert krippendorff_alpha([["a", "a", "b"], ["a", "b", "b"]]).value == pytest.approx(4 / 9)


def test_alpha_is_one_when_all_raters_agree_and_none_when_nothing_varies():
    agree = krippendorff_alpha([[1, 2, 3, N], [1, 2, 3, 4], [1, N, 3, 4]], "ordinal")
    assert agree.value == pytest.approx(1.0)
    constant = krippendorff_alpha([[2, 2, 2], [2, 2, 2]], "interval")
    assert constant.value is None and "identical" in constant.reason["en"]
    lonely = krippendorff_alpha([[1, N], [N, 2]])
    assert lonely.value is None and lonely.n_units == 0


def test_alpha_refuses_unknown_metric_and_text_for_numeric_metrics():
    with pytest.raises(ValueError, match="nominal, ordinal, interval, ratio"):
        krippendorff_alpha(KRIPPENDORFF, "cosine")
    with pytest.raises(ValueError, match="numeric ratings"):
        krippendorff_alpha([["a", "b"], ["a", "b"]], "interval")
    # NaN counts as missing: unit 2 keeps one value and is not pairable.
    assert krippendorff_alpha([[1.0, float("nan")], [1.0, 2.0]]).n_units == 1
