"""Item analysis of an exam (classical test theory), pure Python + numpy.

Input: the exam's items (id, maximum points, and for choice items the option ids and the keyed
correct options) and one mapping per attempt, {item id: ItemResponse(fraction 0..1, chosen
option ids)}. An item absent from an attempt was not presented in it (random question pools);
an item presented but left unanswered must be given with fraction 0.

What is computed, and the rules:
- Facility index: mean fraction of the item's marks obtained (0 = nobody, 1 = everybody).
- SD: sample standard deviation of the item fraction.
- Discrimination index (Kelley's upper/lower 27 %): attempts are ranked by their percentage
  score (points over the maximum of the items presented); the top and bottom
  round(0.27 * n) attempts (at least 1) form the upper and lower groups; ties at a group
  boundary are broken by attempt order. D = mean fraction in the upper group - in the lower.
- Corrected item-total correlation: Pearson r between the item's points and the rest of the
  test (total minus this item), so the item is not correlated with itself. Needs at least 3
  attempts and variation in both; otherwise None with a reason.
- Distractor analysis (choice items): the share of attempts choosing each option, overall and
  in the upper and lower groups.
- Exam: mean and sample SD of the total points over complete attempts (all items presented);
  reliability by KR-20 when every item is scored right/wrong (0 or 1), else Cronbach's alpha
  (the two agree on dichotomous items); SEM = SD * sqrt(1 - reliability).
- Flag thresholds: facility > 0.95 too easy, < 0.20 very hard; discrimination < 0 negative
  (check the key), < 0.20 weak (Ebel & Frisbie); a distractor nobody chose; a distractor chosen
  more often by the upper group than the lower. Discrimination is judged on the corrected
  item-total correlation, or on the 27 % index where the correlation is undefined.
  Fewer than 20 attempts: figures are unstable; exam reliability below 0.7 is flagged.
Nothing here divides by zero or warns: undefined figures are None with a bilingual reason.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

GROUP_SHARE = 0.27
TOO_EASY, TOO_HARD, WEAK_DISCRIMINATION = 0.95, 0.20, 0.20
MIN_FOR_CORRELATION, MIN_STABLE_ATTEMPTS = 3, 20


@dataclass(frozen=True)
class ItemSpec:
    """An exam item: id, maximum points, and for choice items its options and the key."""

    item_id: str
    max_points: float
    options: tuple[str, ...] = ()
    correct_options: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ItemResponse:
    """One attempt's response to one item: fraction of marks obtained and options chosen."""

    fraction: float
    chosen: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flag:
    """Something to look at, with a bilingual explanation; severity 'problem' or 'warning'."""

    code: str
    severity: str
    message: dict


@dataclass(frozen=True)
class OptionStatistics:
    """How often one option of a choice item was chosen, overall and by the two groups."""

    option_id: str
    is_correct: bool
    count: int
    share: float | None
    share_upper: float | None
    share_lower: float | None


@dataclass(frozen=True)
class ItemStatistics:
    """The figures and flags for one item."""

    item_id: str
    n: int
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    item_rest_correlation: float | None
    options: tuple[OptionStatistics, ...] = ()
    flags: tuple[Flag, ...] = ()
    reasons: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ExamStatistics:
    """Whole-exam figures, every item's statistics and where to look first."""

    n_attempts: int
    n_complete: int
    mean: float | None
    sd: float | None
    reliability: float | None
    reliability_method: str | None
    sem: float | None
    items: tuple[ItemStatistics, ...]
    flags: tuple[Flag, ...]
    reasons: dict
    where_to_look: tuple[dict, ...]


_REASONS = {
    "no_data": {"zh": "没有作答数据。", "en": "No responses yet."},
    "few": {"zh": "作答人数太少，无法计算。", "en": "Too few attempts to compute this."},
    "no_variation": {"zh": "所有人得分相同，无法计算区分度。",
                     "en": "Everyone scored the same, so discrimination cannot be computed."},
    "one_item": {"zh": "信度至少需要两道题。", "en": "Reliability needs at least two items."},
    "no_total_variation": {"zh": "所有人总分相同，无法计算信度。",
                           "en": "Every total score is the same, so reliability is undefined."},
}

