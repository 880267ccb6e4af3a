"""The job interface: long work (simulation runs, staffing searches, PDFs) off the request.

``submit(kind, params, owner_id) -> Job`` stores a :class:`Job` row and starts it: in a thread
pool of the web process by default, or on RQ workers when ``REDIS_URL`` is configured (start
workers with ``rq worker lms-jobs`` in the project; they build the app with ``create_app()``).
A job kind is a function ``fn(params, progress) -> result`` registered with
``@register("feature.kind")`` in ``lms/<feature>/jobs.py``; ``progress(fraction)`` commits
the fraction done, and the JSON result is stored on the row. Pages poll ``Job.as_status()``.
"""

import json

from flask import current_app

from lms.extensions import db
from lms.jobs.models import JOB_STATUSES, Job
from lms.jobs.runner import (
    INTERRUPTED,
    execute,
    recover_interrupted,
    register,
    run_job,
    this_process,
    wait,
)

__all__ = ["INTERRUPTED", "JOB_STATUSES", "Job", "execute", "recover_interrupted", "register",
           "run_job", "submit", "wait"]


def submit(kind: str, params: dict, owner_id: int | None, *, inline: bool = False) -> Job:
    """Store and start a job of ``kind``; ``inline=True`` runs it before returning."""
    from lms.jobs import runner

    redis_url = current_app.config.get("REDIS_URL") or ""
    mode = "rq" if redis_url and not inline else "inprocess"
    job = Job(kind=kind, params_json=json.dumps(params, ensure_ascii=False), owner_id=owner_id,
              status="queued", progress=0.0, runner=mode,
              worker=this_process() if mode == "inprocess" else None)
    db.session.add(job)
    db.session.commit()
    if inline:
        execute(job.id)
    elif mode == "rq":
        runner.enqueue_rq(job, redis_url)
    else:
        runner.start_in_process(job)
    db.session.refresh(job)
    return job
