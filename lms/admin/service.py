"""User administration: create, edit, deactivate, reset (bulk import: ``lms.admin.imports``)."""

import secrets

from lms.auth import sessions
from lms.auth.models import Department, User
from lms.auth.service import hash_password
from lms.extensions import db


def temporary_password() -> str:
    """A random password an administrator hands over once; the user must change it."""
    return secrets.token_urlsafe(9)


def create_user(*, username, employee_no, name, department, roles, email=None,
                hired_on=None, password=None, locale=None) -> tuple[User, str]:
    """Add a user; returns it with the password to hand over (generated if not given)."""
    initial = password or temporary_password()
    user = User(
        username=username.strip().lower(), employee_no=employee_no.strip(), name=name.strip(),
        email=email or None, hired_on=hired_on, locale=locale,
        password_hash=hash_password(initial), must_change_password=password is None,
    )
    user.department = Department.get_or_create(department.strip()) if department else None
    user.set_roles(roles)
    db.session.add(user)
    return user, initial


def reset_password(user: User) -> str:
    """Give ``user`` a new temporary password that must be changed at next sign-in."""
    initial = temporary_password()
    user.password_hash = hash_password(initial)
    user.must_change_password = True
    sessions.end_all(user, "reset")
    db.session.commit()
    return initial
