"""Planner forms: scenario general fields, queues, groups and events; YAML; runs; import.

Number inputs are text fields on purpose: the scenario loader judges every value, so a
form and a YAML file reject exactly the same things with the same message. ``to_dict``
writes a form into the loader's canonical dict, and ``FIELD_KEYS`` maps each loader key
path back to the form field where its error is shown.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import FieldList
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from lms.formutil import choices


class QueueForm(Form):
    """One queue's main figures."""

    name = HiddenField()
    calls_per_day = StringField(_l("Calls per day"))
    handle_mean = StringField(_l("Mean handle time (s)"))
    patience_mean = StringField(_l("Mean patience (s, empty = callers never hang up)"))
    sl_percent = StringField(_l("Service level target (%)"))
    sl_seconds = StringField(_l("… answered within (s)"))
    escalation_probability = StringField(_l("Share escalated to technicians"))


class GroupForm(Form):
    """One agent group's proficiency and reserves."""

    name = HiddenField()
    handle_time_factor = StringField(_l("Handle-time factor"))
    first_contact_resolution = StringField(_l("First-contact resolution"))
    reserve_staff = StringField(_l("Reserve staff"))
    shrinkage = StringField(_l("Shrinkage"))


class EventForm(Form):
    """One emergency event's timing and strength."""

    type = HiddenField()
    start_hour = StringField(_l("Starts at hour"))
    end_hour = StringField(_l("Ends at hour"))
    magnitude = StringField(_l("Strength"))
    queue = SelectField(_l("Queue that surges"), choices=[], validate_choice=False)


#: The key of each event type's strength field, and how it is labelled.
EVENT_MAGNITUDE = {"group_complaint_surge": "peak_multiplier",
                   "quality_recall": "volume_multiplier",
                   "disaster": "staff_availability"}


class ScenarioForm(FlaskForm):
    """The scenario's general fields with its queues, groups and events."""

    name = StringField(_l("Name in my list"), validators=[DataRequired(), Length(max=160)])
    scenario_id = StringField(_l("Scenario id"))
    title_zh = StringField(_l("Title (Chinese)"))
    title_en = StringField(_l("Title (English)"))
    horizon_hours = StringField(_l("Horizon (hours)"))
    interval_minutes = StringField(_l("Interval (minutes)"))
    warmup_hours = StringField(_l("Warm-up (hours)"))
    queues = FieldList(FormField(QueueForm))
    groups = FieldList(FormField(GroupForm))
    events = FieldList(FormField(EventForm))
    #: The scenario being edited, as JSON, so added and removed parts survive until saved.
    draft = HiddenField()
    add_event_type = SelectField(_l("Kind of event"), choices=[], validate_choice=False)
    add_queue_kind = SelectField(_l("Queue"), choices=[], validate_choice=False)
    add_queue_group = SelectField(_l("Answered by"), choices=[], validate_choice=False)
    add_group_name = StringField(_l("Short name (letters, digits, _)"),
                                 validators=[Optional(), Length(max=40)])
    add_group_title = StringField(_l("Display name"), validators=[Optional(), Length(max=80)])
    add_group_skills = SelectMultipleField(_l("Queues it answers"), choices=[],
                                           validate_choice=False)
    add_group_agents = StringField(_l("Scheduled agents"), default="10",
                                   validators=[Optional()])


def number(text):
    """``text`` as int or float when it is one; otherwise unchanged for the loader to judge."""
    if text is None:
        return None
    value = str(text).strip()
    if value == "":
        return None
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


