"""Learning paths: hours add up, references resolve, mistakes are named by file and line."""

from __future__ import annotations

import pytest

from lms.courses.bundle import BundleInvalid, path_hours, read_content_dir, read_paths

COURSES, _ = read_content_dir()

PATHS_YAML = """\
paths:
  - slug: starter
    kind: onboarding
    title:
      zh: 入门
      en: Starter
    summary:
      zh: 两门课。
      en: Two courses.
    planned_hours: 21.5
    items:
      - course: service-standards
      - course: emergency-handling
        prerequisites:
          - service-standards
  - slug: monthly
    kind: in_service_template
    title:
      zh: 月度
      en: Monthly
    summary:
      zh: 两个时段。
      en: Two slots.
    planned_hours: 1.5
    slots:
      - slug: psychology
        topic:
          zh: 客户心理
          en: Customer psychology
        planned_hours: 1
        delivery_mode: online
      - slug: review
        topic:
          zh: 案例复盘
          en: Case review
        planned_hours: 0.5
        delivery_mode: offline_practice
        suggested_courses:
          - service-standards
"""


def write(tmp_path, text: str):
    path = tmp_path / "paths.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_paths_read_with_hours_split_by_delivery_mode(tmp_path):
    starter, monthly = read_paths(write(tmp_path, PATHS_YAML), COURSES)
    courses = {course.slug: course for course in COURSES}
    assert [item.course for item in starter.items] == ["service-standards", "emergency-handling"]
    assert starter.items[1].prerequisites == ("service-standards",)
    split = path_hours(starter, courses)
    # service-standards: 8 + exam 1 online, role-play 2 offline; emergency-handling:
    # 4 + exam 0.5 online, two drills 3 + 3 offline.
    assert (split.online, split.offline_practice) == (13.5, 8.0)
    assert path_hours(monthly, courses).online_share == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("old", "new", "needle", "fragment"),
    [
        (
            "planned_hours: 21.5",
            "planned_hours: 21",
            "planned_hours: 21",
            "declares 21 h but its contents add up to 21.5 h",
        ),
        (
            "      - course: emergency-handling",
            "      - course: cooking-basics",
            "course: cooking-basics",
            "does not exist",
        ),
        (
            "          - service-standards\n  - slug: monthly",
            "          - technical-skills\n  - slug: monthly",
            "- technical-skills",
            "listed earlier in this path",
        ),
        (
            "kind: in_service_template",
            "kind: monthly",
            "kind: monthly",
            "allowed: onboarding, in_service_template, custom",
        ),
        (
            "delivery_mode: offline_practice",
            "delivery_mode: classroom",
            "classroom",
            "allowed: online, offline_practice",
        ),
    ],
)
def test_bad_paths_name_the_line(tmp_path, old, new, needle, fragment):
    text = PATHS_YAML.replace(old, new, 1)
    assert text != PATHS_YAML
    with pytest.raises(BundleInvalid) as caught:
        read_paths(write(tmp_path, text), COURSES)
    (error,) = caught.value.errors
    assert (error.file, error.line) == ("paths.yaml", line_of(text, needle))
    assert fragment in error.message("en")


def test_without_courses_only_the_shape_is_checked(tmp_path):
    text = PATHS_YAML.replace("course: emergency-handling", "course: not-yet-written")
    starter, _ = read_paths(write(tmp_path, text))
    assert starter.items[1].course == "not-yet-written"
