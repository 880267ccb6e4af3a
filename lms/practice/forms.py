"""Forms of the practice pages: a session, enrolling someone, attendance, checklist items."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from lms.formutil import choices
from lms.practice.checklists import MAX_COMMENT
from lms.practice.models import ATTENDANCE
from lms.practice.service import MAX_CAPACITY, MAX_PLACE, MAX_REASON


class GuardForm(FlaskForm):
    """No fields: the CSRF token of a one-button form."""


class SessionForm(FlaskForm):
    """A practice session; the day and times are local (the person's time zone)."""

    course_id = SelectField(_l("Course"), coerce=int, validators=[InputRequired()])
    #: 0 stands for "the course as a whole".
    lesson_id = SelectField(_l("Lesson"), coerce=int, default=0)
    trainer_id = SelectField(_l("Trainer"), coerce=int, validators=[InputRequired()])
    day = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends at"), validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=MAX_PLACE)])
    capacity = IntegerField(_l("Places"), default=8, validators=[
        InputRequired(), NumberRange(min=1, max=MAX_CAPACITY)])

    def validate_end_time(self, field):
        """The session ends after it starts (on the same day)."""
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(_l("The end time must be after the start time."))


class EnrolForm(FlaskForm):
    """A trainer puts a trainee on the list."""

    user_id = SelectField(_l("Trainee"), coerce=int, validators=[InputRequired()])


class CancelForm(FlaskForm):
    """Cancel a session, optionally saying why."""

    reason = StringField(_l("Reason (shown to the people enrolled)"),
                         validators=[Length(max=MAX_REASON)])


class AttendanceForm(FlaskForm):
    """One attendance tap."""

    status = SelectField(_l("Attendance"), validators=[InputRequired()], choices=choices(
        [("present", _l("Present")), ("late", _l("Late")), ("absent", _l("Absent"))]))

    def validate_status(self, field):
        """Only the three known states (the choices say so too; this names the value)."""
        if field.data not in ATTENDANCE:
            raise ValidationError(_l("Attendance must be present, late or absent."))


class MarkForm(FlaskForm):
    """One checklist item: observed or not yet, and a comment."""

    lesson_id = IntegerField(_l("Lesson"), validators=[InputRequired()])
    index = IntegerField(_l("Checklist item"), validators=[InputRequired(), NumberRange(min=0,
                                                                              max=999)])
    observed = SelectField(_l("Assessment"), validators=[InputRequired()], choices=choices(
        [("observed", _l("Observed")), ("not_yet", _l("Not yet"))]))
    comment = TextAreaField(_l("Comment"), validators=[Length(max=MAX_COMMENT)])


class WithdrawSignOffForm(FlaskForm):
    """Withdraw a sign-off: the reason is required."""

    reason = StringField(_l("Reason for withdrawing the sign-off"),
                         validators=[DataRequired(), Length(min=3, max=MAX_REASON)])
