"""The site settings form and the test-message forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from lms.formutil import choices
from lms.i18n import COMMON_ZONES, available_zones
from lms.settings.registry import SETTINGS

#: Form field name → setting key (the form's fields mirror the registry).
FIELDS = {
    "name_zh": "site.name_zh", "name_en": "site.name_en",
    "default_language": "site.default_language", "time_zone": "site.time_zone",
    "password_min_length": "password.min_length",
    "password_letters_and_digits": "password.letters_and_digits",
    "due_soon_days": "reminders.due_soon_days",
    "exam_window_hours": "reminders.exam_window_hours",
    "session_days": "reminders.session_days", "certificate_days": "reminders.certificate_days",
    "recording_retention_days": "privacy.recording_retention_days",
}


def _int_field(key: str) -> IntegerField:
    setting = SETTINGS[key]
    return IntegerField(setting.label, description=setting.help, validators=[
        InputRequired(), NumberRange(min=setting.minimum, max=setting.maximum)])


def zone_choices():
    """Common zones first, then every other zone this machine knows."""
    rest = sorted(available_zones() - set(COMMON_ZONES))
    return choices([(zone, zone) for zone in (*COMMON_ZONES, *rest)])


class SettingsForm(FlaskForm):
    """Every site setting on one page."""

    name_zh = StringField(SETTINGS["site.name_zh"].label,
                          description=SETTINGS["site.name_zh"].help,
                          validators=[Optional(), Length(max=80)])
    name_en = StringField(SETTINGS["site.name_en"].label, validators=[Optional(), Length(max=80)])
    logo = FileField(SETTINGS["site.logo"].label, description=SETTINGS["site.logo"].help)
    remove_logo = BooleanField(_l("Remove the logo"))
    default_language = SelectField(SETTINGS["site.default_language"].label,
                                   description=SETTINGS["site.default_language"].help,
                                   choices=choices([("zh", _l("Chinese")),
                                                    ("en", _l("English"))]))
    time_zone = SelectField(SETTINGS["site.time_zone"].label,
                            description=SETTINGS["site.time_zone"].help)
    password_min_length = _int_field("password.min_length")
    password_letters_and_digits = BooleanField(SETTINGS["password.letters_and_digits"].label)
    due_soon_days = _int_field("reminders.due_soon_days")
    exam_window_hours = _int_field("reminders.exam_window_hours")
    session_days = _int_field("reminders.session_days")
    certificate_days = _int_field("reminders.certificate_days")
    recording_retention_days = _int_field("privacy.recording_retention_days")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = zone_choices()

    def values(self) -> dict:
        """{setting key: value} of the submitted form (the logo aside)."""
        return {key: getattr(self, name).data for name, key in FIELDS.items()}


class TestMailForm(FlaskForm):
    """Send one test e-mail through the configured SMTP server."""

    address = EmailField(_l("Send a test e-mail to"),
                         validators=[DataRequired(), Email(), Length(max=254)])


class TestRobotForm(FlaskForm):
    """Post one test message to a department's group robot."""

    webhook = SelectField(_l("Department robot"), coerce=int, validators=[DataRequired()])
