"""Drill pages: trainers schedule drills and see results; trainees play and read debriefs."""

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from lms.auth.access import roles_required
from lms.drills import clock, forms, injects, live, replay, roles, service
from lms.drills.service import ActionRefused
from lms.extensions import db
from lms.formutil import choices
from lms.home.widgets import register_widget
from lms.i18n import to_utc
from lms.reports.pdf import render_pdf

bp = Blueprint("drills", __name__, url_prefix="/drills")


def lang() -> str:
    """The page language, ``zh`` or ``en``."""
    return "zh" if str(get_locale() or "zh").startswith("zh") else "en"


register_widget("trainee", "drills/_home_widget.html",
                lambda user: {"drills": [d for d in service.my_drills(user)
                                         if d.status != "finished"][:5]})


@bp.route("/")
@roles_required("trainee")
def my_drills():
    """The trainee's drills: to do, under way and done."""
    drills = service.my_drills(current_user)
    for drill in drills:
        service.settle_clock(drill)
    db.session.commit()
    titles = {}
    my_roles = {}
    for drill in drills:
        code = service.role_of(drill, current_user)
        if code:
            titles = roles.queue_titles(replay.scenario_of(drill))
            my_roles[drill.id] = roles.label(code, titles)[lang()]
    return render_template("drills/my_drills.html", drills=drills, my_roles=my_roles,
                           grace_seconds=clock.grace_seconds())


@bp.route("/<int:drill_id>/play")
@roles_required("trainee")
def play(drill_id: int):
    """The live duty-supervisor page."""
    drill = service.drill_in_play(drill_id, current_user)
    db.session.commit()
    if drill.status == "finished":
        return redirect(url_for("drills.debrief", drill_id=drill.id))
    return render_template("drills/play.html", drill=drill, grace_seconds=clock.grace_seconds(),
                           **live.page_context(drill, lang(), current_user))


@bp.route("/<int:drill_id>/state")
@roles_required("trainee")
def state(drill_id: int):
    """The drill's state now, as JSON (polled every second; each poll is a heartbeat).

    Every participant is served the drill's one shared snapshot (:mod:`lms.drills.snapshot`).
    The answer carries its ``version`` as ETag; a poll sending it back in ``If-None-Match``
    gets 304 with no body while nothing changed (a paused drill, the same tick).
    """
    drill = service.drill_in_play(drill_id, current_user)
    db.session.commit()
    body = live.state_json(drill, lang(), current_user)
    etag = f'W/"{body["version"]}-{lang()}"'
    if request.headers.get("If-None-Match") == etag:
        response = Response(status=304)
    else:
        response = jsonify(body)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    return response


def _json_object() -> dict | None:
    """The request's JSON body if it is an object; None when there is no JSON body.

    Raises :class:`ActionRefused` (400) for JSON that is not an object or cannot be read.
    """
    if not request.is_json:
        return None
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # nesting deeper than the JSON parser can follow
        payload = None
    if not isinstance(payload, dict):
        raise ActionRefused(_("The request body must be a JSON object, e.g. "
                              "{\"kind\": \"report_manager\", \"params\": {}}."), 400)
    return payload


def _refused(refused: ActionRefused):
    db.session.rollback()
    return jsonify(error=str(refused)), refused.status


@bp.route("/<int:drill_id>/control", methods=["POST"])
@roles_required("trainee")
def control(drill_id: int):
    """Start, pause, resume or finish the drill clock."""
    drill = service.drill_in_play(drill_id, current_user)
    try:
        payload = _json_object()
        command = (request.form if payload is None else payload).get("command")
        service.control(drill, command, current_user)
    except ActionRefused as refused:
        return _refused(refused)
    db.session.commit()
    return jsonify(live.state_json(drill, lang(), current_user))


