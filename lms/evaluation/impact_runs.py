"""Simulated-impact runs on the job interface, with their results kept in the database.

A run is a ``lms.jobs`` job of kind ``evaluation.impact``; its parameters are the cohort's
proficiency before and after training (rounded to 0.01, since runs are seeded and nearby
scores give the same answer) and the mapping anchors. The job row stores the result, so a
finished simulation is found again after a restart, by any web process, for the page and the
PDF alike: the newest job with exactly these parameters is the one shown. A job left
"running" by a process that has gone is marked failed by ``jobs.recover_interrupted`` and can
be started again.
"""

import json

from sqlalchemy import select

from lms import jobs
from lms.evaluation.impact import Impact, anchors, impact_from_dict
from lms.extensions import db
from lms.jobs import Job

KIND = "evaluation.impact"


def impact_params(inputs: tuple[float, float] | None) -> dict | None:
    """The job parameters for (proficiency before, after), or None without inputs."""
    if inputs is None:
        return None
    mapping = [[a.score_fraction, a.handle_time_factor, a.first_contact_resolution]
               for a in anchors()]
    return {"before": round(inputs[0], 2), "after": round(inputs[1], 2), "anchors": mapping}


def _params_json(params: dict) -> str:
    # Exactly how lms.jobs.submit stores parameters, so stored runs are found by equality.
    return json.dumps(params, ensure_ascii=False)


def latest_run(params: dict | None) -> Job | None:
    """The newest impact job with exactly ``params`` (any status), or None."""
    if params is None:
        return None
    return db.session.scalar(select(Job).where(Job.kind == KIND,
                                               Job.params_json == _params_json(params))
                             .order_by(Job.id.desc()).limit(1))


def stored_impact(job: Job | None) -> Impact | None:
    """The finished result of ``job`` as an :class:`Impact`, or None."""
    if job is None or job.status != "done" or not job.result:
        return None
    return impact_from_dict(job.result)


def start_run(params: dict, owner_id: int | None) -> Job:
    """Start a run unless one with these parameters is waiting, running or done."""
    jobs.recover_interrupted()
    current = latest_run(params)
    if current is not None and current.status != "failed":
        return current
    return jobs.submit(KIND, params, owner_id)


def impact_job(job_id: int) -> Job | None:
    """An impact job by id (None for other kinds, so the status URL leaks nothing else)."""
    job = db.session.get(Job, job_id)
    return job if job is not None and job.kind == KIND else None
