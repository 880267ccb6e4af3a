"""Role-play forms: recording a performance, and the CSRF guard of the hand-built forms.

The rubric builder and the scoring form have a shape that depends on the rubric, so their
fields are read by ``lms.roleplay.builder`` and ``lms.roleplay.service``; ``GuardForm`` gives
them the CSRF token.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired

from lms.formutil import choices


class GuardForm(FlaskForm):
    """Only the CSRF token; the page's other fields are read by the service."""


class PerformanceForm(FlaskForm):
    """Schedule or record a trainee's performance of a card."""

    card = SelectField(_l("Role-play card"), validators=[DataRequired()])
    trainee = SelectField(_l("Trainee"), validators=[DataRequired()])
    rubric = SelectField(_l("Rubric"), default="")
    performed_on = DateField(_l("Date"), default=date.today, validators=[DataRequired()])
    recording = FileField(_l("Recording (optional, audio or video)"))

    def __init__(self, *args, cards=(), trainees=(), rubrics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.card.choices = choices(cards)
        self.trainee.choices = choices(trainees)
        self.rubric.choices = choices([("", _l("The card's own rubric")), *rubrics])
