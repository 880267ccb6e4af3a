"""Trainee pages: my exams, taking an attempt (autosave, timer), review, transcript, and the
public certificate check. Trainer pages live in ``routes_manage`` and ``routes_bank``."""

from dataclasses import replace

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.auth.access import public, signed_in
from lms.auth.models import utcnow
from lms.exams import attempts as attempt_service
from lms.exams import certificates, exam_service, extra_time, grading, overrides, results
from lms.exams import service as exam_links
from lms.exams.forms import ConfirmForm
from lms.exams.models import Attempt, AttemptState, Certificate
from lms.exams.responses import PROBLEMS, PayloadRefused, from_form, read_payload
from lms.extensions import db
from lms.home.widgets import register_widget
from question_bank import qtypes
from question_bank.grading import correctness_of, unanswered

bp = Blueprint("exams", __name__, cli_group=None)
certificates.connect()
exam_links.connect()


def language() -> str:
    """The interface language, which is also the language questions are shown in."""
    return str(get_locale() or "zh")


def refusal_text(code: str) -> str:
    """The translated message for a refusal code."""
    return {
        "not_your_attempt": _("There is nothing at this address."),
        "question_not_in_attempt": _("This question is not part of your attempt."),
        "attempt_closed": _("The attempt is closed; this answer was not saved."),
        "invalid_response": _("This answer does not fit the question and was not saved."),
        "bad_payload": _("This answer was not saved."),
        "window_closed": _("This exam is not open now."),
        "no_attempts_left": _("You have used every attempt at this exam."),
        "not_assigned": _("There is nothing at this address."),
    }.get(code, _("Bad request"))


def _attempt_or_404(attempt_id: int, lock: bool = False):
    try:
        return attempt_service.own_attempt(attempt_id, current_user.id, lock=lock)
    except attempt_service.AttemptRefused:
        abort(404)


def _home_widget(user) -> dict:
    """The trainee's exam panel: every exam waiting now (to start or to continue)."""
    now = utcnow()
    statuses = [exam_service.status_for(e, user.id, now)
                for e in exam_service.assigned_exams(user)]
    waiting = [s for s in statuses if s.waiting]
    return {"exam_statuses": waiting[:5], "waiting_count": len(waiting)}


register_widget("trainee", "exams/_home_widget.html", _home_widget, order=30)


def _close_my_expired(user_id: int, now) -> None:
    """Close my open attempts past their deadline, so no page offers to continue them."""
    expired = db.session.scalars(select(Attempt).where(
        Attempt.user_id == user_id, Attempt.state == AttemptState.IN_PROGRESS.value,
        Attempt.deadline.is_not(None), Attempt.deadline <= now)).all()
    for attempt in expired:
        attempt_service.close_if_expired(attempt, now)


@bp.route("/exams/mine")
@signed_in
def my_exams():
    """The exams I must take, with their window, attempts left, results and certificates."""
    now = utcnow()
    _close_my_expired(current_user.id, now)
    statuses = [exam_service.status_for(e, current_user.id, now)
                for e in exam_service.assigned_exams(current_user)]
    outcomes = {s.exam.id: grading.exam_result(s.exam, current_user.id) for s in statuses}
    return render_template(
        "exams/my_exams.html", statuses=statuses, outcomes=outcomes, confirm=ConfirmForm(),
        certificates=certificates.certificates_of(current_user.id),
        renewals=certificates.due_for_recertification(current_user.id, now), now=now,
        is_valid=certificates.is_valid)


@bp.route("/exams/mine/<slug>")
@signed_in
def my_exam(slug: str):
    """One exam of mine: my window, time limit, attempts, result, and my trainer's overrides."""
    exam = exam_service.exam_by_slug(slug)
    if exam is None or not exam_service.is_assigned(exam, current_user):
        abort(404)
    now = utcnow()
    _close_my_expired(current_user.id, now)
    status = exam_service.status_for(exam, current_user.id, now)
    return render_template(
        "exams/my_exam.html", exam=exam, s=status, confirm=ConfirmForm(),
        outcome=grading.exam_result(exam, current_user.id),
        notices=overrides.trainee_notices(exam, current_user))


