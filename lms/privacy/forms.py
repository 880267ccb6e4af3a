"""Forms of the personal-data pages (each carries a CSRF token)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class GuardForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ErasureRequestForm(FlaskForm):
    """Ask for one's identity (or, as an administrator, a person's) to be erased."""

    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=2000)])
    understood = BooleanField(
        _l("I understand that the account will no longer sign in and that name, user name, "
           "employee number, e-mail and recordings are removed for good, while results stay "
           "anonymously in the statistics."),
        validators=[DataRequired(message=_l("Confirm that you understand what erasure does."))])


class DecisionForm(FlaskForm):
    """An administrator's decision on an erasure request."""

    note = TextAreaField(_l("Note to the person"), validators=[Optional(), Length(max=2000)])
