"""The seed facts (DOMAIN.md, from the four source documents) as one table, and the shipped texts
they are checked against: lessons, case studies, role-play cards and questions, both languages.

Each complaint level names its owner and its deadlines in each language; a text that names a
level must name that level's owner and figures and no other level's. ``texts()`` yields every
shipped text as (where, language, text).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import yaml

from lms.courses.bundle import CONTENT_DIR, read_content_dir
from question_bank import load_shipped_banks
from question_bank.model import iter_texts

ROLEPLAY_DIR = Path(__file__).resolve().parents[2] / "lms" / "roleplay" / "content"


@dataclasses.dataclass(frozen=True)
class ComplaintLevel:
    """One complaint level: how texts name it, who owns it, its contact and result limits."""

    names: dict[str, tuple[str, ...]]
    owner: dict[str, tuple[str, ...]]
    contact_hours: int | None
    result_working_days: int | None


COMPLAINT_LEVELS = {
    1: ComplaintLevel({"zh": ("一级投诉", "一级（重大"),
                       "en": ("level-1 complaint", "L1 complaint")},
                      {"zh": ("主管",), "en": ("supervisor",)}, 24, 3),
    2: ComplaintLevel({"zh": ("二级投诉", "二级（一般"),
                       "en": ("level-2 complaint", "L2 complaint")},
                      {"zh": ("值班组长",), "en": ("shift lead",)}, 12, 2),
    3: ComplaintLevel({"zh": ("三级（建议",), "en": ("level-3 suggestion", "L3 suggestion")},
                      {"zh": ("服务质量部",), "en": ("service-quality department",)}, None, None),
}

#: Names of people that own no complaint level in the source documents.
WRONG_OWNERS = {"zh": ("值班主管",), "en": ("duty supervisor", "shift supervisor")}

#: Response / resolution limits in hours by case class (DOMAIN.md table).
CASE_TARGETS = {"urgent": (1, 2), "general": (2, 4), "normal": (4, 8)}
SAFETY_RESPONSE_LIMIT_HOURS = 24
CALLBACK_HOURS = {"resolved": 24, "long_running": 72, "major": 48}
KPIS = {"response_on_time": ">= 98 %", "resolution": ">= 95 %", "satisfaction": ">= 90 %",
        "complaint_rate": "<= 0.5 %"}
TRAINING_HOURS = {"onboarding": 72, "monthly_in_service": 4, "online_share": 0.40}


def _lesson_texts() -> Iterator[tuple[str, str, str]]:
    courses, _ = read_content_dir(CONTENT_DIR)
    for course in courses:
        for lesson in course.lessons:
            for language in ("zh", "en"):
                yield f"lesson {course.slug}/{lesson.slug}", language, getattr(lesson.body,
                                                                               language)
                if lesson.case_study:
                    yield (f"case {course.slug}/{lesson.slug}", language,
                           getattr(lesson.case_study, language))


def _walk(value, where: str) -> Iterator[tuple[str, str, str]]:
    if isinstance(value, dict):
        if set(value) >= {"zh", "en"} and all(isinstance(value[k], str) for k in ("zh", "en")):
            for language in ("zh", "en"):
                yield where, language, value[language]
            return
        for key, child in value.items():
            yield from _walk(child, f"{where}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, f"{where}[{index}]")


def _card_texts() -> Iterator[tuple[str, str, str]]:
    for name in ("cards.yaml", "rubrics.yaml"):
        data = yaml.safe_load((ROLEPLAY_DIR / name).read_text(encoding="utf-8"))
        yield from _walk(data, name)


def _question_texts() -> Iterator[tuple[str, str, str]]:
    for question in load_shipped_banks():
        for path, text in iter_texts(question):
            for language in ("zh", "en"):
                value = getattr(text, language, None)
                if isinstance(value, str) and value:
                    yield f"question {question.key}.{path}", language, value


def texts() -> Iterator[tuple[str, str, str]]:
    """Every shipped text as (where, language, text)."""
    yield from _lesson_texts()
    yield from _card_texts()
    yield from _question_texts()
