"""Wires the web layer into the app: blueprints, sign-in, error pages, template helpers."""

import importlib
import importlib.util

from flask import Flask, has_request_context, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from lms import navigation
from lms.auth.models import User
from lms.extensions import db, login_manager
from lms.i18n import localized

#: Feature packages whose ``routes.bp`` blueprint is registered, in this order.
FEATURES = ("auth", "home", "admin", "courses", "exams", "roleplay", "drills", "planning",
            "evaluation", "reports")


def feature_modules(name: str) -> list:
    """The ``lms.<feature>.<name>`` modules that exist, in ``FEATURES`` order."""
    modules = []
    for feature in FEATURES:
        module_name = f"lms.{feature}.{name}"
        if importlib.util.find_spec(module_name) is not None:
            modules.append(importlib.import_module(module_name))
    return modules


def register(app: Flask) -> None:
    """Attach blueprints, the user loader, error handlers, template globals and CLI."""
    for routes in feature_modules("routes"):
        app.register_blueprint(routes.bp)

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)

    _register_errors(app)
    app.context_processor(_template_globals)
    app.add_template_filter(_reject_page, "reject_page")
    app.after_request(_security_headers)

    from lms.cli import register_commands

    register_commands(app)


def _load_user(user_id: str):
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def _template_globals() -> dict:
    from lms.auth.forms import LanguageForm

    locale = str(get_locale() or "zh")
    if not has_request_context():  # PDFs rendered by background jobs
        return {"current_locale": locale, "localized": localized, "nav_items": []}
    return {
        "nav_items": navigation.items_for(current_user),
        "language_form": LanguageForm(lang=locale, next=request.full_path.rstrip("?")),
        "current_locale": locale,
        "localized": localized,
    }


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
        return _error_page(400, _("Bad request"), _("The request could not be understood. "
                                                    "Nothing was changed."))

    @app.errorhandler(403)
    def forbidden(error):
        return _error_page(403, _("Not allowed"), _(
            "Your roles do not allow this page. If you need it, ask an administrator."))

    @app.errorhandler(404)
    def not_found(error):
        return _error_page(404, _("Page not found"), _("There is nothing at this address."))

    @app.errorhandler(413)
    def too_large(error):
        return _error_page(413, _("File too large"), _(
            "The upload is larger than the limit of %(mb)d MB. Nothing was saved.",
            mb=app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return _error_page(500, _("Something went wrong"), _(
            "The server hit an error. What you confirmed before is saved; try again."))