_FLAGS = {
    "too_easy": ("warning", {"zh": "太容易：难度系数 > 0.95，几乎人人答对，区分不出水平。",
                             "en": "Too easy: facility > 0.95; nearly everyone gets it right, so "
                             "it tells candidates apart poorly."}),
    "too_hard": ("warning", {"zh": "很难：难度系数 < 0.20，请检查答案是否正确、内容是否讲授过。",
                             "en": "Very hard: facility < 0.20; check the key and whether the "
                             "content was taught."}),
    "negative_discrimination": ("problem", {
        "zh": "负区分度：高分者反而比低分者答得差，请检查标准答案是否正确、题干是否有歧义。",
        "en": "Negative discrimination: strong candidates do worse than weak ones; check the "
        "key and look for an ambiguous stem."}),
    "weak_discrimination": ("warning", {
        "zh": "区分度弱（< 0.20）：这道题不太能区分掌握好与不好的学员，考虑修改。",
        "en": "Weak discrimination (< 0.20): the item barely separates strong from weak "
        "candidates; consider revising it."}),
    "zero_variance": ("warning", {"zh": "所有人得分相同：这道题对区分学员没有贡献。",
                                  "en": "Everyone scored the same: the item does not help tell "
                                  "candidates apart."}),
    "distractor_never_chosen": ("warning", {
        "zh": "有干扰项无人选择：它没有起到干扰作用，考虑替换为更像样的错误选项。",
        "en": "Distractor never chosen: it distracts nobody; replace it with a more plausible "
        "wrong answer."}),
    "distractor_attracts_upper": ("problem", {
        "zh": "高分组选择某干扰项的比例高于低分组：该选项可能也正确，或题干有歧义。",
        "en": "A distractor is chosen more by the upper group than the lower: it may also be "
        "correct, or the stem may be ambiguous."}),
    "few_attempts": ("warning", {"zh": "作答人数少于 20，以下统计结果不稳定，仅供参考。",
                                 "en": "Fewer than 20 attempts: these figures are unstable; "
                                 "treat them as a first hint."}),
    "low_reliability": ("warning", {
        "zh": "信度低于 0.7：总分的测量误差较大，不宜单凭本次成绩做重要决定。",
        "en": "Reliability below 0.7: total scores carry much measurement error; do not base "
        "important decisions on this exam alone."}),
}


def _flag(code: str, detail: str = "") -> Flag:
    severity, message = _FLAGS[code]
    if detail:
        message = {lang: f"{text} ({detail})" for lang, text in message.items()}
    return Flag(code, severity, message)


def _check_inputs(items: Sequence[ItemSpec], attempts: Sequence[Mapping]) -> dict[str, ItemSpec]:
    specs = {item.item_id: item for item in items}
    if len(specs) != len(items):
        raise ValueError("item ids must be unique")
    for spec in items:
        if not spec.max_points > 0:
            raise ValueError(f"item {spec.item_id!r}: max_points must be positive")
    for number, attempt in enumerate(attempts, start=1):
        for item_id, response in attempt.items():
            if item_id not in specs:
                raise ValueError(f"attempt {number}: unknown item {item_id!r}")
            fraction = _fraction(response)
            if not isinstance(fraction, numbers.Real) or not 0.0 <= fraction <= 1.0:
                raise ValueError(f"attempt {number}, item {item_id!r}: fraction {fraction!r} "
                                 "is outside the allowed 0..1")
    return specs


def _fraction(response) -> float:
    return response.fraction if isinstance(response, ItemResponse) else response


def _chosen(response) -> tuple[str, ...]:
    return response.chosen if isinstance(response, ItemResponse) else ()


