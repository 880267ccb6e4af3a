"""Workforce pages: call history and its data report, forecasts, special events, scenarios
made from a forecast, and the intraday re-forecast. Planners only; each sees their own."""

import datetime as dt

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.access import roles_required
from lms.extensions import db
from lms.formutil import choices
from lms.i18n import to_local
from lms.planning import scenario_store
from lms.planning.scenario_store import ScenarioInvalid
from lms.tabular import CSV_MIMETYPE, XLSX_MIMETYPE, download_response, write_csv, write_xlsx
from lms.workforce import charts, forms, replan, service, texts
from lms.workforce.models import WorkforceEvent
from lms.workforce.service import ImportRefused
from simulation.forecast import scenario_from_forecast

bp = Blueprint("workforce", __name__, url_prefix="/workforce")


def lang() -> str:
    """The page language, ``zh`` or ``en``."""
    return "zh" if str(get_locale() or "zh").startswith("zh") else "en"


@bp.app_context_processor
def _workforce_words() -> dict:
    return {"wf_queue": texts.queue_name, "wf_holiday": texts.holiday_name,
            "wf_method": texts.method_name, "wf_kind": lambda k: texts.EVENT_KIND_NAMES.get(k, k),
            "wf_day_kind": lambda k: texts.DAY_KINDS.get(k, k)}


@bp.route("/")
@roles_required("planner")
def index():
    """Histories, forecasts and special events of the planner."""
    return render_template("workforce/index.html", histories=service.histories_for(current_user),
                           forecasts=service.forecasts_for(current_user, limit=20),
                           events=service.events_for(current_user),
                           sample_form=forms.SampleForm())


@bp.route("/history/upload", methods=["GET", "POST"])
@roles_required("planner")
def upload():
    """Upload a call history: all rows are imported, or none."""
    form = forms.UploadForm()
    problems = []
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            rows = service.rows_from_upload(upload_file.filename or "upload",
                                            upload_file.read(), form.encoding.data)
            stored = service.import_history(current_user, form.name.data or
                                            upload_file.filename or _("History"), rows,
                                            default_queue=form.queue.data)
        except ImportRefused as refused:
            db.session.rollback()
            problems = refused.problems
        else:
            db.session.commit()
            flash(_("History imported: %(n)d rows.", n=stored.row_count), "success")
            return redirect(url_for("workforce.history", history_id=stored.id))
    status = 400 if request.method == "POST" else 200
    return render_template("workforce/upload.html", form=form, problems=problems), status


@bp.route("/history/sample", methods=["POST"])
@roles_required("planner")
def load_sample():
    """Import the shipped one-year sample as one of my histories."""
    if not forms.SampleForm().validate_on_submit():
        abort(400)
    stored = service.import_sample(current_user, _("Sample: one year of half-hourly calls"))
    db.session.commit()
    flash(_("The sample history was imported."), "success")
    return redirect(url_for("workforce.history", history_id=stored.id))


@bp.route("/history/<int:history_id>")
@roles_required("planner")
def history(history_id: int):
    """The history's data report (repeated rows, gaps, outliers) and the forecast form."""
    stored = service.owned_history(history_id, current_user)
    return render_template("workforce/history.html", stored=stored, report=stored.report,
                           form=forms.ForecastForm(), delete_form=forms.ConfirmForm())


@bp.route("/history/<int:history_id>/delete", methods=["POST"])
@roles_required("planner")
def delete_history(history_id: int):
    """Delete a history with its forecasts."""
    stored = service.owned_history(history_id, current_user)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    db.session.delete(stored)
    db.session.commit()
    flash(_("History deleted."), "success")
    return redirect(url_for("workforce.index"))


@bp.route("/history/<int:history_id>/forecast", methods=["POST"])
@roles_required("planner")
def start(history_id: int):
    """Start a forecast of this history as a background job."""
    stored = service.owned_history(history_id, current_user)
    form = forms.ForecastForm()
    if not form.validate_on_submit():
        return render_template("workforce/history.html", stored=stored, report=stored.report,
                               form=form, delete_form=forms.ConfirmForm()), 400
    found = service.start_forecast(current_user, stored, method=form.method.data,
                                   horizon_days=form.horizon_days.data,
                                   holdout_days=form.holdout_days.data or 0)
    return redirect(url_for("workforce.forecast", forecast_id=found.id))


@bp.route("/forecasts/<int:forecast_id>")
@roles_required("planner")
def forecast(forecast_id: int):
    """Progress while the forecast runs; the charts, backtest and tables once done."""
    found = service.owned_forecast(forecast_id, current_user)
    if found.job.status != "done":
        return render_template("workforce/progress.html", found=found, job=found.job)
    result = found.job.result
    queues = list(result["forecast"]["queues"])
    return render_template(
        "workforce/forecast.html", found=found, result=result, queues=queues,
        charts={q: charts.history_forecast(result, q) for q in queues},
        backtest_charts={q: charts.backtest_days(s, q) for q, s in result["backtest"].items()},
        days={q: service.day_summary(result, q) for q in queues},
        warnings=[texts.warning_text(w) for w in result["forecast"]["warnings"]])


