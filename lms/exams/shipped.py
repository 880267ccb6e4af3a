"""The shipped final exams: definitions as data (``content/exams.yaml``), checked and loaded.

Each definition gives an exam's slug (courses name it ``exam:<slug>``), bilingual title, pass
mark, time limit, attempts, grading method and its random draws by bank category, each slot
with a fixed mark. The definitions are checked against the shipped question bank
(``question_bank/banks/``), not the database, so a bad file is refused before anything is
stored: an unknown category, a draw the bank cannot fill, or a draw that could pick a question
worth another mark is an `ExamDefinitionError` naming the file and line of each problem.

`load` stores the bank and every shipped exam that does not exist yet; an existing exam (found
by slug) is left as it is, trainers' changes included, so loading again changes nothing. It
runs from ``flask --app lms exams load``, from the demo, and (``commit=False``) before the
courses loader checks the references of the shipped courses (``lms.courses.loading``).

The exam stores its draws as ``ExamItem`` rows with their ``mark``; each attempt fixes that
mark on the questions it draws (``AttemptQuestion.mark``), so the weight per slot holds even
when a trainer later adds questions of other points to a category.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from lms.extensions import db
from scenarios.safe_yaml import load_with_node

log = logging.getLogger("lms.exams")

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SHIPPED_FILE = CONTENT_DIR / "exams.yaml"
MESSAGES_FILE = CONTENT_DIR / "messages.yaml"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
GRADING_METHODS = ("highest", "last", "average")
DIFFICULTIES = ("easy", "medium", "hard")
EXAM_REQUIRED = ("slug", "title", "pass_mark", "time_limit_minutes", "attempts_allowed",
                 "grading_method", "questions_per_page", "draws")
DRAW_REQUIRED = ("category", "count", "mark")
DRAW_OPTIONAL = ("difficulty", "tags")


@cache
def messages() -> dict[str, dict[str, str]]:
    """The bilingual message catalogue of this loader."""
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Problem:
    """One problem of a definitions file: where, and a message code with its parameters."""

    file: str
    line: int | None
    code: str
    params: tuple[tuple[str, object], ...] = ()

    def message(self, language: str = "en") -> str:
        """What is wrong, in ``language`` (``zh`` or ``en``)."""
        templates = messages()[self.code]
        return (templates.get(language) or templates["en"]).format(**dict(self.params))

    def text(self, language: str = "en") -> str:
        """``file:line: message``."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message(language)}"

    def __str__(self) -> str:
        return self.text("en")


class ExamDefinitionError(ValueError):
    """The definitions file has problems; ``problems`` lists all of them, nothing was stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class DrawSpec:
    """One random slot: ``count`` questions from a category subtree, each worth ``mark``."""

    category: str
    count: int
    mark: float
    difficulty: str | None = None
    tags: tuple[str, ...] = ()

    def picks(self, question) -> bool:
        """Whether a bank question is in this slot's pool (as ``exam_service.draw`` selects)."""
        category = question.category or ""
        return ((category == self.category or category.startswith(self.category + "/"))
                and (self.difficulty is None or question.difficulty.value == self.difficulty)
                and set(self.tags) <= set(question.tags))


@dataclass(frozen=True)
class ExamSpec:
    """One shipped exam definition."""

    slug: str
    title: dict
    pass_mark: float
    time_limit_minutes: int
    attempts_allowed: int
    grading_method: str
    questions_per_page: int
    draws: tuple[DrawSpec, ...]

    @property
    def ref(self) -> str:
        """How courses name it."""
        return f"exam:{self.slug}"


