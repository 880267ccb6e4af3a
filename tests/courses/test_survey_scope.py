"""A result done for one course (the post-course survey is answered per course) counts for
that course only, not for every course that names the same activity."""

from lms.courses import progress
from lms.courses.models import Course
from lms.extensions import db
from lms.signals import activity_result
from tests.courses.factories import assign_to, make_course
from tests.courses.test_trainee_pages import SURVEY
from tests.factories import make_user


def test_the_survey_answered_for_one_course_is_not_done_for_another(app_ctx):
    first = make_course("survey-first", **{"modules:": SURVEY})
    second = make_course("survey-second", **{"modules:": SURVEY})
    trainee = make_user()
    assign_to(first, trainee)
    assign_to(second, trainee)
    activity_result.send("survey", user_id=trainee.id, ref="survey:post-course", score=None,
                         passed=None, course_id=first.id)
    db.session.commit()
    book = progress.book_for(trainee.id)
    first, second = db.session.get(Course, first.id), db.session.get(Course, second.id)
    assert book.activity_done(trainee.id, "survey:post-course", course=first)
    assert not book.activity_done(trainee.id, "survey:post-course", course=second)
    # a result that names no course (an exam's) still counts wherever the activity is named
    activity_result.send("exam", user_id=trainee.id, ref="exam:shared-final", score=1.0,
                         passed=True)
    db.session.commit()
    book = progress.book_for(trainee.id)
    assert book.activity_done(trainee.id, "exam:shared-final", course=second)