def _totals(specs: Mapping[str, ItemSpec], attempts: Sequence[Mapping]):
    """Per attempt: (points obtained, percentage of the maximum of the items presented)."""
    points, percentages = [], []
    for attempt in attempts:
        maximum = sum(specs[i].max_points for i in attempt)
        obtained = math.fsum(_fraction(r) * specs[i].max_points for i, r in attempt.items())
        points.append(obtained)
        percentages.append(obtained / maximum if maximum else 0.0)
    return points, percentages


def _groups(percentages: Sequence[float]) -> tuple[list[int], list[int]]:
    """Indexes of the upper and lower 27 % of attempts (empty when fewer than two)."""
    n = len(percentages)
    if n < 2:
        return [], []
    size = max(1, math.floor(GROUP_SHARE * n + 0.5))
    order = sorted(range(n), key=lambda i: (-percentages[i], i))
    return order[:size], order[-size:]


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _correlation(x: Sequence[float], y: Sequence[float]) -> float | None:
    if len(x) < MIN_FOR_CORRELATION:
        return None
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    dx, dy = xs - xs.mean(), ys - ys.mean()
    ss_x, ss_y = float(dx @ dx), float(dy @ dy)
    if ss_x <= 1e-12 or ss_y <= 1e-12:
        return None
    return float(dx @ dy) / math.sqrt(ss_x * ss_y)


def _option_statistics(spec: ItemSpec, attempts, with_item, upper, lower):
    def share(indexes, option):
        present = [i for i in indexes if spec.item_id in attempts[i]]
        if not present:
            return None
        return sum(option in _chosen(attempts[i][spec.item_id]) for i in present) / len(present)

    options = []
    for option in spec.options:
        count = sum(option in _chosen(attempts[i][spec.item_id]) for i in with_item)
        options.append(OptionStatistics(
            option, option in spec.correct_options, count,
            count / len(with_item) if with_item else None,
            share(upper, option), share(lower, option)))
    return tuple(options)


def _distractor_flags(options: Sequence[OptionStatistics], n: int) -> list[Flag]:
    flags = []
    for option in options:
        if option.is_correct or n == 0:
            continue
        if option.count == 0:
            flags.append(_flag("distractor_never_chosen", option.option_id))
        elif (option.share_upper is not None and option.share_lower is not None
              and option.share_upper > option.share_lower):
            flags.append(_flag("distractor_attracts_upper", option.option_id))
    return flags


def _item_flags(facility, sd, d_index, r_rest) -> list[Flag]:
    flags = []
    if facility is None:
        return flags
    if sd is not None and sd == 0:
        flags.append(_flag("zero_variance"))
    if facility > TOO_EASY:
        flags.append(_flag("too_easy"))
    elif facility < TOO_HARD:
        flags.append(_flag("too_hard"))
    discrimination = r_rest if r_rest is not None else d_index
    if discrimination is not None and discrimination < 0:
        flags.append(_flag("negative_discrimination"))
    elif discrimination is not None and discrimination < WEAK_DISCRIMINATION and sd:
        flags.append(_flag("weak_discrimination"))
    return flags


