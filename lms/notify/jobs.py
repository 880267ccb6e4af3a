"""Background sending: job kinds ``notify.deliver`` and ``notify.digest``, with retries.

Deliveries are sent by `lms.jobs` jobs: threads of the web process by default, RQ workers
when ``REDIS_URL`` is set. A delivery is *claimed* before it is sent (an atomic update that
moves its ``next_attempt_at`` a lease ahead), so two jobs never send it twice. A failed
attempt worth retrying is tried again after ``NOTIFY_RETRY_SECONDS`` × 2^(attempt − 1)
(60 s, 120 s, 240 s …) up to ``NOTIFY_MAX_ATTEMPTS`` attempts in all; then it is failed with
its reason. The retry is scheduled with a timer in the web process or ``enqueue_in`` on RQ
(workers started with ``rq worker --with-scheduler``); the periodic sweep also hands on
whatever is due and was not picked up (a restart), see `lms.notify.sweep`.

Robot posts of one event (one assignment to a whole department, say) go out as one message
naming everyone, so a group is not flooded and robots' rate limits hold.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from lms.auth.models import User, utcnow
from lms.extensions import db
from lms.jobs import register, runner
from lms.jobs.models import Job
from lms.notify import channels, render
from lms.notify.models import Delivery, Notification

log = logging.getLogger("lms.notify")

DELIVER = "notify.deliver"
DIGEST = "notify.digest"
#: How long a claimed delivery is left to the job that claimed it.
LEASE = timedelta(minutes=10)
ROBOTS = ("wecom", "dingtalk")
#: How many started jobs `wait_idle` can wait for (tests and the CLI start far fewer).
TRACKED = 1000

_submitted: list[int] = []
_timers: list[threading.Timer] = []
_lock = threading.Lock()


def _config(name: str, default):
    value = current_app.config.get(name)
    return default if value in (None, "") else value


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones."""
    return float(_config("NOTIFY_RETRY_SECONDS", 60)) * 2 ** max(attempts - 1, 0)


# --- handing work to the job runner -------------------------------------------------------
def submit_detached(kind: str, params: dict, delay: float = 0.0) -> int | None:
    """Store and start a job from anywhere, even inside a commit hook (own session).

    The same row ``lms.jobs.submit`` writes, but through a session of its own, because the
    session that just committed cannot run SQL in its ``after_commit`` hook.
    """
    app = current_app._get_current_object()
    redis_url = app.config.get("REDIS_URL") or ""
    mode = "rq" if redis_url else "inprocess"
    try:
        with Session(db.engine) as session:
            job = Job(kind=kind, params_json=json.dumps(params), status="queued", progress=0.0,
                      runner=mode, worker=runner.this_process() if mode == "inprocess" else None)
            session.add(job)
            session.commit()
            handle = SimpleNamespace(id=job.id)
        if mode == "rq":
            _enqueue_rq(app, handle, redis_url, delay)
        elif delay > 0:
            _later(app, delay, handle)
        else:
            runner.start_in_process(handle)
    except (SQLAlchemyError, RedisError, OSError) as error:
        # Nothing is lost: the deliveries stay due and the next sweep hands them on.
        log.error("could not start %s job: %s", kind, error)
        return None
    with _lock:
        _submitted.append(handle.id)
        del _submitted[:-TRACKED]  # a long-running process keeps only the latest few
    return handle.id


def _enqueue_rq(app, handle, redis_url: str, delay: float) -> None:
    if delay <= 0:
        runner.enqueue_rq(handle, redis_url)
        return
    from redis import Redis
    from rq import Queue

    queue = Queue(app.config.get("JOBS_QUEUE", "lms-jobs"),
                  connection=Redis.from_url(redis_url))
    queue.enqueue_in(timedelta(seconds=delay), runner.run_job, handle.id, job_timeout=600,
                     result_ttl=600)


def _later(app, delay: float, handle) -> None:
    def start():
        with app.app_context():
            runner.start_in_process(handle)

    timer = threading.Timer(delay, start)
    timer.daemon = True  # a stopping process leaves the retry to the next sweep
    with _lock:
        _timers[:] = [t for t in _timers if t.is_alive()]
        _timers.append(timer)
    timer.start()


def dispatch(delivery_ids: list[int], delay: float = 0.0) -> int | None:
    """Start sending these deliveries (after ``delay`` seconds)."""
    return submit_detached(DELIVER, {"deliveries": list(delivery_ids)}, delay)


def wait_idle(timeout: float = 30.0) -> None:
    """Wait until every sending job and retry timer of this process has finished (tests,
    the CLI)."""
    deadline = datetime.now() + timedelta(seconds=timeout)
    while True:
        with _lock:
            timers = [t for t in _timers if t.is_alive()]
            job_ids = list(_submitted)
            _timers[:] = timers
        for timer in timers:
            timer.join(max((deadline - datetime.now()).total_seconds(), 0.01))
        for job_id in job_ids:
            runner.wait(job_id, timeout=max((deadline - datetime.now()).total_seconds(), 0.1))
        with _lock:
            busy = any(t.is_alive() for t in _timers) or _submitted[len(job_ids):]
            del _submitted[:len(job_ids)]
        if not busy or datetime.now() > deadline:
            return


