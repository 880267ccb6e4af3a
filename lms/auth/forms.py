"""Sign-in, password and language forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from lms.auth.passwords import MAX_PASSWORD_LENGTH, password_problems
from lms.auth.service import verify_password
from lms.formutil import choices


class LoginForm(FlaskForm):
    """Sign in with user name (usually the employee number) and password."""

    username = StringField(_l("User name or employee number"),
                           validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    """A signed-in user replaces their own password."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(),
                    EqualTo("new_password", message=_l("The two new passwords differ."))],
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current_password(self, field):
        """The current password must be right before it can be replaced."""
        if not verify_password(self.user.password_hash, field.data or ""):
            raise ValidationError(_l("The current password is wrong."))

    def validate_new_password(self, field):
        """The password policy, and a new password must differ from the current one."""
        problems = password_problems(field.data or "", username=self.user.username,
                                     employee_no=self.user.employee_no)
        if problems:
            raise ValidationError(" ".join(str(problem) for problem in problems))
        if field.data and verify_password(self.user.password_hash, field.data):
            raise ValidationError(_l("Choose a password different from the current one."))


class LanguageForm(FlaskForm):
    """Switch the interface language; shown in the header of every page."""

    lang = SelectField(_l("Language"), choices=choices([("zh", "中文"), ("en", "English")]))
    next = HiddenField()


class EndSessionForm(FlaskForm):
    """End one session (its number) or ``all`` sessions but the current one."""

    session_id = HiddenField(validators=[DataRequired(), Length(max=20)])


class PreferencesForm(FlaskForm):
    """A person's own settings: the time zone times are shown and entered in."""

    time_zone = SelectField(_l("Time zone"), default="")

    def __init__(self, *args, site_zone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        from lms.i18n import COMMON_ZONES, available_zones

        rest = sorted(available_zones() - set(COMMON_ZONES))
        self.time_zone.choices = choices(
            [("", _l("Same as the site (%(zone)s)", zone=site_zone))]
            + [(zone, zone.replace("_", " ")) for zone in (*COMMON_ZONES, *rest)])