@bp.route("/exams/<slug>/start", methods=["POST"])
@signed_in
def my_start(slug: str):
    """Start (or resume) an attempt; the server sets the deadline."""
    exam = exam_service.exam_by_slug(slug)
    if exam is None or not ConfirmForm().validate_on_submit():
        abort(404 if exam is None else 400)
    try:
        attempt = attempt_service.start_attempt(exam, current_user)
    except attempt_service.AttemptRefused as refused:
        if refused.status == 404:
            abort(404)
        flash(refusal_text(refused.code), "warning")
        return redirect(url_for("exams.my_exams"))
    return redirect(url_for("exams.my_attempt", attempt_id=attempt.id))


@bp.route("/exams/attempts/<int:attempt_id>")
@signed_in
def my_attempt(attempt_id: int):
    """One page of an open attempt: questions without their key, saved answers, timer."""
    attempt = _attempt_or_404(attempt_id)
    if attempt_service.close_if_expired(attempt) or not attempt.is_open:
        flash(_("This attempt is closed. Here is what was saved."), "info")
        return redirect(url_for("exams.my_review", attempt_id=attempt.id))
    pages = attempt_service.pages_of(attempt)
    page = min(max(request.args.get("page", 0, type=int), 0), pages - 1)
    questions = attempt_service.page_views(attempt, page, language())
    _add_during_review(attempt, questions)
    return render_template(
        "exams/attempt.html", attempt=attempt, exam=attempt.exam, page=page, pages=pages,
        questions=questions,
        remaining=attempt_service.remaining_seconds(attempt), confirm=ConfirmForm())


def _add_during_review(attempt, questions: list[dict]) -> None:
    """What the exam's "during the attempt" review options show for answered questions."""
    show = grading.review_options(attempt.exam, attempt)
    if not any((show.score, show.correctness, show.feedback, show.right_answer)):
        return
    slots = {slot.id: slot for slot in attempt.questions}
    for item in questions:
        slot = slots[item["slot"]]
        if slot.answer is None:
            continue
        question, grade = grading.grade_slot(slot)
        item["during"] = qtypes.review_view(question, slot.answer.response, grade, language(),
                                            attempt_service.question_rng(attempt, slot), show)


def _refusal_reply(refused: attempt_service.AttemptRefused):
    """The JSON the page shows for a refused save: code, field at fault, a readable message."""
    message = refusal_text(refused.code)
    if refused.issues:
        message += " " + "; ".join(issue.message(language()) for issue in refused.issues)
    elif refused.params.get("problem") in PROBLEMS:
        message += f" {refused.field}: {PROBLEMS[refused.params['problem']]}"
    return jsonify(error=refused.code, field=refused.field, message=message), refused.status


@bp.route("/exams/attempts/<int:attempt_id>/answers", methods=["POST"])
@signed_in
def my_save(attempt_id: int):
    """Save one answer (JSON ``{"slot": id, "response": ...}``); confirms with the time."""
    try:
        slot, response = read_payload(request.get_json(silent=True))
    except RecursionError:  # JSON nested thousands deep: the parser gives up
        refused = PayloadRefused("response", "deep")
    except PayloadRefused as bad:
        refused = bad
    else:
        refused = None
    if refused is not None:
        return jsonify(error="bad_request", field=refused.field,
                       message=f"{_('Bad request')}: {refused.message()}"), 400
    try:
        receipt = attempt_service.save_answer(attempt_id, current_user.id, slot, response)
    except attempt_service.AttemptRefused as refused:
        db.session.rollback()
        return _refusal_reply(refused)
    return jsonify(saved_at=receipt.saved_at.isoformat() + "Z", revision=receipt.revision,
                   remaining=receipt.remaining)


