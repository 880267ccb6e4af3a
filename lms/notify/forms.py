"""Forms: a person's channel choices per kind, a department's group robot, one-click guards."""

from __future__ import annotations

import urllib.parse

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lms.extensions import db
from lms.formutil import choices
from lms.notify.kinds import KINDS, EventKind
from lms.notify.models import DepartmentWebhook

EMAIL_LABELS = (("off", _l("No e-mail")), ("now", _l("E-mail at once")),
                ("digest", _l("In the daily digest")))
PROVIDER_LABELS = (("wecom", _l("WeCom (企业微信) group robot")),
                   ("dingtalk", _l("DingTalk (钉钉) group robot")))
LANGUAGE_LABELS = (("zh", "中文"), ("en", "English"))


class GuardForm(FlaskForm):
    """No fields: the CSRF token of a one-button form."""


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes instead of a multi-select box."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def field_name(channel: str, kind: EventKind) -> str:
    """The form field of one kind on one channel."""
    return f"{channel}__{kind.key}"


def preferences_form(kinds: list[EventKind], with_robot: bool, **kwargs) -> FlaskForm:
    """A form with, per kind: in-app on/off, the e-mail mode, and the group robot on/off."""

    class PreferencesForm(FlaskForm):
        """Which notices arrive where."""

    for kind in kinds:
        setattr(PreferencesForm, field_name("in_app", kind),
                BooleanField(_l("In the app")))
        setattr(PreferencesForm, field_name("email", kind),
                SelectField(_l("E-mail"), choices=choices(EMAIL_LABELS), default="now"))
        if with_robot:
            setattr(PreferencesForm, field_name("webhook", kind),
                    BooleanField(_l("Team group")))
    return PreferencesForm(**kwargs)


def robot_address(value: str) -> bool:
    """Whether ``value`` is an http(s) address with a host (a robot's webhook address)."""
    parts = urllib.parse.urlsplit(value or "")
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class WebhookForm(FlaskForm):
    """A department's group robot."""

    department_id = SelectField(_l("Department"), coerce=int, validators=[InputRequired()])
    provider = SelectField(_l("Service"), choices=choices(PROVIDER_LABELS),
                           validators=[InputRequired()])
    url = StringField(_l("Robot address (webhook URL)"),
                      validators=[DataRequired(), Length(max=500)])
    secret = PasswordField(_l("Signing secret (DingTalk, optional)"),
                           validators=[Optional(), Length(max=200)])
    clear_secret = BooleanField(_l("Remove the stored secret"))
    language = SelectField(_l("Language of the posts"), choices=choices(LANGUAGE_LABELS),
                           default="zh")
    kinds = MultiCheckboxField(_l("Relay these notices to the group"), choices=choices(
        [(kind.key, kind.label) for kind in KINDS.values()]),
        default=[k.key for k in KINDS.values() if k.webhook_default])
    enabled = BooleanField(_l("Enabled"), default=True)

    def __init__(self, *args, editing: DepartmentWebhook | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def validate_url(self, field):
        """A robot address is an http(s) address."""
        if not robot_address(field.data):
            raise ValidationError(_l("Enter the robot's address as the group settings show "
                                     "it, starting with https://."))

    def validate_provider(self, field):
        """One robot per service and department."""
        known = {value for value, _label in (self.department_id.choices or [])}
        if self.department_id.data not in known:
            return  # the department field itself says what is wrong
        query = select(DepartmentWebhook.id).where(
            DepartmentWebhook.department_id == self.department_id.data,
            DepartmentWebhook.provider == field.data)
        if self.editing is not None:
            query = query.where(DepartmentWebhook.id != self.editing.id)
        if db.session.scalar(query):
            raise ValidationError(_l("This department has a robot of this service already; "
                                     "edit that one."))
