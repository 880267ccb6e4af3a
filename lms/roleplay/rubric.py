"""Scoring rubrics for role-play drills, in the manner of Moodle's advanced grading rubrics.

What is modelled: a rubric has criteria; each criterion has levels; each level has a bilingual
descriptor and a number of points. A rater picks exactly one level per criterion. Levels are
identified by their points, which is why points must be distinct within a criterion.

Rules (checked by `validate_rubric`, which collects every problem instead of stopping at the
first, so a trainer fixes a rubric in one pass):
- key: lower-case letters, digits and underscores, starting with a letter;
- name and description: bilingual {zh, en}, both non-empty (description may be omitted);
- at least one criterion; criterion keys unique within the rubric;
- each criterion: a bilingual description and at least two levels (one level cannot tell a
  good performance from a poor one); each level: a bilingual definition and points >= 0,
  distinct within the criterion;
- ``gate`` (optional, true or false): a gate criterion names a behaviour that fails the whole
  performance, whatever the total, when the rater picks its lowest level (passing the buck,
  arguing with the customer, unsafe advice). Its points still count in the total.

Files are read by `parse_rubrics` (text) within ``scenarios.safe_yaml``'s limits: nesting
deeper than 50 levels and alias bombs are refused with their line, like any other problem.

Total score: the sum of the chosen levels' points. The fraction is Moodle's rule,
(total - minimum possible) / (maximum possible - minimum possible), so a rubric whose lowest
levels carry points does not hand out free marks. Criteria a card marks not applicable are left
out of the total, the minimum and the maximum alike (they are not scored at all).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scenarios import safe_yaml

LANGUAGES = ("zh", "en")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
MIN_LEVELS = 2


@dataclass(frozen=True)
class RubricLevel:
    """One level of a criterion: its points and what a performance at that level looks like."""

    points: float
    definition: dict


@dataclass(frozen=True)
class RubricCriterion:
    """One criterion with its levels, in the order the rubric lists them."""

    key: str
    description: dict
    levels: tuple[RubricLevel, ...]
    #: True when the lowest level fails the performance whatever the total.
    gate: bool = False

    def fails_gate(self, points: float) -> bool:
        """True when ``points`` is the lowest level of a gate criterion."""
        return self.gate and points == self.min_points

    @property
    def max_points(self) -> float:
        """Points of the best level."""
        return max(level.points for level in self.levels)

    @property
    def min_points(self) -> float:
        """Points of the lowest level."""
        return min(level.points for level in self.levels)

    def level_rank(self, points: float) -> int:
        """0 for the lowest-scoring level, 1 for the next, ... (for ordinal agreement)."""
        ordered = sorted(level.points for level in self.levels)
        if points not in ordered:
            raise ValueError(f"criterion {self.key!r} has no level worth {points} points; "
                             f"allowed: {', '.join(_fmt(p) for p in ordered)}")
        return ordered.index(points)


@dataclass(frozen=True)
class Rubric:
    """A complete rubric."""

    key: str
    name: dict
    description: dict | None
    criteria: tuple[RubricCriterion, ...]

    @property
    def max_points(self) -> float:
        """The best possible total."""
        return sum(criterion.max_points for criterion in self.criteria)

    @property
    def min_points(self) -> float:
        """The lowest possible total."""
        return sum(criterion.min_points for criterion in self.criteria)

    def applicable(self, not_applicable=()) -> tuple[RubricCriterion, ...]:
        """The criteria that are scored when ``not_applicable`` keys are left out."""
        skipped = set(not_applicable)
        return tuple(c for c in self.criteria if c.key not in skipped)

    def criterion(self, key: str) -> RubricCriterion:
        """The criterion with this key (KeyError naming the allowed keys otherwise)."""
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(f"rubric {self.key!r} has no criterion {key!r}; allowed: "
                       f"{', '.join(c.key for c in self.criteria)}")


@dataclass(frozen=True)
class RubricProblem:
    """One thing wrong with a rubric: where (a path of keys and indexes) and a bilingual why."""

    location: tuple
    message: dict

    @property
    def where(self) -> str:
        """The location as text, e.g. criteria[2].levels[1].points (indexes from 1)."""
        text = ""
        for part in self.location:
            text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text or "rubric"

    def __str__(self) -> str:
        return f"{self.where}: {self.message['en']}"


class RubricError(ValueError):
    """A rubric (or rubric file) was refused; `problems` lists every reason."""

    def __init__(self, problems: Sequence[RubricProblem], source: str = "rubric",
                 lines: Sequence[int | None] = ()):
        self.problems = tuple(problems)
        self.source = source
        lines = list(lines) or [None] * len(self.problems)
        details = [
            f"{source}{f':{line}' if line else ''}: {problem}"
            for problem, line in zip(self.problems, lines, strict=True)
        ]
        super().__init__("rubric refused:\n" + "\n".join(details))


def _fmt(points: float) -> str:
    return f"{points:g}"


def check_bilingual(value, location: tuple, optional: bool = False) -> list[RubricProblem]:
    """Problems with a {zh, en} text: both languages present, non-empty, nothing else."""
    if value is None and optional:
        return []
    if not isinstance(value, Mapping) or set(value) != set(LANGUAGES):
        return [RubricProblem(location, {
            "zh": "必须是同时包含 zh 和 en 两种语言的文本（只允许 zh、en）。",
            "en": "must be a text in both languages, with exactly the keys zh and en.",
        })]
    return [
        RubricProblem((*location, lang), {"zh": "文本不能为空。", "en": "must not be empty."})
        for lang in LANGUAGES
        if not isinstance(value[lang], str) or not value[lang].strip()
    ]


def _check_key(value, location: tuple) -> list[RubricProblem]:
    if isinstance(value, str) and KEY_PATTERN.match(value):
        return []
    return [RubricProblem(location, {
        "zh": f"标识 {value!r} 无效：只能用小写字母、数字和下划线，并以字母开头。",
        "en": f"key {value!r} is invalid: use lower-case letters, digits and underscores, "
        "starting with a letter.",
    })]


def _is_points(value) -> bool:
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value) and value >= 0)


def _level_problems(levels, location: tuple) -> list[RubricProblem]:
    if not isinstance(levels, list) or len(levels) < MIN_LEVELS:
        return [RubricProblem(location, {
            "zh": f"每个评分项至少需要 {MIN_LEVELS} 个等级。",
            "en": f"each criterion needs at least {MIN_LEVELS} levels.",
        })]
    problems, seen = [], {}
    for index, level in enumerate(levels):
        where = (*location, index)
        if not isinstance(level, Mapping):
            problems.append(RubricProblem(where, {"zh": "等级必须包含 points 和 definition。",
                                                  "en": "a level needs points and definition."}))
            continue
        problems += check_bilingual(level.get("definition"), (*where, "definition"))
        points = level.get("points")
        if not _is_points(points):
            problems.append(RubricProblem((*where, "points"), {
                "zh": f"分值 {points!r} 无效：必须是不小于 0 的数字。",
                "en": f"points {points!r} are invalid: must be a number >= 0.",
            }))
        elif points in seen:
            problems.append(RubricProblem((*where, "points"), {
                "zh": f"分值 {_fmt(points)} 与第 {seen[points] + 1} 个等级重复；"
                "同一评分项内各等级分值必须不同。",
                "en": f"points {_fmt(points)} repeat those of level {seen[points] + 1}; "
                "levels of one criterion need distinct points.",
            }))
        else:
            seen[points] = index
    return problems


def _criterion_problems(criterion, location: tuple, keys_seen: set) -> list[RubricProblem]:
    if not isinstance(criterion, Mapping):
        return [RubricProblem(location, {"zh": "评分项必须包含 key、description 和 levels。",
                                         "en": "a criterion needs key, description and levels."})]
    key = criterion.get("key")
    problems = _check_key(key, (*location, "key"))
    if isinstance(key, str) and key in keys_seen:
        problems.append(RubricProblem((*location, "key"), {
            "zh": f"评分项标识 {key!r} 重复。", "en": f"criterion key {key!r} is used twice."}))
    if isinstance(key, str):  # a list or mapping as key is already reported, and unhashable
        keys_seen.add(key)
    problems += check_bilingual(criterion.get("description"), (*location, "description"))
    if not isinstance(criterion.get("gate", False), bool):
        problems.append(RubricProblem((*location, "gate"), {
            "zh": "gate 只能是 true 或 false。", "en": "gate must be true or false."}))
    return problems + _level_problems(criterion.get("levels"), (*location, "levels"))


def validate_rubric(data) -> list[RubricProblem]:
    """Every problem with a rubric given as plain data (empty list: the rubric is valid)."""
    if not isinstance(data, Mapping):
        return [RubricProblem((), {"zh": "评分表必须是一个映射（键值对）。",
                                   "en": "a rubric must be a mapping of fields."})]
    allowed = {"key", "name", "description", "criteria"}
    problems = [
        RubricProblem((field,), {"zh": f"未知字段；允许的字段：{', '.join(sorted(allowed))}。",
                                 "en": f"unknown field; allowed: {', '.join(sorted(allowed))}."})
        for field in data if field not in allowed
    ]
    problems += _check_key(data.get("key"), ("key",))
    problems += check_bilingual(data.get("name"), ("name",))
    problems += check_bilingual(data.get("description"), ("description",), optional=True)
    criteria = data.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        return problems + [RubricProblem(("criteria",), {
            "zh": "评分表至少需要一个评分项。", "en": "a rubric needs at least one criterion."})]
    keys_seen: set = set()
    for index, criterion in enumerate(criteria):
        problems += _criterion_problems(criterion, ("criteria", index), keys_seen)
    return problems


def rubric_from_dict(data) -> Rubric:
    """Build a Rubric from plain data, or raise RubricError listing every problem."""
    problems = validate_rubric(data)
    if problems:
        raise RubricError(problems)
    criteria = tuple(
        RubricCriterion(
            criterion["key"], dict(criterion["description"]),
            tuple(RubricLevel(level["points"], dict(level["definition"]))
                  for level in criterion["levels"]),
            bool(criterion.get("gate", False)),
        )
        for criterion in data["criteria"]
    )
    description = dict(data["description"]) if data.get("description") else None
    return Rubric(data["key"], dict(data["name"]), description, criteria)


def yaml_line(root: yaml.Node | None, location: tuple) -> int | None:
    """1-based line of the deepest YAML node reachable along `location` (None without a node)."""
    node, line = root, None
    for part in location:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            node = None
    return node.start_mark.line + 1 if node is not None else line


_LIMIT_MESSAGES = {
    safe_yaml.TOO_DEEP: ("嵌套超过 {limit} 层（映射和列表层层相套），请减少嵌套层级。",
                         "nesting is deeper than {limit} levels of mappings and lists; "
                         "flatten the file."),
    safe_yaml.TOO_MANY_ALIASES: ("别名（*名称）超过 {limit} 个，请直接写出取值。",
                                 "more than {limit} aliases (*name); write the values out."),
    safe_yaml.ALIAS_EXPANSION: ("别名（*名称）展开后超过 {limit} 个取值，请直接写出取值。",
                                "the aliases (*name) would expand to more than {limit} values; "
                                "write the values out."),
    safe_yaml.RECURSIVE_ALIAS: ("别名引用了包含它自身的锚点（&名称），形成循环。",
                                "an alias refers to the anchor (&name) it sits inside of, "
                                "which makes a loop."),
}


def yaml_problem(error: yaml.YAMLError) -> tuple[RubricProblem, int | None]:
    """The bilingual problem for YAML text that cannot be read, and its line if known."""
    if isinstance(error, safe_yaml.YamlLimitError):
        zh, en = _LIMIT_MESSAGES[error.code]
        return RubricProblem((), {"zh": zh.format(limit=error.limit),
                                  "en": en.format(limit=error.limit)}), error.line
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    detail = getattr(error, "problem", None) or str(error).splitlines()[0]
    return (RubricProblem((), {"zh": f"YAML 语法错误：{detail}", "en": f"YAML error: {detail}"}),
            mark.line + 1 if mark is not None else None)


def read_yaml_text(text: str, source: str,
                   error_class: type[RubricError] = RubricError) -> tuple[Any, yaml.Node | None]:
    """``(data, root node)`` of one YAML document within ``safe_yaml``'s limits.

    Raises ``error_class`` naming ``source`` and the line when the text cannot be read.
    """
    try:
        return safe_yaml.load_with_node(text)
    except yaml.YAMLError as error:
        problem, line = yaml_problem(error)
        raise error_class([problem], source, [line]) from None


def load_rubrics(path: str | Path) -> dict[str, Rubric]:
    """Load every rubric of a YAML file ({rubrics: [...]}); all or nothing.

    Raises RubricError naming the file, line and location of every problem.
    """
    path = Path(path)
    return parse_rubrics(path.read_text(encoding="utf-8"), str(path))


def parse_rubrics(text: str, source: str = "rubrics.yaml") -> dict[str, Rubric]:
    """Every rubric of a YAML text ({rubrics: [...]}); raises RubricError for any problem."""
    data, root = read_yaml_text(text, source)
    rubrics = data.get("rubrics") if isinstance(data, Mapping) else None
    if not isinstance(rubrics, list) or not rubrics:
        problem = RubricProblem(("rubrics",), {"zh": "文件必须包含非空的 rubrics 列表。",
                                               "en": "the file needs a non-empty list 'rubrics'."})
        raise RubricError([problem], source, [1])
    problems = []
    for index, rubric in enumerate(rubrics):
        problems += [RubricProblem(("rubrics", index, *p.location), p.message)
                     for p in validate_rubric(rubric)]
    keys = [r.get("key") for r in rubrics if isinstance(r, Mapping)]
    problems += [RubricProblem(("rubrics", i, "key"), {"zh": f"评分表标识 {k!r} 重复。",
                                                       "en": f"rubric key {k!r} is used twice."})
                 for i, k in enumerate(keys) if k in keys[:i]]
    if problems:
        raise RubricError(problems, source, [yaml_line(root, p.location) for p in problems])
    return {rubric["key"]: rubric_from_dict(rubric) for rubric in rubrics}


@dataclass(frozen=True)
class RubricScore:
    """The total of one rater's scoring of one performance."""

    points: float
    min_points: float
    max_points: float
    fraction: float
    by_criterion: dict
    #: Keys of gate criteria scored at their lowest level (any one fails the performance).
    gates_failed: tuple = ()
    #: Keys left out because the card marks them not applicable.
    not_applicable: tuple = ()