def _analyse_item(spec, attempts, totals, upper, lower) -> ItemStatistics:
    with_item = [i for i, attempt in enumerate(attempts) if spec.item_id in attempt]
    presented = set(with_item)
    fractions = [float(_fraction(attempts[i][spec.item_id])) for i in with_item]
    if not with_item:
        return ItemStatistics(spec.item_id, 0, None, None, None, None,
                              reasons={"facility": _REASONS["no_data"]})
    facility = _mean(fractions)
    sd = float(np.std(fractions, ddof=1)) if len(fractions) > 1 else None
    group_means = [
        _mean([float(_fraction(attempts[i][spec.item_id])) for i in g if i in presented])
        for g in (upper, lower)
    ]
    d_index = None if None in group_means else group_means[0] - group_means[1]
    points = [f * spec.max_points for f in fractions]
    rest = [totals[i] - p for i, p in zip(with_item, points, strict=True)]
    r_rest = _correlation(points, rest)
    reasons = {}
    if r_rest is None:
        few = len(points) < MIN_FOR_CORRELATION
        reasons["item_rest_correlation"] = _REASONS["few" if few else "no_variation"]
    if d_index is None:
        reasons["discrimination_index"] = _REASONS["few"]
    options = _option_statistics(spec, attempts, with_item, upper, lower)
    flags = _item_flags(facility, sd, d_index, r_rest) + _distractor_flags(options, len(with_item))
    return ItemStatistics(spec.item_id, len(with_item), facility, sd, d_index, r_rest,
                          options, tuple(flags), reasons)


def _reliability(specs: Sequence[ItemSpec], complete: Sequence[Mapping]):
    """(mean, sd, reliability, method, reason) over complete attempts."""
    if not complete:
        return None, None, None, None, _REASONS["no_data"]
    table = np.array([[_fraction(a[s.item_id]) * s.max_points for s in specs] for a in complete],
                     dtype=float)
    totals = table.sum(axis=1)
    mean = float(totals.mean())
    sd = float(np.std(totals, ddof=1)) if len(totals) > 1 else None
    dichotomous = all(
        _fraction(a[s.item_id]) in (0, 1) and s.max_points == 1 for a in complete for s in specs
    )
    method = "KR-20" if dichotomous else "Cronbach's alpha"
    k = len(specs)
    if k < 2:
        return mean, sd, None, method, _REASONS["one_item"]
    if len(totals) < 2:
        return mean, sd, None, method, _REASONS["few"]
    total_variance = float(np.var(totals))
    if total_variance <= 1e-12:
        return mean, sd, None, method, _REASONS["no_total_variation"]
    # With population variances for both terms KR-20 (sum p*q) and alpha coincide exactly.
    item_variance = float(np.var(table, axis=0).sum())
    return mean, sd, k / (k - 1) * (1 - item_variance / total_variance), method, None


def _where_to_look(items: Sequence[ItemStatistics], exam_flags: Sequence[Flag]) -> tuple:
    advice = [flag.message for flag in exam_flags]
    for severity in ("problem", "warning"):
        for item in items:
            for flag in item.flags:
                if flag.severity == severity:
                    advice.append({"zh": f"第 {item.item_id} 题：{flag.message['zh']}",
                                   "en": f"Item {item.item_id}: {flag.message['en']}"})
    if not advice:
        advice.append({"zh": "没有发现需要特别关注的题目。",
                       "en": "No item needs special attention."})
    return tuple(advice)


def analyse_exam(items: Sequence[ItemSpec], attempts: Sequence[Mapping]) -> ExamStatistics:
    """Item and exam statistics; attempts map item id -> ItemResponse (or a bare fraction)."""
    specs = _check_inputs(items, attempts)
    totals, percentages = _totals(specs, attempts)
    upper, lower = _groups(percentages)
    item_stats = tuple(_analyse_item(s, attempts, totals, upper, lower) for s in items)
    complete = [a for a in attempts if all(s.item_id in a for s in items)]
    mean, sd, reliability, method, reason = _reliability(items, complete)
    sem = sd * math.sqrt(1 - reliability) if reliability is not None and sd is not None else None
    exam_flags = []
    if 0 < len(attempts) < MIN_STABLE_ATTEMPTS:
        exam_flags.append(_flag("few_attempts"))
    if reliability is not None and reliability < 0.7:
        exam_flags.append(_flag("low_reliability", f"{reliability:.2f}"))
    reasons = {"reliability": reason} if reason else {}
    return ExamStatistics(len(attempts), len(complete), mean, sd, reliability, method, sem,
                          item_stats, tuple(exam_flags), reasons,
                          _where_to_look(item_stats, exam_flags))
