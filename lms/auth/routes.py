"""Sign in and out, one's own sessions and password, switch language."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from lms.auth import sessions
from lms.auth.access import public, signed_in
from lms.auth.forms import (
    ChangePasswordForm,
    EndSessionForm,
    LanguageForm,
    LoginForm,
    PreferencesForm,
)
from lms.auth.models import utcnow
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
        LoginOutcome.BAD_CREDENTIALS: _("The user name or password is wrong. Check both, or "
                                        "ask your administrator."),
        LoginOutcome.INACTIVE: _("This account has been deactivated. Ask your administrator "
                                 "to reactivate it."),
        LoginOutcome.PAIR_THROTTLED: _(
            "Too many failed sign-ins for this account from this device. Wait %(n)d minute(s) "
            "and try again, or ask your administrator to unlock it.",
            n=result.retry_after_minutes),
        LoginOutcome.ADDRESS_THROTTLED: _(
            "Too many failed sign-ins from this network. Accounts that signed in here before "
            "still work; others can try again in %(n)d minute(s), or ask your administrator.",
            n=result.retry_after_minutes),
    }
    return messages[result.outcome]


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign-in page (user name or employee number); on success go to the page asked for."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    error, status, headers = None, 200, {}
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        result = authenticate(form.username.data, form.password.data, address)
        if result.outcome is LoginOutcome.OK:
            sessions.start(result.user, remember=bool(form.remember.data))
            login_user(result.user, remember=False)
            db.session.commit()
            if result.user.locale:
                session["lang"] = result.user.locale
            if result.user.must_change_password:
                flash(_("Your password was reset. Choose a new one to continue."), "warning")
                return redirect(url_for("auth.password"))
            return redirect(safe_next(form.next.data))
        error = _failure_message(result)
        throttled = (LoginOutcome.PAIR_THROTTLED, LoginOutcome.ADDRESS_THROTTLED)
        status = 429 if result.outcome in throttled else 401
        if result.outcome in throttled:
            headers["Retry-After"] = str(result.retry_after_seconds)
    return render_template("auth/login.html", form=form, error=error), status, headers


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign out (POST with CSRF token, so a link cannot sign someone out)."""
    lang = session.get("lang")
    sessions.end_current("logout")
    logout_user()
    db.session.commit()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def password():
    """Change one's own password; every other session of the account ends."""
    form = ChangePasswordForm(current_user)
    if form.validate_on_submit():
        change_password(current_user, form.new_password.data)
        flash(_("Your password has been changed. You were signed out on every other device."),
              "success")
        return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/preferences", methods=["GET", "POST"])
@signed_in
def preferences():
    """One's own time zone (language is switched from every page's header)."""
    site_zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    form = PreferencesForm(site_zone=site_zone, time_zone=current_user.time_zone or "")
    if form.validate_on_submit():
        current_user.time_zone = form.time_zone.data or None
        db.session.commit()
        flash(_("Preferences saved. Times are now shown in %(zone)s.",
                zone=form.time_zone.data or site_zone), "success")
        return redirect(url_for("auth.preferences"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/preferences.html", form=form, now=utcnow()), status


@bp.route("/account/sessions", methods=["GET"])
@signed_in
def account_sessions():
    """Where one is signed in, with a way to end any of those sessions or all others."""
    return render_template("auth/sessions.html", sessions=sessions.open_sessions(current_user),
                           current_id=sessions.current_id(), form=EndSessionForm(),
                           device=sessions.device_label)


@bp.route("/account/sessions/end", methods=["POST"])
@signed_in
def end_session():
    """End one of one's own sessions, or (``all``) every session but this one."""
    form = EndSessionForm()
    if not form.validate_on_submit():
        abort(400)
    if form.session_id.data == "all":
        count = sessions.end_all(current_user, "everywhere", keep_current=True)
        flash(_("Signed out on %(n)d other device(s).", n=count), "success")
    elif form.session_id.data.isdigit() and sessions.end_one(current_user,
                                                             int(form.session_id.data)):
        flash(_("That session has ended."), "success")
    else:
        abort(404)
    db.session.commit()
    return redirect(url_for("auth.account_sessions"))


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