@bp.route("/forecasts/<int:forecast_id>/status")
@roles_required("planner")
def status(forecast_id: int):
    """JSON status of the forecast's job."""
    found = service.owned_forecast(forecast_id, current_user)
    return jsonify({**found.job.as_status(),
                    "url": url_for("workforce.forecast", forecast_id=found.id)})


@bp.route("/forecasts/<int:forecast_id>/export.<fmt>")
@roles_required("planner")
def export(forecast_id: int, fmt: str):
    """The forecast per interval as CSV or XLSX."""
    found = service.owned_forecast(forecast_id, current_user)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    result = service.result_of(found)
    rows = service.interval_rows(result, found.history.interval_minutes)
    headers = ["date", "interval_start", "queue", "offered", "aht"]
    name = f"forecast-{found.id}.{fmt}"
    if fmt == "csv":
        return download_response(write_csv(rows, headers), name, CSV_MIMETYPE)
    return download_response(write_xlsx(rows, headers, sheet_title="forecast"), name,
                             XLSX_MIMETYPE)


def _base_choices():
    library = [(f"lib:{e.id}", _("Library: %(title)s", title=e.title.get(lang())))
               for e in scenario_store.library()]
    mine = [(f"mine:{s.id}", _("My scenario: %(name)s", name=s.name))
            for s in scenario_store.list_for(current_user) if s.owner_id == current_user.id]
    return choices(library + mine)


def _base_dict(choice: str) -> dict:
    kind, _sep, key = choice.partition(":")
    if kind == "lib":
        entries = {e.id: e for e in scenario_store.library()}
        if key not in entries:
            abort(404)
        import scenarios

        return scenarios.scenario_to_dict(entries[key].load())
    if kind == "mine" and key.isdigit():
        return scenario_store.as_dict(scenario_store.owned(int(key), current_user, write=True))
    abort(400)


@bp.route("/forecasts/<int:forecast_id>/scenario", methods=["GET", "POST"])
@roles_required("planner")
def make_scenario(forecast_id: int):
    """Make a planning scenario whose arrivals are a window of this forecast."""
    found = service.owned_forecast(forecast_id, current_user)
    result = service.result_of(found)
    days = result["forecast"]["days"]
    form = forms.ScenarioForm()
    form.base.choices = _base_choices()
    form.first_day.choices = choices((d, d) for d in days)
    if request.method == "GET":
        form.base.data = "lib:full_week"
        form.name.data = _("Forecast from %(day)s", day=days[0])
    problems = []
    if form.validate_on_submit():
        first = dt.date.fromisoformat(form.first_day.data)
        count = form.days.data
        if days.index(form.first_day.data) + count > len(days):
            form.days.errors = [_("The forecast ends on %(day)s; choose fewer days.",
                                  day=days[-1])]
        else:
            title = {"zh": form.name.data, "en": form.name.data}
            description = {"zh": f"由预测 #{found.id}({first.isoformat()} 起 {count} 天)生成",
                           "en": f"Made from forecast #{found.id} ({count} days from "
                                 f"{first.isoformat()})"}
            data, notes = scenario_from_forecast(
                _base_dict(form.base.data), result["forecast"], first, count,
                scenario_id=f"forecast_{found.id}_{first:%Y%m%d}", title=title,
                description=description)
            try:
                stored = scenario_store.create(current_user, form.name.data, data, lang())
            except ScenarioInvalid as invalid:
                problems = [f"{k}: {v}" for k, v in invalid.errors.items()]
            else:
                db.session.commit()
                for code, value in notes:
                    flash(texts.note_text(code, value), "info")
                flash(_("Scenario made from the forecast."), "success")
                return redirect(url_for("planning.scenario", scenario_id=stored.id))
    status = 400 if request.method == "POST" else 200
    return render_template("workforce/scenario.html", found=found, form=form,
                           problems=problems), status


def _today() -> str:
    return to_local(dt.datetime.now(dt.UTC).replace(tzinfo=None)).date().isoformat()


