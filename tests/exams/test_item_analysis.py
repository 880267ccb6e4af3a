"""Item analysis against hand-computed classical test statistics."""

import pytest

from lms.exams.item_analysis import ItemResponse, ItemSpec, analyse_exam

# Five candidates, four right/wrong items, a perfect Guttman pattern.
GUTTMAN = [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]


def dichotomous(rows, ids=("q1", "q2", "q3", "q4")):
    items = [ItemSpec(item_id, 1) for item_id in ids]
    attempts = [{i: ItemResponse(v) for i, v in zip(ids, row, strict=True)} for row in rows]
    return items, attempts


def test_kr20_sem_and_item_rest_correlation_by_hand():
    exam = analyse_exam(*dichotomous(GUTTMAN))
    # p = 0.8, 0.6, 0.4, 0.2 -> sum p q = 0.16 + 0.24 + 0.24 + 0.16 = 0.8.
    # Totals 4, 3, 2, 1, 0: mean 2, population variance 2, sample SD sqrt(10/4) = 1.5811.
    # KR-20 = 4/3 * (1 - 0.8 / 2) = 0.8; SEM = 1.5811 * sqrt(0.2) = sqrt(0.5) = 0.7071.
    assert exam.reliability_method == "KR-20"
    assert exam.reliability == pytest.approx(0.8)
    assert (exam.mean, exam.sd) == pytest.approx((2.0, 1.581139))
    assert exam.sem == pytest.approx(0.5**0.5)
    q1 = exam.items[0]
    assert q1.facility == pytest.approx(0.8)
    # q1 = 1,1,1,1,0 against the rest 3,2,1,0,0: deviations (.2,.2,.2,.2,-.8) and
    # (1.8,.8,-.2,-1.2,-1.2); cross 1.2, SS 0.8 and 6.8 -> r = 1.2 / sqrt(5.44) = 0.5145.
    assert q1.item_rest_correlation == pytest.approx(1.2 / 5.44**0.5)
    # 27 % of 5 rounds to 1: upper = candidate 1, lower = candidate 5 -> D = 1 - 0.
    assert q1.discrimination_index == 1.0


def choice_exam():
    specs = [ItemSpec("x", 1), ItemSpec("y", 1), ItemSpec("z", 1),
             ItemSpec("choice", 1, options=("a", "b", "c", "d"), correct_options=frozenset("a"))]
    rows = [  # x, y, z, option chosen (a is the key)
        (1, 1, 0, "a"), (1, 1, 1, "c"), (1, 0, 0, "a"), (0, 1, 1, "b"), (0, 0, 1, "b"),
        (0, 0, 0, "a"),
    ]
    attempts = [
        {"x": ItemResponse(x), "y": ItemResponse(y), "z": ItemResponse(z),
         "choice": ItemResponse(1.0 if option == "a" else 0.0, (option,))}
        for x, y, z, option in rows
    ]
    return analyse_exam(specs, attempts)


def test_groups_discrimination_and_distractors_by_hand():
    exam = choice_exam()
    x, _, z, choice = exam.items
    # Totals 3, 3, 2, 2, 1, 1. 27 % of 6 rounds to 2: upper = attempts 1-2, lower = 5-6.
    assert x.discrimination_index == 1.0  # x: upper 1, 1; lower 0, 0
    # x = 1,1,1,0,0,0 vs rest 2,2,1,2,1,1: cross 0.5, SS 1.5 and 1.5 -> r = 1/3.
    assert x.item_rest_correlation == pytest.approx(1 / 3)
    # z = 0,1,0,1,1,0 vs rest 3,2,2,1,0,1: cross -1.5, SS 1.5 and 5.5 -> r = -0.5222.
    assert z.item_rest_correlation == pytest.approx(-1.5 / 8.25**0.5)
    assert "negative_discrimination" in {flag.code for flag in z.flags}
    shares = {o.option_id: (o.count, o.share, o.share_upper, o.share_lower)
              for o in choice.options}
    assert shares == {"a": (3, 0.5, 0.5, 0.5), "b": (2, 2 / 6, 0.0, 0.5),
                      "c": (1, 1 / 6, 0.5, 0.0), "d": (0, 0.0, 0.0, 0.0)}
    flags = {flag.code: flag.message["en"] for flag in choice.flags}
    # choice = 1,0,1,0,0,1 vs rest 2,3,1,2,1,0: cross -1.5 -> also negatively discriminating.
    assert set(flags) == {"negative_discrimination", "distractor_never_chosen",
                          "distractor_attracts_upper"}
    assert flags["distractor_never_chosen"].endswith("(d)")
    assert flags["distractor_attracts_upper"].endswith("(c)")


