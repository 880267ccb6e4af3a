"""Trainer pages for overrides: own settings per person or department, reopening a closed
attempt, overriding a mark. The rules live in ``lms.exams.overrides``; these views parse the
form (times typed in local time, stored in UTC), call it and show what it refused."""

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lms.auth.access import roles_required
from lms.exams import extra_time, overrides
from lms.exams.attempts import AttemptRefused
from lms.exams.forms import MarkOverrideForm, OverrideForm, RemoveOverrideForm, ReopenForm
from lms.exams.models import Attempt, Exam, ExamOverride
from lms.exams.routes import bp
from lms.exams.routes_manage import (
    FIRST_YEAR,
    LAST_YEAR,
    TRAINERS,
    extension_refusal_text,
    form_errors,
    local_to_utc,
    utc_to_local,
)
from lms.extensions import db


def override_refusal_text(refused: AttemptRefused) -> str:
    """Why an override, reopen or mark change was refused, for the trainer."""
    return {
        "bad_target": _("For: choose a person or department this exam is assigned to."),
        "bad_extra_minutes": _("Extra minutes on the time limit: give 0 to 600."),
        "bad_extra_attempts": _("Extra attempts: give 0 to 20."),
        "nothing_to_override": _("Give extra minutes, extra attempts or an own opening or "
                                 "closing time."),
        "window_order": _("Own closing time: it must come after the opening time."),
        "bad_score": _("Score (%): give a number from 0 to 100."),
        "still_open": _("This attempt is still in progress; give it extra time instead."),
        "question_not_in_attempt": _("This question is not part of the attempt."),
        "bad_minutes": _("Minutes it stays open: give 1 to 600."),
        "no_such_override": _("This override no longer exists."),
        "saved_meanwhile": _("Someone saved an override for the same person or department at "
                             "the same moment; check the list below and save again."),
    }.get(refused.code) or extension_refusal_text(refused)


