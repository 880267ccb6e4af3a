"""Demo data for a first look: one account per role and a small organisation.

Loading is idempotent: every step looks for what it would create and skips what is
already there, so running it twice changes nothing. Features add their own steps to
``DEMO_STEPS``.
"""

from datetime import date

from flask import current_app
from sqlalchemy import select

from lms.admin.service import create_user
from lms.auth.models import User
from lms.extensions import db

EAST = "热线东区 Hotline East"
SOUTH = "南区上门服务 Field Service South"

#: (user name, employee number, name, department, roles, hired on)
DEMO_USERS = (
    ("admin", "A0001", "系统管理员 Admin", "服务管理部 Service Management", ["admin"], None),
    ("trainer", "T0001", "李培训 Li Peixun", "培训中心 Training Center", ["trainer"], None),
    ("planner", "P0001", "王规划 Wang Guihua", "排班规划部 Workforce Planning", ["planner"], None),
    ("trainee", "E1001", "张新 Zhang Xin", EAST, ["trainee"], date(2026, 11, 2)),
    ("lead", "M0001", "陈主管 Chen Zhuguan", EAST, ["lead"], None),
    ("e1002", "E1002", "刘洋 Liu Yang", EAST, ["trainee"], date(2026, 11, 2)),
    ("e1003", "E1003", "赵敏 Zhao Min", EAST, ["trainee"], date(2026, 10, 12)),
    ("e1004", "E1004", "孙磊 Sun Lei", SOUTH, ["trainee"], date(2025, 4, 1)),
    ("e1005", "E1005", "周婷 Zhou Ting", SOUTH, ["trainee"], date(2026, 11, 16)),
)


def load_users() -> list[str]:
    """Create the demo accounts that do not exist yet; returns the names created."""
    password = current_app.config["DEMO_PASSWORD"]
    existing = set(db.session.scalars(select(User.username)))
    created = []
    for username, number, name, department, roles, hired_on in DEMO_USERS:
        if username in existing:
            continue
        user, _password = create_user(username=username, employee_no=number, name=name,
                                      department=department, roles=roles, hired_on=hired_on,
                                      password=password)
        if "lead" in roles:  # a team lead leads their own department
            user.led_departments = [user.department]
        created.append(username)
    db.session.commit()
    return created


def demo_steps() -> list:
    """Users first, then each feature's ``lms/<feature>/demo.py`` ``load()`` in order.

    Each step returns a list of what it created (empty when nothing was new).
    """
    from lms.web import feature_modules

    return [load_users, *(module.load for module in feature_modules("demo"))]


def load_demo() -> dict[str, list]:
    """Run every demo step; returns what each created."""
    return {f"{step.__module__}.{step.__name__}": step() for step in demo_steps()}


def demo_logins() -> list[tuple[str, str, str]]:
    """(user name, password, roles) for the README and the start-up banner."""
    password = current_app.config["DEMO_PASSWORD"]
    return [(u[0], password, "+".join(u[4])) for u in DEMO_USERS[:5]]
