"""Forms of the course pages: authoring the course tree, paths, imports, assignment.

Slugs, refs and video links follow the bundle format (``lms/courses/content/README.md``) so
whatever a trainer builds in the browser can be exported and imported again.
"""


from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from lms.formutil import choices

SLUG_RULE = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                   message=_l("Use lower-case letters, digits and single hyphens, "
                              "e.g. callback-basics."))
KEY_RULE = Regexp(r"^[a-z0-9]+(?:_[a-z0-9]+)*$",
                  message=_l("Use lower-case letters, digits and single underscores."))


def mode_choices():
    """Delivery modes with their labels."""
    return choices([("online", _l("Online")), ("offline_practice", _l("Offline practice"))])


def path_kind_choices():
    """Learning path kinds with their labels."""
    return choices([("onboarding", _l("Onboarding")),
                    ("in_service_template", _l("In-service template")),
                    ("custom", _l("Custom"))])


class BilingualTitle:
    """Mixin: a title in Chinese and English."""

    title_zh = StringField(_l("Title (Chinese)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])


class CurriculumForm(FlaskForm, BilingualTitle):
    """Create or rename a curriculum."""

    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=64), KEY_RULE])


class CourseForm(FlaskForm, BilingualTitle):
    """A course's details and completion rule."""

    slug = StringField(_l("Slug"), validators=[DataRequired(), Length(max=80), SLUG_RULE])
    curriculum = SelectField(_l("Curriculum"), coerce=int)
    summary_zh = TextAreaField(_l("Summary (Chinese)"), validators=[DataRequired()])
    summary_en = TextAreaField(_l("Summary (English)"), validators=[DataRequired()])
    delivery_mode = SelectField(_l("Delivery mode"), choices=mode_choices())
    planned_hours = FloatField(_l("Planned hours"), validators=[
        DataRequired(), NumberRange(min=0, max=1000)])
    require_lessons = BooleanField(_l("All lessons viewed"), default=True)
    require_exam = BooleanField(_l("Required exam passed"))
    require_drill = BooleanField(_l("Required drill scored"))


class ModuleForm(FlaskForm, BilingualTitle):
    """A module's slug and title."""

    slug = StringField(_l("Slug"), validators=[DataRequired(), Length(max=80), SLUG_RULE])


class LessonForm(FlaskForm, BilingualTitle):
    """A lesson: texts in both languages, video link, checklist and case study."""

    slug = StringField(_l("Slug"), validators=[DataRequired(), Length(max=80), SLUG_RULE])
    planned_minutes = IntegerField(_l("Planned minutes"), default=30,
                                   validators=[DataRequired(), NumberRange(min=1, max=6000)])
    video_url = StringField(_l("Video link"), validators=[
        Optional(), Length(max=500),
        Regexp(r"^https?://[^\s<>\"']+$", message=_l("Use an http:// or https:// address."))])
    body_zh = TextAreaField(_l("Lesson text (Chinese, Markdown)"), validators=[DataRequired()])
    body_en = TextAreaField(_l("Lesson text (English, Markdown)"), validators=[DataRequired()])
    checklist_zh = TextAreaField(_l("Checklist (Chinese, one step per line)"))
    checklist_en = TextAreaField(_l("Checklist (English, one step per line)"))
    case_zh = TextAreaField(_l("Case study (Chinese, Markdown)"))
    case_en = TextAreaField(_l("Case study (English, Markdown)"))

    def validate_checklist_en(self, field):
        """Step i in Chinese is step i in English, so both lists have the same length."""
        if len(lines(self.checklist_zh.data)) != len(lines(field.data)):
            raise ValidationError(_l("The Chinese and English checklists need the same number "
                                     "of steps."))

    def validate_case_en(self, field):
        """A case study is written in both languages or not at all."""
        if bool((self.case_zh.data or "").strip()) != bool((field.data or "").strip()):
            raise ValidationError(_l("Write the case study in both languages, or leave both "
                                     "empty."))


