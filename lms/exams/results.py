"""Results: per exam (table, distribution, item analysis), per trainee, and exports.

Item analysis treats each bank question as one item (across its versions, keyed by the
question key). A question presented but left blank counts as 0. Choice questions report
their options by opaque id, so the distractor table can name each option's text.
"""

from __future__ import annotations

import dataclasses
import statistics
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.auth.models import User
from lms.exams import item_analysis
from lms.exams.bank_service import definition_of
from lms.exams.models import Attempt, AttemptQuestion, AttemptState, Exam
from lms.extensions import db
from lms.i18n import local_text
from lms.tabular import write_csv, write_xlsx
from question_bank.grading import FRACTION_EPSILON
from question_bank.model import QuestionType

CHOICE_TYPES = (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)


def closed_attempts(exam: Exam) -> list[Attempt]:
    """Every finished attempt at ``exam``, in start order, with its questions, their answers
    and versions loaded in a few statements (not a few per attempt)."""
    slots = selectinload(Attempt.questions)
    return list(db.session.scalars(select(Attempt).where(
        Attempt.exam_id == exam.id, Attempt.state != AttemptState.IN_PROGRESS.value)
        .options(slots.selectinload(AttemptQuestion.answer),
                 slots.selectinload(AttemptQuestion.version),
                 slots.selectinload(AttemptQuestion.regraded_version))
        .order_by(Attempt.started_at, Attempt.id)))


def score_percentages(exam: Exam) -> list[float]:
    """Percentage scores of the graded finished attempts (for the distribution chart)."""
    return [round(100 * a.score, 1) for a in closed_attempts(exam)
            if a.score is not None and not a.needs_grading]


def distribution_chart(exam: Exam, title: str, x_label: str, y_label: str):
    """The score histogram (0-100 % in ten bins) as SVG markup."""
    from lms.reports.charts import histogram

    return histogram(score_percentages(exam), list(range(0, 101, 10)), title=title,
                     x_label=x_label, y_label=y_label)


def _choice_chosen(question, response) -> tuple[str, ...]:
    if response is None:
        return ()
    return tuple(response) if isinstance(response, list) else (str(response),)


def item_analysis_for(exam: Exam):
    """``(ExamStatistics, {item id: {"title":..., "options": {id: text}}})`` for ``exam``."""
    specs: dict[str, item_analysis.ItemSpec] = {}
    labels: dict[str, dict] = {}
    rows = []
    for attempt in closed_attempts(exam):
        if attempt.needs_grading:
            continue
        row = {}
        for slot in attempt.questions:
            question = definition_of(slot.key_version)
            key = question.key
            if key not in specs:
                specs[key], labels[key] = _spec(question)
            response = slot.answer.response if slot.answer else None
            chosen = _choice_chosen(question, response) if question.type in CHOICE_TYPES else ()
            row[key] = item_analysis.ItemResponse(slot.fraction or 0.0, chosen)
        rows.append(row)
    stats = item_analysis.analyse_exam(list(specs.values()), rows)
    for number, key in enumerate(labels, start=1):
        labels[key]["number"] = number
    return _in_words(stats, labels), labels


#: Why reliability is missing when attempts exist but none saw every question.
NONE_COMPLETE = {"zh": "没有一份答卷做了全部题目（每次作答从题库抽取不同的题），无法计算信度；"
                 "各题的统计仍然有效。",
                 "en": "No attempt answered every question (each attempt draws its own "
                 "questions), so reliability cannot be computed; the figures per question "
                 "still hold."}


def _stem_excerpt(title: dict, lang: str, length: int = 30) -> str:
    text = " ".join((title.get(lang) or title.get("zh") or title.get("en") or "").split())
    return text if len(text) <= length else text[:length].rstrip() + "…"


def _in_words(stats, labels: dict):
    """The statistics with advice that names each question by number and stem, never by key,
    and a reason for a missing reliability that matches the attempt count shown beside it."""
    reasons = dict(stats.reasons)
    if stats.n_attempts and not stats.n_complete:
        reasons["reliability"] = NONE_COMPLETE
    advice = [flag.message for flag in stats.flags]
    for severity in ("problem", "warning"):
        for item in stats.items:
            label = labels.get(item.item_id, {})
            number, title = label.get("number", 0), label.get("title", {})
            for flag in item.flags:
                if flag.severity == severity:
                    stem_zh = _stem_excerpt(title, "zh")
                    advice.append({
                        "zh": f"第 {number} 题（{stem_zh}）：{flag.message['zh']}",
                        "en": f"Question {number} ({_stem_excerpt(title, 'en')}): "
                              f"{flag.message['en']}"})
    if not advice:
        advice = list(stats.where_to_look)
    return dataclasses.replace(stats, reasons=reasons, where_to_look=tuple(advice))