def fill(form: ScenarioForm, name: str, data: dict) -> None:
    """Put the scenario dict ``data`` into an empty ``form`` (GET)."""
    form.name.data = name
    form.scenario_id.data = data["id"]
    form.title_zh.data, form.title_en.data = data["title"]["zh"], data["title"]["en"]
    for key in ("horizon_hours", "interval_minutes", "warmup_hours"):
        getattr(form, key).data = _text(data[key])
    for queue_name, queue in data["queues"].items():
        patience = queue["patience_seconds"]
        form.queues.append_entry({
            "name": queue_name, "calls_per_day": _text(queue["calls_per_day"]),
            "handle_mean": _text(queue["handle_time_seconds"]["mean"]),
            "patience_mean": _text(patience["mean"]) if patience else "",
            "sl_percent": _text(queue["service_level"]["percent"]),
            "sl_seconds": _text(queue["service_level"]["seconds"]),
            "escalation_probability": _text(queue["escalation_probability"])})
    for group_name, group in data["groups"].items():
        plan = data["staffing"].get(group_name, {})
        form.groups.append_entry({
            "name": group_name, "handle_time_factor": _text(group["handle_time_factor"]),
            "first_contact_resolution": _text(group["first_contact_resolution"]),
            "reserve_staff": _text(group["reserve_staff"]),
            "shrinkage": _text(plan.get("shrinkage", ""))})
    for event in data["events"]:
        form.events.append_entry({"type": event["type"], "start_hour": _text(event["start_hour"]),
                                  "end_hour": _text(event["end_hour"]),
                                  "magnitude": _text(event[EVENT_MAGNITUDE[event["type"]]]),
                                  "queue": event.get("queue") or ""})


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def to_dict(form: ScenarioForm, data: dict) -> tuple[dict, dict]:
    """The scenario dict with the form's values written in, and ``{key_path: field}``."""
    fields = {"id": form.scenario_id, "title.zh": form.title_zh, "title.en": form.title_en}
    data["id"] = (form.scenario_id.data or "").strip()
    data["title"] = {"zh": form.title_zh.data or "", "en": form.title_en.data or ""}
    for key in ("horizon_hours", "interval_minutes", "warmup_hours"):
        data[key] = number(getattr(form, key).data)
        fields[key] = getattr(form, key)
    for entry in form.queues:
        _queue_into(entry.form, data, fields)
    for entry in form.groups:
        _group_into(entry.form, data, fields)
    for index, entry in enumerate(form.events):
        if index < len(data["events"]):
            _event_into(entry.form, data["events"][index], f"events[{index}]", fields)
    return data, fields


def _queue_into(sub: QueueForm, data: dict, fields: dict) -> None:
    name = sub.name.data
    queue = data["queues"].get(name)
    if queue is None:
        return
    base = f"queues.{name}"
    queue["calls_per_day"] = number(sub.calls_per_day.data)
    queue["handle_time_seconds"]["mean"] = number(sub.handle_mean.data)
    patience = number(sub.patience_mean.data)
    if patience is None:
        queue["patience_seconds"] = None
    else:
        old = queue["patience_seconds"] or {"distribution": "exponential", "cv": None}
        queue["patience_seconds"] = {**old, "mean": patience}
    queue["service_level"] = {"percent": number(sub.sl_percent.data),
                              "seconds": number(sub.sl_seconds.data)}
    queue["escalation_probability"] = number(sub.escalation_probability.data)
    fields.update({f"{base}.calls_per_day": sub.calls_per_day,
                   f"{base}.handle_time_seconds": sub.handle_mean,
                   f"{base}.patience_seconds": sub.patience_mean,
                   f"{base}.service_level.percent": sub.sl_percent,
                   f"{base}.service_level.seconds": sub.sl_seconds,
                   f"{base}.escalation_probability": sub.escalation_probability})


def _group_into(sub: GroupForm, data: dict, fields: dict) -> None:
    name = sub.name.data
    group = data["groups"].get(name)
    if group is None:
        return
    group["handle_time_factor"] = number(sub.handle_time_factor.data)
    group["first_contact_resolution"] = number(sub.first_contact_resolution.data)
    group["reserve_staff"] = number(sub.reserve_staff.data)
    if name in data["staffing"]:
        data["staffing"][name]["shrinkage"] = number(sub.shrinkage.data)
    fields.update({f"groups.{name}.handle_time_factor": sub.handle_time_factor,
                   f"groups.{name}.first_contact_resolution": sub.first_contact_resolution,
                   f"groups.{name}.reserve_staff": sub.reserve_staff,
                   f"staffing.{name}.shrinkage": sub.shrinkage})


def _event_into(sub: EventForm, event: dict, base: str, fields: dict) -> None:
    key = EVENT_MAGNITUDE[event["type"]]
    event["start_hour"] = number(sub.start_hour.data)
    event["end_hour"] = number(sub.end_hour.data)
    event[key] = number(sub.magnitude.data)
    if event["type"] == "group_complaint_surge" and sub.queue.data:
        event["queue"] = sub.queue.data
        fields[f"{base}.queue"] = sub.queue
    fields.update({f"{base}.start_hour": sub.start_hour, f"{base}.end_hour": sub.end_hour,
                   f"{base}.{key}": sub.magnitude})


