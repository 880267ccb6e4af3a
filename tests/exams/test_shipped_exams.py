"""The shipped final exams: four finals load from data, draw from the bank's categories with a
fixed mark per slot, load idempotently, and a bad definition is refused with file and line."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from lms.exams import exam_service, shipped
from lms.exams.models import Exam, Question, QuestionCategory
from lms.extensions import db
from question_bank.bank import load_shipped_banks

FINALS = {"service-standards-final", "service-awareness-final", "technical-skills-final",
          "emergency-handling-final"}


def test_the_four_finals_load_with_their_settings(app_ctx):
    created = shipped.load()
    assert {name.split(" ", 1)[1] for name in created if name.startswith("exam ")} == FINALS
    exams = {e.slug: e for e in db.session.scalars(select(Exam))}
    assert set(exams) == FINALS
    final = exams["service-standards-final"]
    assert final.title == {"zh": "服务规范结业考试", "en": "Service standards final exam"}
    assert (final.pass_mark, final.time_limit_minutes, final.attempts_allowed,
            final.grading_method) == (0.7, 30, 2, "highest")
    assert final.ref == "exam:service-standards-final"
    assert all(exam.items and all(item.question_id is None for item in exam.items)
               for exam in exams.values())


def test_every_draw_is_from_an_existing_category_with_a_fixed_mark(app_ctx):
    shipped.load()
    categories = set(db.session.scalars(select(QuestionCategory.path)))
    for exam in db.session.scalars(select(Exam)):
        assert exam_service.draw_shortfall(exam) == [], exam.slug
        for item in exam.items:
            assert item.draw_category in categories, (exam.slug, item.draw_category)
        paper = exam_service.draw(exam, random.Random(7))
        assert len(paper) == exam_service.question_count(exam) >= 10
        points = {q.key: q.points for q in load_shipped_banks()}
        assert {points[version.question.key] for version in paper} == {1.0}, exam.slug


def test_loading_again_changes_nothing_and_keeps_a_trainers_changes(app_ctx):
    shipped.load()
    exam = db.session.scalar(select(Exam).where(Exam.slug == "technical-skills-final"))
    exam.pass_mark = 0.8  # a trainer raised it
    db.session.commit()
    counts = (db.session.scalar(select(func.count(Exam.id))),
              db.session.scalar(select(func.count(Question.id))))
    assert shipped.load() == []
    assert counts == (db.session.scalar(select(func.count(Exam.id))),
                      db.session.scalar(select(func.count(Question.id))))
    assert db.session.get(Exam, exam.id).pass_mark == 0.8


def test_a_course_loader_gets_only_the_exams_it_names(app_ctx):
    created = shipped.load(commit=False, wanted={"exam:technical-skills-final", "drill:x"})
    assert [n for n in created if n.startswith("exam ")] == ["exam technical-skills-final"]
    assert shipped.load(commit=False, wanted={"exam:technical-skills-final"}) == []
    db.session.rollback()
    assert db.session.scalar(select(func.count(Exam.id))) == 0  # not committed


def test_cli_loads_the_finals(runner, app):
    result = runner.invoke(args=["exams", "load"])
    assert result.exit_code == 0, result.output
    assert "4 exams created" in result.output and "technical-skills-final" in result.output
    again = runner.invoke(args=["exams", "load"])
    assert again.exit_code == 0 and "0 exams created" in again.output
    with app.app_context():
        assert set(db.session.scalars(select(Exam.slug))) == FINALS


def test_the_exams_demo_stores_the_finals_before_its_own_exams(app_ctx):
    from lms.demo import load_users
    from lms.exams import demo

    load_users()
    created = demo.load()
    assert {f"exam {slug}" for slug in FINALS} <= set(created)
    assert demo.load() == []
    assert FINALS <= set(db.session.scalars(select(Exam.slug)))


DEFINITION = """\
exams:
  - slug: test-final
    title:
      zh: 测试结业考试
      en: Test final
    pass_mark: 0.7
    time_limit_minutes: 30
    attempts_allowed: 2
    grading_method: highest
    questions_per_page: 5
    draws:
      - category: service-standards/process
        count: 2
        mark: 1
"""


def _problems(tmp_path, text: str) -> list[str]:
    path = tmp_path / "exams.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(shipped.ExamDefinitionError) as refused:
        shipped.read_definitions(path)
    return [problem.text("en") for problem in refused.value.problems]


def test_a_valid_definition_reads(tmp_path):
    path = tmp_path / "exams.yaml"
    path.write_text(DEFINITION, encoding="utf-8")
    (spec,) = shipped.read_definitions(path)
    assert spec.ref == "exam:test-final"
    assert spec.draws[0] == shipped.DrawSpec("service-standards/process", 2, 1.0)


def test_an_unknown_category_is_refused_with_file_and_line(tmp_path):
    text = DEFINITION.replace("service-standards/process", "service-standards/cooking")
    assert _problems(tmp_path, text) == [
        "exams.yaml:12: category 'service-standards/cooking' is not in the shipped bank "
        "(question_bank/banks/; categories nearby: " + ", ".join(sorted(
            {c for q in load_shipped_banks() for c in shipped._ancestors(q.category)
             if c.startswith("service-standards")})) + ")"]


def test_a_slot_that_could_draw_another_mark_or_too_few_is_refused(tmp_path):
    mixed = DEFINITION.replace("service-standards/process", "service-standards/targets")
    assert _problems(tmp_path, mixed) == [
        "exams.yaml:14: the slot could draw questions worth 4, 5 points, but its fixed mark "
        "is 1 (narrow it with difficulty or tags, or choose another category)"]
    short = DEFINITION.replace("count: 2", "count: 40")
    assert _problems(tmp_path, short) == [
        "exams.yaml:13: the slot draws 40 questions but the bank holds only 11 that match"]


def test_bad_settings_are_all_named(tmp_path):
    text = (DEFINITION.replace("pass_mark: 0.7", "pass_mark: 70")
            .replace("grading_method: highest", "grading_method: best")
            .replace("attempts_allowed: 2", "attempts_allowed: two"))
    problems = _problems(tmp_path, text)
    assert "exams.yaml:6: pass_mark 70 must be a number above 0 and at most 1 (the share of " \
        "the marks needed)" in problems
    assert "exams.yaml:8: attempts_allowed 'two' must be a whole number of at least 0" in problems
    assert "exams.yaml:9: grading_method 'best' is not allowed (allowed: highest, last, " \
        "average)" in problems


def test_the_shipped_file_has_chinese_messages_too(tmp_path):
    path = tmp_path / "exams.yaml"
    path.write_text(DEFINITION.replace("count: 2", "count: 40"), encoding="utf-8")
    with pytest.raises(shipped.ExamDefinitionError) as refused:
        shipped.read_definitions(path)
    assert refused.value.problems[0].text("zh") == \
        "exams.yaml:13: 该题位要抽 40 题，但题库中符合条件的只有 11 题"
