"""A small valid course bundle as files, and helpers to write, zip and locate lines in it."""

from __future__ import annotations

import io
import zipfile

COURSE_YAML = """\
slug: callback-basics
curriculum: service_standards
title:
  zh: 回访基础
  en: Callback basics
summary:
  zh: 回访的时限与要点。
  en: When and how to call customers back.
delivery_mode: online
planned_hours: 1.5
completion:
  lessons_viewed: true
  exam_passed: true
  drill_scored: false
activities:
  - kind: exam
    ref: exam:callback-basics-final
    title:
      zh: 结业考试
      en: Final exam
    delivery_mode: online
    planned_hours: 0.5
    required: true
modules:
  - slug: timing
    title:
      zh: 时限
      en: Timing
    lessons:
      - slug: when-to-call
        title:
          zh: 何时回访
          en: When to call back
        planned_minutes: 45
        checklist:
          zh:
            - 24 小时内回访
          en:
            - Call back within 24 h
        case_study: true
      - slug: what-to-ask
        title:
          zh: 回访问什么
          en: What to ask
        planned_minutes: 45
        video_url: https://video.example.org/what-to-ask
"""

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def valid_course_files() -> dict[str, bytes]:
    """A valid course bundle as ``{path: bytes}``, with one image asset."""
    return {
        "course.yaml": COURSE_YAML.encode(),
        "lessons/when-to-call.zh.md": "# 何时回访\n\n问题解决后 24 小时内回访。\n\n"
        "![流程](assets/flow.png)\n".encode(),
        "lessons/when-to-call.en.md": b"# When\n\nCall back within 24 h.\n\n"
        b"![flow](assets/flow.png)\n",
        "lessons/when-to-call.case.zh.md": "## 案例\n\n一位顾客……\n".encode(),
        "lessons/when-to-call.case.en.md": b"## Case\n\nA customer...\r\nwith CRLF\r\n",
        "lessons/what-to-ask.zh.md": "# 问什么\n\n问题是否解决？\n".encode(),
        "lessons/what-to-ask.en.md": b"# What\n\nWas it solved?\n",
        "assets/flow.png": PNG_BYTES,
    }


def make_zip(files: dict[str, bytes], folder: str | None = "callback-basics") -> bytes:
    """Zip ``files`` (under ``folder/`` unless None) without any sanitising."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"{folder}/{name}" if folder else name, data)
    return buffer.getvalue()