def place_errors(errors: dict[str, str], fields: dict) -> list[str]:
    """Attach each error to its field (longest matching key path); return the rest."""
    unplaced = []
    for key_path, message in errors.items():
        matches = [k for k in fields if key_path == k or key_path.startswith(k + ".")
                   or key_path.startswith(k + "[")]
        if matches:
            fields[max(matches, key=len)].errors = [*fields[max(matches, key=len)].errors,
                                                    message]
        else:
            unplaced.append(f"{key_path}: {message}")
    return unplaced


class YamlForm(FlaskForm):
    """The whole scenario as YAML text."""

    name = StringField(_l("Name in my list"), validators=[DataRequired(), Length(max=160)])
    yaml_text = TextAreaField(_l("Scenario (YAML)"), validators=[DataRequired()])


class NameForm(FlaskForm):
    """A name for a new variant or copy."""

    name = StringField(_l("Name of the variant"), validators=[DataRequired(), Length(max=160)])


class RunForm(FlaskForm):
    """Start a simulation run."""

    replications = IntegerField(_l("Replications"), default=5,
                                validators=[DataRequired(), NumberRange(min=2, max=50)])
    seed = IntegerField(_l("Random seed"), default=1,
                        validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])


class CompareForm(RunForm):
    """Compare 2-4 scenarios on common random numbers, against a baseline the planner picks."""

    scenario_ids = SelectMultipleField(_l("Scenarios to compare (2 to 4)"), coerce=int,
                                       choices=[])
    baseline = SelectField(_l("Baseline (the others are compared with it)"), coerce=int,
                           choices=[], default=0, validate_choice=False)

    def validate_baseline(self, field) -> None:
        """The baseline must be one of the scenarios compared."""
        if field.data and field.data not in (self.scenario_ids.data or []):
            raise ValidationError(_l("Choose the baseline among the scenarios to compare."))


class CancelForm(FlaskForm):
    """Stop a running simulation or staffing search (CSRF only)."""


class HistoryForm(FlaskForm):
    """Upload past call volume to build an arrival profile."""

    file = FileField(_l("History file (CSV or XLSX)"), validators=[
        FileRequired(), FileAllowed(["csv", "xlsx"], _l("Only .csv or .xlsx files."))])
    base = SelectField(_l("Start from scenario"), choices=[])
    queue = SelectField(_l("Queue the history belongs to"), choices=[],
                        validators=[DataRequired()])
    weekday = SelectField(_l("Weekday"), default="all", choices=[])
    scale = StringField(_l("Scale factor (e.g. 1.2 for 20 % more calls)"), default="1",
                        validators=[Optional()])
    name = StringField(_l("Name of the new scenario"), validators=[DataRequired(),
                                                                   Length(max=160)])


WEEKDAYS = (("all", _l("All days")), ("0", _l("Monday")), ("1", _l("Tuesday")),
            ("2", _l("Wednesday")), ("3", _l("Thursday")), ("4", _l("Friday")),
            ("5", _l("Saturday")), ("6", _l("Sunday")))


def history_form(base_choices, queue_choices=()) -> HistoryForm:
    """The import form with its select options filled in (queues by their titles)."""
    form = HistoryForm()
    form.base.choices = choices(base_choices)
    form.queue.choices = list(queue_choices) or [(key, str(name))
                                                  for key, name in QUEUE_KIND_NAMES.items()]
    form.weekday.choices = choices(WEEKDAYS)
    return form


EVENT_KINDS = (("group_complaint_surge", _l("Group-complaint surge")),
               ("quality_recall", _l("Quality recall")), ("disaster", _l("Disaster")))
QUEUE_KIND_NAMES = {"consultation": _l("Product and policy questions"),
                    "complaint": _l("Complaints"),
                    "technical": _l("Repairs and technical support"),
                    "enterprise": _l("Enterprise hotline")}


def set_structure_choices(form: ScenarioForm, data: dict, title_of) -> None:
    """Options of the add/remove controls and the surge queue selects from ``data``."""
    queues = [(q, title_of(data["queues"][q], q)) for q in data["queues"]]
    form.add_event_type.choices = choices(EVENT_KINDS)
    form.add_queue_kind.choices = choices((k, v) for k, v in QUEUE_KIND_NAMES.items()
                                          if k not in data["queues"])
    form.add_queue_group.choices = choices((g, title_of(data["groups"][g], g))
                                           for g in data["groups"])
    form.add_group_skills.choices = choices(queues)
    for entry in form.events:
        entry.form.queue.choices = choices(queues)