def test_negative_reliability_and_where_to_look():
    exam = choice_exam()
    # p = 0.5 for all four items -> sum p q = 1; totals' population variance 4/6.
    # KR-20 = 4/3 * (1 - 1 / (2/3)) = -2/3; SEM = sqrt(0.8) * sqrt(5/3) = 1.1547.
    assert exam.reliability == pytest.approx(-2 / 3)
    assert exam.sem == pytest.approx((0.8 * 5 / 3) ** 0.5)
    codes = [flag.code for flag in exam.flags]
    assert codes == ["few_attempts", "low_reliability"]
    advice = [line["en"] for line in exam.where_to_look]
    first_item_line = next(i for i, line in enumerate(advice) if line.startswith("Item"))
    # Problems (check the key, a distractor that attracts strong candidates) come first.
    assert "Item z: Negative discrimination" in advice[first_item_line]
    assert all("第" in line["zh"] for line in exam.where_to_look[first_item_line:])


def test_easy_item_and_zero_variance_are_flagged():
    rows = [[*row, 1] for row in GUTTMAN]
    exam = analyse_exam(*dichotomous(rows, ("q1", "q2", "q3", "q4", "easy")))
    easy = exam.items[-1]
    assert easy.facility == 1.0 and easy.sd == 0.0
    assert {flag.code for flag in easy.flags} == {"too_easy", "zero_variance"}
    assert easy.item_rest_correlation is None
    assert "Everyone scored the same" in easy.reasons["item_rest_correlation"]["en"]


def test_partial_credit_uses_cronbachs_alpha():
    items = [ItemSpec("essay1", 2), ItemSpec("essay2", 2)]
    attempts = [{"essay1": ItemResponse(a / 2), "essay2": ItemResponse(b / 2)}
                for a, b in [(2, 1), (1, 1), (0, 0)]]
    exam = analyse_exam(items, attempts)
    # Points (2,1), (1,1), (0,0): item variances 2/3 and 2/9, totals 3, 2, 0 variance 42/27.
    # alpha = 2 * (1 - (8/9) / (42/27)) = 2 * 18/42 = 0.857.
    assert exam.reliability_method == "Cronbach's alpha"
    assert exam.reliability == pytest.approx(6 / 7)


def test_too_few_attempts_give_reasons_not_errors():
    items, attempts = dichotomous([[1, 0, 1, 0]])
    exam = analyse_exam(items, attempts)
    assert exam.reliability is None and exam.sd is None and exam.sem is None
    assert exam.reasons["reliability"]["en"] == "Too few attempts to compute this."
    assert exam.items[0].discrimination_index is None
    assert exam.items[0].item_rest_correlation is None
    empty = analyse_exam(items, [])
    assert empty.items[0].n == 0 and empty.items[0].facility is None and empty.mean is None


def test_items_from_a_random_pool_are_counted_where_presented():
    items, attempts = dichotomous(GUTTMAN)
    del attempts[0]["q4"], attempts[4]["q1"]
    exam = analyse_exam(items, attempts)
    assert [item.n for item in exam.items] == [4, 5, 5, 4]
    assert exam.n_complete == 3 and exam.n_attempts == 5
    # A bare fraction is accepted for items that are not choice items.
    assert analyse_exam([ItemSpec("q", 1)], [{"q": 1}, {"q": 0}]).items[0].facility == 0.5


@pytest.mark.parametrize(
    ("items", "attempts", "message"),
    [([ItemSpec("q", 1)], [{"q": ItemResponse(1.5)}], "attempt 1, item 'q': fraction 1.5"),
     ([ItemSpec("q", 1)], [{"r": ItemResponse(1)}], "attempt 1: unknown item 'r'"),
     ([ItemSpec("q", 1), ItemSpec("q", 2)], [], "unique"),
     ([ItemSpec("q", 0)], [], "max_points must be positive")],
)
def test_bad_input_is_refused_with_its_place(items, attempts, message):
    with pytest.raises(ValueError, match=message):
        analyse_exam(items, attempts)
