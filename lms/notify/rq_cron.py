"""RQ's cron scheduler for the reminders: ``.venv/bin/rq cron lms.notify.rq_cron`` beside
``rq worker lms-jobs`` when ``REDIS_URL`` is set (instead of system cron).

The sweep runs every 15 minutes and the digest every day at 08:00 (the scheduler's clock is
UTC: 00:00 UTC is 08:00 in Asia/Shanghai; set ``NOTIFY_DIGEST_CRON`` to change it).
"""

import os

from rq import cron

QUEUE = os.environ.get("JOBS_QUEUE", "lms-jobs")


def run_sweep() -> dict:
    """The periodic sweep in a fresh app (what ``flask notify sweep`` does)."""
    from lms import create_app
    from lms.notify.sweep import sweep

    with create_app().app_context():
        return sweep()


def run_digest() -> int:
    """The daily digest in a fresh app; returns how many people were due one."""
    from lms import create_app
    from lms.notify import jobs

    with create_app().app_context():
        people = sorted(jobs.digest_due())
        if people:
            jobs.submit_detached(jobs.DIGEST, {"user_ids": people})
        return len(people)


cron.register(run_sweep, QUEUE, cron=os.environ.get("NOTIFY_SWEEP_CRON", "*/15 * * * *"))
cron.register(run_digest, QUEUE, cron=os.environ.get("NOTIFY_DIGEST_CRON", "0 0 * * *"))