@bp.route("/forecasts/<int:forecast_id>/intraday", methods=["GET", "POST"])
@roles_required("planner")
def intraday(forecast_id: int):
    """Enter or import today's actuals so far and re-forecast the rest of the day."""
    found = service.owned_forecast(forecast_id, current_user)
    result = service.result_of(found)
    days = result["forecast"]["days"]
    queues = list(result["forecast"]["queues"])
    minutes = int(result["forecast"]["interval_minutes"])
    form = forms.IntradayForm(queue=request.args.get("queue") or queues[0],
                              day=request.args.get("day") or
                              (_today() if _today() in days else days[0]))
    form.queue.choices = choices((q, texts.queue_name(q)) for q in queues)
    form.day.choices = choices((d, d) for d in days)
    problems = []
    if form.validate_on_submit():
        try:
            text = form.actuals.data or ""
            if form.file.data:
                rows = service.rows_from_upload(form.file.data.filename or "actuals",
                                                form.file.data.read())
                text = service.actual_lines_from_rows(rows, form.queue.data)
            entries = service.parse_actual_lines(text, minutes)
        except ImportRefused as refused:
            problems = refused.problems
        else:
            saved = service.save_actuals(found, form.queue.data,
                                         dt.date.fromisoformat(form.day.data), entries, minutes)
            db.session.commit()
            flash(_("%(n)d intervals of actuals saved.", n=saved), "success")
            return redirect(url_for("workforce.intraday", forecast_id=found.id,
                                    queue=form.queue.data, day=form.day.data))
    queue = form.queue.data if form.queue.data in queues else queues[0]
    day = dt.date.fromisoformat(form.day.data if form.day.data in days else days[0])
    actuals = service.actuals_of(found, queue, day, minutes)
    if request.method == "GET" and actuals:
        form.actuals.data = "\n".join(
            f"{s * minutes // 60:02d}:{s * minutes % 60:02d}, {v[0]:g}"
            + (f", {v[1]:g}" if v[1] is not None else "") for s, v in sorted(actuals.items()))
    redone = service.reforecast(result, queue, day, actuals).as_dict()
    floor = _floor_plan(found, result, day, minutes)
    status = 400 if request.method == "POST" else 200
    return render_template("workforce/intraday.html", found=found, form=form, queue=queue,
                           day=day, redone=redone, minutes=minutes, problems=problems,
                           chart=charts.intraday(redone, minutes, queue), **floor), status


def _floor_plan(found, result: dict, day: dt.date, minutes: int) -> dict:
    """The intraday page's staffing part: plans covering the day, and the chosen one's
    need, heads, actions and (on request) the re-simulation of the rest of the day."""
    plans = replan.plans_covering(current_user.id, day)
    chosen = request.args.get("plan", type=int)
    plan = next((p for p in plans if p.id == chosen), plans[0] if plans else None)
    out = {"plans": plans, "plan": plan, "replanned": None, "replan_problem": None,
           "simulated": None, "texts": texts,
           "call_in_minutes": replan.CALL_IN_SLOTS * minutes}
    if plan is None:
        return out
    redone = {}
    for name in result["forecast"]["queues"]:
        actuals = service.actuals_of(found, name, day, minutes)
        redone[name] = service.reforecast(result, name, day, actuals).as_dict()
    now = max(r["now_slot"] for r in redone.values())
    try:
        out["replanned"] = replan.replan(plan, result, day, redone, now)
    except replan.ReplanError as error:
        out["replan_problem"] = texts.replan_problem(str(error))
        return out
    if request.args.get("simulate"):
        out["simulated"] = replan.resimulate(out["replanned"])
    return out


@bp.route("/events", methods=["GET", "POST"])
@roles_required("planner")
def events():
    """My special events, and a form to add one."""
    form = forms.EventForm()
    if form.validate_on_submit():
        service.save_event(WorkforceEvent(owner_id=current_user.id), **_event_fields(form))
        db.session.commit()
        flash(_("Special event added."), "success")
        return redirect(url_for("workforce.events"))
    status = 400 if request.method == "POST" else 200
    return render_template("workforce/events.html", form=form,
                           events=service.events_for(current_user),
                           delete_form=forms.ConfirmForm()), status


def _event_fields(form) -> dict:
    return {"name": form.name.data, "kind": form.kind.data, "first_day": form.first_day.data,
            "last_day": form.last_day.data, "volume_factor": form.volume_factor.data,
            "aht_factor": form.aht_factor.data, "queues": form.queues.data}


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@roles_required("planner")
def edit_event(event_id: int):
    """Change a special event."""
    event = service.owned_event(event_id, current_user)
    form = forms.EventForm(obj=event if request.method == "GET" else None)
    if request.method == "GET":
        form.queues.data = event.queues
    if form.validate_on_submit():
        service.save_event(event, **_event_fields(form))
        db.session.commit()
        flash(_("Special event saved."), "success")
        return redirect(url_for("workforce.events"))
    status = 400 if request.method == "POST" else 200
    return render_template("workforce/event_edit.html", form=form, event=event), status


@bp.route("/events/<int:event_id>/delete", methods=["POST"])
@roles_required("planner")
def delete_event(event_id: int):
    """Delete a special event (forecasts already made keep it)."""
    event = service.owned_event(event_id, current_user)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    db.session.delete(event)
    db.session.commit()
    flash(_("Special event deleted."), "success")
    return redirect(url_for("workforce.events"))