class _Reader:
    """Reads one definitions file, collecting every problem with its line."""

    def __init__(self, file: str, lines: dict[tuple, int], bank: tuple):
        self.file, self.lines, self.bank = file, lines, bank
        self.problems: list[Problem] = []
        self.categories = sorted({c for q in bank for c in _ancestors(q.category or "")})

    def fail(self, path: tuple, code: str, **params) -> None:
        line = next((self.lines[path[:end]] for end in range(len(path), -1, -1)
                     if path[:end] in self.lines), None)
        self.problems.append(Problem(self.file, line, code, tuple(params.items())))

    def mapping(self, value: Any, path: tuple, required: tuple, optional: tuple = ()) -> bool:
        what = _describe(path)
        if not isinstance(value, dict):
            self.fail(path, "field.not_mapping", what=what)
            return False
        for key in value:
            if key not in required + optional:
                self.fail((*path, key), "field.unknown", key=str(key)[:60], what=what,
                          allowed=", ".join(required + optional))
        missing = [key for key in required if key not in value]
        for key in missing:
            self.fail(path, "field.missing", what=what, key=key)
        return not missing

    def whole(self, value: Any, path: tuple, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(path, "exam.whole_number", key=path[-1], value=_shown(value),
                      minimum=minimum)
            return None
        return value

    def exam(self, data: Any, path: tuple) -> ExamSpec | None:
        if not self.mapping(data, path, EXAM_REQUIRED):
            return None
        slug, title, mark = data["slug"], data["title"], data["pass_mark"]
        if not isinstance(slug, str) or not SLUG.match(slug):
            self.fail((*path, "slug"), "exam.slug", value=_shown(slug))
        if not (isinstance(title, dict) and set(title) == {"zh", "en"} and all(
                isinstance(text, str) and text.strip() for text in title.values())):
            self.fail((*path, "title"), "exam.title")
        if isinstance(mark, bool) or not isinstance(mark, int | float) or not 0 < mark <= 1:
            self.fail((*path, "pass_mark"), "exam.pass_mark", value=_shown(mark))
        counts = {key: self.whole(data[key], (*path, key), minimum)
                  for key, minimum in (("time_limit_minutes", 1), ("attempts_allowed", 0),
                                       ("questions_per_page", 1))}
        if data["grading_method"] not in GRADING_METHODS:
            self.fail((*path, "grading_method"), "exam.grading_method",
                      value=_shown(data["grading_method"]), allowed=", ".join(GRADING_METHODS))
        draws = self.draws(data["draws"], (*path, "draws"))
        if self.problems:
            return None
        return ExamSpec(slug, dict(title), float(mark), counts["time_limit_minutes"],
                        counts["attempts_allowed"], data["grading_method"],
                        counts["questions_per_page"], draws)

    def draws(self, data: Any, path: tuple) -> tuple[DrawSpec, ...]:
        if not isinstance(data, list) or not data:
            self.fail(path, "exam.draws")
            return ()
        return tuple(draw for index, item in enumerate(data)
                     if (draw := self.draw(item, (*path, index))) is not None)

    def draw(self, data: Any, path: tuple) -> DrawSpec | None:
        if not self.mapping(data, path, DRAW_REQUIRED, DRAW_OPTIONAL):
            return None
        category, difficulty, tags = data["category"], data.get("difficulty"), data.get("tags", [])
        ok = True
        if not isinstance(category, str) or category.strip("/") not in self.categories:
            near = [c for c in self.categories
                    if isinstance(category, str) and c.split("/")[0] == category.split("/")[0]]
            self.fail((*path, "category"), "draw.category", value=_shown(category),
                      known=", ".join(near or [c for c in self.categories if "/" not in c]))
            ok = False
        if difficulty is not None and difficulty not in DIFFICULTIES:
            self.fail((*path, "difficulty"), "draw.difficulty", value=_shown(difficulty))
            ok = False
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            self.fail((*path, "tags"), "draw.tags")
            ok = False
        count = self.whole(data["count"], (*path, "count"), 1)
        mark = data["mark"]
        if isinstance(mark, bool) or not isinstance(mark, int | float) or mark <= 0:
            self.fail((*path, "mark"), "draw.mark", value=_shown(mark))
            ok = False
        if not ok or count is None:
            return None
        draw = DrawSpec(category.strip("/"), count, float(mark), difficulty, tuple(tags))
        self.check_pool(draw, path)
        return draw

    def check_pool(self, draw: DrawSpec, path: tuple) -> None:
        pool = [question for question in self.bank if draw.picks(question)]
        if len(pool) < draw.count:
            self.fail((*path, "count"), "draw.short", count=draw.count, available=len(pool))
        other = sorted({q.points for q in pool if q.points != draw.mark})
        if other:
            self.fail((*path, "mark"), "draw.mixed_marks", mark=_number(draw.mark),
                      found=", ".join(_number(points) for points in other))


def _ancestors(category: str) -> list[str]:
    parts = category.strip("/").split("/")
    return ["/".join(parts[:end]) for end in range(1, len(parts) + 1) if parts[0]]


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _number(value: float) -> str:
    return f"{value:g}"


def _describe(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"'{text}'" if text else "the document"


def _index_lines(node: yaml.Node, path: tuple, lines: dict) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _index_lines(value, (*path, str(key.value)), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*path, index), lines)


def _file_name(path: Path) -> str:
    root = Path(__file__).resolve().parents[2]
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return path.name


def read_definitions(path: str | Path = SHIPPED_FILE, bank: tuple | None = None
                     ) -> tuple[ExamSpec, ...]:
    """The checked definitions of ``path``; raises `ExamDefinitionError` listing every problem.

    ``bank`` is the question bank to check the draws against (default: the shipped banks).
    """
    from question_bank.bank import load_shipped_banks

    path = Path(path)
    name = _file_name(path)
    try:
        data, node = load_with_node(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ExamDefinitionError([Problem(name, mark.line + 1 if mark else None, "file.yaml",
                                           (("problem", str(exc).split("\n")[0][:200]),))]
                                  ) from exc
    lines: dict[tuple, int] = {}
    if node is not None:
        _index_lines(node, (), lines)
    reader = _Reader(name, lines, load_shipped_banks() if bank is None else bank)
    items = data.get("exams") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        reader.fail(("exams",), "file.exams")
        raise ExamDefinitionError(reader.problems)
    specs, slugs = [], set()
    for index, item in enumerate(items):
        spec = reader.exam(item, ("exams", index))
        if spec is not None and spec.slug in slugs:
            reader.fail(("exams", index, "slug"), "exam.duplicate_slug", value=spec.slug)
        if spec is not None:
            slugs.add(spec.slug)
            specs.append(spec)
    if reader.problems:
        raise ExamDefinitionError(reader.problems)
    return tuple(specs)


def shipped_refs() -> set[str]:
    """The references of the shipped exams (``exam:<slug>``)."""
    return {spec.ref for spec in read_definitions()}


def _store_bank() -> list[str]:
    """Store the shipped bank questions that are new or changed (flushed, not committed)."""
    from lms.exams.bank_service import save_question
    from question_bank.bank import load_shipped_banks

    stored = []
    for definition in load_shipped_banks():
        result = save_question(definition, note="shipped bank")
        if result.created or result.new_version:
            stored.append(definition.key)
    return stored


def _exam(spec: ExamSpec):
    from lms.exams.models import Exam, ExamItem, default_review

    exam = Exam(slug=spec.slug, title=dict(spec.title), description={},
                pass_mark=spec.pass_mark, time_limit_minutes=spec.time_limit_minutes,
                attempts_allowed=spec.attempts_allowed, grading_method=spec.grading_method,
                questions_per_page=spec.questions_per_page, shuffle_questions=True,
                test_kind="exam", review=default_review())
    exam.items = [ExamItem(position=position, draw_count=draw.count,
                           draw_category=draw.category, draw_difficulty=draw.difficulty,
                           draw_tags=list(draw.tags), mark=draw.mark)
                  for position, draw in enumerate(spec.draws)]
    return exam


def load(commit: bool = True, wanted: set[str] | None = None) -> list[str]:
    """Store the shipped bank and the shipped exams that do not exist yet; idempotent.

    ``wanted``: only the exams these references name (a course loader asks for what its files
    name); the bank is then stored only when one of them is created. Returns what was created
    (``exam <slug>``, ``question <key>``). Raises `ExamDefinitionError` (nothing stored).
    """
    from lms.exams.models import Exam

    specs = read_definitions()
    if wanted is not None:
        specs = tuple(spec for spec in specs if spec.ref in wanted)
    existing = set(db.session.scalars(select(Exam.slug)))
    missing = [spec for spec in specs if spec.slug not in existing]
    if wanted is not None and not missing:
        return []
    created = [f"question {key}" for key in _store_bank()]
    for spec in missing:
        db.session.add(_exam(spec))
        created.append(f"exam {spec.slug}")
    db.session.flush()
    if missing:
        log.info("stored shipped exams: %s", ", ".join(spec.slug for spec in missing))
    if commit:
        db.session.commit()
    return created
