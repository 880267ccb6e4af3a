"""Sign in and out, change one's own password, switch language."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from lms.auth.access import public, signed_in
from lms.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from lms.auth.service import LoginOutcome, authenticate, change_password
from lms.extensions import db

bp = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str = "home.index") -> str:
    """Only same-site relative paths are followed after sign-in or a language switch."""
    if target:
        parts = urlsplit(target)
        local = not parts.scheme and not parts.netloc
        if local and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for(default)


def _failure_message(result) -> str:
    messages = {
        LoginOutcome.UNKNOWN_USER: _("No account has this user name. Check the spelling or "
                                     "ask your administrator."),
        LoginOutcome.WRONG_PASSWORD: _("The password is wrong for this user name."),
        LoginOutcome.INACTIVE: _("This account has been deactivated. Ask your administrator "
                                 "to reactivate it."),
        LoginOutcome.ACCOUNT_THROTTLED: _(
            "Too many failed sign-ins for this account. Try again in %(n)d minutes.",
            n=result.retry_after_minutes),
        LoginOutcome.ADDRESS_THROTTLED: _(
            "Too many failed sign-ins from this network address. Try again in %(n)d minutes.",
            n=result.retry_after_minutes),
    }
    return messages[result.outcome]


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign-in page; on success go to the page that was asked for."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    error, status = None, 200
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        result = authenticate(form.username.data, form.password.data, address)
        if result.outcome is LoginOutcome.OK:
            login_user(result.user, remember=form.remember.data)
            if result.user.locale:
                session["lang"] = result.user.locale
            if result.user.must_change_password:
                flash(_("Your password was reset. Choose a new one to continue."), "warning")
                return redirect(url_for("auth.password"))
            return redirect(safe_next(form.next.data))
        error = _failure_message(result)
        throttled = (LoginOutcome.ACCOUNT_THROTTLED, LoginOutcome.ADDRESS_THROTTLED)
        status = 429 if result.outcome in throttled else 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign out (POST with CSRF token, so a link cannot sign someone out)."""
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def password():
    """Change one's own password."""
    form = ChangePasswordForm(current_user)
    if form.validate_on_submit():
        change_password(current_user, form.new_password.data)
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/language", methods=["POST"])
@public
def language():
    """Switch the interface language from any page and return to it."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    back = form.next.data or (request.referrer and urlsplit(request.referrer).path)
    return redirect(safe_next(back))
