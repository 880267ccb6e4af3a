"""Shipped evaluation content: the post-course reaction survey and its loader.

What is modelled: a reaction survey (Kirkpatrick level 1) with Likert items on one scale,
grouped into dimensions adapted from SERVQUAL, plus free-text questions. Every text is
bilingual. Item keys are unique across the whole survey because stored answers refer to them.
Loading is all-or-nothing: any problem refuses the file with its name, line and field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lms.roleplay.rubric import (
    KEY_PATTERN,
    RubricError,
    RubricProblem,
    check_bilingual,
    read_yaml_text,
    yaml_line,
)

CONTENT_DIR = Path(__file__).resolve().parent
SURVEY_PATH = CONTENT_DIR / "survey_post_course.yaml"
MIN_ITEMS_PER_DIMENSION = 2
ALLOWED_SCALES = (4, 5, 7)


@dataclass(frozen=True)
class SurveyItem:
    """One question: a Likert statement or a free-text prompt."""

    key: str
    text: dict


@dataclass(frozen=True)
class SurveyDimension:
    """A group of Likert items measuring one side of the training."""

    key: str
    title: dict
    items: tuple[SurveyItem, ...]


@dataclass(frozen=True)
class Survey:
    """A reaction survey template."""

    key: str
    title: dict
    intro: dict
    scale_points: int
    scale_labels: dict
    dimensions: tuple[SurveyDimension, ...]
    free_text: tuple[SurveyItem, ...]

    @property
    def likert_keys(self) -> tuple[str, ...]:
        """Keys of every Likert item, in survey order."""
        return tuple(item.key for d in self.dimensions for item in d.items)


class SurveyError(RubricError):
    """The survey file was refused; `problems` lists every reason."""


def _problem(location: tuple, en: str, zh: str) -> RubricProblem:
    return RubricProblem(location, {"zh": zh, "en": en})


def _item_problems(items, where: tuple, minimum: int, seen: list) -> list[RubricProblem]:
    if not isinstance(items, list) or len(items) < minimum:
        return [_problem(where, f"needs a list of at least {minimum} items.",
                         f"至少需要 {minimum} 个题目。")]
    problems = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            problems.append(_problem((*where, index), "an item needs key and text.",
                                     "题目需要 key 和 text。"))
            continue
        key = item.get("key")
        if not isinstance(key, str) or not KEY_PATTERN.match(key) or key in seen:
            problems.append(_problem((*where, index, "key"), f"key {key!r} is invalid or "
                                     "repeated (lower-case letters, digits, underscores).",
                                     f"题目标识 {key!r} 无效或重复。"))
        seen.append(key)
        problems += check_bilingual(item.get("text"), (*where, index, "text"))
    return problems


def _scale_problems(scale) -> list[RubricProblem]:
    points = scale.get("points") if isinstance(scale, Mapping) else None
    if points not in ALLOWED_SCALES:
        return [_problem(("scale", "points"), f"{points!r} is not allowed; use one of "
                         f"{', '.join(map(str, ALLOWED_SCALES))}.", f"量表点数 {points!r} 无效。")]
    labels = scale.get("labels")
    if not isinstance(labels, Mapping) or set(labels) != set(range(1, points + 1)):
        return [_problem(("scale", "labels"), f"needs one label for each of 1..{points}.",
                         f"需要为 1 到 {points} 每一点提供标签。")]
    problems = []
    for point in range(1, points + 1):
        problems += check_bilingual(labels[point], ("scale", "labels", point))
    return problems


def validate_survey(data) -> list[RubricProblem]:
    """Every problem with a survey template given as plain data."""
    if not isinstance(data, Mapping):
        return [_problem((), "a survey must be a mapping of fields.", "问卷必须是键值映射。")]
    problems = []
    if not isinstance(data.get("key"), str) or not KEY_PATTERN.match(data["key"]):
        problems.append(_problem(("key",), "invalid survey key.", "问卷标识无效。"))
    for field in ("title", "intro"):
        problems += check_bilingual(data.get(field), (field,))
    problems += _scale_problems(data.get("scale"))
    dimensions, seen = data.get("dimensions"), []
    if not isinstance(dimensions, list) or not dimensions:
        return problems + [_problem(("dimensions",), "needs at least one dimension.",
                                    "至少需要一个维度。")]
    for index, dimension in enumerate(dimensions):
        where = ("dimensions", index)
        if not isinstance(dimension, Mapping):
            problems.append(_problem(where, "a dimension needs key, title and items.",
                                     "维度需要 key、title 和 items。"))
            continue
        key = dimension.get("key")
        if not isinstance(key, str) or not KEY_PATTERN.match(key) or key in seen:
            problems.append(_problem((*where, "key"), f"dimension key {key!r} is invalid or "
                                     "repeated.", f"维度标识 {key!r} 无效或重复。"))
        seen.append(key)
        problems += check_bilingual(dimension.get("title"), (*where, "title"))
        problems += _item_problems(dimension.get("items"), (*where, "items"),
                                   MIN_ITEMS_PER_DIMENSION, seen)
    return problems + _item_problems(data.get("free_text", []), ("free_text",), 0, seen)


def _items(items) -> tuple[SurveyItem, ...]:
    return tuple(SurveyItem(item["key"], dict(item["text"])) for item in items)


def load_survey(path: str | Path = SURVEY_PATH) -> Survey:
    """Load and check a survey template file; raises SurveyError naming file, line and field."""
    path = Path(path)
    data, root = read_yaml_text(path.read_text(encoding="utf-8"), str(path), SurveyError)
    problems = validate_survey(data)
    if problems:
        raise SurveyError(problems, str(path), [yaml_line(root, p.location) for p in problems])
    return Survey(
        data["key"], dict(data["title"]), dict(data["intro"]), data["scale"]["points"],
        {point: dict(label) for point, label in data["scale"]["labels"].items()},
        tuple(SurveyDimension(d["key"], dict(d["title"]), _items(d["items"]))
              for d in data["dimensions"]),
        _items(data.get("free_text", [])),
    )
