"""Content checks for the shipped question banks in ``question_bank/banks/``.

These tests read the YAML files directly (independently of the loader) so a broken or
incomplete bank is caught even while the loader is being written. They check what a
trainer or trainee would notice: a file that does not parse, a question missing its
Chinese or English text, a single-choice question with two right answers, a curriculum
with too few questions, feedback that is missing. When ``question_bank.load_shipped_banks``
exists, the shipped banks must also load through it without errors.
"""

from __future__ import annotations

import importlib
import math
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

BANKS_DIR = Path(__file__).resolve().parents[2] / "question_bank" / "banks"

CURRICULA = {
    "service_standards": "ss-",
    "technical_skills": "ts-",
    "service_awareness": "sa-",
    "emergency_handling": "em-",
}
QUESTION_TYPES = {
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
    "ordering",
    "essay",
    "case",
}
DIFFICULTIES = {"easy", "medium", "hard"}
KEY_PATTERN = re.compile(r"^[a-z0-9-]+$")
CATEGORY_PATTERN = re.compile(r"^[a-z0-9-]+(/[a-z0-9-]+)*$")
LANGUAGES = ("zh", "en")
MAX_QUESTIONS_PER_FILE = 40


def _bank_files() -> list[Path]:
    return sorted(BANKS_DIR.glob("*.yaml"))


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def _all_banks() -> list[tuple[Path, dict]]:
    return [(path, _load(path)) for path in _bank_files()]


def _questions_with_subquestions(bank: dict):
    """Yield every question of a bank, then the sub-questions of each case question."""
    for question in bank["questions"]:
        yield question
        yield from question.get("subquestions", []) or []


def _where(path: Path, question: dict) -> str:
    return f"{path.name}: {question.get('key', '<no key>')}"


