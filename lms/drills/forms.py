"""Trainer form to schedule a drill for one trainee or a whole department."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, HiddenField, IntegerField, SelectField
from wtforms.validators import AnyOf, DataRequired, NumberRange, Optional, ValidationError


class ScheduleForm(FlaskForm):
    """Scenario, who drills it, and how fast the clock runs."""

    scenario_id = SelectField(_l("Scenario"), choices=[], validators=[DataRequired()])
    trainee_id = SelectField(_l("Trainee"), choices=[], coerce=int, validators=[Optional()])
    department_id = SelectField(_l("…or every trainee of a department"), choices=[],
                                coerce=int, validators=[Optional()])
    compression = FloatField(_l("Time compression (simulated seconds per real second)"),
                             default=60.0, validators=[DataRequired(),
                                                       NumberRange(min=1, max=3600)])
    seed = IntegerField(_l("Random seed (empty: a new one)"), validators=[
        Optional(), NumberRange(min=1, max=2**31 - 1)])

    def validate_trainee_id(self, field):
        """Exactly one of trainee and department."""
        if bool(field.data) == bool(self.department_id.data):
            raise ValidationError(_l("Choose either one trainee or one department."))


class RoomCommandForm(FlaskForm):
    """Control room: pause, resume, or inject one of the events the drill allows."""

    command = HiddenField(validators=[DataRequired(), AnyOf(("pause", "resume", "inject"))])
    code = SelectField(_l("Event to inject"), choices=[], validators=[Optional()])

    def validate_code(self, field):
        """An inject names its event."""
        if self.command.data == "inject" and not field.data:
            raise ValidationError(_l("Choose the event to inject."))
