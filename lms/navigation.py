"""The role-aware main navigation.

Each entry names an endpoint and the roles that see it. Entries whose endpoint is not
registered yet (a feature still to come) are left out, so features add their own entry
here and it appears once their blueprint exists.
"""

from dataclasses import dataclass

from flask import current_app, request
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class NavItem:
    """One link in the main navigation."""

    endpoint: str
    label: object
    roles: tuple[str, ...]
    #: Endpoint prefix that marks the entry as current (defaults to the blueprint).
    section: str = ""


NAV_ITEMS = (
    NavItem("home.index", _l("Home"), ("admin", "trainer", "planner", "trainee", "lead"),
            "home."),
    NavItem("courses.dashboard", _l("My team"), ("lead",), "courses.dashboard"),
    NavItem("courses.my_learning", _l("My learning"), ("trainee",), "courses.my_"),
    NavItem("exams.my_exams", _l("My exams"), ("trainee",), "exams.my_"),
    NavItem("drills.my_drills", _l("Emergency drills"), ("trainee",), "drills.my_"),
    NavItem("practice.my_practice", _l("My practice"), ("trainee",), "practice.my_"),
    NavItem("rostering.mine", _l("My shifts"), ("trainee",), "rostering.mine"),
    NavItem("courses.manage", _l("Courses"), ("trainer", "admin"), "courses.manage"),
    NavItem("exams.manage", _l("Exams"), ("trainer", "admin"), "exams.manage"),
    NavItem("roleplay.index", _l("Role-play"), ("trainer", "admin", "trainee"), "roleplay."),
    NavItem("drills.manage", _l("Drill scheduling"), ("trainer",), "drills.manage"),
    NavItem("practice.index", _l("Offline practice"), ("trainer", "admin", "lead"), "practice."),
    NavItem("records.me", _l("My record"), ("trainee",), "records.me"),
    NavItem("records.gradebook", _l("Gradebook"), ("trainer", "admin", "lead"),
            "records.gradebook"),
    NavItem("calendar.month", _l("Calendar"), ("admin", "trainer", "planner", "trainee", "lead"),
            "calendar."),
    NavItem("planning.index", _l("Planning"), ("planner",), "planning."),
    NavItem("workforce.index", _l("Forecasts"), ("planner",), "workforce."),
    NavItem("rostering.index", _l("Rosters"), ("planner",), "rostering."),
    NavItem("evaluation.index", _l("Effectiveness"), ("trainer", "admin", "planner"),
            "evaluation."),
    NavItem("callbacks.index", _l("Callback surveys"), ("lead", "trainer"), "callbacks."),
    NavItem("admin.users", _l("Users"), ("admin",), "admin."),
    NavItem("audit.log", _l("Audit log"), ("admin",), "audit."),
    NavItem("settings.edit", _l("Site settings"), ("admin",), "settings."),
)


def items_for(user) -> list[dict]:
    """Navigation entries this user may see, marking the current section."""
    if not getattr(user, "is_authenticated", False):
        return []
    endpoints = current_app.view_functions
    current = request.endpoint or ""
    entries = []
    for item in NAV_ITEMS:
        if item.endpoint not in endpoints or not user.has_role(*item.roles):
            continue
        prefix = item.section or item.endpoint
        entries.append({"endpoint": item.endpoint, "label": item.label,
                        "current": current.startswith(prefix)})
    return entries
