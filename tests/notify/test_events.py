"""Events raised by other features become typed notices; sending runs on the real Redis."""

import uuid

import pytest
from redis import Redis
from redis.exceptions import RedisError

from lms import jobs, signals
from lms.auth.models import utcnow
from lms.extensions import db
from lms.notify.models import Delivery
from tests.courses.factories import make_course, make_exam
from tests.factories import make_user
from tests.notify.helpers import deliveries, notices, parts, settle


def test_scheduled_drill_tells_the_trainee(app_ctx):
    from lms.drills import service as drills

    trainer = make_user(roles=["trainer"])
    trainee = make_user(email=None)
    drills.schedule(trainer, drills.drill_scenarios()[0].id, [trainee], 60)
    db.session.commit()
    (notice,) = notices(trainee.id, "drill_scheduled")
    assert notice.link == {"endpoint": "drills.my_drills"}
    assert notice.params["title"]["zh"]


def test_exam_result_is_announced_without_the_score(app_ctx):
    exam = make_exam()
    trainee = make_user(email=None)
    signals.activity_result.send("exam", user_id=trainee.id, ref=exam.ref, passed=True,
                                 score=0.91, at=utcnow())
    db.session.commit()
    (notice,) = notices(trainee.id, "result_released")
    assert notice.params == {"title": dict(exam.title)} and notice.link == {"ref": exam.ref}
    signals.activity_result.send("survey", user_id=trainee.id, ref="survey:post-course",
                                 passed=None, score=None, at=utcnow())
    db.session.commit()
    assert len(notices(trainee.id)) == 1


def test_essay_waiting_goes_to_the_exam_author_else_every_trainer(app_ctx):
    author = make_user(roles=["trainer"])
    other = make_user(roles=["trainer"])
    trainee = make_user()
    title = {"zh": "案例分析", "en": "Case study"}
    signals.essay_to_grade.send("exam", attempt_id=7, exam_id=1, user_id=trainee.id,
                                title=title, author_id=author.id)
    signals.essay_to_grade.send("exam", attempt_id=8, exam_id=1, user_id=trainee.id,
                                title=title, author_id=None)
    db.session.commit()
    assert len(notices(author.id, "essay_to_grade")) == 2
    assert len(notices(other.id, "essay_to_grade")) == 1
    assert notices(trainee.id) == []


def test_certificate_issued_and_finished_jobs_reach_their_people(app_ctx):
    from lms.exams.certificates import issue

    holder = make_user(email=None)
    course = make_course()
    issue(holder.id, "course", course.id)
    db.session.commit()
    (notice,) = notices(holder.id, "certificate_issued")
    assert notice.params["title"] == dict(course.title)

    planner = make_user(roles=["planner"], email=None)
    signals.job_finished.send("planning.staffing", job_id=5, owner_id=planner.id, ok=False)
    signals.job_finished.send("tests.add", job_id=6, owner_id=planner.id, ok=True)
    db.session.commit()
    (finished,) = notices(planner.id)
    assert finished.kind == "run_finished" and finished.params["ok"] is False


def test_a_real_import_job_tells_its_owner_when_it_ends(app_ctx):
    owner = make_user(roles=["admin"], email=None)
    job = jobs.submit("admin.import_users", {"rows": [], "ticket": "t", "locale": "en"},
                      owner.id, inline=True)
    db.session.expire_all()
    (notice,) = notices(owner.id, "import_finished")
    assert notice.link == {"endpoint": "admin.import_job", "values": {"job_id": job.id}}


@pytest.fixture
def redis_queue(app):
    """A private RQ queue on the real Redis; skipped (with the reason) when Redis is down."""
    connection = Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        connection.ping()
    except (RedisError, OSError) as error:
        pytest.skip(f"Redis at 127.0.0.1:6379 is not reachable: {error}")
    name = f"lms-notify-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL="redis://127.0.0.1:6379/0", JOBS_QUEUE=name)
    yield connection, name
    app.config.update(REDIS_URL="", JOBS_QUEUE="lms-jobs")
    from rq import Queue

    Queue(name, connection=connection).delete(delete_jobs=True)


def test_mail_is_sent_by_an_rq_worker_when_redis_is_configured(app_ctx, smtp, redis_queue):
    from rq import Queue, SimpleWorker

    from tests.courses.factories import assign_to

    connection, name = redis_queue
    person = make_user(email="rq@example.cn", locale="en")
    assign_to(make_course(), person)
    (delivery,) = deliveries("email")
    assert delivery.status == "queued"
    worker = SimpleWorker([Queue(name, connection=connection)], connection=connection)
    worker.work(burst=True)
    settle()
    (mail,) = smtp.wait_for(1)
    assert "Training assigned" in mail["message"]["Subject"]
    assert "has been assigned to you" in parts(mail["message"])["text/plain"]
    assert db.session.get(Delivery, delivery.id).status == "sent"


def test_a_newcomer_reached_by_a_standing_assignment_is_told(app_ctx):
    from datetime import date, timedelta

    from lms.auth.models import Department
    from lms.courses import assignment, standing

    course = make_course()
    make_user(department="Hotline East", email=None)
    department = db.session.query(Department).filter_by(name="Hotline East").one()
    due_on = date.today() + timedelta(days=10)
    assignment.assign(course, assignment.people_for("department", department_id=department.id),
                      due_on, None, "department")
    standing.record(course, "department", department.id, due_on, None)
    db.session.commit()
    newcomer = make_user(department="Hotline East", email=None)
    assert notices(newcomer.id, "assigned") == []
    assert standing.sync([newcomer.id]) == 1
    db.session.commit()
    (notice,) = notices(newcomer.id, "assigned")
    assert notice.params == {"title": dict(course.title), "due_on": due_on.isoformat()}
    assert standing.sync([newcomer.id]) == 0
    db.session.commit()
    assert len(notices(newcomer.id, "assigned")) == 1
