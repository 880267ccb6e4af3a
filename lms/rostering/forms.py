"""Forms of the rostering pages."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField
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