def lines(text: str | None) -> list[str]:
    """Non-empty stripped lines of a text area."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ActivityForm(FlaskForm):
    """What a course asks for elsewhere: picked from what exists, never typed.

    The picker's choices (``references.picker_choices``) are set by the view; the title is the
    owning feature's, so the activity is called the same everywhere.
    """

    ref = SelectField(_l("Activity"), validate_choice=False, validators=[
        DataRequired(message=_l("Choose what the course asks for."))])
    delivery_mode = SelectField(_l("Delivery mode"), choices=mode_choices())
    planned_hours = FloatField(_l("Planned hours"), default=0,
                               validators=[Optional(), NumberRange(min=0, max=1000)])
    required = BooleanField(_l("Required for completion"), default=True)

    def set_picker(self, current: str | None = None) -> None:
        """Offer everything a course can refer to, grouped by kind, titles in the page's
        language (a stored reference that names nothing stays listed, marked)."""
        from lms.courses.references import picker_choices

        self.ref.choices = [SelectChoice("", str(_l("Choose…")))] + [
            SelectChoice(ref, title, optgroup=group)
            for ref, title, group in picker_choices(current)]

    def validate_ref(self, field):
        """The reference must name something that exists (the message says what is known)."""
        from flask_babel import get_locale

        from lms.courses.references import message

        why = message(field.data or "", None, str(get_locale() or "zh"))
        if why:
            raise ValidationError(why)


class PathForm(FlaskForm, BilingualTitle):
    """A learning path's details."""

    slug = StringField(_l("Slug"), validators=[DataRequired(), Length(max=80), SLUG_RULE])
    kind = SelectField(_l("Kind"), choices=path_kind_choices())
    summary_zh = TextAreaField(_l("Summary (Chinese)"), validators=[DataRequired()])
    summary_en = TextAreaField(_l("Summary (English)"), validators=[DataRequired()])
    planned_hours = FloatField(_l("Planned hours"), validators=[
        DataRequired(), NumberRange(min=0, max=1000)])


class PathItemForm(FlaskForm):
    """Add a course to a path."""

    course = SelectField(_l("Course"), coerce=int)


class AssetForm(FlaskForm):
    """Upload an image or attachment for a course's lessons."""

    file = FileField(_l("Image or PDF"), validators=[
        FileRequired(message=_l("Choose a file to upload."))])


class ImportForm(FlaskForm):
    """Upload a course zip."""

    file = FileField(_l("Course zip"), validators=[
        FileRequired(message=_l("Choose a file to upload."))])


class ConfirmImportForm(FlaskForm):
    """Confirm an import that was previewed."""

    token = StringField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}\Z")])


class AssignForm(FlaskForm):
    """Assign a course or path to people with a due date."""

    item = SelectField(_l("Course or path"))
    target = RadioField(_l("Assign to"), default="department", choices=choices([
        ("department", _l("A department")), ("users", _l("Chosen people")),
        ("new_hires", _l("All new hires (hired in the last 90 days)"))]))
    department = SelectField(_l("Department"), coerce=int, validators=[Optional()])
    users = SelectMultipleField(_l("People"), coerce=int, validators=[Optional()])
    due_on = DateField(_l("Due date"), validators=[DataRequired()])

    def validate_users(self, field):
        """Choosing people means choosing at least one."""
        if self.target.data == "users" and not field.data:
            raise ValidationError(_l("Choose at least one person."))

    def validate_department(self, field):
        """Assigning to a department needs the department."""
        if self.target.data == "department" and not field.data:
            raise ValidationError(_l("Choose a department."))


class PrerequisiteForm(FlaskForm):
    """Course B opens when course A is complete."""

    course = SelectField(_l("Course"), coerce=int)
    required_course = SelectField(_l("Opens after"), coerce=int)


class ConfirmForm(FlaskForm):
    """An empty form whose CSRF token guards a one-click action."""


class InServiceMonthForm(FlaskForm):
    """Plan a month of in-service training from the template: the month, one course per slot.

    The slot fields are added by `in_service_month_form`, one per topic slot of the template.
    """

    month = StringField(_l("Month (YYYY-MM)"), validators=[
        DataRequired(), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$",
                               message=_l("Write the month as YYYY-MM, e.g. 2026-12."))])


def slot_field_name(slot_slug: str) -> str:
    """The form field holding the course chosen for a slot."""
    return "slot_" + slot_slug.replace("-", "_")


def in_service_month_form(slots: list[dict], course_choices: list, labels: dict[str, str],
                          **kwargs) -> InServiceMonthForm:
    """An `InServiceMonthForm` with a course choice for each slot (labels by slot slug)."""

    class MonthForm(InServiceMonthForm):
        pass

    for slot in slots:
        setattr(MonthForm, slot_field_name(slot["slug"]), SelectField(
            labels[slot["slug"]], coerce=int, choices=list(course_choices),
            validators=[DataRequired(message=_l("Choose a course for this topic."))]))
    return MonthForm(**kwargs)
