"""The callback survey form: the four callback questions, as asked on the phone."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from lms.auth.models import utcnow
from lms.formutil import choices
from lms.i18n import to_local, to_utc

SCALE = choices([(5, _l("5 · very satisfied")), (4, _l("4 · satisfied")), (3, _l("3 · average")),
                 (2, _l("2 · dissatisfied")), (1, _l("1 · very dissatisfied"))])
PROFESSIONAL = choices([(5, _l("5 · very professional")), (4, _l("4 · professional")),
                        (3, _l("3 · acceptable")), (2, _l("2 · not very professional")),
                        (1, _l("1 · not professional"))])


class CallbackForm(FlaskForm):
    """One callback: whose case, which case, when, and the customer's four answers."""

    handler_id = SelectField(_l("Whose case"), coerce=int, validators=[DataRequired()])
    case_ref = StringField(_l("Case number"), validators=[DataRequired(), Length(max=60)])
    called_at = DateTimeLocalField(_l("Called back at (your local time)"),
                                   validators=[DataRequired()])
    solved = RadioField(_l("Was the problem solved?"),
                        choices=choices([("yes", _l("Yes")), ("no", _l("No"))]),
                        validators=[InputRequired()])
    professional = RadioField(_l("Was our staff professional?"), coerce=int,
                              choices=PROFESSIONAL, validators=[InputRequired()])
    satisfied = RadioField(_l("How satisfied are you overall?"), coerce=int, choices=SCALE,
                           validators=[InputRequired()])
    improve = TextAreaField(_l("Anything we should improve? (the customer's words)"),
                            validators=[Length(max=500)])

    def validate_called_at(self, field):
        """A callback already made: not in the future."""
        if field.data is not None and to_utc(field.data) > utcnow():
            raise ValidationError(_l("A callback is recorded after it was made."))

    @staticmethod
    def now_local() -> datetime:
        """Now, in the person's zone, to the minute (the form's default)."""
        return to_local(utcnow()).replace(second=0, microsecond=0)
