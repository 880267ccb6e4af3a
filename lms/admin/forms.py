"""Administrator forms: a user's details and roles, and the bulk import upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import func, select
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lms.auth.models import User
from lms.extensions import db
from lms.formutil import choices

#: What a user name and an employee number may hold; the bulk import applies the same rules.
USERNAME_PATTERN = r"^[A-Za-z0-9_.-]+$"
EMPLOYEE_NO_PATTERN = r"^[A-Za-z0-9_-]+$"


def role_choices():
    """Role names with their translated labels."""
    return choices([
        ("admin", _l("Administrator")),
        ("trainer", _l("Trainer")),
        ("planner", _l("Planner")),
        ("trainee", _l("Trainee")),
        ("lead", _l("Team lead")),
    ])


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes instead of a multi-select box (easier on tablets)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    """Create or edit a user."""

    username = StringField(_l("User name"), validators=[
        DataRequired(), Length(max=64),
        Regexp(USERNAME_PATTERN, message=_l("Use letters, digits, '.', '-' and '_' only."))])
    employee_no = StringField(_l("Employee number"), validators=[
        DataRequired(), Length(max=32),
        Regexp(EMPLOYEE_NO_PATTERN, message=_l("Use letters, digits, '-' and '_' only."))])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    department = StringField(_l("Department"), validators=[Optional(), Length(max=120)])
    hired_on = DateField(_l("Hired on"), validators=[Optional()])
    locale = SelectField(_l("Language"), default="",
                         choices=choices([("", "—"), ("zh", "中文"), ("en", "English")]))
    roles = MultiCheckboxField(_l("Roles"), choices=role_choices())
    #: Choices (departments by name) are set by the page.
    led_departments = MultiCheckboxField(_l("Departments this team lead leads"), coerce=int,
                                         choices=[])
    active = BooleanField(_l("Active (may sign in)"), default=True)

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.roles.choices = role_choices()
        if self.locale.data is None:  # a user who follows the browser has no saved language
            self.locale.data = ""

    def _taken(self, column, value) -> bool:
        query = select(User.id).where(func.lower(column) == value.strip().lower())
        if self.user is not None:
            query = query.where(User.id != self.user.id)
        return db.session.scalar(query) is not None

    def validate_username(self, field):
        """User names are unique, ignoring case."""
        if self._taken(User.username, field.data):
            raise ValidationError(_l("This user name is already taken."))

    def validate_employee_no(self, field):
        """Employee numbers are unique."""
        if self._taken(User.employee_no, field.data):
            raise ValidationError(_l("Another user has this employee number."))

    def validate_roles(self, field):
        """Everyone needs at least one role, or they could not open any page."""
        if not field.data:
            raise ValidationError(_l("Choose at least one role."))

    def validate_led_departments(self, field):
        """A team lead sees only the departments they lead: at least one is needed."""
        if "lead" in (self.roles.data or []) and not field.data:
            raise ValidationError(_l("A team lead needs at least one department to lead."))


def encoding_choices():
    """Text encodings a CSV upload may be read with ('' = recognise it)."""
    return choices([("", _l("Recognise automatically")), ("utf-8", "UTF-8"),
                    ("gb18030", "GB18030 / GBK"), ("utf-16", "UTF-16")])


class DepartmentForm(FlaskForm):
    """Create or rename a department and place it under another one."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    #: ``0`` = top level; other choices (departments by name) are set by the page.
    parent = SelectField(_l("Belongs to"), coerce=int, choices=[])


class MergeForm(FlaskForm):
    """Merge one department into another: people, leads and sub-departments move."""

    into = SelectField(_l("Merge into"), coerce=int, choices=[])


class ImportForm(FlaskForm):
    """Upload a CSV or XLSX file of users."""

    file = FileField(_l("CSV or XLSX file"), validators=[
        FileRequired(message=_l("Choose a file to upload.")),
        FileAllowed(["csv", "xlsx"], message=_l("Only .csv and .xlsx files are accepted.")),
    ])
    encoding = SelectField(_l("Text encoding of a CSV file"), default="",
                           choices=encoding_choices())


class ConfirmForm(FlaskForm):
    """An empty form whose CSRF token guards a one-click action (deactivate, reset)."""