def _spec(question):
    options, right, texts = (), frozenset(), {}
    if question.type in CHOICE_TYPES:
        ids = [question.option_id(i) for i in range(len(question.options))]
        options = tuple(ids)
        right = frozenset(i for i, o in zip(ids, question.options, strict=True)
                          if o.fraction > FRACTION_EPSILON)
        texts = {i: {"zh": o.text.get("zh"), "en": o.text.get("en")}
                 for i, o in zip(ids, question.options, strict=True)}
    title = {"zh": question.text.get("zh"), "en": question.text.get("en")}
    spec = item_analysis.ItemSpec(question.key, question.points, options, right)
    return spec, {"title": title, "options": texts}


def transcript(user_id: int) -> list[Attempt]:
    """Every attempt of one person, newest first."""
    return list(db.session.scalars(select(Attempt).where(Attempt.user_id == user_id)
                                   .order_by(Attempt.started_at.desc())))


EXPORT_HEADER = ("employee_no", "name", "exam", "attempt", "state", "started_at",
                 "submitted_at", "points", "max_points", "score_percent", "passed")


def export_rows(exam: Exam) -> list[tuple]:
    """One row per attempt at ``exam`` for CSV/XLSX."""
    attempts = db.session.scalars(select(Attempt).join(User).where(Attempt.exam_id == exam.id)
                                  .order_by(User.employee_no, Attempt.number))
    return [(a.user.employee_no, a.user.name, exam.slug, a.number, a.state,
             local_text(a.started_at, "yyyy-MM-dd HH:mm:ss"),
             local_text(a.submitted_at, "yyyy-MM-dd HH:mm:ss"),
             None if a.points is None else round(a.points, 2),
             None if a.max_points is None else round(a.max_points, 2),
             None if a.score is None else round(100 * a.score, 1),
             "" if a.passed is None else ("yes" if a.passed else "no")) for a in attempts]


def export_csv(exam: Exam) -> bytes:
    """The exam's results as CSV (UTF-8 with BOM so spreadsheet programs read Chinese)."""
    return write_csv(export_rows(exam), EXPORT_HEADER)


def export_xlsx(exam: Exam) -> bytes:
    """The exam's results as an XLSX workbook (names never run as formulas)."""
    return write_xlsx(export_rows(exam), EXPORT_HEADER, sheet_title="results")


def paired_gain(exam: Exam) -> dict | None:
    """For a pre-test or post-test: its partner and the mean gain of people who took both."""
    from lms.exams.grading import exam_result

    if not exam.pairing_key or exam.test_kind not in ("pre_test", "post_test"):
        return None
    wanted = "post_test" if exam.test_kind == "pre_test" else "pre_test"
    partner = db.session.scalar(select(Exam).where(Exam.pairing_key == exam.pairing_key,
                                                   Exam.test_kind == wanted))
    if partner is None:
        return {"partner": None, "n": 0}
    pre, post = (exam, partner) if exam.test_kind == "pre_test" else (partner, exam)
    people = set(db.session.scalars(select(Attempt.user_id).where(Attempt.exam_id == pre.id)))
    pairs = []
    for user_id in sorted(people):
        before, after = exam_result(pre, user_id)[0], exam_result(post, user_id)[0]
        if before is not None and after is not None:
            pairs.append((before, after))
    if not pairs:
        return {"partner": partner, "n": 0}
    pre_mean = sum(b for b, _ in pairs) / len(pairs)
    post_mean = sum(a for _, a in pairs) / len(pairs)
    return {"partner": partner, "n": len(pairs), "pre_mean": pre_mean, "post_mean": post_mean,
            "gain": post_mean - pre_mean}


@dataclass
class Overview:
    """An exam at a glance: who was asked, who finished, and how they did (by person)."""

    assigned: int
    started: int
    finished: int
    in_progress: int
    waiting_for_trainer: int
    mean: float | None  # share 0..1 of each person's result by the grading method
    median: float | None
    pass_rate: float | None  # share of people with a final result who passed
    not_started: list[User]


def assigned_people(exam: Exam) -> list[User]:
    """Everyone the exam is assigned to (directly or through a department), active only."""
    people: dict[int, User] = {}
    for assignment in exam.assignments:
        if assignment.user_id:
            user = db.session.get(User, assignment.user_id)
            if user is not None and user.active:
                people[user.id] = user
        elif assignment.department_id:
            for user in db.session.scalars(select(User).where(
                    User.department_id == assignment.department_id, User.active.is_(True))):
                people[user.id] = user
    return sorted(people.values(), key=lambda user: (user.name, user.employee_no))


