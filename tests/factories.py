"""Factories for test objects, written through the same services the app uses."""

import itertools

from lms.admin.service import create_user
from lms.extensions import db

_sequence = itertools.count(1)
DEFAULT_PASSWORD = "correct-horse-1"


def make_user(roles=("trainee",), username=None, department="Hotline East",
              password=DEFAULT_PASSWORD, **fields):
    """A committed user with ``roles`` (needs an app context)."""
    n = next(_sequence)
    user, _ = create_user(
        username=username or f"user{n}", employee_no=fields.pop("employee_no", f"T{n:05d}"),
        name=fields.pop("name", f"Test User {n}"), department=department, roles=list(roles),
        password=password, **fields,
    )
    db.session.commit()
    return user