@bp.route("/<int:drill_id>/actions", methods=["POST"])
@roles_required("trainee")
def act(drill_id: int):
    """Take one action now; it is stored with its drill time before the answer.

    The body is ``{"kind": ..., "params": {...}, "key": ...}``; a resend with a key already
    stored answers 200 with the stored action instead of taking it again (201).
    """
    drill = service.drill_in_play(drill_id, current_user)
    try:
        payload = _json_object() or {}
        key = payload.get("key")
        action, repeated = service.take_action(drill, current_user, payload.get("kind"),
                                               payload.get("params"), key)
        db.session.commit()
    except ActionRefused as refused:
        return _refused(refused)
    except IntegrityError:
        # The same key arrived twice at once and the other request stored it first.
        db.session.rollback()
        action, repeated = service.action_by_key(drill, key), True
        if action is None:
            raise
    body = live.state_json(drill, lang(), current_user)
    body["action"] = live.action_json(drill, action, lang(), repeated)
    return jsonify(body), 200 if repeated else 201


@bp.route("/<int:drill_id>/debrief")
@roles_required("trainee", "trainer", "admin")
def debrief(drill_id: int):
    """Scores, step timeliness, comparison and timeline of a finished drill."""
    drill = live.drill_for_reader(drill_id, current_user)
    if drill.status != "finished":
        flash(_("The debrief is ready when the drill is finished."), "info")
        return redirect(url_for("drills.play", drill_id=drill.id)
                        if service.takes_part(drill, current_user)
                        else url_for("drills.manage"))
    return render_template("drills/debrief.html", drill=drill,
                           **live.debrief_context(drill, lang()))


@bp.route("/<int:drill_id>/debrief.pdf")
@roles_required("trainee", "trainer", "admin")
def debrief_pdf(drill_id: int):
    """The drill evaluation report as PDF."""
    drill = live.drill_for_reader(drill_id, current_user)
    if drill.status != "finished":
        return redirect(url_for("drills.debrief", drill_id=drill.id))
    context = live.debrief_context(drill, lang())
    context["drill_info"] = live.drill_info(drill, lang())
    pdf = render_pdf("drills/report_pdf.html", context)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=drill-{drill.id}.pdf"})


@bp.route("/manage", methods=["GET", "POST"])
@roles_required("trainer")
def manage():
    """Schedule drills and see the results of the trainees one has drilled."""
    form = forms.ScheduleForm()
    form.scenario_id.choices = choices((e.id, e.title.get(lang()))
                                       for e in service.drill_scenarios())
    form.trainee_id.choices = choices([(0, "—")] + [(u.id, f"{u.name} ({u.employee_no})")
                                                   for u in service.trainees_of()])
    form.department_id.choices = choices([(0, "—")] + [(d.id, d.name)
                                                      for d in service.departments()])
    if form.validate_on_submit():
        trainees = ([db.session.get(service.User, form.trainee_id.data)]
                    if form.trainee_id.data else service.trainees_of(form.department_id.data))
        if not trainees:
            form.department_id.errors = [_("This department has no active trainees.")]
        else:
            service.schedule(current_user, form.scenario_id.data, trainees,
                             form.compression.data, form.seed.data,
                             to_utc(form.starts_at.data))
            db.session.commit()
            flash(_("Drill scheduled for %(n)d trainee(s).", n=len(trainees)), "success")
            return redirect(url_for("drills.manage"))
    status = 400 if request.method == "POST" else 200
    return render_template("drills/manage.html", form=form,
                           drills=service.scheduled_by(current_user)), status


def _trainee_choices():
    return choices([(0, "—")] + [(u.id, f"{u.name} ({u.employee_no})")
                                 for u in service.trainees_of()])


def _role_choices():
    queues = {}
    for entry in service.drill_scenarios():
        for name, title in roles.queue_titles(service.scenario_by_id(entry.id)).items():
            queues.setdefault(name, title)
    found = [(r, roles.LABELS[r][lang()]) for r in (roles.SUPERVISOR, roles.COMMUNICATIONS,
                                                     roles.DISPATCHER)]
    found += [(f"{roles.SHIFT_LEAD}:{name}", roles.label(f"{roles.SHIFT_LEAD}:{name}",
                                                          queues)[lang()])
              for name in queues]
    return choices([("", "—")] + found)


