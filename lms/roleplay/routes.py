"""Role-play pages: card library, rubrics and builder, performances, blind scoring, agreement."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.auth.access import roles_required, signed_in
from lms.auth.models import User, UserRole
from lms.extensions import db
from lms.home.widgets import register_widget
from lms.i18n import localized
from lms.roleplay import builder, recordings, rubric_admin, service
from lms.roleplay.agreement import agreement_view
from lms.roleplay.forms import GuardForm, PerformanceForm
from lms.roleplay.models import Card, Performance, Rubric

bp = Blueprint("roleplay", __name__, url_prefix="/roleplay")


@bp.cli.command("load-content")
def load_content_command():
    """Load the shipped role-play rubrics and cards (safe to run again)."""
    print("\n".join(service.load_shipped_content()) or "nothing new")


def _trainee_widget(user) -> dict:
    """The trainee's role-play panel: how many are scored and waiting, the latest three."""
    performances = db.session.scalars(
        select(Performance).where(Performance.trainee_id == user.id)
        .order_by(Performance.performed_on.desc(), Performance.id.desc())).all()
    scored = sum(1 for p in performances if p.scores)
    return {"roleplay_results": [(p, service.trainee_result(p)) for p in performances[:3]],
            "scored_count": scored, "waiting_count": len(performances) - scored}


register_widget("trainee", "roleplay/_home_trainee.html", _trainee_widget)
register_widget("trainer", "roleplay/_home_trainer.html", lambda user: {})


def _rubric_or_404(key: str) -> Rubric:
    rubric = db.session.scalar(select(Rubric).where(Rubric.key == key))
    if rubric is None:
        abort(404)
    return rubric


@bp.route("/")
@signed_in
def index():
    """Trainers: performances to score and rubrics; trainees: their own results."""
    if not service.is_staff(current_user):
        mine = db.session.scalars(select(Performance).where(
            Performance.trainee_id == current_user.id)
            .order_by(Performance.performed_on.desc())).all()
        return render_template("roleplay/my_results.html",
                               results=[(p, service.trainee_result(p)) for p in mine])
    performances = db.session.scalars(select(Performance).order_by(
        Performance.performed_on.desc(), Performance.id.desc()).limit(100)).all()
    rubrics = db.session.scalars(select(Rubric).order_by(Rubric.shipped.desc(),
                                                         Rubric.key)).all()
    return render_template("roleplay/index.html", performances=performances, rubrics=rubrics,
                           own_score=service.own_score,
                           may_change=rubric_admin.may_change_rubric)


@bp.route("/cards")
@roles_required("trainer", "admin")
def cards():
    """The card library: persona, situation, escalation path and standards of each card."""
    found = db.session.scalars(select(Card).order_by(Card.id)).all()
    return render_template("roleplay/cards.html", cards=found)


@bp.route("/rubrics/<key>")
@roles_required("trainer", "admin")
def rubric(key: str):
    """One rubric: criteria, levels, descriptors and points; edit/delete for its owner."""
    found = _rubric_or_404(key)
    return render_template("roleplay/rubric.html", rubric=found, guard=GuardForm(),
                           may_change=rubric_admin.may_change_rubric(found, current_user),
                           usage=rubric_admin.rubric_usage(found),
                           edit_refusal=rubric_admin.edit_refusal(found))


def _builder_page(values, errors, editing=None, status=200, refusal=None):
    return render_template("roleplay/builder.html", guard=GuardForm(), values=values,
                           errors=errors, builder=builder, editing=editing,
                           refusal=refusal), status


