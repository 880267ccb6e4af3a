"""Password policy: what a new password must not be, shared by every place that sets one.

The rules follow NIST SP 800-63B: a minimum length, no password from a list of commonly used
ones, nothing equal to the account's own identifiers, no single repeated character. The common
list is the 30,000 most frequent leaked passwords that ship with ``zxcvbn`` (a maintained
strength estimator), so nothing has to be fetched at run time. Hashing stays argon2id
(:mod:`lms.auth.service`); this module only judges the plain text.
"""

from functools import lru_cache

from flask import has_app_context
from flask_babel import lazy_gettext as _l

MIN_PASSWORD_LENGTH = 8
#: Longer passwords are refused before hashing so a megabyte "password" costs nothing.
MAX_PASSWORD_LENGTH = 128


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """True when ``password`` (ignoring case) is on the common-password list."""
    return password.lower() in _common_passwords()


def _site_policy() -> tuple[int, bool]:
    """(shortest length, letters and digits required) from the site settings."""
    if not has_app_context():
        return MIN_PASSWORD_LENGTH, False
    from lms.settings.service import password_policy

    policy = password_policy()
    return max(MIN_PASSWORD_LENGTH, policy.min_length), policy.letters_and_digits


def password_problems(password: str, *, username: str = "", employee_no: str = "") -> list:
    """Why ``password`` may not be used, as translatable messages; empty when it is fine."""
    password = password or ""
    problems = []
    minimum, letters_and_digits = _site_policy()
    if len(password) < minimum:
        problems.append(_l("Use at least %(n)d characters.", n=minimum))
    if letters_and_digits and not (any(c.isalpha() for c in password)
                                   and any(c.isdigit() for c in password)):
        problems.append(_l("Use letters and digits."))
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(_l("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH))
    if "\x00" in password:
        problems.append(_l("The password contains a character that cannot be used."))
    if password and len(set(password)) == 1:
        problems.append(_l("Do not repeat a single character."))
    lowered = password.lower()
    own = {value.strip().lower() for value in (username, employee_no) if value and value.strip()}
    if lowered in own:
        problems.append(_l("Do not use your user name or employee number as the password."))
    elif is_common(password):
        problems.append(_l("This password is on a list of commonly used passwords; "
                           "choose another."))
    return problems
