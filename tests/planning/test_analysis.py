"""Results analysis: verdicts against targets and paired comparisons on common random numbers."""

import pytest

import scenarios
from lms.planning import analysis
from tests.planning.factories import small_scenario_dict


def test_verdict_needs_the_whole_interval_on_one_side():
    assert analysis.verdict({"mean": 0.85, "low": 0.81, "high": 0.89}, 0.8, True) == "met"
    assert analysis.verdict({"mean": 0.82, "low": 0.78, "high": 0.86}, 0.8, True) == "uncertain"
    assert analysis.verdict({"mean": 0.7, "low": 0.6, "high": 0.79}, 0.8, True) == "missed"
    assert analysis.verdict({"mean": 0.02, "low": 0.01, "high": 0.03}, 0.05, False) == "met"


def test_paired_difference_is_significant_only_when_its_interval_excludes_zero():
    same = analysis.paired_difference([0.7, 0.8, 0.75], [0.7, 0.8, 0.75])
    assert same["mean"] == 0 and not same["significant"]
    better = analysis.paired_difference([0.70, 0.80, 0.75, 0.72], [0.80, 0.91, 0.84, 0.83])
    assert better["mean"] == pytest.approx(0.1025) and better["significant"]
    noisy = analysis.paired_difference([0.7, 0.8, 0.75], [0.9, 0.6, 0.8])
    assert not noisy["significant"]


@pytest.fixture(scope="module")
def two_variants():
    few = scenarios.validate(small_scenario_dict(hours=3, agents=46))
    many = scenarios.validate(small_scenario_dict(hours=3, agents=56))
    return [analysis.simulate(few, 7, 4), analysis.simulate(many, 7, 4)]


def test_more_agents_give_a_significantly_better_service_level(two_variants):
    table = {row["kpi"]: row for row in analysis.compare(two_variants)}
    variant = table["service_level"]["variants"][1]
    assert variant["difference"]["mean"] > 0.05
    assert variant["difference"]["significant"] and variant["better"] is True
    assert table["asa"]["variants"][1]["difference"]["mean"] < 0


def test_kpi_summary_lists_each_queue_target_and_the_global_ones(two_variants):
    rows = analysis.kpi_summary(two_variants[1])
    assert [r["kpi"] for r in rows] == ["service_level", "abandon_rate", "on_time_rate", "asa"]
    assert rows[0]["target"] == 0.8 and rows[0]["seconds"] == 20
    assert rows[0]["verdict"] in ("met", "uncertain")
