"""Monthly in-service training: turning the in-service template into a month's learning path.

The template (``paths.yaml`` kind ``in_service_template``) has topic slots (customer psychology,
communication, new products, case review) of planned hours each. Every month a trainer
instantiates it: they name the month (``YYYY-MM``) and choose one published course per slot.
The result is an ordinary learning path of kind ``custom`` (slug ``<template>-<month>``, title
"2026-12 in-service" / "2026-12 在岗培训") holding the chosen courses in slot order, which is
then assigned like any other path. A course chosen for two slots appears once.

The month's path keeps the slots with the chosen course's slug (``slots[i].course``) and its
summary lists them. Its declared hours are the template's: the in-service time of the month is
the slots' hours, the courses being the material the sessions draw on (a path with slots counts
its slot hours, see `routes_paths.path_hours`). The template itself stays unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import select

from lms.courses import authoring
from lms.courses.models import Course, LearningPath, PathItem
from lms.extensions import db

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
TEMPLATE_KIND = "in_service_template"


class PlanRefused(ValueError):
    """The month's plan cannot be made; ``reason`` is a stable key the page translates."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def month_slug(template: LearningPath, month: str) -> str:
    """The slug of the month's path, e.g. ``monthly-in-service-2026-12``."""
    return f"{template.slug}-{month}"


def month_title(month: str) -> dict[str, str]:
    """The month's path title in both languages."""
    return {"zh": f"{month} 在岗培训", "en": f"{month} in-service"}


def default_choices(template: LearningPath) -> dict[str, int]:
    """Per slot slug, the id of the first suggested course that exists and is published."""
    published = {c.slug: c.id for c in db.session.scalars(
        select(Course).where(Course.status == "published"))}
    chosen = {}
    for slot in template.slots or []:
        found = [published[s] for s in slot.get("suggested_courses", []) if s in published]
        if found:
            chosen[slot["slug"]] = found[0]
    return chosen


def instantiate(template: LearningPath, month: str,
                chosen: Mapping[str, Course]) -> LearningPath:
    """Create the month's learning path from ``template``; the caller commits.

    ``chosen`` maps every slot slug to a published course. Raises `PlanRefused` with reason
    ``not_template``, ``bad_month``, ``slot_missing``, ``draft_course`` or ``exists``.
    """
    if template.kind != TEMPLATE_KIND:
        raise PlanRefused("not_template")
    if not MONTH.match(month or ""):
        raise PlanRefused("bad_month")
    slots = template.slots or []
    if any(slot["slug"] not in chosen for slot in slots):
        raise PlanRefused("slot_missing")
    if any(not chosen[slot["slug"]].published for slot in slots):
        raise PlanRefused("draft_course")
    slug = month_slug(template, month)
    if db.session.scalar(select(LearningPath.id).where(LearningPath.slug == slug)) is not None:
        raise PlanRefused("exists")
    courses: list[Course] = []
    for slot in slots:
        if chosen[slot["slug"]] not in courses:
            courses.append(chosen[slot["slug"]])
    plan = [{**slot, "course": chosen[slot["slug"]].slug} for slot in slots]
    siblings = db.session.scalars(select(LearningPath)).all()
    path = LearningPath(
        slug=slug, kind="custom", title=month_title(month), summary=month_summary(month, plan,
                                                                                  chosen),
        planned_hours=template.planned_hours, slots=plan,
        position=authoring.next_position(siblings),
        items=[PathItem(course=course, position=index) for index, course in enumerate(courses)])
    db.session.add(path)
    db.session.flush()
    return path


def month_summary(month: str, plan: list[dict], chosen: Mapping[str, Course]) -> dict[str, str]:
    """The month's path summary in both languages: each topic with its hours and course."""
    zh = "；".join(
        f"{slot['topic']['zh']}（{slot['planned_hours']:g} 学时）："
        f"{chosen[slot['slug']].title.get('zh', '')}" for slot in plan)
    en = "; ".join(
        f"{slot['topic']['en']} ({slot['planned_hours']:g} h): "
        f"{chosen[slot['slug']].title.get('en', '')}" for slot in plan)
    return {"zh": f"{month} 在岗培训安排：{zh}。", "en": f"In-service plan for {month}: {en}."}
