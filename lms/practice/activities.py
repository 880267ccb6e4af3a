"""The ``practice:`` activity prefix: a course's practical assessment, signed off by a trainer.

Keys are slugs of courses whose lessons have checklists (``practice:onsite-practice``); the
sign-off of a trainee's checklist for that course reports ``activity_result`` with this ref.
A person does it on their practice page of that course.
"""

from flask import url_for

from lms.activities import ActivityKind, register
from lms.practice import checklists


def _url(key: str) -> str | None:
    """The trainee's practice page of the course ``key``."""
    return url_for("practice.my_course", slug=key)


register(ActivityKind(prefix="practice", activity_kind="practice",
                      choices=checklists.checklist_titles, exists=checklists.has_checklist,
                      url_for_key=_url))
