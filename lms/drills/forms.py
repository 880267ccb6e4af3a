"""Trainer forms: a drill for one trainee or a department, a team drill with roles."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
)
from wtforms.validators import AnyOf, DataRequired, NumberRange, Optional, ValidationError

from lms.auth.models import utcnow
from lms.i18n import to_utc


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
    starts_at = DateTimeLocalField(_l("When (your local time; empty: whenever the trainee is "
                                      "ready)"), validators=[Optional()])

    def validate_starts_at(self, field):
        """An appointment lies ahead."""
        if field.data is not None and to_utc(field.data) < utcnow():
            raise ValidationError(_l("Choose a time from now on."))

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


#: Rows of the team form (a duty supervisor, a communications officer, a dispatcher and a
#: shift lead for each of the four queues fit).
TEAM_ROWS = 7


class MemberForm(FlaskForm):
    """One row of the team: a trainee and their role."""

    class Meta:
        csrf = False

    trainee_id = SelectField(_l("Trainee"), choices=[], coerce=int, validators=[Optional()])
    role = SelectField(_l("Role"), choices=[], validators=[Optional()])

    def validate_trainee_id(self, field):
        """A trainee needs a role and a role needs a trainee."""
        if bool(field.data) != bool(self.role.data):
            raise ValidationError(_l("Give each chosen trainee a role."))


class TeamForm(FlaskForm):
    """Scenario, clock speed and the team of a team drill."""

    scenario_id = SelectField(_l("Scenario"), choices=[], validators=[DataRequired()])
    compression = FloatField(_l("Time compression (simulated seconds per real second)"),
                             default=60.0, validators=[DataRequired(),
                                                       NumberRange(min=1, max=3600)])
    seed = IntegerField(_l("Random seed (empty: a new one)"), validators=[
        Optional(), NumberRange(min=1, max=2**31 - 1)])
    members = FieldList(FormField(MemberForm), min_entries=TEAM_ROWS, max_entries=TEAM_ROWS)
    starts_at = DateTimeLocalField(_l("When (your local time; empty: whenever the trainee is "
                                      "ready)"), validators=[Optional()])

    def validate_starts_at(self, field):
        """An appointment lies ahead."""
        if field.data is not None and to_utc(field.data) < utcnow():
            raise ValidationError(_l("Choose a time from now on."))



class AddParticipantForm(FlaskForm):
    """Control room: add a trainee with a role to a running team drill."""

    trainee_id = SelectField(_l("Trainee"), choices=[], coerce=int, validators=[DataRequired()])
    role = SelectField(_l("Role"), choices=[], validators=[DataRequired()])
