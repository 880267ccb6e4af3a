"""Names for the references evaluation data carries: a person reads titles, never keys.

Survey answers name their course as ``course:<slug>``; pre/post pairs name their test by a
course slug, an exam's pairing key or slug, or an activity reference; events carry
``drill:<scenario>``-style references. Each is shown by the title of what it names, in the
reader's language; a title that exists only in the other language is shown with a marker
("(中文)", "(English)") so the reader knows why it is not in theirs. A reference that names
nothing known is data someone typed into an import file, and is shown as typed.
"""

from __future__ import annotations

import logging

from flask import g
from sqlalchemy import select

from lms.extensions import db
from lms.i18n import titled

logger = logging.getLogger(__name__)







def _titles() -> dict[str, dict]:
    """{reference or key: bilingual title} of everything evaluation data may name."""
    from lms.courses.models import Course
    from lms.exams.models import Exam

    found: dict[str, dict] = {}
    for exam in db.session.scalars(select(Exam)):
        found.setdefault(exam.slug, exam.title)
        if exam.pairing_key and exam.test_kind == "post_test":
            found[exam.pairing_key] = exam.title
    for course in db.session.scalars(select(Course)):
        found[course.slug] = course.title
        found[f"course:{course.slug}"] = course.title
    found.update(_activity_titles())
    return found


def _activity_titles() -> dict[str, dict]:
    from lms import activities

    activities.load_kinds()
    found = {}
    for prefix, kind in activities.kinds().items():
        for key, title in kind.choices().items():
            found[f"{prefix}:{key}"] = title
    return found


def titles() -> dict[str, dict]:
    """The title table, built once per request."""
    if "evaluation_titles" not in g:
        g.evaluation_titles = _titles()
    return g.evaluation_titles


def name_of(reference: str | None) -> str:
    """What a person reads for ``reference``: its title, else the reference as typed."""
    if not reference:
        return ""
    title = titles().get(reference) or titles().get(reference.strip().lower())
    return titled(title) if title else reference


def pair_label(test: str, category: str | None = None) -> str:
    """A pre/post test with its category: "服务规范与业务知识 · 标准用语"."""
    name = name_of(test)
    return f"{name} · {name_of(category)}" if category else name
