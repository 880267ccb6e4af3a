"""Staff KPI assessment, the service-star shortlist, and the proficiency mapping."""

import pytest

from lms.evaluation.statistics import (
    DEFAULT_ANCHORS,
    ProficiencyAnchor,
    assess_staff_month,
    combined_proficiency,
    kpi_targets,
    proficiency_mapping,
    recognition_candidates,
)


def figures(on_time=99.0, resolution=96.0, satisfaction=92.0, complaints=0.2):
    return {"response_on_time_rate": on_time, "resolution_rate": resolution,
            "satisfaction": satisfaction, "complaint_rate": complaints}


def test_targets_are_those_of_the_service_documents():
    assert [(t.key, t.direction, t.threshold) for t in kpi_targets] == [
        ("response_on_time_rate", ">=", 98.0), ("resolution_rate", ">=", 95.0),
        ("satisfaction", ">=", 90.0), ("complaint_rate", "<=", 0.5)]
    assert all(t.name["zh"] and t.name["en"] for t in kpi_targets)


def test_targets_met_exactly_at_the_threshold():
    assessment = assess_staff_month(figures(98.0, 95.0, 90.0, 0.5))
    assert assessment.meets_all and assessment.missing == ()


def test_each_miss_is_named():
    assessment = assess_staff_month(figures(97.9, 96.0, 92.0, 0.51))
    meets = {r.target.key: r.meets for r in assessment.results}
    assert meets == {"response_on_time_rate": False, "resolution_rate": True,
                     "satisfaction": True, "complaint_rate": False}
    assert not assessment.meets_all


def test_missing_figure_is_neither_met_nor_missed():
    partial = figures()
    del partial["satisfaction"]
    assessment = assess_staff_month(partial)
    assert assessment.missing == ("satisfaction",) and not assessment.meets_all
    assert [r.meets for r in assessment.results if r.target.key == "satisfaction"] == [None]


@pytest.mark.parametrize(
    ("bad", "message"),
    [({"satisfaction": 120.0}, "outside the allowed range 0..100"),
     ({"satisfaction": "high"}, "not a percentage"),
     ({"speed": 50.0}, "unknown KPI 'speed'")],
)
def test_bad_figures_are_refused_by_name(bad, message):
    with pytest.raises(ValueError, match=message):
        assess_staff_month(bad)


def test_service_star_ranking_rule():
    month = {
        "E05": figures(satisfaction=95.0),
        "E02": figures(satisfaction=97.0, resolution=96.0),
        # E03 ties E02 on satisfaction and wins on resolution rate.
        "E03": figures(satisfaction=97.0, resolution=99.0),
        "E01": figures(satisfaction=99.0, complaints=0.8),  # misses complaint rate: not eligible
        "E04": figures(satisfaction=95.0),  # identical to E05: employee number decides
    }
    shortlist = recognition_candidates(month)
    assert [(c.rank, c.employee_no) for c in shortlist] == [
        (1, "E03"), (2, "E02"), (3, "E04"), (4, "E05")]
    assert [c.employee_no for c in recognition_candidates(month, n=2)] == ["E03", "E02"]


def test_default_proficiency_anchors():
    novice, expert = DEFAULT_ANCHORS
    assert proficiency_mapping(0.5) == pytest.approx((1.3, 0.65))
    assert proficiency_mapping(1.0) == pytest.approx((0.9, 0.85))
    # Half way: factor 1.3 + 0.5 * (0.9 - 1.3) = 1.1; FCR 0.65 + 0.5 * 0.2 = 0.75.
    mid = proficiency_mapping(0.75)
    assert (mid.handle_time_factor, mid.first_contact_resolution) == pytest.approx((1.1, 0.75))
    # Below the novice anchor the novice values hold (no extrapolation).
    assert proficiency_mapping(0.2) == proficiency_mapping(0.5)
    assert novice.score_fraction < expert.score_fraction


def test_configured_anchors_and_their_validation():
    anchors = (ProficiencyAnchor(0.4, 1.5, 0.5), ProficiencyAnchor(0.6, 1.2, 0.6),
               ProficiencyAnchor(0.9, 1.0, 0.8))
    # 0.75 lies half way between 0.6 and 0.9: factor 1.1, FCR 0.7.
    assert proficiency_mapping(0.75, anchors) == pytest.approx((1.1, 0.7))
    with pytest.raises(ValueError, match="strictly increasing"):
        proficiency_mapping(0.5, anchors[::-1])
    with pytest.raises(ValueError, match="first_contact_resolution must lie in 0..1"):
        proficiency_mapping(0.5, (ProficiencyAnchor(0.5, 1.0, 1.2),))
    with pytest.raises(ValueError, match="score_fraction must lie in 0..1"):
        proficiency_mapping(1.5)


def test_combined_proficiency_weights_theory_and_practice():
    # 0.4 * 0.8 + 0.6 * 0.6 = 0.68 (the 40 % online / 60 % practice split).
    assert combined_proficiency(0.8, 0.6) == pytest.approx(0.68)
    assert combined_proficiency(None, 0.6) == 0.6
    assert combined_proficiency(None, None) is None
    with pytest.raises(ValueError, match="practice_fraction"):
        combined_proficiency(0.5, 1.5)
