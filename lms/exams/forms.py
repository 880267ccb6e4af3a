"""Forms of the exams feature: bank import and editing, exam settings, grading, certificates."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from lms.exams.models import REVIEW_MOMENTS, REVIEW_PARTS
from lms.formutil import choices

#: Lower-case letters, digits and dashes; ``\Z`` so a trailing newline is not let through.
KEY_RULE = Regexp(r"^[a-z0-9-]+\Z", message=_l("Use lower-case letters, digits and dashes."))
#: Longest text accepted in the exam form's question and assignment boxes.
PLAN_TEXT_LIMIT = 20_000


class ConfirmForm(FlaskForm):
    """An empty form: a button that posts with a CSRF token."""


def language_choices():
    """The two content languages."""
    return choices([("zh", _l("Chinese")), ("en", _l("English"))])


class ImportForm(FlaskForm):
    """Upload a question file for preview."""

    file = FileField(_l("Question file"), validators=[FileRequired()])
    format = SelectField(_l("Format"), choices=choices([
        ("gift", "GIFT"), ("xml", "Moodle XML"), ("yaml", _l("YAML (native bank)")),
        ("csv", _l("CSV (single/multiple choice)"))]))
    language = SelectField(_l("Language of the file"), choices=language_choices())
    category = StringField(_l("Category for questions without one"), default="imported",
                           validators=[Length(max=200)])


class QuestionForm(FlaskForm):
    """A question's definition in the native YAML format (saving adds a version)."""

    definition = TextAreaField(_l("Definition (native YAML)"), validators=[DataRequired()])
    note = StringField(_l("What changed"), validators=[Length(max=200)])


class DrawRowForm(Form):
    """One random-draw rule: how many questions from where, and what each is worth."""

    count = IntegerField(_l("How many"), validators=[Optional(), NumberRange(min=1, max=200)])
    category = SelectField(_l("From the category (and below)"), choices=[],
                           validate_choice=False)
    difficulty = SelectField(_l("Difficulty"), choices=choices([
        ("", _l("any")), ("easy", _l("easy")), ("medium", _l("medium")), ("hard", _l("hard"))]),
        validate_choice=False)
    tags = StringField(_l("With every one of the tags (comma-separated)"),
                       validators=[Length(max=500)])
    mark = FloatField(_l("Mark of each question"),
                      validators=[Optional(), NumberRange(min=0.01, max=1000)])


