"""The shipped courses and paths: complete, substantive, bilingual and true to the domain."""

from __future__ import annotations

import re

import pytest

from lms.courses.bundle import (
    CONTENT_DIR,
    course_files,
    course_hours,
    path_hours,
    read_content_dir,
    read_course_zip,
    write_course_zip,
)
from lms.courses.markdown import render_markdown

COURSES, PATHS = read_content_dir(CONTENT_DIR)
BY_SLUG = {course.slug: course for course in COURSES}
LESSONS = {lesson.slug: lesson for course in COURSES for lesson in course.lessons}
PATH_BY_SLUG = {path.slug: path for path in PATHS}


def english_words(text: str) -> int:
    return len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))


def cjk_characters(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def test_at_least_four_courses_covering_all_four_curricula():
    assert len(COURSES) >= 4
    assert {course.curriculum for course in COURSES} == {
        "service_standards",
        "technical_skills",
        "service_awareness",
        "emergency_handling",
    }


def test_at_least_twenty_lessons_with_unique_slugs():
    all_slugs = [lesson.slug for course in COURSES for lesson in course.lessons]
    assert len(all_slugs) >= 20
    assert len(set(all_slugs)) == len(all_slugs)


@pytest.mark.parametrize("slug", sorted(LESSONS))
def test_each_lesson_is_substantive_in_both_languages(slug):
    body = LESSONS[slug].body
    assert english_words(body.en) >= 300, english_words(body.en)
    assert cjk_characters(body.zh) >= 600, cjk_characters(body.zh)
    assert cjk_characters(body.en) == 0  # the English text is not a bilingual mix
    for text in (body.zh, body.en):
        assert text.startswith("# ") and "\n## " in text  # a title and sections
        assert re.search(r"^(\d+\.|-|\|) ", text, re.MULTILINE)  # a list or a table
    assert re.search(r"^## (Worked example|Example)", body.en, re.MULTILINE) or "Example" in body.en
    assert "示例" in body.zh


def test_case_studies_and_checklists_are_present():
    with_case = [lesson.slug for lesson in LESSONS.values() if lesson.case_study]
    with_checklist = [lesson.slug for lesson in LESSONS.values() if lesson.checklist]
    assert len(with_case) >= 4
    assert len(with_checklist) >= 8
    for lesson in LESSONS.values():
        if lesson.case_study:
            assert english_words(lesson.case_study.en) >= 120
            assert cjk_characters(lesson.case_study.zh) >= 200


def test_every_practice_lesson_has_a_checklist():
    practice = [c for c in COURSES if c.delivery_mode == "offline_practice"]
    assert practice, "onboarding needs an offline-practice course"
    assert all(lesson.checklist for course in practice for lesson in course.lessons)


@pytest.mark.parametrize("course", COURSES, ids=lambda c: c.slug)
def test_lesson_minutes_add_up_to_the_course_hours(course):
    assert sum(lesson.planned_minutes for lesson in course.lessons) == course.planned_hours * 60


def test_activities_cover_exams_roleplays_drills_and_a_survey():
    refs = {activity.ref for course in COURSES for activity in course.activities}
    assert {
        "exam:service-standards-final",
        "exam:service-awareness-final",
        "exam:technical-skills-final",
        "exam:emergency-handling-final",
        "roleplay:ac_failed_again_after_repair",
        "roleplay:callback_finds_dissatisfaction",
        "drill:group_complaint_surge",
        "drill:quality_recall",
        "survey:post-course",
        "practice:onsite-practice",
    } == refs
    kinds = {activity.kind for course in COURSES for activity in course.activities}
    assert kinds == {"exam", "roleplay", "emergency_drill", "survey", "practice"}


def test_onsite_practice_completes_only_when_its_assessment_is_signed_off():
    onsite = BY_SLUG["onsite-practice"]
    practice = [a for a in onsite.activities if a.kind == "practice"]
    assert [(a.ref, a.required, a.delivery_mode) for a in practice] == [
        ("practice:onsite-practice", True, "offline_practice")]
    # The sign-off assesses the practice days themselves: no hours on top of the 31 h.
    assert practice[0].planned_hours == 0 and onsite.planned_hours == 31


def test_onboarding_is_72_hours_split_40_online_60_offline():
    onboarding = PATH_BY_SLUG["onboarding-72h"]
    assert onboarding.kind == "onboarding"
    assert onboarding.title.en == "Onboarding (72 h)"
    assert onboarding.title.zh == "入职培训（72 小时）"
    split = path_hours(onboarding, BY_SLUG)
    assert split.total == 72 == onboarding.planned_hours
    assert abs(split.online / 72 - 0.40) <= 0.03
    assert abs(split.offline_practice / 72 - 0.60) <= 0.03


def test_onboarding_hours_are_the_sum_of_course_and_activity_hours():
    onboarding = PATH_BY_SLUG["onboarding-72h"]
    total = sum(course_hours(BY_SLUG[item.course]).total for item in onboarding.items)
    by_hand = sum(
        BY_SLUG[item.course].planned_hours
        + sum(a.planned_hours for a in BY_SLUG[item.course].activities)
        for item in onboarding.items
    )
    assert total == by_hand == 72


def test_monthly_in_service_template_is_four_hours_of_the_four_topics():
    template = PATH_BY_SLUG["monthly-in-service"]
    assert template.kind == "in_service_template"
    assert template.title.en == "Monthly in-service (4 h)"
    assert template.title.zh == "在岗月度培训（4 小时）"
    assert path_hours(template, BY_SLUG).total == 4 == template.planned_hours
    assert [slot.slug for slot in template.slots] == [
        "customer-psychology",
        "communication",
        "new-products",
        "case-review",
    ]


# Key facts from DOMAIN.md, in the lesson where a trainee would look for them.
KEY_FACTS = {
    "response-targets": (
        [
            r"Urgent \| 1 h \| 2 h",
            r"General \| 2 h \| 4 h",
            r"Normal \| 4 h \| 8 h",
            r"24 h at the latest",
            r"3 min",
            r"15 min",
            r"10 min",
            r"written progress report "
            r"within 2 h",
            r"within 24 h, result within 3 working days",
            r"within 12 h, solved within 2 working days",
        ],
        [
            r"紧急 \| 1 小时 \| 2 小时",
            r"一般 \| 2 小时 \| 4 小时",
            r"普通 \| 4 小时 \| 8 小时",
            r"最迟 24 小时",
            r"3 分钟内响应",
            r"15 分钟内",
            r"10 分钟内",
            r"2 小时内提供书面",
            r"24 小时内联系客户，3 个工作日内",
            r"12 小时内联系客户，2 个工作日内",
        ],
    ),
    "callbacks": (
        [r"within 24 h", r"within 72 h", r"no later than 48 h"],
        [r"24 小时内", r"72 小时内", r"最迟不超过 48 小时"],
    ),
    "first-responder": ([r"within 4 hours", r"explicitly"], [r"4 小时内召开", r"明确地"]),
    "kpis-assessment": (
        [
            r"≥ 98 %",
            r"≥ 95 %",
            r"≥ 90 %",
            r"≤ 0\.5 %",
            r"assessed monthly",
            r"quarterly",
            r"3\.2 h",
            r"2\.8 h",
            r"87\.6",
        ],
        [
            r"≥ 98%",
            r"≥ 95%",
            r"≥ 90%",
            r"≤ 0\.5%",
            r"按月考核",
            r"按季度考核",
            r"3\.2 小时",
            r"2\.8 小时",
            r"87\.6",
        ],
    ),
    "customer-data-protection": (
        [
            r"Minimum necessary",
            r"Consent",
            r"Purpose limitation",
            r"Secure storage",
            r"Verify identity",
            r"No customer data in chats",
        ],
        [r"最小必要", r"同意", r"目的限定", r"安全存储", r"核验身份", r"不进聊天群"],
    ),
    "fault-diagnosis-method": (
        [
            r"Locate the fault",
            r"Find the cause",
            r"Solve it",
            r"Verify the result",
            r"record everything",
        ],
        [r"定位故障", r"查找原因", r"排除故障", r"验证结果", r"全程记录"],
    ),
    "safety-on-the-job": (
        [r"Prove it dead", r"capacitors", r"R32", r"certified", r"harness"],
        [r"验电", r"电容", r"R32", r"持证", r"安全带"],
    ),
    "complaint-four-steps": (
        [r"calm emotions → clarify the problem → negotiate a solution → confirm the result"],
        [r"安抚情绪 → 澄清问题 → 协商方案 → 确认结果"],
    ),
    "standard-phrases": (
        [r"Understood", r"Thank you for your understanding", r"Buck-passing", r"Arguing"],
        [r"明白", r"请您稍等", r"感谢您的理解", r"推诿", r"争辩"],
    ),
    "active-listening": ([r"Restate", r"Confirm"], [r"复述", r"确认"]),
    "recognition-service-star": (
        [r"ten colleagues", r"service stars", r"bonuses and promotion"],
        [r"十位同事", r"服务之星", r"奖金和晋升"],
    ),
    "three-categories": (
        [
            r"Major quality problem",
            r"Group complaint",
            r"Force majeure",
            r"one unified reply",
            r"remote assistance",
        ],
        [r"重大质量问题", r"群体投诉", r"不可抗力", r"统一答复口径", r"远程协助"],
    ),
    "graded-response": (
        [r"Level 1 \| Major", r"Level 2 \| Large", r"Level 3 \| General"],
        [r"一级 \| 重大", r"二级 \| 较大", r"三级 \| 一般"],
    ),
    "response-cycle": (
        [r"report → respond → handle → feed back → review"],
        [r"接报 → 响应 → 处理 → 反馈 → 复盘"],
    ),
    "service-interruptions": (
        [r"told within 24 h", r"schedule for\s+restoring service"],
        [r"24 小时内告知", r"恢复服务的时间表"],
    ),
    "resources-and-drills": (
        [
            r"yearly",
            r"quarterly",
            r"monthly",
            r"Response time",
            r"Handling efficiency",
            r"Customer satisfaction",
            r"Resource use",
            r"evaluation report",
        ],
        [
            r"年度",
            r"季度",
            r"月度",
            r"响应时间",
            r"处理效率",
            r"客户满意度",
            r"资源利用",
            r"评估报告",
        ],
    ),
}


@pytest.mark.parametrize("slug", sorted(KEY_FACTS))
def test_key_facts_appear_in_the_right_lesson_in_both_languages(slug):
    english, chinese = KEY_FACTS[slug]
    body = LESSONS[slug].body
    missing = [p for p in english if not re.search(p, body.en)]
    missing += [p for p in chinese if not re.search(p, body.zh)]
    assert not missing


def test_every_lesson_renders_to_safe_html():
    for lesson in LESSONS.values():
        for text in (lesson.body.zh, lesson.body.en):
            html = render_markdown(text)
            assert html.startswith("<h1>") and "<script" not in html


@pytest.mark.parametrize("course", COURSES, ids=lambda c: c.slug)
def test_shipped_courses_are_stored_in_canonical_form(course):
    folder = CONTENT_DIR / course.slug
    for name, data in course_files(course).items():
        assert (folder / name).read_bytes() == data, name
    assert read_course_zip(write_course_zip(course)) == course
