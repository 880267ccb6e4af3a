"""Planner workspace pages: scenario library, my scenarios, editing (forms, tables, YAML),
variants and history import. Runs, comparisons, staffing and reports are in ``views_runs``."""

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

import scenarios
from lms import jobs
from lms.auth.access import roles_required
from lms.extensions import db
from lms.home.widgets import register_widget
from lms.i18n import titled
from lms.planning import forms, history, names, pictures, scenario_store, service, structure, tables
from lms.planning.scenario_store import ScenarioInvalid

bp = Blueprint("planning", __name__, url_prefix="/planning")
bp.add_app_template_filter(names.in_reader_language, "scenario_name")
bp.add_app_template_global(titled, "planning_title")
_recovered = {"done": False}


def lang() -> str:
    """The page language, ``zh`` or ``en``."""
    return "zh" if str(get_locale() or "zh").startswith("zh") else "en"


@bp.before_app_request
def _recover_jobs_once():
    # A restart leaves in-process jobs "running" forever; settle them once per process.
    if not _recovered["done"]:
        _recovered["done"] = True
        try:
            jobs.recover_interrupted()
        except Exception:  # noqa: BLE001 - the tables may not exist before migration
            db.session.rollback()


def _home_context(user) -> dict:
    return {"planning_scenarios": scenario_store.list_for(user)[:5],
            "planning_runs": service.history(user, limit=5)}


register_widget("planner", "planning/_home_widget.html", _home_context)


@bp.route("/")
@roles_required("planner", "admin")
def index():
    """The workspace: my scenarios, the shipped library and recent runs."""
    return render_template("planning/index.html", library=scenario_store.library(),
                           mine=scenario_store.list_for(current_user),
                           runs=service.history(current_user, limit=10),
                           confirm=forms.NameForm(name="x"))


@bp.route("/library/<library_id>/copy", methods=["POST"])
@roles_required("planner")
def copy_library(library_id: str):
    """Copy a shipped scenario into my scenarios."""
    if not forms.NameForm(name="x").validate_on_submit():
        abort(400)
    stored = scenario_store.copy_from_library(current_user, library_id, lang())
    db.session.commit()
    flash(_("Copied into your scenarios."), "success")
    return redirect(url_for("planning.scenario", scenario_id=stored.id))


@bp.route("/scenarios/<int:scenario_id>")
@roles_required("planner", "admin")
def scenario(scenario_id: int):
    """One scenario: overview, run, variant, staffing."""
    stored = scenario_store.owned(scenario_id, current_user)
    parsed = scenario_store.parsed(stored)
    return render_template("planning/scenario.html", stored=stored, scenario=parsed,
                           profile_svg=pictures.profile_svg(parsed),
                           event_kinds=pictures.event_names(),
                           run_form=forms.RunForm(), variant_form=forms.NameForm(
                               name=_("%(name)s (variant)", name=stored.name)))


@bp.route("/scenarios/<int:scenario_id>/edit", methods=["GET", "POST"])
@roles_required("planner")
def edit(scenario_id: int):
    """Edit general fields, queues, groups and events with a form; add and remove them."""
    stored = scenario_store.owned(scenario_id, current_user, write=True)
    form = forms.ScenarioForm()
    data = scenario_store.as_dict(stored)
    unplaced: list[str] = []
    if request.method == "GET":
        return _edit_page(stored, data, form, [], 200)
    data = _draft(form.draft.data) or data
    if not form.validate_on_submit():
        return _edit_page(stored, data, form, [], 400, refill=False)
    try:
        new_data, fields = forms.to_dict(form, data)
    except (KeyError, TypeError, IndexError, AttributeError):
        flash(_("The form was out of date; it shows the saved scenario again."), "danger")
        return _edit_page(stored, scenario_store.as_dict(stored), forms.ScenarioForm(
            formdata=None), [], 400)
    action = request.form.get("action", "save")
    if action != "save":
        try:
            new_data = structure.apply(new_data, action, form)
        except structure.StructureError as error:
            flash(str(error), "danger")
            return _edit_page(stored, new_data, forms.ScenarioForm(formdata=None), [], 400,
                              name=form.name.data)
        flash(_("Changed in the form. Nothing is saved until you press “Save”."), "info")
        return _edit_page(stored, new_data, forms.ScenarioForm(formdata=None), [], 200,
                          name=form.name.data)
    try:
        scenario_store.save(stored, new_data, lang(), name=form.name.data)
    except ScenarioInvalid as invalid:
        unplaced = forms.place_errors(invalid.errors, fields)
        return _edit_page(stored, new_data, form, unplaced, 400, refill=False)
    db.session.commit()
    flash(_("Scenario saved."), "success")
    return redirect(url_for("planning.scenario", scenario_id=stored.id))