@bp.route("/team", methods=["GET", "POST"])
@roles_required("trainer")
def schedule_team():
    """Schedule one team drill: chosen trainees, each with a role."""
    form = forms.TeamForm()
    form.scenario_id.choices = choices((e.id, e.title.get(lang()))
                                       for e in service.drill_scenarios())
    for row in form.members:
        row.trainee_id.choices = _trainee_choices()
        row.role.choices = _role_choices()
    if form.validate_on_submit():
        members = []
        for row in form.members:
            if row.trainee_id.data and row.role.data:
                role, _sep, queue = row.role.data.partition(":")
                members.append((db.session.get(service.User, row.trainee_id.data), role,
                                queue or None))
        try:
            if any(user is None or not user.has_role("trainee") for user, _r, _q in members):
                raise service.TeamRefused(_("Choose trainees from the list."))
            drill = service.schedule_team(current_user, form.scenario_id.data, members,
                                          form.compression.data, form.seed.data,
                                          to_utc(form.starts_at.data))
        except service.TeamRefused as refused:
            db.session.rollback()
            form.members.errors = [str(refused)]
        else:
            db.session.commit()
            flash(ngettext("Team drill scheduled for %(num)d trainee.",
                           "Team drill scheduled for %(num)d trainees.", len(members)),
                  "success")
            return redirect(url_for("drills.room", drill_id=drill.id))
    status = 400 if request.method == "POST" else 200
    return render_template("drills/team_form.html", form=form), status


@bp.route("/<int:drill_id>/room/participants", methods=["POST"])
@roles_required("trainer", "admin")
def room_participants(drill_id: int):
    """The trainer adds a trainee with a role to a team drill, also while it runs."""
    drill = service.drill_for_trainer(drill_id, current_user)
    form = forms.AddParticipantForm()
    form.trainee_id.choices = _trainee_choices()
    form.role.choices = _role_choices()
    if not form.validate_on_submit():
        flash(_("Choose a trainee and a role."), "danger")
        return redirect(url_for("drills.room", drill_id=drill.id)), 303
    role, _sep, queue = form.role.data.partition(":")
    user = db.session.get(service.User, form.trainee_id.data)
    try:
        if user is None:
            raise ActionRefused(_("Choose trainees from the list."), 400)
        service.add_participant(drill, current_user, user, role, queue or None)
    except ActionRefused as refused:
        db.session.rollback()
        flash(str(refused), "danger")
        return redirect(url_for("drills.room", drill_id=drill.id)), 303
    db.session.commit()
    flash(_("%(name)s joins the drill; they see it on their drill list now.", name=user.name),
          "success")
    return redirect(url_for("drills.room", drill_id=drill.id))


def _room_form(drill) -> forms.RoomCommandForm:
    form = forms.RoomCommandForm()
    scenario = replay.scenario_of(drill)
    form.code.choices = choices([(i.code, i.label[lang()]) for i in injects.allowed(scenario)])
    return form


@bp.route("/<int:drill_id>/room", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def room(drill_id: int):
    """The trainer's control room: watch the drill live, pause/resume it, inject events."""
    drill = service.drill_for_trainer(drill_id, current_user)
    service.settle_clock(drill)
    form = _room_form(drill)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                if form.command.data == "inject":
                    service.inject(drill, current_user, form.code.data)
                    flash(_("Event injected; the trainee sees it now."), "success")
                else:
                    service.room_control(drill, current_user, form.command.data)
                db.session.commit()
                return redirect(url_for("drills.room", drill_id=drill.id))
            except ActionRefused as refused:
                db.session.rollback()
                drill = service.drill_for_trainer(drill_id, current_user)
                form.code.errors = [str(refused)]
        status = 400
    db.session.commit()
    add = forms.AddParticipantForm()
    add.trainee_id.choices = _trainee_choices()
    add.role.choices = _role_choices()
    return render_template("drills/room.html", drill=drill, form=form, add_form=add,
                           state=live.room_json(drill, lang())), status


@bp.route("/<int:drill_id>/room/state")
@roles_required("trainer", "admin")
def room_state(drill_id: int):
    """The control room's live data as JSON (polled; not the trainee's heartbeat)."""
    drill = service.drill_for_trainer(drill_id, current_user)
    service.settle_clock(drill)
    db.session.commit()
    return jsonify(live.room_json(drill, lang()))