class ExamForm(FlaskForm):
    """An exam's settings, questions, review options and assignment.

    Every text box has a length limit; a box missing from the post counts as empty.
    """

    slug = StringField(_l("Reference key"), validators=[DataRequired(), Length(max=80),
                                                         KEY_RULE])
    title_zh = StringField(_l("Title (Chinese)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    pass_mark = IntegerField(_l("Pass mark (%)"), default=60,
                             validators=[NumberRange(min=0, max=100)])
    time_limit_minutes = IntegerField(_l("Time limit (minutes, empty = none)"),
                                      validators=[Optional(), NumberRange(min=1, max=600)])
    opens_at = DateTimeLocalField(_l("Opens (local time)"), validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes (local time)"), validators=[Optional()])
    attempts_allowed = IntegerField(_l("Attempts allowed (0 = unlimited)"), default=1,
                                    validators=[NumberRange(min=0, max=50)])
    grading_method = SelectField(_l("Grading method"), choices=choices([
        ("highest", _l("Highest attempt")), ("last", _l("Last attempt")),
        ("average", _l("Average of attempts"))]))
    test_kind = SelectField(_l("Kind"), choices=choices([
        ("exam", _l("Exam")), ("pre_test", _l("Pre-test")), ("post_test", _l("Post-test"))]))
    pairing_key = StringField(_l("Pre/post pairing key"), default="",
                              validators=[Length(max=80)])
    questions_per_page = IntegerField(_l("Questions per page"), default=5,
                                      validators=[NumberRange(min=1, max=100)])
    shuffle_questions = BooleanField(_l("Shuffle questions"))
    shuffle_options = BooleanField(_l("Shuffle options"), default=True)
    fixed_keys = TextAreaField(_l("Fixed questions (one key per line)"), default="",
                               validators=[Length(max=PLAN_TEXT_LIMIT)])
    draws = TextAreaField(_l("Random draws (one per line: count category [difficulty] "
                             "[tag,tag])"), default="", validators=[Length(max=PLAN_TEXT_LIMIT)])
    departments = StringField(_l("Assign to departments (comma-separated)"), default="",
                              validators=[Length(max=PLAN_TEXT_LIMIT)])
    employees = StringField(_l("Assign to employee numbers (comma-separated)"), default="",
                            validators=[Length(max=PLAN_TEXT_LIMIT)])
    draw_rows = FieldList(FormField(DrawRowForm), label=_l("Random draw"), min_entries=0,
                          max_entries=40)
    user_ids = SelectMultipleField(_l("People"), coerce=int, validate_choice=False)
    department_ids = SelectMultipleField(_l("Departments"), coerce=int, validate_choice=False)
    confirm_change = BooleanField(_l("Change the questions anyway: attempts already made keep "
                                     "theirs, new attempts get the new ones"))


for _moment in REVIEW_MOMENTS:
    for _part in REVIEW_PARTS:
        setattr(ExamForm, f"review_{_moment}_{_part}", BooleanField(f"{_moment}:{_part}"))


class ExtensionForm(FlaskForm):
    """Extra minutes for one attempt or every running attempt of an exam, and why."""

    minutes = IntegerField(_l("Extra minutes"), validators=[
        DataRequired(), NumberRange(min=1, max=600)])
    reason = StringField(_l("Reason (e.g. network outage 10:05-10:20)"), validators=[
        DataRequired(), Length(max=500)])


class OverrideForm(FlaskForm):
    """Own settings of one exam for one person or department; times in local time."""

    target = SelectField(_l("For"), choices=[], validate_choice=False,
                         validators=[DataRequired()])
    extra_minutes = IntegerField(_l("Extra minutes on the time limit"),
                                 validators=[Optional(), NumberRange(min=0, max=600)])
    extra_attempts = IntegerField(_l("Extra attempts"),
                                  validators=[Optional(), NumberRange(min=0, max=20)])
    opens_at = DateTimeLocalField(_l("Own opening time (local time)"), validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Own closing time (local time)"), validators=[Optional()])
    reason = StringField(_l("Reason (the trainee reads it)"), validators=[
        DataRequired(), Length(max=500)])


class RemoveOverrideForm(FlaskForm):
    """Remove an override, saying why."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ReopenForm(FlaskForm):
    """Reopen a closed attempt for some minutes from now, saying why."""

    minutes = IntegerField(_l("Minutes it stays open"), validators=[
        DataRequired(), NumberRange(min=1, max=600)])
    reason = StringField(_l("Reason (the trainee reads it)"), validators=[
        DataRequired(), Length(max=500)])


class MarkOverrideForm(FlaskForm):
    """A trainer's score for an attempt or one question (percent), saying why."""

    score = FloatField(_l("Score (%)"), validators=[
        InputRequired(), NumberRange(min=0, max=100)])
    reason = StringField(_l("Reason (the trainee reads it)"), validators=[
        DataRequired(), Length(max=500)])


class ManualGradeForm(FlaskForm):
    """A trainer's grade for an essay: a percentage and a comment."""

    comment = TextAreaField(_l("Comment for the trainee"), validators=[Length(max=4000)])


class ValidityForm(FlaskForm):
    """Validity period of the certificates of one course or learning path."""

    #: ``course:<id>`` or ``path:<id>``; the choices (titles) are set by the page.
    subject = SelectField(_l("Course or learning path"), choices=[], validate_choice=True)
    validity_days = IntegerField(_l("Valid for (days, empty = no expiry)"),
                                 validators=[Optional(), NumberRange(min=1, max=3650)])


class OptionForm(Form):
    """One option of a choice question (both languages, credit and feedback)."""

    text_zh = StringField(_l("Option (Chinese)"), validators=[Length(max=500)])
    text_en = StringField(_l("Option (English)"), validators=[Length(max=500)])
    percent = IntegerField(_l("Credit (%)"), default=0,
                           validators=[Optional(), NumberRange(min=-100, max=100)])
    feedback_zh = StringField(_l("Feedback (Chinese)"), validators=[Length(max=1000)])
    feedback_en = StringField(_l("Feedback (English)"), validators=[Length(max=1000)])


class ChoiceQuestionForm(FlaskForm):
    """A single- or multiple-choice question as a form."""

    key = StringField(_l("Key"), validators=[
        DataRequired(), Length(max=80),
        Regexp(r"^[a-z0-9-]+$", message=_l("Use lower-case letters, digits and dashes."))])
    type = SelectField(_l("Type"), choices=choices([
        ("single_choice", _l("Single choice")), ("multiple_choice", _l("Multiple choice"))]))
    category = StringField(_l("Category"), validators=[DataRequired(), Length(max=200)])
    curriculum = SelectField(_l("Curriculum"), choices=choices([
        ("service_standards", _l("Service standards")),
        ("technical_skills", _l("Technical skills")),
        ("service_awareness", _l("Service awareness")),
        ("emergency_handling", _l("Emergency handling"))]))
    difficulty = SelectField(_l("Difficulty"), choices=choices([
        ("easy", _l("easy")), ("medium", _l("medium")), ("hard", _l("hard"))]))
    tags = StringField(_l("Tags (comma-separated)"))
    text_zh = TextAreaField(_l("Question (Chinese)"), validators=[DataRequired()])
    text_en = TextAreaField(_l("Question (English)"), validators=[DataRequired()])
    feedback_zh = TextAreaField(_l("Why (Chinese)"))
    feedback_en = TextAreaField(_l("Why (English)"))
    options = FieldList(FormField(OptionForm), min_entries=6, max_entries=8)
    note = StringField(_l("What changed"), validators=[Length(max=200)])