# --- claiming and recording ---------------------------------------------------------------
def _claim(delivery_id: int, now: datetime) -> bool:
    """Take a due delivery for this job; False when another has it or it is settled."""
    result = db.session.execute(update(Delivery).where(
        Delivery.id == delivery_id, Delivery.status.in_(("queued", "retrying")),
        or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now)).values(
            next_attempt_at=now + LEASE))
    db.session.commit()
    return bool(result.rowcount)


def _record(deliveries: list[Delivery], error: channels.DeliveryError | None,
            now: datetime) -> None:
    maximum = int(_config("NOTIFY_MAX_ATTEMPTS", 4))
    for delivery in deliveries:
        delivery.attempts += 1
        if error is None:
            delivery.status, delivery.sent_at = "sent", now
            delivery.error_code = delivery.error = delivery.next_attempt_at = None
            continue
        delivery.error_code, delivery.error = error.code, error.detail
        if error.transient and delivery.attempts < maximum:
            delivery.status = "retrying"
            delivery.next_attempt_at = now + timedelta(seconds=retry_delay(delivery.attempts))
        else:
            delivery.status, delivery.next_attempt_at = "failed", None
    db.session.commit()


def _send_email(delivery: Delivery, now: datetime) -> None:
    mail = replace(render.email_for(delivery.notification), to_address=delivery.recipient)
    try:
        channels.send_mail(mail)
    except channels.DeliveryError as error:
        log.warning("mail to %s failed: %s", delivery.recipient, error.detail)
        _record([delivery], error, now)
        return
    _record([delivery], None, now)


def _send_robot(group: list[Delivery], now: datetime) -> None:
    robot = group[0].webhook
    if robot is None or not robot.enabled:
        _record(group, channels.DeliveryError("robot_gone", "the robot was removed or "
                                              "switched off", transient=False), now)
        return
    text = render.robot_text([d.notification for d in group], robot.language)
    try:
        channels.post_to_robot(robot.provider, robot.url, text, robot.secret)
    except channels.DeliveryError as error:
        log.warning("%s robot post failed: %s", robot.provider, error.detail)
        _record(group, error, now)
        return
    _record(group, None, now)


def _event_of(notification: Notification) -> tuple:
    """What makes notices of different people one robot message: kind, object, bucket."""
    _kind, _user, rest = notification.dedupe_key.split(":", 2)
    return notification.kind, rest


@register(DELIVER)
def deliver(params: dict, progress) -> dict:
    """Send the given deliveries that are due; schedule the retries."""
    now = utcnow()
    claimed = [d for d in params.get("deliveries", []) if _claim(int(d), now)]
    rows = list(db.session.scalars(select(Delivery).where(Delivery.id.in_(claimed))
                                   .order_by(Delivery.id)))
    robots: dict[tuple, list[Delivery]] = defaultdict(list)
    for index, delivery in enumerate(rows):
        if delivery.channel == "email":
            _send_email(delivery, now)
        elif delivery.channel in ROBOTS:
            robots[(delivery.webhook_id, *_event_of(delivery.notification))].append(delivery)
        progress(index / max(len(rows), 1) / 2)
    for group in robots.values():
        _send_robot(group, now)
    outcome = _outcome(rows)
    _schedule_retries(rows)
    return outcome


def _outcome(rows: list[Delivery]) -> dict:
    counts = defaultdict(int)
    for delivery in rows:
        counts[delivery.status] += 1
    return dict(counts)


def _schedule_retries(rows: list[Delivery]) -> None:
    again = [d for d in rows if d.status == "retrying" and d.next_attempt_at]
    if not again:
        return
    soonest = min(d.next_attempt_at for d in again)
    delay = max((soonest - utcnow()).total_seconds(), 0.0)
    dispatch([d.id for d in again], delay=delay)


# --- the daily digest ---------------------------------------------------------------------
def digest_due(user_ids: list[int] | None = None) -> dict[int, list[Delivery]]:
    """Digest deliveries waiting (or due again after a failure), by person."""
    now = utcnow()
    query = (select(Delivery).join(Notification).where(
        Delivery.channel == "digest",
        or_(Delivery.status == "waiting",
            (Delivery.status == "retrying") & (Delivery.next_attempt_at <= now)))
        .order_by(Notification.created_at, Delivery.id))
    if user_ids is not None:
        query = query.where(Notification.user_id.in_(user_ids))
    found: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in db.session.scalars(query):
        found[delivery.notification.user_id].append(delivery)
    return found


@register(DIGEST)
def digest(params: dict, progress) -> dict:
    """Send each person one e-mail with their waiting digest notices."""
    now = utcnow()
    due = digest_due(params.get("user_ids"))
    sent = failed = 0
    for index, (user_id, rows) in enumerate(sorted(due.items())):
        user = db.session.get(User, user_id)
        mail = replace(render.digest_for(user, [d.notification for d in rows]),
                       to_address=rows[-1].recipient)
        try:
            channels.send_mail(mail)
        except channels.DeliveryError as error:
            _record(rows, error, now)
            failed += 1
        else:
            _record(rows, None, now)
            sent += 1
        progress((index + 1) / len(due))
    return {"digests_sent": sent, "digests_failed": failed}
