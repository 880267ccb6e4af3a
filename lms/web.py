"""Wires the web layer into the app: blueprints, sign-in, error pages, template helpers."""

import importlib
import importlib.util
import logging
import re

from flask import Flask, Request, abort, has_request_context, render_template, request
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from lms import navigation
from lms.auth import sessions
from lms.extensions import db, login_manager
from lms.i18n import localized

log = logging.getLogger("lms.web")

#: Feature packages whose ``routes.bp`` blueprint is registered, in this order.
FEATURES = ("auth", "home", "admin", "audit", "settings", "privacy", "backup", "notify",
            "calendar", "courses", "exams", "roleplay", "practice", "records", "drills",
            "planning", "workforce", "rostering", "evaluation", "callbacks", "reports")


def feature_modules(name: str) -> list:
    """The ``lms.<feature>.<name>`` modules that exist, in ``FEATURES`` order."""
    modules = []
    for feature in FEATURES:
        module_name = f"lms.{feature}.{name}"
        if importlib.util.find_spec(f"lms.{feature}") is None:
            continue  # a feature listed ahead of its package
        if importlib.util.find_spec(module_name) is not None:
            modules.append(importlib.import_module(module_name))
    return modules


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that stops at the largest id a database column holds (else 404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


#: Largest value of a 32-bit signed integer column (ids on PostgreSQL).
MAX_ID = 2**31 - 1


class BoundedParameters(ImmutableMultiDict):
    """Query and form values whose ``get(..., type=int)`` stays inside an integer column.

    ``?department=99999999999999999999`` then reads as "not given" instead of overflowing
    the database driver.
    """

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        """``MultiDict.get``; an int outside ±MAX_ID counts as unparsable (``default``)."""
        value = super().get(key, default=default, type=type)
        if type is int and isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
            return default
        return value


class BoundedRequest(Request):
    """The app's request: parameters parsed into :class:`BoundedParameters`."""

    parameter_storage_class = BoundedParameters


def register(app: Flask) -> None:
    """Attach blueprints, the user loader, error handlers, template globals and CLI."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = BoundedRequest
    if app.config.get("TRUST_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.before_request(refuse_nul_bytes)
    for routes in feature_modules("routes"):
        app.register_blueprint(routes.bp)

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(sessions.load_user)

    _register_errors(app)
    app.context_processor(_template_globals)
    app.add_template_filter(_reject_page, "reject_page")
    app.add_template_filter(local_datetime, "local_dt")
    app.after_request(_security_headers)

    from lms.cli import register_commands

    register_commands(app)


def _nul_at(value, where: str = "") -> str | None:
    """The dotted name of the first value holding a NUL character, or None."""
    if isinstance(value, str):
        return where or "?" if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        name = f"{where}.{key}" if where else str(key)
        if isinstance(key, str) and "\x00" in key:
            return name
        found = _nul_at(item, name)
        if found:
            return found
    return None


def refuse_nul_bytes():
    """400 for a NUL character anywhere in the path, query, form or JSON body.

    No field of the platform can hold one (PostgreSQL text cannot store it), so a NUL is
    refused before any view sees it, naming the parameter that held it.
    """
    sources = {"path": request.path, "": request.view_args or {},
               "query": dict(request.args.lists())}
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        sources["form"] = dict(request.form.lists())
        sources["file"] = [f.filename or "" for f in request.files.values()]
        if request.is_json:
            try:
                sources["json"] = request.get_json(silent=True)
            except RecursionError:
                return _refused("body", _("%(field)s: the JSON is nested too deeply. "
                                          "Nothing was changed.", field="body"))
    for source, value in sources.items():
        found = _nul_at(value)
        if found:
            field = found.split(".", 1)[-1] if source in {"query", "form"} else found
            field = re.sub(r"\.\d+$", "", field)[:60] if source != "path" else "path"
            log.info("refused a NUL byte in %s %s: %s", request.method, request.path[:80],
                     field)
            return _refused(field, _(
                "The value of %(field)s contains a character that is not allowed (NUL). "
                "Nothing was changed.", field=field))
    return None


def _refused(field: str, message: str):
    """A 400 before any view ran: JSON ``{error, field}`` for JSON clients, else the page."""
    if request.is_json or request.accept_mimetypes.best == "application/json":
        # ``error`` carries the message for pages that show it as is (drills), ``message``
        # and ``field`` are what the exam page reads.
        return {"error": message, "message": message, "field": field}, 400
    abort(400, description=message)


def _template_globals() -> dict:
    from lms.auth.forms import LanguageForm

    locale = str(get_locale() or "zh")
    if not has_request_context():  # PDFs rendered by background jobs
        return {"current_locale": locale, "localized": localized, "nav_items": []}
    return {
        "nav_items": navigation.items_for(current_user),
        # formdata=None: the header form never reads the body, so error pages (413 for an
        # oversized upload) render without touching the request body again.
        "language_form": LanguageForm(formdata=None, lang=locale,
                                      next=request.full_path.rstrip("?")),
        "current_locale": locale,
        "localized": localized,
    }


def local_datetime(value, pattern: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored UTC time shown in the site's time zone (``BABEL_DEFAULT_TIMEZONE``)."""
    if value is None:
        return "—"
    return format_datetime(value, pattern)


def _reject_page(args: dict) -> dict:
    """Query arguments without ``page``, for pager links that keep the filters."""
    return {key: value for key, value in args.items() if key != "page"}


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'self'",
    )
    return response


def _error_page(status: int, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        db.session.rollback()
        return _error_page(400, _("The form has expired"), _(
            "The form's security token was missing or too old, so nothing was saved. "
            "Go back, reload the page and submit again."))

    @app.errorhandler(400)
    def bad_request(error):
        db.session.rollback()
        described = getattr(error, "description", None)
        default = getattr(type(error), "description", None)
        message = described if described and described != default else _(
            "The request could not be understood. Nothing was changed.")
        if request.is_json or request.accept_mimetypes.best == "application/json":
            return {"error": str(message)}, 400
        return _error_page(400, _("Bad request"), message)

    @app.errorhandler(DataError)
    def out_of_range(error):
        # A value the database cannot hold (a number too large for its column, say) is the
        # sender's mistake; it is logged so a missing validation can be found and added.
        db.session.rollback()
        log.warning("database refused a value on %s %s: %s", request.method,
                    request.path[:80], str(error.orig)[:200])
        return _error_page(400, _("Bad request"), _(
            "A value is out of the range this field can hold. Nothing was changed."))

    @app.errorhandler(403)
    def forbidden(error):
        return _error_page(403, _("Not allowed"), _(
            "Your roles do not allow this page. If you need it, ask an administrator."))

    @app.errorhandler(404)
    def not_found(error):
        return _error_page(404, _("Page not found"), _("There is nothing at this address."))

    @app.errorhandler(413)
    def too_large(error):
        # The body was not read: the session (and its CSRF token) may be unusable here, so the
        # page is rendered without touching the form machinery.
        db.session.rollback()
        return _error_page(413, _("File too large"), _(
            "The upload is larger than the limit of %(mb)d MB. Nothing was saved.",
            mb=app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return _error_page(500, _("Something went wrong"), _(
            "The server hit an error. What you confirmed before is saved; try again."))
