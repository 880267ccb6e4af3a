"""Running jobs: in a thread pool inside the web process, or on RQ workers via Redis.

Both runners call :func:`execute` with the job's id inside an application context, so a job
function never knows where it runs. An in-process job records which process runs it
(``host:pid:boot``); when that process is gone (a restart), :func:`recover_interrupted` marks
the job failed with the reason instead of leaving a progress bar that never moves.
"""

import json
import os
import socket
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from flask import current_app, has_app_context
from sqlalchemy import select, update

from lms import signals
from lms.auth.models import utcnow
from lms.extensions import db
from lms.jobs.models import Job

#: kind → function(params: dict, progress: Callable[[float], None]) -> JSON-able result.
_KINDS: dict[str, Callable] = {}
_BOOT = uuid.uuid4().hex[:12]
_EXECUTOR = ThreadPoolExecutor(max_workers=2, thread_name_prefix="lms-job")
_FUTURES: dict[int, Future] = {}
INTERRUPTED = "The server restarted while this job was running; start it again."


def register(kind: str):
    """Decorator: ``fn(params, progress)`` runs jobs of ``kind``."""
    def decorator(fn):
        _KINDS[kind] = fn
        return fn
    return decorator


def this_process() -> str:
    """Identifies the current web process across restarts (``host:pid:boot``)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_BOOT}"


def _function_for(kind: str) -> Callable:
    if kind not in _KINDS:
        from lms.web import feature_modules  # job kinds live in lms/<feature>/jobs.py

        feature_modules("jobs")
    if kind not in _KINDS:
        raise LookupError(f"unknown job kind {kind!r}; known: {sorted(_KINDS)}")
    return _KINDS[kind]


def _set_progress(job_id: int, fraction: float) -> None:
    db.session.execute(update(Job).where(Job.id == job_id)
                       .values(progress=max(0.0, min(1.0, float(fraction)))))
    db.session.commit()


def execute(job_id: int) -> None:
    """Run job ``job_id`` now in this app context, storing its result or its error.

    What the job changes is audited as done by the person who asked for it (the job's
    owner), from ``job:<kind>``; a job nobody asked for (a sweep) is the system's.
    """
    from lms.audit.service import acting_as

    job = db.session.get(Job, job_id)
    if job is None or job.finished:
        return
    with acting_as(job.owner_id, source=f"job:{job.kind}"):
        _run(job)


def _run(job: Job) -> None:
    job_id = job.id
    job.status, job.started_at, job.progress = "running", utcnow(), 0.0
    db.session.commit()
    try:
        result = _function_for(job.kind)(job.params, lambda f: _set_progress(job_id, f))
        payload = json.dumps(result, ensure_ascii=False)
    except Exception as error:  # noqa: BLE001 - any failure is reported on the job
        db.session.rollback()
        _finish(job_id, "failed", error=f"{type(error).__name__}: {error}")
        current_app.logger.error("job %s failed\n%s", job_id, traceback.format_exc())
        return
    _finish(job_id, "done", result_json=payload)


def _finish(job_id: int, status: str, **values) -> None:
    db.session.execute(update(Job).where(Job.id == job_id).values(
        status=status, finished_at=utcnow(), progress=1.0 if status == "done" else Job.progress,
        **values))
    job = db.session.get(Job, job_id)
    if job is not None:
        signals.job_finished.send(job.kind, job_id=job_id, owner_id=job.owner_id,
                                  ok=status == "done")
    db.session.commit()


def _in_thread(app, job_id: int) -> None:
    with app.app_context():
        try:
            execute(job_id)
        finally:
            db.session.remove()


def start_in_process(job: Job) -> Future:
    """Hand ``job`` to the web process's thread pool."""
    app = current_app._get_current_object()
    future = _EXECUTOR.submit(_in_thread, app, job.id)
    _FUTURES[job.id] = future
    return future


def enqueue_rq(job: Job, redis_url: str) -> None:
    """Put ``job`` on the RQ queue; any ``rq worker`` running this project picks it up."""
    from redis import Redis
    from rq import Queue

    queue = Queue(current_app.config.get("JOBS_QUEUE", "lms-jobs"),
                  connection=Redis.from_url(redis_url))
    queue.enqueue(run_job, job.id, job_timeout=3600, result_ttl=600)


def run_job(job_id: int) -> None:
    """RQ entry point: run the job in the current app, or in a fresh ``create_app()``."""
    if has_app_context():
        execute(job_id)
        return
    from lms import create_app

    with create_app().app_context():
        execute(job_id)


def wait(job_id: int, timeout: float = 60.0) -> None:
    """Block until an in-process job of this process finishes (tests, demo loading)."""
    future = _FUTURES.get(job_id)
    if future is not None:
        future.result(timeout=timeout)


def _process_alive(worker: str | None) -> bool:
    if not worker:
        return False
    host, pid, boot = (worker.split(":") + ["", "", ""])[:3]
    if host != socket.gethostname():
        return True  # another machine: cannot tell, leave it alone
    if pid == str(os.getpid()):
        return boot == _BOOT
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted() -> int:
    """Mark in-process jobs whose process has gone as failed; return how many."""
    stuck = db.session.scalars(select(Job).where(Job.runner == "inprocess",
                                                 Job.status.in_(("queued", "running"))))
    count = 0
    for job in stuck:
        if not _process_alive(job.worker):
            job.status, job.error, job.finished_at = "failed", INTERRUPTED, utcnow()
            count += 1
    if count:
        db.session.commit()
    return count