def score_total(rubric: Rubric, selected_levels: Mapping[str, float],
                not_applicable=()) -> RubricScore:
    """Total for {criterion key: points of the chosen level}.

    Every applicable criterion must be scored; a criterion in ``not_applicable`` must not be
    (keys the rubric does not have are ignored there, so a card's list fits any rubric).
    """
    skipped = tuple(c.key for c in rubric.criteria if c.key in set(not_applicable))
    scored = rubric.applicable(skipped)
    if not scored:
        raise ValueError(f"rubric {rubric.key!r}: every criterion is marked not applicable")
    errors = []
    for key in selected_levels:
        if key not in {c.key for c in rubric.criteria}:
            errors.append(f"unknown criterion {key!r}")
        elif key in skipped:
            errors.append(f"criterion {key!r} is not applicable and must not be scored")
    for criterion in scored:
        if criterion.key not in selected_levels:
            errors.append(f"criterion {criterion.key!r} is not scored")
            continue
        try:
            criterion.level_rank(selected_levels[criterion.key])
        except ValueError as error:
            errors.append(str(error))
    if errors:
        raise ValueError(f"rubric {rubric.key!r}: " + "; ".join(errors))
    points = sum(selected_levels[c.key] for c in scored)
    low = sum(c.min_points for c in scored)
    high = sum(c.max_points for c in scored)
    gates = tuple(c.key for c in scored if c.fails_gate(selected_levels[c.key]))
    return RubricScore(points, low, high, (points - low) / (high - low) if high > low else 0.0,
                       {c.key: selected_levels[c.key] for c in scored}, gates, skipped)