def overview(exam: Exam) -> Overview:
    """Mean, median and pass rate over people's results, and who has not started."""
    from lms.exams.grading import result_of_scores

    attempts = list(db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id)
                                       .order_by(Attempt.number)))
    started = {a.user_id for a in attempts}
    finished: dict[int, list[float]] = {}
    for a in attempts:  # what grading.exam_result reads, from the rows already here
        if a.state != AttemptState.IN_PROGRESS.value and not a.needs_grading:
            finished.setdefault(a.user_id, []).append(a.score or 0.0)
    results = [result_of_scores(exam, finished.get(user_id, [])) for user_id in sorted(started)]
    scores = [score for score, _passed in results if score is not None]
    people = assigned_people(exam)
    return Overview(
        assigned=len(people), started=len(started), finished=len(scores),
        in_progress=sum(1 for a in attempts if a.is_open),
        waiting_for_trainer=sum(1 for a in attempts if a.needs_grading and not a.is_open),
        mean=statistics.fmean(scores) if scores else None,
        median=statistics.median(scores) if scores else None,
        pass_rate=(sum(1 for _s, passed in results if passed) / len(scores)) if scores
        else None,
        not_started=[user for user in people if user.id not in started])


RESPONSES_HEADER = ("employee_no", "name", "attempt", "question", "key", "type", "response",
                    "state", "fraction", "points", "max_points")


def response_rows(exam: Exam, language: str) -> list[tuple]:
    """One row per question of every closed attempt: what the trainee answered, as text."""
    from lms.exams.grading import slot_points
    from question_bank import qtypes

    rows = []
    attempts = db.session.scalars(select(Attempt).join(User).where(
        Attempt.exam_id == exam.id, Attempt.state != AttemptState.IN_PROGRESS.value)
        .order_by(User.employee_no, Attempt.number))
    for attempt in attempts:
        for slot in attempt.questions:
            question = definition_of(slot.version)
            response = slot.answer.response if slot.answer else None
            worth = slot_points(slot, question)
            try:
                shown = qtypes.kind_of(question).response_text(question, response, language)
            except (KeyError, TypeError, ValueError):  # a response no type can read
                shown = str(response)
            rows.append((attempt.user.employee_no, attempt.user.name, attempt.number,
                         slot.position + 1, question.key, question.type.value, shown,
                         slot.grade_state or "",
                         None if slot.fraction is None else round(slot.fraction, 4),
                         None if slot.fraction is None else round(slot.fraction * worth, 4),
                         worth))
    return rows


def export_responses(exam: Exam, kind: str, language: str) -> bytes:
    """Every response to every question of the exam as CSV or XLSX (text never a formula)."""
    rows = response_rows(exam, language)
    if kind == "csv":
        return write_csv(rows, RESPONSES_HEADER)
    return write_xlsx(rows, RESPONSES_HEADER, sheet_title="responses")


def item_analysis_rows(exam: Exam, lang: str) -> tuple[list[str], list[list]]:
    """(headers, rows) of the item analysis for a spreadsheet: one row per question, then one
    per option of the choice questions (share overall, upper and lower 27 %)."""
    stats, labels = item_analysis_for(exam)
    zh = lang == "zh"
    headers = (["题号", "题目", "选项", "正确答案", "作答人数", "难度（得分率）", "标准差",
                "题总相关", "区分度（高低 27%）", "选择比例", "高分组比例", "低分组比例", "提示"]
               if zh else
               ["Number", "Question", "Option", "Key", "Answered", "Facility", "SD",
                "Item-rest correlation", "Upper-lower 27 % index", "Share", "Share upper",
                "Share lower", "Flags"])
    rows: list[list] = []
    for item in stats.items:
        label = labels[item.item_id]
        title = _stem_excerpt(label["title"], lang, 200)
        flags = "; ".join(localized_text(flag.message, lang) for flag in item.flags)
        rows.append([label["number"], title, "", "", item.n, item.facility, item.sd,
                     item.item_rest_correlation, item.discrimination_index, None, None, None,
                     flags])
        for option in item.options:
            name = label["options"].get(option.option_id) or {}
            rows.append([label["number"], "", name.get(lang) or name.get("zh") or "",
                         ("是" if zh else "yes") if option.is_correct else "", None, None,
                         None, None, None, option.share, option.share_upper,
                         option.share_lower, ""])
    return headers, rows


def localized_text(message, lang: str) -> str:
    """A ``{zh, en}`` message (or plain text) in ``lang``."""
    if isinstance(message, dict):
        return message.get(lang) or message.get("zh") or message.get("en") or ""
    return str(message)
