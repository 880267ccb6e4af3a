"""t and F quantiles against closed forms and published table values."""

import math

import pytest

from lms.evaluation.statistics.distributions import (
    f_cdf,
    f_ppf,
    regularized_incomplete_beta,
    t_cdf,
    t_critical,
    t_ppf,
)


def test_t_with_one_degree_of_freedom_is_cauchy():
    # t(1) is the Cauchy distribution: quantile(p) = tan(pi * (p - 1/2)).
    for p in (0.6, 0.9, 0.975, 0.995):
        assert t_ppf(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-9)


def test_t_with_two_degrees_of_freedom_has_closed_form():
    # t(2): quantile(p) = (2p - 1) / sqrt(2 p (1 - p)); p = 0.975 gives 0.95 / sqrt(0.04875).
    assert t_ppf(0.975, 2) == pytest.approx(0.95 / math.sqrt(0.04875), rel=1e-9)


@pytest.mark.parametrize(
    ("df", "expected"),
    [(5, 2.570582), (10, 2.228139), (30, 2.042272)],  # two-sided 95 % values of any t table
)
def test_t_critical_matches_tables(df, expected):
    assert t_critical(df) == pytest.approx(expected, abs=1e-6)


def test_t_is_symmetric_and_cdf_inverts_ppf():
    assert t_ppf(0.025, 7) == pytest.approx(-t_ppf(0.975, 7))
    assert t_cdf(t_ppf(0.9, 4.5), 4.5) == pytest.approx(0.9, abs=1e-10)
    assert t_ppf(0.5, 3) == 0.0


def test_f_quantiles_match_tables():
    assert f_ppf(0.95, 5, 10) == pytest.approx(3.3258, abs=1e-4)  # F table, alpha = 0.05
    assert f_ppf(0.975, 2, 10) == pytest.approx(5.4564, abs=1e-4)  # F table, alpha = 0.025


def test_f_with_one_numerator_df_is_t_squared():
    # F(1, d) = T(d)^2, so the 95 % F(1, 10) quantile is the two-sided 95 % t(10) value squared.
    assert f_ppf(0.95, 1, 10) == pytest.approx(t_critical(10) ** 2, rel=1e-9)


def test_f_reciprocal_symmetry():
    # If X ~ F(a, b) then 1/X ~ F(b, a): q_p(a, b) = 1 / q_{1-p}(b, a).
    assert f_ppf(0.05, 5, 10) == pytest.approx(1 / f_ppf(0.95, 10, 5), rel=1e-9)
    assert f_cdf(0.0, 3, 4) == 0.0


def test_incomplete_beta_simple_cases_and_bad_input():
    # I_x(1, 1) = x (uniform); I_x(1, b) = 1 - (1 - x)^b.
    assert regularized_incomplete_beta(0.3, 1, 1) == pytest.approx(0.3)
    assert regularized_incomplete_beta(0.2, 1, 3) == pytest.approx(1 - 0.8**3)
    with pytest.raises(ValueError, match="positive"):
        regularized_incomplete_beta(0.5, 0, 1)
    with pytest.raises(ValueError, match="between 0 and 1"):
        t_ppf(1.0, 5)
