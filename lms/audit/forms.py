"""The audit log's filter form (a GET form: it changes nothing, so it carries no token)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from lms.audit.tracked import VERBS, kind_labels
from lms.formutil import choices


def _by_name(labels: dict) -> list[tuple]:
    """``(key, label)`` pairs sorted by the label a person reads."""
    return sorted(labels.items(), key=lambda pair: str(pair[1]))


class AuditFilterForm(FlaskForm):
    """Who, what, which kind of object, between which local dates."""

    class Meta:
        csrf = False

    who = StringField(_l("Who"), validators=[Optional(), Length(max=120)])
    verb = SelectField(_l("Action"), validators=[Optional()])
    kind = SelectField(_l("Object kind"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _l("All"))]
        self.verb.choices = choices(everything + _by_name(VERBS))
        self.kind.choices = choices(everything + _by_name(kind_labels()))

    def validate_until(self, field):
        """The end date may not lie before the start date."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date lies before the start date."))
