"""Evaluation test data: KPI months and pre/post pairs written straight to the tables."""

from datetime import date

from lms.evaluation.models import KpiMonth, PrePostPair
from lms.extensions import db
from tests.factories import make_user


def kpi_month(user, month: str, on_time=98.5, resolution=96.0, satisfaction=92.0,
              complaints=0.3) -> KpiMonth:
    """A committed KPI month for ``user``."""
    row = KpiMonth(user_id=user.id, month=month, response_on_time_rate=on_time,
                   resolution_rate=resolution, satisfaction=satisfaction,
                   complaint_rate=complaints)
    db.session.add(row)
    db.session.commit()
    return row


def pair(user, pre: float, post: float, test="service-standards", max_score=100.0,
         completed_on=date(2026, 9, 20), category=None) -> PrePostPair:
    """A committed pre/post pair for ``user``."""
    row = PrePostPair(user_id=user.id, test=test, pre=pre, post=post, max_score=max_score,
                      completed_on=completed_on, category=category)
    db.session.add(row)
    db.session.commit()
    return row


def trained_cohort() -> list:
    """Four trainees with pairs (trained from 2026-10) and KPI months before and after."""
    people = [make_user(roles=["trainee"], employee_no=f"E90{i}", hired_on=date(2026, 8, 3))
              for i in range(4)]
    for i, person in enumerate(people):
        pair(person, 40 + i * 5, 80 + i * 3)
        kpi_month(person, "2026-09", on_time=96 + i * 0.3, satisfaction=86 + i)
        kpi_month(person, "2026-10", on_time=98 + i * 0.4, satisfaction=91 + i)
    return people
