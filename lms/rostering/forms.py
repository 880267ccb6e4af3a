"""Forms of the rostering pages."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from lms.formutil import choices


class MultiCheckboxField(SelectMultipleField):
    """Several choices as check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def next_monday() -> date:
    """The coming Monday (today when it is one)."""
    today = date.today()
    return today + timedelta(days=(7 - today.weekday()) % 7)


class PlanForm(FlaskForm):
    """A new shift plan: requirement, templates, whose people, when."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    source = SelectField(_l("Requirement"), validators=[DataRequired()])
    templates = MultiCheckboxField(_l("Shift templates"), validators=[DataRequired()])
    department = SelectField(_l("Roster the people of"), coerce=int)
    starts_on = DateField(_l("First day"), default=next_monday, validators=[DataRequired()])
    time_limit = IntegerField(_l("Solver seconds"), default=20,
                              validators=[DataRequired(), NumberRange(min=1, max=120)])


class GuardForm(FlaskForm):
    """No fields: the CSRF token of a one-button form."""


class ContractForm(FlaskForm):
    """One person's contract and skill groups (the choices are set by the page)."""

    kind = SelectField(_l("Contract"), choices=choices([("full_time", _l("Full time")),
                                                        ("part_time", _l("Part time"))]))
    min_hours = IntegerField(_l("Hours a week, at least"),
                             validators=[InputRequired(), NumberRange(min=0, max=60)])
    max_hours = IntegerField(_l("Hours a week, at most"),
                             validators=[InputRequired(), NumberRange(min=1, max=60)])
    max_days = IntegerField(_l("Days a week, at most"),
                            validators=[InputRequired(), NumberRange(min=1, max=7)])
    max_consecutive_days = IntegerField(_l("Days in a row, at most"),
                                        validators=[InputRequired(), NumberRange(min=1, max=7)])
    groups = MultiCheckboxField(_l("Skill groups"))


class DayOffForm(FlaskForm):
    """Ask for a day off."""

    day = DateField(_l("Day"), validators=[DataRequired()])
    reason = StringField(_l("Reason (optional)"), validators=[Length(max=200)])


class DecisionForm(FlaskForm):
    """Approve or decline a request (two buttons of one form)."""

    decision = SelectField(_l("Decision"), choices=choices([("approve", _l("Approve")),
                                                            ("decline", _l("Decline"))]))


WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
            _l("Saturday"), _l("Sunday"))


def _hhmm(form, field) -> None:
    """HH:MM in 00:00-23:59 on a half-hour step's grid of minutes."""
    text = (field.data or "").strip()
    parts = text.split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or int(parts[0]) > 23 \
            or int(parts[1]) > 59:
        raise ValidationError(_l("Write the time as HH:MM, for example 08:30."))


def minutes_of(text: str) -> int:
    """Minutes after midnight of a checked HH:MM text."""
    hours, minutes = text.strip().split(":")
    return int(hours) * 60 + int(minutes)


class TemplateForm(FlaskForm):
    """A planner's own shift template."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    start_earliest = StringField(_l("Earliest start (HH:MM)"), default="08:00",
                                 validators=[DataRequired(), _hhmm])
    start_latest = StringField(_l("Latest start (HH:MM)"), default="09:00",
                               validators=[DataRequired(), _hhmm])
    step = SelectField(_l("Starts every"), coerce=int, default=30,
                       choices=choices([(15, _l("15 minutes")), (30, _l("30 minutes")),
                                        (60, _l("hour"))]))
    length_hours = DecimalField(_l("Length in hours, breaks included"), places=1, default=9,
                                validators=[InputRequired(), NumberRange(min=2, max=13)])
    lunch = SelectField(_l("Unpaid lunch"), coerce=int, default=30,
                        choices=choices([(0, _l("none")), (30, _l("30 minutes")),
                                         (45, _l("45 minutes")), (60, _l("60 minutes"))]))
    lunch_after = DecimalField(_l("Lunch from hours after the start"), places=1, default=3,
                               validators=[InputRequired(), NumberRange(min=1, max=10)])
    short_break = BooleanField(_l("A paid 15-minute break in the first half"), default=True)
    weekdays = MultiCheckboxField(_l("Weekdays"), coerce=int,
                                  choices=choices(list(enumerate(WEEKDAYS))),
                                  default=list(range(7)))
    cost_per_hour = DecimalField(_l("Cost per paid hour (1 = a normal hour)"), places=2,
                                 default=1, validators=[InputRequired(),
                                                        NumberRange(min=0.1, max=5)])