@bp.route("/rubrics/new", methods=["GET", "POST"])
@roles_required("trainer")
def new_rubric():
    """The rubric builder; refuses no criteria or duplicate level points beside the field."""
    if request.method == "POST":
        if not GuardForm().validate_on_submit():
            abort(400)
        taken = set(db.session.scalars(select(Rubric.key)))
        checked = builder.check_rubric_form(request.form, taken)
        if checked.errors:
            return _builder_page(request.form, checked.errors, status=400)
        service.create_rubric(checked.data, current_user)
        db.session.commit()
        flash(_("Rubric %(name)s saved.", name=localized(checked.data["name"])), "success")
        return redirect(url_for("roleplay.rubric", key=checked.data["key"]))
    values = {}
    if request.args.get("copy"):
        source = _rubric_or_404(request.args["copy"])
        values = builder.form_values(source.as_dict())
        values["key"] = ""
    return _builder_page(values, {})


def _changeable_rubric_or_403(key: str) -> Rubric:
    found = _rubric_or_404(key)
    if not rubric_admin.may_change_rubric(found, current_user):
        abort(403)
    return found


@bp.route("/rubrics/<key>/edit", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def edit_rubric(key: str):
    """Edit a trainer-built rubric (owner or admin); refused once scores were submitted."""
    found = _changeable_rubric_or_403(key)
    refusal = rubric_admin.edit_refusal(found)
    if request.method == "POST":
        if not GuardForm().validate_on_submit():
            abort(400)
        if refusal:
            return _builder_page(request.form, {}, found, 409, refusal)
        form = request.form.copy()
        form["key"] = found.key  # the key never changes: cards and links refer to it
        taken = set(db.session.scalars(select(Rubric.key).where(Rubric.id != found.id)))
        checked = builder.check_rubric_form(form, taken)
        if checked.errors:
            return _builder_page(form, checked.errors, found, 400)
        rubric_admin.update_rubric(found, checked.data)
        db.session.commit()
        flash(_("Rubric %(name)s saved.", name=localized(checked.data["name"])), "success")
        return redirect(url_for("roleplay.rubric", key=found.key))
    return _builder_page(builder.form_values(found.as_dict()), {}, found, 200, refusal)


@bp.route("/rubrics/<key>/delete", methods=["POST"])
@roles_required("trainer", "admin")
def delete_rubric(key: str):
    """Delete a trainer-built rubric (owner or admin); refused while it is in use."""
    found = _changeable_rubric_or_403(key)
    if not GuardForm().validate_on_submit():
        abort(400)
    try:
        rubric_admin.delete_rubric(found)
    except rubric_admin.RubricChangeRefused as refused:
        flash(localized(refused.message), "danger")
        return redirect(url_for("roleplay.rubric", key=found.key))
    db.session.commit()
    flash(_("Rubric %(name)s deleted.", name=localized(found.name)), "success")
    return redirect(url_for("roleplay.index"))


@bp.route("/rubrics/<key>/agreement")
@roles_required("trainer", "admin")
def agreement(key: str):
    """Inter-rater reliability for one rubric: ICC, alpha, severity, calibration advice."""
    rubric = _rubric_or_404(key)
    view = agreement_view(rubric, service.scorings_for(rubric))
    return render_template("roleplay/agreement.html", rubric=rubric, view=view)


def _trainee_choices() -> list[tuple[str, str]]:
    trainees = db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == "trainee", User.active.is_(True)).order_by(User.employee_no)).all()
    return [(str(u.id), f"{u.employee_no} {u.name}") for u in trainees]


