"""Flask extensions, created once and attached to the app in ``create_app``."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


#: The largest page number a pager accepts (beyond it the page is simply empty).
MAX_PAGE = 100_000


class Database(SQLAlchemy):
    """Flask-SQLAlchemy with a pager that cannot be pushed past an integer column.

    Flask-SQLAlchemy reads ``?page=`` with a bare ``int()``, so ``page=10**40`` would reach
    the database driver as an OFFSET it cannot hold; here the page is read with bounds.
    """

    def paginate(self, select, *, page=None, per_page=None, **kwargs):
        """``SQLAlchemy.paginate`` with ``page`` taken from the query string within bounds."""
        from flask import has_request_context, request

        if page is None and has_request_context():
            raw = request.args.get("page", "1")
            page = int(raw) if raw.isdigit() and 0 < len(raw) <= 6 else 1
            page = min(max(page, 1), MAX_PAGE)
        return super().paginate(select, page=page, per_page=per_page, **kwargs)


db = Database(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
