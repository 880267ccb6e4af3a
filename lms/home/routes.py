"""The home page: one dashboard panel for each role the user holds."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from lms.auth.access import signed_in
from lms.auth.models import Department, User
from lms.extensions import db
from lms.home.widgets import widgets_for

bp = Blueprint("home", __name__)

ROLE_ORDER = ("trainee", "lead", "trainer", "planner", "admin")


def admin_summary() -> dict:
    """Head counts for the administrator's panel."""
    return {
        "users": db.session.scalar(select(func.count(User.id))),
        "active": db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))),
        "departments": db.session.scalar(select(func.count(Department.id))),
    }


@bp.route("/")
@signed_in
def index():
    """Role-specific home: each role the user holds gets its panel, trainee first."""
    roles = [role for role in ROLE_ORDER if current_user.has_role(role)]
    context = {"roles": roles,
               "widgets": {role: widgets_for(role, current_user) for role in roles}}
    if "admin" in roles:
        context["admin_summary"] = admin_summary()
    return render_template("home/index.html", **context)
