"""Evaluation forms: file uploads for KPIs and pre/post scores, and the survey's guard."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField

from lms.formutil import choices


class UploadForm(FlaskForm):
    """Upload a CSV or XLSX file."""

    file = FileField(_l("CSV or XLSX file"), validators=[
        FileRequired(message=_l("Choose a file to upload.")),
        FileAllowed(["csv", "xlsx"], message=_l("Only .csv and .xlsx files are accepted.")),
    ])


class SurveyForm(FlaskForm):
    """The survey's CSRF token and the trainer being rated; Likert answers are read by name."""

    trainer = SelectField(_l("Trainer of this course"), default="")

    def __init__(self, *args, trainers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.trainer.choices = choices([("", "—"), *trainers])


class RunForm(FlaskForm):
    """Only the CSRF token of the "run the simulation" button (filters ride as hidden fields)."""