def _exam_or_404(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        abort(404)
    return exam


def _target_choices(exam: Exam) -> list[tuple[str, str]]:
    people, departments = overrides.override_targets(exam)
    return [("", _("Choose…"))] + [
        (f"department:{d.id}", _("Department: %(name)s", name=d.name)) for d in departments
    ] + [(f"user:{p.id}", f"{p.name} ({p.employee_no})") for p in people]


def _parse_target(value: str) -> tuple[int | None, int | None]:
    """(user id, department id) from ``user:<id>`` / ``department:<id>``; 400 otherwise."""
    kind, _sep, number = (value or "").partition(":")
    if kind not in ("user", "department") or not number.isdigit() or len(number) > 10:
        raise AttemptRefused(400, "bad_target", value[:20], field="target")
    return (int(number), None) if kind == "user" else (None, int(number))


def _utc(field, errors: list[str]) -> datetime | None:
    """A typed local time in UTC; a year outside 2000-2100 is an error naming the field."""
    value = field.data
    if value is None:
        return None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        errors.append(_("%(field)s: give a date between %(first)d and %(last)d.",
                        field=field.label.text, first=FIRST_YEAR, last=LAST_YEAR))
        return None
    return local_to_utc(value)


def _prefill(form: OverrideForm, exam: Exam, target: str) -> None:
    """Fill the form with the override the trainer chose to change (``?target=``)."""
    try:
        user_id, department_id = _parse_target(target)
    except AttemptRefused:
        return
    row = db.session.scalar(db.select(ExamOverride).where(
        ExamOverride.exam_id == exam.id,
        ExamOverride.user_id == user_id if user_id else
        ExamOverride.department_id == department_id))
    form.target.data = target
    if row is not None:
        form.extra_minutes.data, form.extra_attempts.data = row.extra_minutes, \
            row.extra_attempts
        form.opens_at.data = utc_to_local(row.opens_at)
        form.closes_at.data = utc_to_local(row.closes_at)
        form.reason.data = row.reason


def _overrides_page(exam: Exam, form: OverrideForm, errors=(), status: int = 200):
    return render_template(
        "exams/overrides.html", exam=exam, form=form, errors=list(errors),
        rows=overrides.overrides_of(exam), audit=overrides.audit_of(exam),
        remove_form=RemoveOverrideForm(formdata=None)), status


@bp.route("/exams/manage/<int:exam_id>/overrides", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def manage_overrides(exam_id: int):
    """Own settings of the exam per person or department, and the audit of every override."""
    exam = _exam_or_404(exam_id)
    form = OverrideForm()
    form.target.choices = _target_choices(exam)
    if request.method == "GET":
        if request.args.get("target"):
            _prefill(form, exam, request.args["target"][:40])
        return _overrides_page(exam, form)
    if not form.validate_on_submit():
        return _overrides_page(exam, form, form_errors(form), 400)
    errors: list[str] = []
    opens, closes = _utc(form.opens_at, errors), _utc(form.closes_at, errors)
    if errors:
        return _overrides_page(exam, form, errors, 400)
    values = overrides.OverrideValues(form.extra_minutes.data, form.extra_attempts.data,
                                      opens, closes)
    try:
        user_id, department_id = _parse_target(form.target.data)
        overrides.set_override(exam, values, form.reason.data, current_user.id,
                               user_id=user_id, department_id=department_id)
    except AttemptRefused as refused:
        db.session.rollback()
        return _overrides_page(exam, form, [override_refusal_text(refused)], refused.status)
    flash(_("Override saved. The trainee sees it, with your reason, on their exam page."),
          "success")
    return redirect(url_for("exams.manage_overrides", exam_id=exam.id))


@bp.route("/exams/manage/overrides/<int:override_id>/remove", methods=["POST"])
@roles_required(*TRAINERS)
def manage_remove_override(override_id: int):
    """Remove one override (the exam's own settings apply again), with a reason."""
    row = db.session.get(ExamOverride, override_id)
    if row is None:
        abort(404)
    exam = row.exam
    form = RemoveOverrideForm()
    if not form.validate_on_submit():
        page = OverrideForm(formdata=None)
        page.target.choices = _target_choices(exam)
        return _overrides_page(exam, page, form_errors(form), 400)
    overrides.remove_override(row.id, form.reason.data, current_user.id)
    flash(_("Override removed."), "success")
    return redirect(url_for("exams.manage_overrides", exam_id=exam.id))


def attempt_tools(attempt: Attempt) -> dict:
    """What the trainer's view of a closed attempt offers: reopen, score and marks forms."""
    return {"reopen_refusal": extra_time.reopen_refusal(attempt, allow_submitted=True),
            "reopen_form": ReopenForm(formdata=None),
            "mark_form": MarkOverrideForm(formdata=None),
            "marks": overrides.mark_overrides_of(attempt),
            "audit": [row for row in overrides.audit_of(attempt.exam, attempt.user_id)
                      if row.attempt_id == attempt.id],
            "refusal_text": lambda code: override_refusal_text(AttemptRefused(409, code))}


def _attempt_or_404(attempt_id: int) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def _back_with_errors(attempt: Attempt, errors: list[str], status: int):
    """The trainer's attempt page again, with what was refused."""
    from lms.exams.routes_manage import attempt_page

    db.session.rollback()
    return attempt_page(attempt, errors, status)


@bp.route("/exams/manage/attempts/<int:attempt_id>/reopen", methods=["POST"])
@roles_required(*TRAINERS)
def manage_reopen_attempt(attempt_id: int):
    """Reopen a closed attempt (also a submitted one) for some minutes, with a reason."""
    attempt = _attempt_or_404(attempt_id)
    form = ReopenForm()
    if not form.validate_on_submit():
        return _back_with_errors(attempt, form_errors(form), 400)
    try:
        overrides.reopen_attempt(attempt.id, form.minutes.data, form.reason.data,
                                 current_user.id)
    except AttemptRefused as refused:
        return _back_with_errors(attempt, [override_refusal_text(refused)], refused.status)
    flash(ngettext("Attempt %(n)d of %(name)s is open again for %(num)d minute.",
                     "Attempt %(n)d of %(name)s is open again for %(num)d minutes.",
                     form.minutes.data, n=attempt.number, name=attempt.user.name), "success")
    return redirect(url_for("exams.manage_exam", exam_id=attempt.exam_id))


@bp.route("/exams/manage/attempts/<int:attempt_id>/mark", methods=["POST"])
@roles_required(*TRAINERS)
def manage_override_mark(attempt_id: int):
    """Set the attempt's score, or one question's marks (``question`` = its slot), with why."""
    attempt = _attempt_or_404(attempt_id)
    form = MarkOverrideForm()
    if not form.validate_on_submit():
        return _back_with_errors(attempt, form_errors(form), 400)
    raw_slot = request.form.get("question", "")
    if raw_slot and (not raw_slot.isdigit() or len(raw_slot) > 10):
        return _back_with_errors(attempt, [_("This question is not part of the attempt.")],
                                 400)
    try:
        overrides.override_mark(attempt.id, form.score.data, form.reason.data,
                                current_user.id, slot_id=int(raw_slot) if raw_slot else None)
    except AttemptRefused as refused:
        return _back_with_errors(attempt, [override_refusal_text(refused)], refused.status)
    flash(_("Marks saved; the trainee's exam result and courses follow."), "success")
    return redirect(url_for("exams.manage_attempt", attempt_id=attempt.id))
