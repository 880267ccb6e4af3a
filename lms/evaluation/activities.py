"""``survey:post-course``: the post-course reaction survey as a course activity.

One survey exists, reported as ``survey:post-course`` (``service.SURVEY_REF``). Its page is per
course (``/evaluation/survey/course:<slug>``), so it has no link of its own here: the course
page links it for its course.
"""

from functools import lru_cache

from lms.activities import ActivityKind, register

SURVEY_KEY = "post-course"


@lru_cache(maxsize=1)
def _survey_title() -> dict:
    # The shipped template does not change while the app runs.
    from lms.evaluation.content import load_survey

    return dict(load_survey().title)


def survey_titles() -> dict[str, dict]:
    """``{"post-course": {zh, en}}`` with the survey template's title."""
    return {SURVEY_KEY: _survey_title()}


register(ActivityKind(prefix="survey", activity_kind="survey", choices=survey_titles,
                      exists=lambda key: key == SURVEY_KEY))