@bp.route("/performances/new", methods=["GET", "POST"])
@roles_required("trainer")
def new_performance():
    """Schedule or record a trainee's role-play, with an optional recording."""
    all_cards = db.session.scalars(select(Card).order_by(Card.id)).all()
    all_rubrics = db.session.scalars(select(Rubric).order_by(Rubric.key)).all()
    form = PerformanceForm(cards=[(c.key, localized(c.content["title"])) for c in all_cards],
                           trainees=_trainee_choices(),
                           rubrics=[(r.key, localized(r.name)) for r in all_rubrics])
    if request.method == "GET" and request.args.get("card"):
        form.card.data = request.args["card"]
    if form.validate_on_submit():
        card = next(c for c in all_cards if c.key == form.card.data)
        trainee = db.session.get(User, int(form.trainee.data))
        recording = None
        upload = form.recording.data
        if upload and upload.filename:
            try:
                recording = recordings.save_recording(upload.filename, upload.mimetype,
                                                      upload.read())
            except recordings.ContentMismatch as error:
                form.recording.errors = [_(
                    "The file's content is not a %(type)s recording (checked from its first "
                    "bytes); upload the original audio or video file.", type=str(error))]
                return render_template("roleplay/performance_form.html", form=form), 400
            except recordings.RecordingError as error:
                form.recording.errors = [_(
                    "Only audio or video recordings are accepted, up to the size limit "
                    "(allowed: %(allowed)s).", allowed=str(error))]
                return render_template("roleplay/performance_form.html", form=form), 400
        rubric = next((r for r in all_rubrics if r.key == form.rubric.data), None)
        performance = service.create_performance(card, trainee, form.performed_on.data,
                                                 current_user, recording, rubric)
        db.session.commit()
        flash(_("Performance recorded. You can score it now."), "success")
        return redirect(url_for("roleplay.performance", performance_id=performance.id))
    status = 400 if form.errors else 200
    return render_template("roleplay/performance_form.html", form=form), status


@bp.route("/performances/<int:performance_id>")
@signed_in
def performance(performance_id: int):
    """A performance: the trainee sees their result; trainers see scores once they scored."""
    found = service.performance_for(current_user, performance_id)
    result = service.trainee_result(found)
    if not service.is_staff(current_user):
        return render_template("roleplay/my_result.html", performance=found, result=result)
    return render_template("roleplay/performance.html", performance=found, result=result,
                           mine=service.own_score(found, current_user),
                           see_all=service.may_see_all_scores(found, current_user))


@bp.route("/performances/<int:performance_id>/score", methods=["GET", "POST"])
@roles_required("trainer")
def score(performance_id: int):
    """The tablet scoring form; changing a submitted score needs a reason."""
    found = service.performance_for(current_user, performance_id)
    mine = service.own_score(found, current_user)
    guard = GuardForm()
    values = dict(request.form) if request.method == "POST" else _score_values(mine)
    errors: dict = {}
    if request.method == "POST":
        if not guard.validate_on_submit():
            abort(400)
        entry, errors = service.read_score_form(found, request.form)
        reason = request.form.get("reason", "").strip()
        if mine is not None and not reason:
            errors["reason"] = "missing"
        if not errors:
            if mine is None:
                service.submit_score(found, current_user, entry)
                flash(_("Score submitted. You can now see the other raters' scores."),
                      "success")
            else:
                service.revise_score(mine, current_user, entry, reason)
                flash(_("Score changed; the previous values are kept in the history."),
                      "success")
            db.session.commit()
            return redirect(url_for("roleplay.performance", performance_id=found.id))
    return render_template("roleplay/score_form.html", performance=found, guard=guard,
                           values=values, errors=errors, mine=mine, spec=found.rubric.spec,
                           criteria=service.scored_criteria(found),
                           not_applicable=service.not_applicable(found)), 400 if errors else 200


def _score_values(mine) -> dict:
    if mine is None:
        return {}
    values = {f"level_{k}": f"{v:g}" for k, v in mine.levels.items()}
    values.update({f"comment_{k}": v for k, v in mine.comments.items()})
    values["overall_comment"] = mine.overall_comment
    return values


@bp.route("/performances/<int:performance_id>/recording")
@signed_in
def recording(performance_id: int):
    """The recording, for the trainee who performed, trainers and administrators only."""
    found = service.performance_for(current_user, performance_id)
    if found.trainee_id != current_user.id and not service.is_staff(current_user):
        abort(404)
    if not found.recording_file:
        abort(404)
    path = recordings.recording_path(found.recording_file)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=found.recording_type, conditional=True)
