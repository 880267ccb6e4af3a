"""Forms of the rostering pages."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget


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
