"""Summaries of Likert-scale survey answers (Kirkpatrick level 1, reaction).

What is modelled: each response is one trainee's answers, {item key: 1..scale_points or None}.
An unanswered item (None or absent) is left out of that item's figures, not counted as neutral.
Per item: n, mean, sample SD, the count of each scale point, the top-two-box share (answers in
the two highest points, the usual "agree or strongly agree" figure, in percent) and the
t-based 95 % interval of the mean, clipped to the scale (1..scale_points). Means of ordinal
answers are a convention the survey literature accepts for 5-point items; the distribution is
reported beside it so the reader can see a split vote that a mean would hide.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .gains import mean_confidence_interval


@dataclass(frozen=True)
class LikertItemSummary:
    """The answers to one Likert item, summarised."""

    item: str
    n: int
    mean: float | None
    sd: float | None
    distribution: dict
    top_two_box_percent: float | None
    ci_low: float | None
    ci_high: float | None


def _answers_for(item: str, responses: Sequence[Mapping], scale_points: int) -> list[int]:
    answers = []
    for index, response in enumerate(responses, start=1):
        value = response.get(item)
        if value is None:
            continue
        valid = isinstance(value, numbers.Integral) and not isinstance(value, bool)
        if not valid or not 1 <= value <= scale_points:
            raise ValueError(
                f"response {index}, item {item!r}: {value!r} is not an allowed answer "
                f"(whole numbers 1..{scale_points}, or empty)"
            )
        answers.append(int(value))
    return answers


def summarise_item(item: str, answers: Sequence[int], scale_points: int = 5,
                   confidence: float = 0.95) -> LikertItemSummary:
    """Summary of one item's answers (already checked to lie in 1..scale_points)."""
    distribution = {point: 0 for point in range(1, scale_points + 1)}
    for answer in answers:
        distribution[answer] += 1
    n = len(answers)
    if n == 0:
        return LikertItemSummary(item, 0, None, None, distribution, None, None, None)
    mean = math.fsum(answers) / n
    sd = math.sqrt(math.fsum((a - mean) ** 2 for a in answers) / (n - 1)) if n > 1 else None
    top_two = distribution[scale_points] + distribution[scale_points - 1]
    low, high = mean_confidence_interval(answers, confidence)
    if low is not None:
        # A t interval on few answers can reach past the scale; no mean can, so clip it.
        low, high = max(low, 1.0), min(high, float(scale_points))
    return LikertItemSummary(item, n, mean, sd, distribution, 100.0 * top_two / n, low, high)


def likert_summary(responses: Sequence[Mapping], items: Sequence[str] | None = None,
                   scale_points: int = 5) -> dict[str, LikertItemSummary]:
    """Per item summaries, in the order of `items` (default: order first seen in responses).

    Raises ValueError naming the response (1-based) and item for an answer outside the scale;
    answers to items not listed in `items` are ignored.
    """
    if items is None:
        items = []
        for response in responses:
            items.extend(key for key in response if key not in items)
    return {
        item: summarise_item(item, _answers_for(item, responses, scale_points), scale_points)
        for item in items
    }