def _text_mappings(node, trail: str = ""):
    """Yield (trail, mapping) for every bilingual mapping (a dict with zh or en) in node."""
    if isinstance(node, dict):
        if any(language in node for language in LANGUAGES):
            yield trail, node
            return
        for name, value in node.items():
            yield from _text_mappings(value, f"{trail}.{name}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _text_mappings(value, f"{trail}[{index}]")


def _is_filled(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return bool(value) and all(isinstance(item, str) and item.strip() for item in value)
    return False


def test_bank_folder_has_files():
    assert _bank_files(), f"no *.yaml bank files in {BANKS_DIR}"


@pytest.mark.parametrize("path", _bank_files(), ids=lambda path: path.name)
def test_bank_file_parses_with_known_curriculum(path: Path):
    bank = _load(path)
    assert isinstance(bank, dict), f"{path.name}: top level must be a mapping"
    assert bank.get("curriculum") in CURRICULA, f"{path.name}: unknown curriculum"
    assert CATEGORY_PATTERN.match(bank.get("category", "")), f"{path.name}: bad category"
    questions = bank.get("questions")
    assert isinstance(questions, list) and questions, f"{path.name}: no questions"
    assert len(questions) <= MAX_QUESTIONS_PER_FILE, f"{path.name}: split this file"


def test_keys_are_unique_well_formed_and_prefixed_by_curriculum():
    seen: dict[str, str] = {}
    for path, bank in _all_banks():
        prefix = CURRICULA[bank["curriculum"]]
        for question in _questions_with_subquestions(bank):
            key = question.get("key", "")
            assert KEY_PATTERN.match(key), f"{path.name}: bad key {key!r}"
            assert key.startswith(prefix), f"{path.name}: {key} should start with {prefix}"
            assert key not in seen, f"{key} in {path.name} also in {seen.get(key)}"
            seen[key] = path.name


def test_every_text_mapping_has_chinese_and_english():
    for path, bank in _all_banks():
        for question in bank["questions"]:
            for trail, mapping in _text_mappings(question):
                for language in LANGUAGES:
                    assert _is_filled(mapping.get(language)), (
                        f"{_where(path, question)}{trail}: missing or empty {language!r}"
                    )


def test_every_question_has_type_difficulty_text_and_teaching_feedback():
    for path, bank in _all_banks():
        for question in bank["questions"]:
            where = _where(path, question)
            assert question.get("type") in QUESTION_TYPES, f"{where}: bad type"
            assert question.get("difficulty") in DIFFICULTIES, f"{where}: bad difficulty"
            category = question.get("category", bank["category"])
            assert CATEGORY_PATTERN.match(category), f"{where}: bad category {category!r}"
            assert all(isinstance(tag, str) for tag in question.get("tags", [])), where
        for question in _questions_with_subquestions(bank):
            where = _where(path, question)
            assert "text" in question, f"{where}: no text"
            assert "general_feedback" in question, f"{where}: no general_feedback"


def _choice_fractions(question: dict) -> list[float]:
    return [float(option["fraction"]) for option in question["options"]]


def test_single_choice_has_exactly_one_full_mark_option():
    for path, bank in _all_banks():
        for question in _questions_with_subquestions(bank):
            if question["type"] != "single_choice":
                continue
            fractions = _choice_fractions(question)
            where = _where(path, question)
            assert len(fractions) >= 3, f"{where}: fewer than 3 options"
            assert fractions.count(1.0) == 1, f"{where}: needs exactly one option at 1.0"
            assert all(f == 1.0 or f <= 0 for f in fractions), f"{where}: partial credit"


def test_multiple_choice_positive_fractions_sum_to_one():
    for path, bank in _all_banks():
        for question in _questions_with_subquestions(bank):
            if question["type"] != "multiple_choice":
                continue
            fractions = _choice_fractions(question)
            where = _where(path, question)
            positive = [f for f in fractions if f > 0]
            assert len(positive) >= 2, f"{where}: fewer than two right options"
            assert math.isclose(sum(positive), 1.0, abs_tol=1e-6), f"{where}: sum != 1"
            assert any(f <= 0 for f in fractions), f"{where}: no wrong option"
            assert all(f >= -1.0 for f in fractions), f"{where}: penalty below -1"


def test_answer_fields_match_question_type():
    for path, bank in _all_banks():
        for question in _questions_with_subquestions(bank):
            where = _where(path, question)
            kind = question["type"]
            if kind == "true_false":
                assert isinstance(question.get("answer"), bool), where
            elif kind in ("short_answer", "numerical"):
                answers = question.get("answers") or []
                assert any(float(a["fraction"]) == 1.0 for a in answers), where
            elif kind == "matching":
                assert len(question.get("pairs") or []) >= 3, where
            elif kind == "ordering":
                assert len(question.get("items") or []) >= 3, where
            elif kind == "essay":
                assert "grader_info" in question, where


def test_numerical_answers_give_a_value_or_a_range():
    for path, bank in _all_banks():
        for question in _questions_with_subquestions(bank):
            if question["type"] != "numerical":
                continue
            for answer in question["answers"]:
                exact = "value" in answer
                ranged = "min" in answer and "max" in answer
                assert exact != ranged, f"{_where(path, question)}: value xor min/max"
                if ranged:
                    assert answer["min"] <= answer["max"], _where(path, question)


def test_case_questions_hold_two_to_four_non_case_subquestions():
    cases = 0
    for path, bank in _all_banks():
        for question in bank["questions"]:
            if question["type"] != "case":
                continue
            cases += 1
            subquestions = question.get("subquestions") or []
            assert 2 <= len(subquestions) <= 4, _where(path, question)
            assert all(sub["type"] in QUESTION_TYPES - {"case"} for sub in subquestions)
    assert cases >= 5


def test_bank_size_curriculum_coverage_and_type_mix():
    per_curriculum: Counter[str] = Counter()
    per_type: Counter[str] = Counter()
    per_difficulty: Counter[str] = Counter()
    for _path, bank in _all_banks():
        for question in bank["questions"]:
            per_curriculum[bank["curriculum"]] += 1
            per_type[question["type"]] += 1
            per_difficulty[question["difficulty"]] += 1
    assert sum(per_curriculum.values()) >= 200
    for curriculum in CURRICULA:
        assert per_curriculum[curriculum] >= 40, f"{curriculum}: {per_curriculum[curriculum]}"
    assert set(per_type) == QUESTION_TYPES, f"missing types: {QUESTION_TYPES - set(per_type)}"
    assert per_type["single_choice"] == max(per_type.values())
    assert set(per_difficulty) == DIFFICULTIES


def test_shipped_banks_load_through_the_question_bank_loader():
    try:
        package = importlib.import_module("question_bank")
    except ImportError:
        pytest.skip("question_bank package not importable yet")
    load_shipped_banks = getattr(package, "load_shipped_banks", None)
    if load_shipped_banks is None:
        pytest.skip("question_bank.load_shipped_banks not written yet")
    loaded = load_shipped_banks()
    expected_keys = [q["key"] for _path, bank in _all_banks() for q in bank["questions"]]
    assert sorted(question.key for question in loaded) == sorted(expected_keys)