@bp.route("/exams/attempts/<int:attempt_id>/page", methods=["POST"])
@signed_in
def my_save_page(attempt_id: int):
    """Save every answer of a page posted as a plain form (works without JavaScript)."""
    attempt = _attempt_or_404(attempt_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    page = request.form.get("page", 0, type=int)
    for slot in [s for s in attempt.questions if s.page == page]:
        raw = from_form(attempt_service.shown_definition(attempt, slot), request.form,
                        f"q-{slot.id}")
        stored = slot.answer.response if slot.answer else None
        if raw is None or raw == stored:
            continue
        try:
            attempt_service.save_answer(attempt.id, current_user.id, slot.id, raw)
        except attempt_service.AttemptRefused as refused:
            db.session.rollback()
            flash(refusal_text(refused.code), "warning")
            if refused.code == "attempt_closed":
                return redirect(url_for("exams.my_review", attempt_id=attempt.id))
    if request.form.get("finish") == "1":
        attempt_service.submit(attempt.id, current_user.id)
        return redirect(url_for("exams.my_review", attempt_id=attempt.id))
    flag = request.form.get("flag", type=int)
    if flag:
        slot = next((s for s in attempt.questions if s.id == flag), None)
        try:
            attempt_service.set_flag(attempt.id, current_user.id, flag,
                                     not (slot is not None and slot.flagged))
        except attempt_service.AttemptRefused as refused:
            db.session.rollback()
            flash(refusal_text(refused.code), "warning")
        number = slot.position + 1 if slot is not None else 1
        return redirect(url_for("exams.my_attempt", attempt_id=attempt.id, page=page,
                                _anchor=f"q{number}"))
    if request.form.get("summary") == "1":
        return redirect(url_for("exams.my_summary", attempt_id=attempt.id))
    goto = request.form.get("goto", page, type=int)
    return redirect(url_for("exams.my_attempt", attempt_id=attempt.id, page=goto))


@bp.route("/exams/attempts/<int:attempt_id>/flag", methods=["POST"])
@signed_in
def my_flag(attempt_id: int):
    """Flag or unflag one question (JSON ``{"slot": id, "flagged": true}``)."""
    payload = request.get_json(silent=True)
    slot = payload.get("slot") if isinstance(payload, dict) else None
    flagged = payload.get("flagged") if isinstance(payload, dict) else None
    if isinstance(slot, bool) or not isinstance(slot, int) or not isinstance(flagged, bool):
        return jsonify(error="bad_request", field="slot" if not isinstance(slot, int)
                       else "flagged", message=_("Bad request")), 400
    try:
        state = attempt_service.set_flag(attempt_id, current_user.id, slot, flagged)
    except attempt_service.AttemptRefused as refused:
        db.session.rollback()
        return _refusal_reply(refused)
    return jsonify(flagged=state)


@bp.route("/exams/attempts/<int:attempt_id>/summary")
@signed_in
def my_summary(attempt_id: int):
    """Before submitting: every question answered or not and flagged or not, with links."""
    attempt = _attempt_or_404(attempt_id)
    if attempt_service.close_if_expired(attempt) or not attempt.is_open:
        return redirect(url_for("exams.my_review", attempt_id=attempt.id))
    rows = attempt_service.summary(attempt)
    return render_template("exams/summary.html", attempt=attempt, exam=attempt.exam, rows=rows,
                           open_numbers=[r.number for r in rows if not r.answered],
                           flagged_numbers=[r.number for r in rows if r.flagged],
                           remaining=attempt_service.remaining_seconds(attempt),
                           confirm=ConfirmForm())


@bp.route("/exams/attempts/<int:attempt_id>/status")
@signed_in
def my_status(attempt_id: int):
    """The server's clock for the attempt: remaining seconds and whether it is still open."""
    attempt = _attempt_or_404(attempt_id)
    attempt_service.close_if_expired(attempt)
    return jsonify(open=attempt.is_open, remaining=attempt_service.remaining_seconds(attempt),
                   review_url=url_for("exams.my_review", attempt_id=attempt.id))


@bp.route("/exams/attempts/<int:attempt_id>/submit", methods=["POST"])
@signed_in
def my_submit(attempt_id: int):
    """Submit the attempt (a second submit does nothing more)."""
    _attempt_or_404(attempt_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    attempt = attempt_service.submit(attempt_id, current_user.id)
    flash(_("Your attempt is submitted."), "success")
    return redirect(url_for("exams.my_review", attempt_id=attempt.id))


def _show_mark_override(view: dict, mark, points: float, show) -> None:
    """Put a trainer's marks for one question into its review view, as ``show`` allows."""
    view["state"] = "graded"
    if show.score:
        view["fraction"], view["score"] = mark.value, mark.value * points
    if show.correctness:
        found = correctness_of(mark.value)
        view["correctness"] = found.value if found else None


def review_items(attempt, show, lang: str) -> list[dict]:
    """The review view of each question of a closed attempt, as ``show`` allows.

    A trainer's mark override of a question replaces its automatic marks in the view (the
    item carries it, so the page can say who changed it and why). ``unanswered`` marks a
    question the trainee left blank.
    """
    marks = overrides.mark_overrides_of(attempt)
    items = []
    for slot in attempt.questions:
        question, grade = grading.grade_slot(slot)
        if not attempt.exam.shuffle_options:
            question = replace(question, shuffle_options=False)
        response = slot.answer.response if slot.answer else None
        rng = attempt_service.question_rng(attempt, slot)
        try:
            view = qtypes.review_view(question, response, grade, lang, rng, show)
        except (KeyError, ValueError):  # a response a corrected key no longer knows
            view = qtypes.review_view(question, None, unanswered(), lang,
                                      attempt_service.question_rng(attempt, slot), show)
        attempt_service.arrange_like_attempt(view, attempt, slot, lang)
        worth = grading.slot_points(slot, question)
        view["points"] = worth
        if view.get("score") is not None and view.get("fraction") is not None:
            view["score"] = view["fraction"] * worth
        not_answered = view.get("state") == "unanswered"
        mark = marks.get(slot.id)
        if mark is not None:
            _show_mark_override(view, mark, worth, show)
        items.append({"slot": slot, "number": slot.position + 1, "view": view,
                      "unanswered": not_answered, "mark": mark,
                      "comment": slot.manual_grade.comment if slot.manual_grade else ""})
    return items


@bp.route("/exams/attempts/<int:attempt_id>/review")
@signed_in
def my_review(attempt_id: int):
    """My closed attempt, showing what the exam's review options allow now."""
    attempt = _attempt_or_404(attempt_id)
    attempt_service.close_if_expired(attempt)
    if attempt.is_open:
        return redirect(url_for("exams.my_attempt", attempt_id=attempt.id))
    show = grading.review_options(attempt.exam, attempt)
    items = review_items(attempt, show, language())
    extra_time.note_review_revealed(attempt, show)
    return render_template("exams/review.html", attempt=attempt, exam=attempt.exam, show=show,
                           items=items, trainer=False,
                           whole_mark=overrides.mark_overrides_of(attempt).get(None))


@bp.route("/exams/transcript")
@signed_in
def my_transcript():
    """Every attempt I made, newest first."""
    return render_template("exams/transcript.html", person=current_user,
                           attempts=results.transcript(current_user.id))


@bp.route("/exams/certificates/<code>.pdf")
@signed_in
def my_certificate_pdf(code: str):
    """A certificate as PDF, for its holder or a trainer/administrator."""
    certificate = certificates.by_code(code) if plausible_code(code) else None
    if certificate is None or (certificate.user_id != current_user.id
                               and not current_user.has_role("trainer", "admin")):
        abort(404)
    return Response(certificates.certificate_pdf(certificate), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f"inline; filename=certificate-{certificate.code}.pdf"})


def plausible_code(code: str) -> bool:
    """Whether ``code`` could be a certificate code (short, printable, no NUL)."""
    return 0 < len(code) <= 64 and code.isprintable()


@bp.route("/verify/<code>")
@public
def verify(code: str):
    """Public check of a certificate: holder, course, dates, validity, and its chain
    (renewals that superseded it, revocations and why), times in local time."""
    certificate: Certificate | None = certificates.by_code(code) if plausible_code(code) \
        else None
    status = 404 if certificate is None else 200
    return render_template("exams/verify.html", certificate=certificate, code=code[:60],
                           valid=certificate is not None and certificates.is_valid(certificate),
                           chain=certificates.chain_of(certificate) if certificate else []
                           ), status


@bp.route("/verify", methods=["GET"])
@public
def verify_form():
    """A box to type a verification code into."""
    code = request.args.get("code", "").strip()
    if code and not plausible_code(code):
        return render_template("exams/verify.html", certificate=None, code=code[:60],
                               valid=False), 404
    if code:
        return redirect(url_for("exams.verify", code=code.upper()))
    return render_template("exams/verify.html", certificate=None, code="", valid=False)


from lms.exams import (  # noqa: E402,F401  (register routes)
    cli,
    routes_authoring,
    routes_bank,
    routes_build,
    routes_manage,
    routes_overrides,
)
