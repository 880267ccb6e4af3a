"""Access rules as decorators: every view states who may use it.

``roles_required("trainer")`` lets in signed-in users holding any listed role;
``signed_in`` lets in any signed-in user; ``public`` marks a deliberately open view.
Each decorator tags the view with ``access_rule`` so a test can prove that no route
was left undeclared.
"""

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from lms.auth.models import Role

ALL_ROLES = tuple(r.value for r in Role)


def _tag(view, rule: str):
    view.access_rule = rule
    return view


def roles_required(*roles):
    """Allow signed-in users who hold at least one of ``roles``; others get 403."""
    wanted = {str(r) for r in roles}
    unknown = wanted - set(ALL_ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; allowed: {ALL_ROLES}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            if current_user.must_change_password and request.endpoint != "auth.password":
                return redirect(url_for("auth.password"))
            if not current_user.has_role(*wanted):
                abort(403)
            return view(*args, **kwargs)

        return _tag(wrapped, "roles:" + ",".join(sorted(wanted)))

    return decorator


def signed_in(view):
    """Allow any signed-in user, whatever their roles."""
    return _tag(roles_required(*ALL_ROLES)(view), "signed-in")


def public(view):
    """Mark a view as open to everyone, signed in or not."""
    return _tag(view, "public")