def _edit_page(stored, data: dict, form, unplaced: list, status: int, *, refill: bool = True,
               name: str | None = None):
    if refill:
        forms.fill(form, name or stored.name, data)
    form.draft.data = json.dumps(data, ensure_ascii=False)
    forms.set_structure_choices(form, data, tables.title_of)
    return render_template("planning/edit.html", form=form, stored=stored, unplaced=unplaced,
                           draft=data), status


def _draft(text: str | None) -> dict | None:
    """The posted draft if it has the shape of a scenario dict, else None (use the saved one)."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    shapes = {"queues": dict, "groups": dict, "staffing": dict, "events": list,
              "arrival_shapes": dict, "title": dict}
    if not isinstance(data, dict) or any(not isinstance(data.get(k), t)
                                         for k, t in shapes.items()):
        return None
    blocks = list(data["queues"].values()) + list(data["groups"].values()) + \
        list(data["staffing"].values()) + list(data["events"])
    if not all(isinstance(block, dict) for block in blocks) or not data["queues"] or \
            not all(isinstance(g.get("skills"), list) for g in data["groups"].values()) or \
            not all(isinstance(q.get("handle_time_seconds"), dict)
                    for q in data["queues"].values()) or \
            not all(e.get("type") in forms.EVENT_MAGNITUDE for e in data["events"]):
        return None
    return data


@bp.route("/scenarios/<int:scenario_id>/yaml", methods=["GET", "POST"])
@roles_required("planner")
def edit_yaml(scenario_id: int):
    """Edit the whole scenario as YAML."""
    stored = scenario_store.owned(scenario_id, current_user, write=True)
    form = forms.YamlForm(name=stored.name, yaml_text=stored.yaml_text)
    problems = []
    if form.validate_on_submit():
        try:
            scenario_store.save(stored, form.yaml_text.data, lang(), name=form.name.data)
        except ScenarioInvalid as invalid:
            problems = invalid.listed(form.yaml_text.data)
        else:
            db.session.commit()
            flash(_("Scenario saved."), "success")
            return redirect(url_for("planning.scenario", scenario_id=stored.id))
    status = 400 if request.method == "POST" else 200
    return render_template("planning/yaml.html", form=form, stored=stored,
                           problems=problems), status


@bp.route("/scenarios/new", methods=["GET", "POST"])
@roles_required("planner")
def new_yaml():
    """Create a scenario from YAML text."""
    form = forms.YamlForm()
    problems = []
    if request.method == "GET":
        form.yaml_text.data = scenarios.scenario_to_yaml(scenario_store.library()[0].load())
    if form.validate_on_submit():
        try:
            stored = scenario_store.create(current_user, form.name.data, form.yaml_text.data,
                                           lang())
        except ScenarioInvalid as invalid:
            problems = invalid.listed(form.yaml_text.data)
        else:
            db.session.commit()
            flash(_("Scenario created."), "success")
            return redirect(url_for("planning.scenario", scenario_id=stored.id))
    status = 400 if request.method == "POST" else 200
    return render_template("planning/yaml.html", form=form, stored=None,
                           problems=problems), status


@bp.route("/scenarios/<int:scenario_id>/tables", methods=["GET", "POST"])
@roles_required("planner")
def edit_tables(scenario_id: int):
    """Edit the arrival profile and the staffing plan as interval tables."""
    stored = scenario_store.owned(scenario_id, current_user, write=True)
    data = scenario_store.as_dict(stored)
    form = forms.NameForm(name=stored.name)
    view = tables.table_view(data, lang=lang())
    errors: dict = {}
    if form.validate_on_submit():
        new_data, cells = tables.read_tables(data, request.form)
        try:
            scenario_store.save(stored, new_data, lang())
        except ScenarioInvalid as invalid:
            errors = tables.cell_errors(invalid.errors, cells)
            view = tables.table_view(new_data, request.form, lang())
        else:
            db.session.commit()
            flash(_("Interval tables saved."), "success")
            return redirect(url_for("planning.scenario", scenario_id=stored.id))
    status = 400 if request.method == "POST" else 200
    return render_template("planning/tables.html", stored=stored, form=form, view=view,
                           errors=errors), status


@bp.route("/scenarios/<int:scenario_id>/variant", methods=["POST"])
@roles_required("planner")
def make_variant(scenario_id: int):
    """Copy a scenario into a variant to change and compare."""
    source = scenario_store.owned(scenario_id, current_user, write=True)
    form = forms.NameForm()
    if not form.validate_on_submit():
        flash(_("Give the variant a name."), "danger")
        return redirect(url_for("planning.scenario", scenario_id=source.id))
    stored = scenario_store.variant(current_user, source, form.name.data, lang())
    db.session.commit()
    flash(_("Variant created: change it, then compare it with the original."), "success")
    return redirect(url_for("planning.edit", scenario_id=stored.id))


@bp.route("/scenarios/<int:scenario_id>/delete", methods=["POST"])
@roles_required("planner")
def delete(scenario_id: int):
    """Delete one of my scenarios (runs keep their own copy of it)."""
    stored = scenario_store.owned(scenario_id, current_user, write=True)
    if not forms.NameForm(name="x").validate_on_submit():
        abort(400)
    db.session.delete(stored)
    db.session.commit()
    flash(_("Scenario deleted."), "success")
    return redirect(url_for("planning.index"))


@bp.route("/import", methods=["GET", "POST"])
@roles_required("planner")
def import_history():
    """Build an arrival profile from past call volume and start a scenario from it."""
    mine = scenario_store.list_for(current_user)
    base_choices = [(f"lib:{e.id}", e.title.get(lang())) for e in scenario_store.library()]
    base_choices += [(f"own:{s.id}", names.in_reader_language(s.name)) for s in mine]
    form = forms.history_form(base_choices, _queue_choices(mine))
    problems = []
    if form.validate_on_submit():
        try:
            stored = _import(form)
        except history.HistoryError as error:
            problems = error.problems
        except ScenarioInvalid as invalid:
            problems = [f"{k}: {v}" for k, v in invalid.errors.items()]
        else:
            db.session.commit()
            flash(_("History imported into a new scenario."), "success")
            return redirect(url_for("planning.scenario", scenario_id=stored.id))
    status = 400 if request.method == "POST" else 200
    return render_template("planning/import.html", form=form, problems=problems), status


def _queue_choices(mine) -> list[tuple[str, str]]:
    """(queue name, its title in the reader's language) of every queue a base may have."""
    found: dict[str, str] = {}
    specs = [queue for entry in scenario_store.library() for queue in entry.load().queues]
    for stored in mine:
        try:
            specs += list(scenario_store.parsed(stored).queues)
        except scenarios.ScenarioError:
            continue  # an invalid draft offers no queues
    for queue in specs:
        if queue.name not in found:
            title = titled(queue.title) if queue.title else ""
            found[queue.name] = title or str(forms.QUEUE_KIND_NAMES.get(queue.name, queue.name))
    return list(found.items())


def _import(form):
    upload = form.file.data
    rows = history.read_rows(upload.filename, upload.read())
    observations = history.parse(rows)
    weekday = None if form.weekday.data == "all" else int(form.weekday.data)
    try:
        scale = float(form.scale.data or 1)
    except ValueError as error:
        raise history.HistoryError([f"scale factor: {form.scale.data[:60]!r} is not a number"]) \
            from error
    if not -1e9 < scale < 1e9:  # NaN and infinity parse as floats
        raise history.HistoryError([f"scale factor: {form.scale.data[:60]!r} is not a number"])
    found = history.profile(observations, weekday, scale)
    kind, _sep, ref = form.base.data.partition(":")
    if kind == "own":
        data = scenario_store.as_dict(scenario_store.owned(int(ref), current_user, write=True))
    else:
        data = scenarios.scenario_to_dict(scenarios.library_scenario(ref))
    data = history.apply_profile(data, form.queue.data.strip(), found)
    return scenario_store.create(current_user, form.name.data, data, lang())


from lms.planning import views_runs  # noqa: E402,F401  (attaches the run pages to ``bp``)
