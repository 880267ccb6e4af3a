"""Workforce forms: history upload, forecast options, special events, scenario, intraday."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.formutil import choices
from lms.workforce.models import EVENT_KINDS, METHODS
from lms.workforce.texts import EVENT_KIND_NAMES, METHOD_NAMES, QUEUE_NAMES
from simulation.forecast import MAX_HORIZON_DAYS

ENCODINGS = (("", _l("Detect")), ("utf-8", "UTF-8"), ("gb18030", "GB18030 / GBK"),
             ("utf-16", "UTF-16"))


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def queue_choices(with_file: bool = False):
    """Queue options, optionally led by "named in the file"."""
    lead = [("", _l("Named in the file's queue column"))] if with_file else []
    return choices(lead + [(k, v) for k, v in QUEUE_NAMES.items()])


class UploadForm(FlaskForm):
    """Upload a call history file."""

    file = FileField(_l("History file (CSV or XLSX)"), validators=[
        FileRequired(), FileAllowed(["csv", "xlsx"], _l("Only .csv or .xlsx files."))])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=160)])
    queue = SelectField(_l("Queue"), default="", validate_choice=True)
    encoding = SelectField(_l("Encoding of a CSV"), default="", choices=choices(ENCODINGS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queue.choices = queue_choices(with_file=True)


class SampleForm(FlaskForm):
    """Load the shipped one-year sample (only the CSRF token)."""


class ConfirmForm(FlaskForm):
    """A button that changes something (delete): only the CSRF token."""


class ForecastForm(FlaskForm):
    """Forecast options."""

    horizon_days = IntegerField(_l("Days to forecast"), default=28, validators=[
        DataRequired(), NumberRange(min=1, max=MAX_HORIZON_DAYS)])
    method = SelectField(_l("Model"), default="holt_winters",
                         choices=choices((m, METHOD_NAMES[m]) for m in METHODS))
    holdout_days = IntegerField(_l("Backtest on the last days of the history"), default=28,
                                validators=[Optional(), NumberRange(min=0, max=56)])


class EventForm(FlaskForm):
    """A special event: dates, queues and uplift factors."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), default="sales",
                       choices=choices((k, EVENT_KIND_NAMES[k]) for k in EVENT_KINDS))
    first_day = DateField(_l("First day"), validators=[DataRequired()])
    last_day = DateField(_l("Last day"), validators=[DataRequired()])
    volume_factor = FloatField(_l("Calls × (1.5 = half as many again)"), default=1.2,
                               validators=[DataRequired(), NumberRange(min=0.05, max=20)])
    aht_factor = FloatField(_l("Handle time ×"), default=1.0,
                            validators=[DataRequired(), NumberRange(min=0.2, max=5)])
    queues = MultiCheckboxField(_l("Queues (none ticked: every queue)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queues.choices = queue_choices()

    def validate_last_day(self, field) -> None:
        """The event cannot end before it starts, nor last more than a year."""
        first = self.first_day.data
        if first and field.data:
            if field.data < first:
                raise ValidationError(_l("The last day is before the first day."))
            if (field.data - first).days > 366:
                raise ValidationError(_l("An event lasts at most a year."))


class ScenarioForm(FlaskForm):
    """Make a planning scenario from a window of the forecast."""

    name = StringField(_l("Name of the scenario"), validators=[DataRequired(),
                                                               Length(max=160)])
    base = SelectField(_l("Take groups, staffing and caller behaviour from"))
    first_day = SelectField(_l("First day"))
    days = IntegerField(_l("Days (1 to 31)"), default=7, validators=[
        DataRequired(), NumberRange(min=1, max=31)])


class IntradayForm(FlaskForm):
    """Today's actuals so far: typed lines or a file."""

    queue = SelectField(_l("Queue"))
    day = SelectField(_l("Day"))
    actuals = TextAreaField(_l("Actuals so far: one interval per line, “HH:MM, calls, AHT "
                               "seconds” (AHT may be left out)"), validators=[Optional()])
    file = FileField(_l("…or import a CSV/XLSX with interval_start, offered, aht"),
                     validators=[Optional(), FileAllowed(["csv", "xlsx"],
                                                         _l("Only .csv or .xlsx files."))])
